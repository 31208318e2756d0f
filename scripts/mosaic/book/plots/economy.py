"""The economy chapter's charts, and the headings of its tables.

The Amdahl and O-ring charts are sliders that work with no kernel: Vega redoes the
models' arithmetic in the browser, starting from the chapter's parameters, and prints
its read-outs with the same formats as the prose (mosaic.analyses.economy).
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from ...analyses.economy import CAP_FORMAT, OUTPUT_FORMAT, SPEEDUP_FORMAT
from ...analyses.figures import Headline
from .. import palette
from ..charts import Chart

# Slider ranges: wide enough to explore, and always wide enough to hold the chapter's own values.
F_MAX = 0.99  # f = 1 has no cap to draw
S_MAX = 1000
TASKS_MAX = 20
QUALITY_MIN = 0.5
SKILL_RANGE = (5, 60)

# Table headings: the column a headline table holds -> the heading the page shows.
HEADINGS = {
    "scenarios": {"scenario": "Scenario", "f_shown": "Share automated (f)", "s_shown": "Its speedup (s)",
                  "overall_shown": "Whole speeds up", "cap_shown": "Cap at this f"},
    "other_effects": {"published_as_written": "Published", "label": "Study", "outcome_metric": "Outcome",
                      "effect": "Effect", "unit": "Unit", "evidence": "Evidence"},
    "other_labour": {"published_as_written": "Published", "series": "Study or series", "population": "Who",
                     "signal": "Signal", "metric": "Measure", "value": "Value", "unit": "Unit", "period": "Period"},
    "investment": {"entity": "Who", "metric": "Measure", "value": "Value", "unit": "Unit", "period": "Period",
                   "published_as_written": "Reported"},
}

UNRELIABLE = "randomised trial, called unreliable by its authors"  # shortened in the legend to fit a phone
EVIDENCE_COLOURS = {
    "randomised trial": palette.BLUE,
    UNRELIABLE: palette.SKY,
    "observational": palette.GREEN,
    "self-report": palette.PURPLE,
    "forecast": palette.ORANGE,
    "perception": palette.VERMILION,
}


def amdahl(h: Headline) -> Chart:
    """Overall speedup against the speedup of the automated share, with sliders for f and s."""
    f, s = h.value("f"), h.value("s")
    s_max = max(S_MAX, s or 0)
    f_ = alt.param(name="f", value=f, bind=alt.binding_range(min=0, max=F_MAX, step=0.01, name="Automatable share f "))
    s_ = alt.param(name="s", value=s if s is not None else s_max,
                   bind=alt.binding_range(min=1, max=s_max, step=1, name="Speedup of that share s "))
    steps = alt.Chart(alt.sequence(0, 301, as_="i")).transform_calculate(
        speedup=f"pow({s_max}, datum.i / 300)",
        overall="1 / ((1 - f) + f / datum.speedup)",
    )
    x = alt.X("speedup:Q", title="Speedup of the automated share (×, log)",
              scale=alt.Scale(type="log", domain=[1, s_max]))
    y_scale = alt.Scale(type="log", domain=[1, round(1 / (1 - F_MAX))])
    curve = steps.mark_line(color=palette.BLUE, strokeWidth=2.5).encode(
        x=x, y=alt.Y("overall:Q", title="Speedup of the whole (×, log scale)", scale=y_scale),
        tooltip=[alt.Tooltip("speedup:Q", title="Automated share sped up (×)", format=".1f"),
                 alt.Tooltip("overall:Q", title="Whole sped up (×)", format=SPEEDUP_FORMAT)],
    ).add_params(f_, s_)
    one = alt.Chart(pd.DataFrame({"x": [0]})).transform_calculate(
        speedup="s", overall="1 / ((1 - f) + f / s)", cap="1 / (1 - f)")
    cap = one.mark_rule(color=palette.VERMILION, strokeDash=[5, 3]).encode(y=alt.Y("cap:Q", scale=y_scale))
    point = one.mark_point(color=palette.BLUE, filled=True, size=110).encode(
        x=x, y=alt.Y("overall:Q", scale=y_scale),
        tooltip=[alt.Tooltip("speedup:Q", title="Automated share sped up (×)"),
                 alt.Tooltip("overall:Q", title="Whole sped up (×)", format=SPEEDUP_FORMAT),
                 alt.Tooltip("cap:Q", title="Cap (×)", format=CAP_FORMAT)])
    return Chart(
        alt.layer(curve, cap, point, height=320),
        name="amdahl",
        finding=h.text("amdahl_finding"),
        # The title is the analysis's amdahl_finding, redone by Vega for the sliders' f and s.
        live_title=("'Speeding up ' + format(f, '.0%') + ' of the work ' + format(s, '~g') + "
                    f"'× makes the whole run ' + format(1 / ((1 - f) + f / s), '{SPEEDUP_FORMAT}') + "
                    "'× as fast; the slow remainder caps it at ' + "
                    f"format(1 / (1 - f), '{CAP_FORMAT}') + '×'"),
        description=(
            "Line chart on log scales of the overall speedup of a process against the speedup of its "
            "automatable share, for the share f set by the slider. The dashed line is the cap, 1 / (1 - f), "
            "which the curve approaches however large the speedup gets; the point marks the speedup s set by "
            f"the second slider, and the title gives the result. At the chapter's values: {h.text('amdahl_finding')}. "
            "The download lists the chapter's scenarios."),
        data={"amdahl": h.tables["amdahl"]},
        sources=["amdahl-1967", "jones-w34779"],
    )


def oring(h: Headline) -> Chart:
    """Output and manual-task quality against the number of tasks automated, with sliders."""
    n, omega, skill = h.value("oring_tasks"), h.value("oring_quality"), h.value("oring_skill")
    n_max = max(TASKS_MAX, n)
    n_ = alt.param(name="n", value=n, bind=alt.binding_range(min=2, max=n_max, step=1, name="Tasks n "))
    w_ = alt.param(name="omega", value=omega, bind=alt.binding_range(
        min=min(QUALITY_MIN, omega), max=1, step=0.005, name="Machine quality on an automated task ω "))
    l_ = alt.param(name="skill", value=skill, bind=alt.binding_range(
        min=min(SKILL_RANGE[0], skill), max=max(SKILL_RANGE[1], skill), step=1, name="Worker skill λ "))
    output = ("datum.k < n ? pow(omega, datum.k) * pow(1 - exp(-skill / (n - datum.k)), n - datum.k) "
              ": pow(omega, n)")
    # The output at each possible k, as one array the title can find the peak in (a title cannot read the
    # chart's rows); rounded as the analysis rounds the curve, so a tie goes to the smaller k there too.
    outputs = alt.param(name="oring_outputs", expr="[" + ", ".join(
        f"({k} <= n ? round(1e6 * ({output.replace('datum.k', str(k))})) / 1e6 : -1)" for k in range(n_max + 1)) + "]")
    peak_k = "indexof(oring_outputs, extent(oring_outputs)[1])"
    base = alt.Chart(alt.sequence(0, n_max + 1, as_="k")).transform_filter("datum.k <= n").transform_calculate(
        output=output,
        manual="datum.k < n ? 1 - exp(-skill / (n - datum.k)) : null",
    )
    x = alt.X("k:Q", title="Tasks automated", axis=alt.Axis(tickMinStep=1, format="d"))
    lines = base.transform_fold(["output", "manual"], as_=["what", "value"]).transform_filter(
        "datum.value != null").transform_calculate(
        series="datum.what == 'output' ? 'Output of the whole (product of qualities)' : "
               "'Quality of each task still done by hand'",
    ).mark_line(point=alt.OverlayMarkDef(size=50, filled=True)).encode(
        x=x, y=alt.Y("value:Q", title="Share of a flawless product (0 to 1)", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=[palette.BLUE, palette.ORANGE])),
        tooltip=[alt.Tooltip("k:Q", title="Tasks automated"), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("value:Q", title="Value", format=OUTPUT_FORMAT)],
    ).add_params(n_, w_, l_, outputs)
    peak = base.transform_joinaggregate(best="max(output)").transform_filter(
        "datum.output == datum.best").transform_calculate(
        text=("'Peak: ' + datum.k + ' of ' + n + ' tasks automated,\\noutput ' + "
              f"format(datum.output, '{OUTPUT_FORMAT}')"))
    # Two lines, so the read-out fits the plot on a phone.
    label = peak.transform_window(first="row_number()").transform_filter("datum.first == 1").mark_text(
        align="left", baseline="bottom", x=12, y={"expr": "height - 8"}, fontSize=13, fontWeight="bold",
        lineBreak="\n").encode(text="text:N")
    return Chart(
        alt.layer(lines, label, height=320),
        name="oring",
        finding=h.text("oring_finding"),
        # The title is the analysis's oring_finding, redone by Vega for the sliders' n, ω and λ.
        live_title=(f"'Illustrative O-ring toy: output peaks with ' + {peak_k} + ' of ' + n + ' tasks automated' + "
                    f"({peak_k} < n ? ', then falls as the last tasks go to machines' : '')"),
        description=(
            "Illustrative model, not from the paper. Line chart of the output of a product whose task qualities "
            "multiply (blue) and of the quality of each task still done by hand (orange), against the number of "
            "tasks automated. Sliders set the number of tasks, the machine's quality on an automated task and how "
            "fast a worker's quality rises with time spent. At the chapter's values (n = "
            f"{h.text('oring_tasks')}, ω = {h.text('oring_quality')}, λ = {h.text('oring_skill')}) output is "
            f"{h.text('oring_output_manual')} with no task automated and peaks at {h.text('oring_peak_output')} with "
            f"{h.text('oring_peak_k')} tasks automated. The download gives the curve at the chapter's values."),
        data={"oring": h.tables["oring"]},
        sources=["kremer-1993", "gans-goldfarb-w34639"],
    )


def automation(h: Headline) -> Chart:
    """Claude.ai automation shares on fixed bases, broken at each change of sample, with published augmentation."""
    shares, breaks, aug = h.tables["automation"], h.tables["sample_changes"], h.tables["augmentation"]
    if shares.empty:
        return Chart.nothing("automation-share", "No Economic Index release had been published by this date.")
    x = alt.X("release:T", title="Release", axis=alt.Axis(format="%b %Y"))
    y = alt.Y("value:Q", title="Share of Claude.ai conversations (%)", scale=alt.Scale(zero=False, nice=True))
    lines = alt.Chart(shares).mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=x, y=y,
        color=alt.Color("base:N", title="Automation share, on a base of",
                        scale=alt.Scale(range=[palette.BLUE, palette.VERMILION]),
                        legend=alt.Legend(columns=1, titleLimit=400, labelLimit=400)),
        detail="series:N",
        tooltip=[alt.Tooltip("release:T", title="Release"), alt.Tooltip("base:N", title="Base"),
                 alt.Tooltip("value:Q", title="Automation share (%)", format=".1f"),
                 alt.Tooltip("platform:N", title="Sample"), alt.Tooltip("data_window:N", title="Conversations from"),
                 alt.Tooltip("source_type:N", title="Source tier"), alt.Tooltip("source_title:N", title="Source")],
    )
    layers = []
    data = {"automation-share": shares, "sample-changes": breaks}
    if len(breaks):
        layers.append(alt.Chart(breaks).mark_rule(color=palette.GREY, strokeDash=[3, 3]).encode(
            x="date:T", tooltip=[alt.Tooltip("last_release:T", title="Sample changed after"),
                                 alt.Tooltip("first_release:T", title="and before"),
                                 alt.Tooltip("from:N", title="From"), alt.Tooltip("to:N", title="To")]))
    layers.append(lines)
    if len(aug):
        data["augmentation-share"] = aug
        layers.append(alt.Chart(aug.assign(kind="Augmentation share, as published"))
                      .mark_point(size=80, filled=False, color=palette.GREEN).encode(
            x=x, y=y, shape=alt.Shape("kind:N", title=None, scale=alt.Scale(range=["diamond"]),
                                      legend=alt.Legend(orient="top", labelLimit=400)),
            tooltip=[alt.Tooltip("release:T", title="Release"),
                     alt.Tooltip("value:Q", title="Augmentation share (%)"),
                     alt.Tooltip("unit:N", title="Base"), alt.Tooltip("platform:N", title="Sample"),
                     alt.Tooltip("source_type:N", title="Source tier"),
                     alt.Tooltip("source_title:N", title="Source")]))
    return Chart(
        alt.layer(*layers, height=320),
        name="automation-share",
        finding=h.text("automation_finding"),
        description=(
            "Line chart of the share of Claude.ai conversations classified as automation (the user delegates the "
            "task), by Economic Index release. Blue counts all conversations; orange-red counts only conversations "
            "with a classified pattern. Lines are broken at each dashed grey rule, where the sample changed; points on "
            "either side are not joined. Green diamonds are augmentation shares as each report published them, on "
            f"bases that vary, and are not joined. What the data show: {h.text('automation_finding')}; "
            f"{h.text('automation_share_sentence')}."),
        data=data,
        sources=sorted(set(shares.source_id) | set(aug.source_id)),
    )


def productivity(h: Headline) -> Chart:
    """Forest plot of the change in time per task with AI, by kind of evidence."""
    effects = h.tables["productivity"]
    if effects.empty:
        return Chart.nothing("productivity", "No productivity study had been published by this date.")
    order = list(effects.sort_values(["evidence", "published"]).label)
    # Each study's name is written above its row, not beside it, so the plot keeps its width on a phone.
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labels=False, ticks=False, domain=False))
    x = alt.X("change_pct:Q", title=["Change in time per task", "with AI (%); below 0: less time"])
    present = [k for k in EVIDENCE_COLOURS if k in set(effects.evidence)]
    colour = alt.Color("evidence:N", title="Kind of evidence",
                       scale=alt.Scale(domain=present, range=[EVIDENCE_COLOURS[k] for k in present]),
                       legend=alt.Legend(columns=1, labelLimit=400, labelExpr=(
                           f"datum.label == '{UNRELIABLE}' ? 'trial its authors call unreliable' : datum.label")))
    tooltip = [alt.Tooltip("study:N", title="Study"), alt.Tooltip("outcome_metric:N", title="Outcome"),
               alt.Tooltip("change_pct:Q", title="Change in time (%)"),
               alt.Tooltip("ci_from:Q", title="95% CI from"), alt.Tooltip("ci_to:Q", title="95% CI to"),
               alt.Tooltip("evidence:N", title="Evidence"), alt.Tooltip("n:N", title="Sample"),
               alt.Tooltip("published_shown:N", title="Published"),
               alt.Tooltip("source_type:N", title="Source tier"), alt.Tooltip("source_title:N", title="Source")]
    bars = alt.Chart(effects).mark_rule(strokeWidth=2).encode(x="ci_from:Q", x2="ci_to:Q", y=y, color=colour)
    dots = alt.Chart(effects).mark_point(filled=True, size=90).encode(x=x, y=y, color=colour, tooltip=tooltip)
    names = alt.Chart(effects).mark_text(align="left", baseline="bottom", dy=-7, fontSize=11).encode(
        y=y, x=alt.value(2), text="label:N")
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color=palette.THRESHOLD).encode(x="zero:Q")
    return Chart(
        alt.layer(zero, bars, dots, names, height=alt.Step(42)),
        name="productivity",
        finding=h.text("productivity_finding"),
        description=(
            "Forest plot of the change in time per task with AI, in percent (negative means less time), with 95% "
            "intervals where the study published one. Colour separates randomised trials, trials whose authors call "
            "them unreliable, forecasts made before a study and perceptions reported after it, which are not "
            "measurements. Effects published as a share of time saved are shown with their sign flipped onto "
            f"this axis. What the data show: {h.text('productivity_finding')}. Randomised trials on record: "
            f"{h.text('time_trials')}."),
        data={"productivity": effects},
        sources=sorted(set(effects.source_id)),
    )


def firm_adoption(h: Headline) -> Chart:
    """Census BTOS shares of firms using AI, one colour per question wording, never joined across the change."""
    rows, bands, change = h.tables["firm_adoption"], h.tables["firm_adoption_bands"], h.tables["question_change"]
    if rows.empty:
        return Chart.nothing("firm-adoption", "No Census business survey figure had been published by this date.")
    single = rows[rows.ref_start == rows.ref_end]
    colour = alt.Color("question:N", title="Question asked",
                       scale=alt.Scale(domain=list(dict.fromkeys(rows.question)),
                                       range=[palette.BLUE, palette.VERMILION]))
    title = "Share of US employer businesses (%)"
    y = alt.Y("value:Q", title=title, scale=alt.Scale(zero=True, nice=True))
    layers = [alt.Chart(single).mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=alt.X("ref_start:T", title="Period measured", axis=alt.Axis(format="%b %Y")), y=y, color=colour,
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("value:Q", title="Share of firms (%)"),
                 alt.Tooltip("question:N", title="Question"), alt.Tooltip("published:N", title="Published"),
                 alt.Tooltip("source_type:N", title="Source tier"), alt.Tooltip("source_title:N", title="Source")])]
    if len(bands):
        layers.append(alt.Chart(bands).mark_rect(opacity=0.35).encode(
            x="ref_start:T", x2="ref_end:T", y=alt.Y("low:Q", title=title), y2="high:Q", color=colour,
            tooltip=[alt.Tooltip("period:N", title="Biweekly waves"), alt.Tooltip("low:Q", title="Lowest wave (%)"),
                     alt.Tooltip("high:Q", title="Highest wave (%)"), alt.Tooltip("question:N", title="Question"),
                     alt.Tooltip("source_title:N", title="Source")]))
    if len(change):
        layers.append(alt.Chart(change).mark_rule(color=palette.THRESHOLD, strokeDash=[4, 3]).encode(
            x="date:T", tooltip=[alt.Tooltip("date:T", title="Question revised")]))
    return Chart(
        alt.layer(*layers, height=280),
        name="firm-adoption",
        finding=h.text("firm_adoption_finding"),
        description=(
            "Share of US employer businesses using AI in the Census Business Trends and Outlook Survey, by period "
            "measured. Blue points answer the original question (AI used in producing goods or services); the "
            "orange-red band spans the range across biweekly waves under the revised question (AI used in any business "
            f"function). The dashed line marks the date the question changed. What the data show: "
            f"{h.text('firm_adoption_finding')}."),
        data={"firm-adoption": rows},
        sources=sorted(set(rows.source_id)),
    )
