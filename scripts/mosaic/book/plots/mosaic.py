"""The landing chapter's charts: every strand on one scale, the growth forms, the common capability scale."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ...analyses.figures import Headline
from .. import palette
from ...analyses.strands import CLIP
from ..charts import Chart, wrap_expr

LOG = alt.Scale(type="log")
AXIS_SWITCH = "axis_mode"  # the chart parameter that switches the horizontal axis
ERA_COLOURS = [palette.SKY, palette.ORANGE, palette.GREEN]
RANGE_LABEL_CHARS = 16  # a benchmark's name, in lines of this many characters: whole on a phone too


def _strand_colours(info: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Strands in order engineering, research, context; context series in grey."""
    order = {"engineering": 0, "research": 1, "context": 2}
    strands = (info[["strand", "kind"]].drop_duplicates().assign(o=lambda d: d.kind.map(order))
               .sort_values(["o"], kind="stable"))
    colours, i = [], 0
    for kind in strands.kind:
        if kind == "context":
            colours.append(palette.LIGHT_GREY)
        else:
            colours.append(palette.CATEGORY[i % len(palette.CATEGORY)])
            i += 1
    return list(strands.strand), colours


def _eras_layer(eras: pd.DataFrame, filtered: bool):
    """Shaded eras, named in the legend by the words before any colon (the description gives the rest)."""
    eras = eras.assign(era=eras.era.str.split(":").str[0])
    base = alt.Chart(eras)
    if filtered:
        base = base.transform_filter(f"{AXIS_SWITCH} == 'date'")
    rects = base.mark_rect(opacity=0.10).encode(
        x="start:Q", x2="end:Q",
        color=alt.Color("era:N", scale=alt.Scale(domain=list(eras.era), range=ERA_COLOURS[:len(eras)]),
                        legend=alt.Legend(title="The essay's eras", orient="bottom", columns=1, labelLimit=185)),
        tooltip=[alt.Tooltip("era:N", title="Era"), alt.Tooltip("start:Q", title="From", format=".1f"),
                 alt.Tooltip("end:Q", title="To", format=".1f")])
    return rects


def table(h: Headline, name: str) -> tuple[pd.DataFrame, dict]:
    """One of the landing chapter's tables with the columns it shows and their headings: ch.table(*table(m, name))."""
    first, last, share = h.text("first_year"), h.text("last_year"), h.text("share_of_threshold")
    headings = {
        "scoreboard": {"strand": "Strand", "view": "View", "kind": "Tasks", "introduced": "First result",
                       "launch": "At first", "latest": "Latest", "threshold": "Threshold (or ceiling)",
                       "threshold_source": "Its source",
                       "months": f"Months to {share} of the threshold", "status": "Status"},
        "thresholds": {"capability": "Capability", "kind": "Tasks", "strand": "Measured on", "level": "Threshold",
                       "why": "Why this level", "source": "Source", "when": "Reached (interval)",
                       "by_first": f"By the end of {first}",
                       "by_last": f"By the end of {last}"},
        "forms": {"form": "Growth form", "reaches": "Reaches the threshold (interval)",
                  "never_share": "Fits that never reach it", "p_first": f"By {first}", "p_last": f"By {last}",
                  "weight": "Weight", "note": "Note"},
        "sensitivity": {"change": "Change to the thresholds", "p_first": f"By {first}", "p_last": f"By {last}",
                        "unknown": "Cannot be projected"},
        "comparison": {"who": "Who", "made": "Made", "event": "Event forecast", "target": "By", "value": "Forecast"},
        "overlap_table": None,
        "lobo": {"label": "Left out", "models": "Models predicted",
                 "rmse_points": "Error (percentage points, root mean square)"},
        "kinds": {"kind": "Tasks", "strands": "Strands with a date", "median": f"Median date at {share}",
                  "rate": "Progress now (common scale)", "unknown": "Cannot be projected"},
        "views": {"view": "View", "strands": "Measured by", "says": "What it says"},
        "objections": {"objection": "Objection", "evidence": "What the book's data say",
                       "settles": "What would settle it", "status": "Status"},
    }
    frame = h.tables[name]
    columns = headings[name]
    if columns is not None and frame.empty:
        frame = pd.DataFrame(columns=list(columns))
    return frame, columns


def _quoted(text: str) -> str:
    """A string as a Vega expression literal (for one value shared by every row)."""
    import json

    return json.dumps(text)


def progress(h: Headline) -> Chart:
    """Every strand's record as % of the way to its threshold, by date or by months since it began, with bands."""
    points, bands, eras = h.tables["progress"], h.tables["bands"], h.tables["eras"]
    if points.empty:
        return Chart.nothing("mosaic-progress", "No chapter had published a series by this date.")
    strands, colours = _strand_colours(h.tables["strand_info"])
    switch = alt.param(name=AXIS_SWITCH, value="date", bind=alt.binding_radio(
        options=["date", "months"], labels=["Date", "Months since the series began"], name="Horizontal axis: "))
    x = alt.X("x:Q", title="Year, or months since start",
              scale=alt.Scale(zero=False, nice=False),
              axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True))
    colour = alt.Color("strand:N", title="Strand", scale=alt.Scale(domain=strands, range=colours),
                       legend=alt.Legend(orient="bottom", columns=1, labelLimit=200, symbolType="circle",
                                         symbolOpacity=1, symbolStrokeWidth=0))
    # Months since a series began are computed in the browser from the year and the strand's first year.
    calc = {"months": "round(120 * (datum.year - datum.began)) / 10",
            "x": f"{AXIS_SWITCH} == 'date' ? datum.year : 12 * (datum.year - datum.began)"}
    y = alt.Y("drawn:Q", title="Progress towards the threshold (%)", scale=alt.Scale(domain=[0, 120]))
    layers = []
    rules = pd.DataFrame({"y": [90, 100], "label": ["90% of the threshold", "the threshold (or ceiling)"]})
    layers.append(alt.Chart(rules).mark_rule(strokeDash=[5, 3], color=palette.THRESHOLD).encode(
        y=alt.Y("y:Q", scale=alt.Scale(domain=[0, 120])), tooltip=[alt.Tooltip("label:N", title="Line")]))
    info = alt.LookupData(data=h.tables["strand_info"], key="key",
                          fields=["strand", "kind", "chapter", "scale", "threshold", "source", "began"])
    if len(bands):
        band_base = alt.Chart(bands).transform_lookup(lookup="key", from_=info).transform_calculate(**calc)
        layers += [
            band_base.mark_area(opacity=0.14).encode(x=x, y=alt.Y("low:Q", scale=alt.Scale(domain=[0, 120])),
                                                     y2="high:Q", color=colour),
            band_base.mark_line(strokeDash=[4, 3], strokeWidth=1.5).encode(
                x=x, y=alt.Y("mid:Q", scale=alt.Scale(domain=[0, 120])), color=colour,
                tooltip=[alt.Tooltip("strand:N", title="Strand"), alt.Tooltip("date:N", title="Projected for"),
                         alt.Tooltip("mid:Q", title="Projection (%)", format=".0f"),
                         alt.Tooltip("low:Q", title="Band low (%)", format=".0f"),
                         alt.Tooltip("high:Q", title="Band high (%)", format=".0f")]),
        ]
    # A point's decimal year from its date, and its height drawn at most CLIP (the tooltip gives the value).
    dated = {"year": "utcyear(toDate(datum.date)) + (utcdayofyear(toDate(datum.date)) - 1) / 365.25",
             "drawn": f"min(datum.progress, {100 * CLIP:g})"}
    base = alt.Chart(points).transform_lookup(lookup="key", from_=info).transform_calculate(**dated) \
        .transform_calculate(**calc)
    layers += [
        base.mark_line(interpolate="step-after", strokeWidth=2).encode(x=x, y=y, color=colour),
        base.mark_point(filled=True, size=55).encode(
            x=x, y=y, color=colour, shape=alt.Shape("kind:N", title="Tasks", legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("strand:N", title="Strand"), alt.Tooltip("date:N", title="Date"),
                     alt.Tooltip("months:Q", title="Months since the series began", format=".1f"),
                     alt.Tooltip("value:N", title="Record"), alt.Tooltip("progress:Q", title="Progress (%)",
                                                                     format=".1f"),
                     alt.Tooltip("scale:N", title="Scale"), alt.Tooltip("threshold:N", title="Threshold or ceiling"),
                     alt.Tooltip("system:N", title="System"), alt.Tooltip("chapter:N", title="Chapter"),
                     alt.Tooltip("source:N", title="Source")]),
    ]
    # Made in one step: each Altair method on a layered chart copies every layer (a few hundred objects each).
    if len(eras):  # the eras have their own colours; the strands share theirs across layers
        shaded = _eras_layer(eras, True).encode(x=alt.X("start:Q", scale=alt.Scale(zero=False, nice=False)),
                                                x2="end:Q")
        chart = alt.LayerChart(layer=[shaded, alt.LayerChart(layer=layers)], params=[switch.param], height=420,
                               resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")))
    else:
        chart = alt.LayerChart(layer=layers, params=[switch.param], height=420)
    data = {"mosaic-progress": points.merge(h.tables["strand_info"], on="key", how="left"),
            "mosaic-projections": bands.merge(h.tables["strand_info"][["key", "strand"]], on="key", how="left")
            if len(bands) else bands}
    if len(eras):
        data["mosaic-eras"] = eras
    return Chart(
        chart, name="mosaic-progress", finding=h.text("progress_finding"),
        description=(
            "Line chart of every strand's record on one scale where 100% is its threshold: bounded scores as a "
            "share of their ceiling, unbounded series as the share of the log distance from their first value to "
            f"their threshold. Dashed lines and bands are projections ({h.text('ci_level')} band). A switch below "
            "sets months since each series began on the horizontal axis; shaded columns on the date axis are the "
            "essay's eras (the last: intentional again, with RL environments). Values above 120% are drawn at "
            "120%."),
        data=data, sources=sorted(set(h.tables["strand_sources"])),
    )


def forms(h: Headline) -> Chart:
    """The METR frontier and each growth form's curve to the end of the last target year, with the threshold."""
    curves, points, eras = h.tables["form_curves"], h.tables["form_points"], h.tables["eras"]
    if curves.empty or points.empty:
        return Chart.nothing("mosaic-growth-forms", "Too few METR measurements to fit the growth forms by this date.")
    threshold = h["mosaic_threshold_minutes"]
    top = float(threshold.value) * 10
    y_scale = alt.Scale(type="log", domain=[float(points.minutes.min()) / 2, top], clamp=True)
    x = alt.X("year:Q", title="Date (year)", scale=alt.Scale(zero=False, nice=False),
              axis=alt.Axis(format="d", tickMinStep=1))
    layers = []
    names = list(dict.fromkeys(curves.form))
    # Each curve is computed in the browser from its form's coefficients (see analyses.growth.coefficients);
    # the download holds the same curves computed here.
    drawn = alt.Chart(h.tables["form_coefficients"]).transform_flatten(["years"], as_=["year"]).transform_calculate(
        t="(datum.year - datum.origin) * 365.25",
        minutes=("min(1e7, exp(datum.A + datum.B * datum.t + datum.C * datum.t * datum.t"
                 " + datum.D * max(0, datum.t - datum.tau) - datum.L * log(1 + exp(-datum.r * (datum.t - datum.t0)))))"),
        date="timeFormat(datetime(floor(datum.year), 0, 1 + (datum.year - floor(datum.year)) * 365), '%Y-%m')")
    layers += [
        drawn.mark_line(strokeWidth=2).encode(
            x=x, y=alt.Y("minutes:Q", scale=y_scale, title="50% time horizon (minutes of human work, log scale)"),
            color=alt.Color("form:N", title="Growth form", scale=alt.Scale(domain=names,
                                                                           range=palette.CATEGORY[:len(names)])),
            strokeDash=alt.StrokeDash("form:N", legend=None),
            tooltip=[alt.Tooltip("form:N", title="Growth form"), alt.Tooltip("date:N", title="Date"),
                     alt.Tooltip("minutes:Q", title="Horizon (min)", format=",.3r")]),
        alt.Chart(pd.DataFrame({"m": [float(threshold.value)], "label": [f"threshold: {h.text('threshold_month')}"]}))
        .mark_rule(strokeDash=[5, 3], color=palette.THRESHOLD, size=2).encode(
            y=alt.Y("m:Q", scale=y_scale), tooltip=[alt.Tooltip("label:N", title="Threshold")]),
        alt.Chart(points).transform_calculate(source=_quoted(h.text("metr_source")))
        .mark_point(filled=True, size=60, color=palette.FIT).encode(
            x=x, y=alt.Y("minutes:Q", scale=y_scale),
            tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("date:N", title="Released"),
                     alt.Tooltip("horizon:N", title="50% horizon"), alt.Tooltip("minutes:Q", title="Minutes",
                                                                                 format=",.1f"),
                     alt.Tooltip("source:N", title="Source")]),
    ]
    shown = eras[eras.end > float(points.year.min())].copy() if len(eras) else eras
    if len(shown):
        shown["start"] = shown.start.clip(lower=float(points.year.min()))
        shaded = _eras_layer(shown, False).encode(x=alt.X("start:Q", scale=alt.Scale(zero=False, nice=False)))
        chart = alt.LayerChart(layer=[shaded, alt.LayerChart(layer=layers)], height=360,
                               resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")))
    else:
        chart = alt.LayerChart(layer=layers, height=360)
    return Chart(
        chart, name="mosaic-growth-forms", finding=h.text("forms_finding"),
        description=(
            "Log-scale chart of the METR frontier models' 50% time horizon (points) and four growth forms fitted to "
            "them: exponential, piecewise, bounded superexponential and logistic. The dashed line is the "
            "long-horizon engineering threshold; shaded columns are the essay's eras."),
        data={"mosaic-growth-forms": curves, "mosaic-growth-points": points},
        sources=["metr-th-1-1", "metr-long-tasks"],
    )


def capability(h: Headline) -> Chart:
    """Base models on the stitched scale, read as an equivalent METR horizon, by date."""
    models = h.tables["capability_models"]
    if models.empty:
        return Chart.nothing("mosaic-capability", h.text("eci_verdict") + ".")
    chart = alt.Chart(models).transform_calculate(source=_quoted(h.text("capability_source"))).mark_point(
        filled=True, size=70, color=palette.FIT).encode(
        x=alt.X("date:T", title="Released (or first result)",
                axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("horizon_minutes:Q", scale=LOG, title="Equivalent 50% horizon (min, log scale)"),
        tooltip=[alt.Tooltip("base_model:N", title="Base model"), alt.Tooltip("date:T", title="Date"),
                 alt.Tooltip("horizon_text:N", title="Equivalent horizon"),
                 alt.Tooltip("capability:Q", title="Capability (scale units)", format=".2f"),
                 alt.Tooltip("benchmarks:N", title="Benchmarks"), alt.Tooltip("source:N", title="Source")],
    ).properties(height=320)
    return Chart(
        chart, name="mosaic-capability", finding=h.text("capability_finding"),
        description=("Scatter of base models on one capability scale stitched from several benchmarks and METR's "
                     "time horizon, each read as the METR 50% horizon the scale predicts, by date."),
        data={"mosaic-capability": models}, sources=sorted(set(h.tables["capability_sources"])),
    )


def ranges(h: Headline) -> Chart:
    """Where on the stitched scale each benchmark tells models apart (2% to 98% expected score)."""
    rows = h.tables["capability_ranges"]
    if rows.empty:
        return Chart.nothing("mosaic-benchmark-ranges", h.text("eci_verdict") + ".")
    base = alt.Chart(rows)
    chart = alt.layer(
        base.mark_rule(strokeWidth=8, color=palette.FIT, opacity=0.6).encode(
            y=alt.Y("label:N", title=None, sort=alt.EncodingSortField("horizon_low_minutes"),
                    axis=alt.Axis(labelExpr=wrap_expr("datum.label", str(RANGE_LABEL_CHARS)), labelLimit=0)),
            x=alt.X("horizon_low_minutes:Q", scale=LOG, title="Equivalent horizon (min, log)"),
            x2="horizon_high_minutes:Q",
            tooltip=[alt.Tooltip("label:N", title="Benchmark"),
                     alt.Tooltip("horizon_low_minutes:Q", title="From (min)", format=",.2f"),
                     alt.Tooltip("horizon_high_minutes:Q", title="To (min)", format=",.0f"),
                     alt.Tooltip("source:N", title="Source")]),
        height=40 * len(rows) + 20)
    return Chart(
        chart, name="mosaic-benchmark-ranges", finding=h.text("ranges_finding"),
        description=("For each benchmark on the common scale, the stretch of equivalent METR horizons over which its "
                     "expected score lies between 2% and 98%: outside it, the benchmark is floored or saturated and "
                     "says little about a model."),
        data={"mosaic-benchmark-ranges": rows}, sources=sorted(set(h.tables["capability_sources"])),
    )
