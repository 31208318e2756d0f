"""The alignment clock chapter's charts, and the headings of its tables.

The clock is a slider chart that works with no kernel: Vega redoes the model's arithmetic
(mosaic.analyses.alignment_clock: reliability, generations_to_threshold, required_p, months_until
with its floor) in the browser, starting from the chapter's settings. Its title is the analysis's
finding, redone for the sliders (`Chart.live_title`), and its read-out gives the reliability needed,
in lines as wide as the plot.
"""
from __future__ import annotations

import datetime as dt
import json

import altair as alt
import pandas as pd

from ...analyses.alignment_clock import BEYOND
from ...analyses.figures import Headline
from ...analyses.trends import DAYS_PER_MONTH
from .. import palette
from ..charts import Chart, wrap, wrap_expr

# Slider ranges: wide enough to explore, and always wide enough to hold the chapter's own values.
P_RANGE = (0.99, 0.99999)
CADENCE_RANGE = (7, 730)  # days
SHRINK_MAX = 0.2
FLOOR_MAX_DAYS = 180
# The clock's title once a pace slider has moved from the chapter's own value.
PACE_MOVED = "at the pace the sliders set"
TITLE_CHARS = 38  # a panel title's line: short, so that a panel's title never sets its width
# Forecasters' names, wrapped at whole words rather than cut short: in smaller type and shorter lines on a
# phone, where the longest name (54 characters) takes three lines; a row holds three lines and a gap.
PHONE = "containerSize()[0] < 500"
LABEL_CHARS = f"({PHONE} ? 19 : 36)"
LABEL_SIZE = {"expr": f"{PHONE} ? 11 : 12"}
LABEL_LINE = 13  # px between the lines of a name
ROW = 3 * LABEL_LINE + 6

# Tables: the columns shown, as the page heads them, and what an empty table says (ch.table(frame, **TABLE)).
P_SENSITIVITY = {"columns": {"p_text": "p per generation", "generations_text": "Generations until below the threshold",
                             "steady_text": "At the clock's pace", "unfloored_text": "Shortening, no floor",
                             "floored_text": "Shortening, with the floor"}}
AAR = {"columns": {"model_or_study": "Who", "signal": "Measure", "value_as_reported": "Result", "unit": "Unit",
                   "comparison": "Compared with", "source_type": "Source tier", "note": "How it was read"},
       "missing": "", "empty": "The automated alignment researcher study had not been published by this date."}
FORECASTS = {"columns": {"date_made_as_written": "Made", "forecaster": "Forecaster", "target_event": "Event",
                         "target_as_written": "By", "probability_or_value": "Probability or value",
                         "value_type": "Kind", "source_type": "Source tier"},
             "missing": "", "empty": "No forecast had been made by this date."}


def _ms(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp() * 1000)


# The model in Vega's expression language, term by term as in analyses.alignment_clock.months_until:
# generations at least the floor long, then the shrinking gaps' sum, then the rest at the floor.
CADENCE = f"(cadence_days / {DAYS_PER_MONTH})"
FLOOR = f"(floor_days / {DAYS_PER_MONTH})"
ABOVE = (f"({FLOOR} <= 0 ? MAX_VALUE : ({FLOOR} >= {CADENCE} ? 0 : (shrink == 0 ? MAX_VALUE : "
         f"floor(log({FLOOR} / {CADENCE}) / log(1 - shrink)) + 1)))")


def months(n: str) -> str:
    before = f"min({n}, {ABOVE})"
    shrinking = (f"(shrink == 0 ? {CADENCE} * {before} : "
                 f"{CADENCE} * (1 - pow(1 - shrink, {before})) / shrink)")
    return f"({shrinking} + ({n} - {before}) * {FLOOR})"


def percent(x: str) -> str:
    """A share as the analysis's percent() writes it, as Vega computes it: 0.999 -> '99.9%', 0.05 -> '5%'."""
    return f"format({x}, '.4~%')"


def clock(h: Headline) -> Chart:
    """Reliability left against generations, with sliders; the title dates the crossing when a pace is known."""
    s = h.tables["clock_settings"].iloc[0]
    dated = pd.notna(s.cadence_days) and pd.notna(s.floor_days) and s.start is not None
    top = int(s.max_generations)
    params = [
        alt.param(name="p", value=float(s.p), bind=alt.binding_range(
            min=min(P_RANGE[0], float(s.p)), max=max(P_RANGE[1], float(s.p)), step=0.00001,
            name="Per-generation reliability p ")),
        alt.param(name="T", value=float(s.threshold), bind=alt.binding_range(
            min=0.05, max=0.95, step=0.05, name="Threshold T ")),
        alt.param(name="H", value=int(s.horizon_generations), bind=alt.binding_range(
            min=10, max=max(top, int(s.horizon_generations)), step=10, name="Generations to stay above T ")),
    ]
    calc = {"reliability": "pow(p, datum.n) * 100"}
    tooltip = [alt.Tooltip("n:Q", title="Generation"),
               alt.Tooltip("reliability:Q", title="Reliability (%)", format=".2f")]
    if dated:
        start = dt.date.fromisoformat(s.start)
        params += [
            alt.param(name="cadence_days", value=float(s.cadence_days), bind=alt.binding_range(
                min=min(CADENCE_RANGE[0], float(s.cadence_days)), max=max(CADENCE_RANGE[1], float(s.cadence_days)),
                step=0.5, name="Days per generation ")),
            alt.param(name="shrink", value=float(s.cadence_shrink), bind=alt.binding_range(
                min=0, max=max(SHRINK_MAX, float(s.cadence_shrink)), step=0.005,
                name="Each generation shorter than the last by ")),
            alt.param(name="floor_days", value=float(s.floor_days), bind=alt.binding_range(
                min=0, max=max(FLOOR_MAX_DAYS, float(s.floor_days)), step=1,
                name="But never shorter than (days) ")),
        ]
        calc["date"] = when("datum.n", start, "%b %Y")
        tooltip.append(alt.Tooltip("date:N", title="Around"))
        # When the crossing comes, for the title and the crossing's tooltip.
        params.append(alt.param(name=CROSSING_DAY, expr=f"toDate({day(CROSSING, start)})"))
    base = alt.Chart(alt.sequence(0, top + 1, as_="n")).transform_calculate(**calc).encode(
        x=alt.X("n:Q", title="Generations of AI-built successors", scale=alt.Scale(domain=[0, top])),
        y=alt.Y("reliability:Q", title="Reliability left (%)", scale=alt.Scale(domain=[0, 100])),
        tooltip=tooltip,
    )
    curve = base.mark_line(color=palette.FIT, strokeWidth=2.5).add_params(*params)
    # A line answers a hover with one point only; invisible points every ten generations answer along it.
    hover = base.transform_filter("datum.n % 10 == 0").mark_point(size=150, opacity=0, filled=True,
                                                                   color=palette.FIT)
    one = alt.Chart(pd.DataFrame({"x": [0]}))
    rule = one.transform_calculate(level="T * 100").mark_rule(color=palette.VERMILION, strokeDash=[5, 3]).encode(
        y="level:Q")
    label = one.transform_calculate(nstar=f"p >= 1 ? -1 : {CROSSING}", level="T * 100",
                                    **({"when": f"utcFormat({CROSSING_DAY}, '%B %Y')"} if dated else {}))
    tip = [alt.Tooltip("nstar:Q", title="Falls below the threshold at generation")]
    if dated:
        tip.append(alt.Tooltip("when:N", title="Around"))
    crossing = label.transform_filter(f"datum.nstar >= 0 && datum.nstar <= {top}").mark_point(
        color=palette.VERMILION, size=90, filled=True).encode(x="nstar:Q", y="level:Q", tooltip=tip)
    # The reliability needed, in lines as wide as the plot (a character of 12 px text takes about 7 px),
    # never cut short; the title gives the crossing.
    needed = (f"'Needed to stay above ' + {percent('T')} + ' for ' + format(H, ',') + ' generations: p = ' + "
              "format(pow(T, 1 / H), '.4%')")
    readout = one.mark_text(align="left", baseline="bottom", x=12, y={"expr": "height - 8"}, fontSize=12,
                            lineHeight=15, color=palette.THRESHOLD,
                            text={"expr": wrap_expr(needed, "max(16, floor((width - 24) / 7))")})
    data = {"alignment-clock": h.tables["clock"], "alignment-clock-settings": h.tables["clock_settings"]}
    return Chart(
        alt.layer(curve, hover, rule, crossing, readout, height=340),
        name="alignment-clock",
        finding=h.text("clock_finding"),
        # The title is the analysis's clock_finding, redone by Vega for the sliders.
        live_title=finding(s, start if dated else None, h.text("clock_pace")),
        description=(
            "Line chart of the reliability left, in percent, after each generation of AI-built successors, for a "
            "per-generation reliability p. A dashed line marks the threshold and a dot the generation at which "
            "reliability falls below it. Sliders set p, the threshold and the number of generations to survive"
            + ("; and the days per generation, how much shorter each generation is than the last, and the "
               "shortest a generation can be. The title gives the generation and date at which reliability falls "
               "below the threshold" if dated else ". The title gives the generation at which reliability falls "
               "below the threshold")
            + ", and the text at bottom left the p needed to stay above it; both follow the sliders. Hover over the "
            "line for each generation's reliability" + (" and approximate date" if dated else "")
            + f". What the data show, at the chapter's values: {h.text('clock_finding')}"
            + (f", counting one generation every {h.text('clock_cadence_days')} from {h.text('clock_start')}"
               if dated else "")
            + f"; staying above {h.text('threshold')} for {h.text('horizon_generations')} generations needs "
            f"{h.text('clock_required_p')} per generation."),
        data=data,
        sources=["import-ai-455", ("Coding chapter: METR's frontier models", "coding.html")] if dated
        else ["import-ai-455"],
    )


# The first generation below the threshold, as analyses.alignment_clock.generations_to_threshold counts it.
CROSSING = "floor(log(T) / log(p)) + 1"
CROSSING_DAY = "crossing_day"  # the chart's parameter holding the date it comes, at the sliders' pace


def finding(s: pd.Series, start: dt.date | None, pace: str) -> str:
    """The analysis's clock_finding as a Vega expression over the sliders (Chart.live_title).

    At the chapter's own settings it gives the finding word for word; once a pace slider moves, the pace
    is the sliders', and the title says so.
    """
    out = (f"'A technique ' + {percent('p')} + ' reliable per generation falls below ' + {percent('T')} + "
           f"' after ' + (p >= 1 ? 'no number of generations' : format({CROSSING}, ',') + ' generations'")
    if start is None:
        return out + ")"
    own = (f"cadence_days == {float(s.cadence_days)!r} && shrink == {float(s.cadence_shrink)!r} && "
           f"floor_days == {float(s.floor_days)!r}")
    # Python's dates end with the year 9999; past it the analysis says the crossing is beyond the calendar.
    return (out + f" + (utcyear({CROSSING_DAY}) <= 9999 ? ', around ' + utcFormat({CROSSING_DAY}, '%B %Y') : "
            f"{json.dumps(', ' + BEYOND)}) + ' ' + ({own} ? {json.dumps(pace)} : {json.dumps(PACE_MOVED)}))")


def day(n: str, start: dt.date) -> str:
    """The time (ms) generation n arrives, as Vega computes it (the model's months, from the clock's start)."""
    return f"{_ms(start)} + {months(n)} * {DAYS_PER_MONTH} * 86400000"


def when(n: str, start: dt.date, fmt: str) -> str:
    """The date generation n arrives, as Vega formats it."""
    return f"utcFormat(toDate({day(n, start)}), '{fmt}')"


def panels(rows: pd.DataFrame, panel: str, y_title: str, series: str | None = None):
    """One small panel per `panel` value, so that only like is compared with like; one line per `series`.

    Each panel is as wide as the chart's box (its width is measured when the chart is drawn, and again when
    the page is resized); the last date on the axis is drawn flush with the panel's edge, never past it.
    """
    tooltip = [alt.Tooltip("model_or_study:N", title="Model or study"), alt.Tooltip("period:N", title="Date"),
               alt.Tooltip("signal:N", title="Signal"), alt.Tooltip("value:Q", title="Value (%)"),
               alt.Tooltip("unit:N", title="Unit"), alt.Tooltip("source_type:N", title="Source tier"),
               alt.Tooltip("source_title:N", title="Source")]
    charts = []
    for name in dict.fromkeys(rows[panel]):
        enc = dict(x=alt.X("when:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=4,
                                                                labelFlush=True)),
                   y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=[0, 100])), tooltip=tooltip)
        if series:
            enc["color"] = alt.Color(f"{series}:N", title=None, scale=alt.Scale(range=palette.CATEGORY),
                                     legend=alt.Legend(orient="bottom", columns=1,
                                                       labelLimit={"expr": "containerSize()[0] - 60"}))
        colour = {} if series else {"color": palette.FIT}  # one series: the palette's, not Vega's default blue
        charts.append(alt.Chart(rows[rows[panel] == name]).mark_line(
            point=alt.OverlayMarkDef(size=60, filled=True, **colour), **colour).encode(**enc).properties(
            title=alt.TitleParams(wrap(str(name), TITLE_CHARS), fontSize=13), width="container", height=170))
    # fit-x: the panels' axes and padding are taken out of the box's width, not added to it.
    return alt.vconcat(*charts, resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent", x="shared")),
                       autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def awareness(h: Headline) -> Chart:
    rows = h.tables["awareness"]
    if rows.empty:
        return Chart.nothing("evaluation-awareness", "No evaluation-awareness measurement had been published by this "
                                                     "date.")
    return Chart(
        panels(rows, "measurer", "Share (%)", series="signal"),
        name="evaluation-awareness",
        finding=h.text("awareness_finding"),
        description=(
            "One panel per measuring organisation, each showing its own evaluation-awareness measurements by date, "
            "one line per metric. Values are percentages of different things (samples, outputs, turns, pairs of "
            "conversations) and must not be compared across panels or across lines. Hover for the model, metric "
            f"and source. What the data show: {h.text('awareness_data')}."),
        data={"evaluation-awareness": rows},
        sources=sorted(set(rows.source_id)),
    )


def reward_hacking(h: Headline) -> Chart:
    rows = h.tables["reward_hacking"]
    if rows.empty:
        return Chart.nothing("reward-hacking", "No reward-hacking rate had been published by this date.")
    return Chart(
        panels(rows.assign(period=rows.when), "signal", "Share hacked (%)"),
        name="reward-hacking",
        finding=h.text("reward_hacking_finding"),
        description=(
            "One panel per Anthropic evaluation: the share of reward-hack-prone coding problems on which a model "
            "hacked the hidden tests, and the share of impossible tasks on which a classifier flagged hacking, "
            "with and without a prompt telling the model not to. Points are Claude models by release date; a model "
            "released without a day-exact date is left off. Anthropic made these evaluations harder over time. "
            f"What the data show: {h.text('reward_hacking_finding')}. {h.text('reward_hacking_data')}."),
        data={"reward-hacking": rows},
        sources=sorted(set(rows.source_id)),
    )


def forecasts(h: Headline) -> Chart:
    points = h.tables["forecast_points"]
    if points.empty:
        return Chart.nothing("forecasts", "No forecast with a target year had been made by this date.")
    kinds = list(dict.fromkeys(points.value_type))
    chart = alt.Chart(points).mark_point(filled=True, size=110, opacity=0.85).encode(
        x=alt.X("target_year:Q", title="Year named",
                scale=alt.Scale(zero=False, nice=False, padding=20), axis=alt.Axis(format="d", tickMinStep=1)),
        # Each name whole, in lines (labelLimit 0: no label is cut short).
        y=alt.Y("who:N", title=None, sort=alt.EncodingSortField("target_year", order="ascending"),
                axis=alt.Axis(labelExpr=wrap_expr("datum.label", LABEL_CHARS), labelLimit=0,
                              labelFontSize=LABEL_SIZE, labelLineHeight=LABEL_LINE)),
        color=alt.Color("value_type:N", title="Kind",
                        scale=alt.Scale(domain=kinds, range=palette.CATEGORY[:len(kinds)])),
        shape=alt.Shape("source_type:N", title="Source tier"),
        tooltip=[alt.Tooltip("forecaster:N", title="Forecaster"),
                 alt.Tooltip("date_made_as_written:N", title="Made"),
                 alt.Tooltip("target_event:N", title="Event"), alt.Tooltip("target_as_written:N", title="By"),
                 alt.Tooltip("target_year:Q", title="Year charted", format="d"),
                 alt.Tooltip("probability_or_value:N", title="Probability or value"),
                 alt.Tooltip("source_type:N", title="Source tier"), alt.Tooltip("source_title:N", title="Source")],
    ).properties(height=alt.Step(ROW))
    return Chart(
        chart,
        name="forecasts",
        finding=h.text("forecasts_finding"),
        description=(
            "Dot chart of public forecasts and lab targets about automating AI research, by the year each names, one "
            "row per forecaster or model run. Colour gives the kind of statement; shape gives the tier of the source "
            "it was read in. Forecasters define their events differently; hover for the exact event, the date as "
            "the forecaster wrote it, the value and the source. What the data show: "
            f"{h.text('forecasts_finding')}. {h.text('forecasts_charted')} of the {h.text('forecasts_total')} "
            f"statements on record name a single year and are drawn, {h.text('forecasts_data')}."),
        data={"forecasts": points},
        sources=sorted(set(points.source_id)),
    )
