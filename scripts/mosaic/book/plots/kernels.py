"""The kernels chapter's charts."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ...analyses.figures import Headline
from .. import palette
from ..charts import Chart

LOG = alt.Scale(type="log")


def speedup(h: Headline) -> Chart:
    """Every reported speedup by model release, the frontier's trend and band, and the expert's reference."""
    points = h.tables["speedups"]
    if points.empty:
        return Chart.nothing("training-speedup", "Anthropic had reported no training speedup by this date.")
    dots = alt.Chart(points).mark_point(size=70, filled=True).encode(
        x=alt.X("release:T", title="Model release", axis=alt.Axis(format="%b %Y")),
        y=alt.Y("speedup_x:Q", scale=LOG, title="Mean speedup of the training code (×, log scale)"),
        color=alt.Color("use:N", title=None, scale=alt.Scale(
            domain=["in the trend fit", "counted, below the frontier", "other report (not counted)"],
            range=[palette.FIT, palette.SKY, palette.LIGHT_GREY])),
        shape=alt.Shape("role:N", title="Reported in"),
        tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("release:T", title="Released"),
                 alt.Tooltip("speedup_x:Q", title="Speedup (×)", format=".2f"),
                 alt.Tooltip("role:N", title="Role"), alt.Tooltip("reported_in:N", title="Reported in"),
                 alt.Tooltip("report_date_as_written:N", title="Report date"),
                 alt.Tooltip("source_type:N", title="Source tier"), alt.Tooltip("source_title:N", title="Source")])
    layers = []
    data = {"training-speedup": points}
    if "trend" in h.tables:
        band = h.tables["trend"]
        data["training-speedup-trend"] = band
        layers += [
            alt.Chart(band).mark_area(color=palette.FIT, opacity=0.12).encode(
                x="date:T", y=alt.Y("low:Q", scale=LOG), y2="high:Q"),
            alt.Chart(band).mark_line(color=palette.FIT).encode(
                x="date:T", y=alt.Y("trend:Q", scale=LOG),
                tooltip=[alt.Tooltip("date:T", title="Date"), alt.Tooltip("trend:Q", title="Trend (×)", format=".1f"),
                         alt.Tooltip("low:Q", title="Band low (×)", format=".1f"),
                         alt.Tooltip("high:Q", title="Band high (×)", format=".1f")]),
        ]
    human = h["training_speedup_expert_x"]
    if human.value is not None:
        ref = pd.DataFrame({"x": [human.value], "label": [f"reference expert solution: {human.text}"]})
        layers += [
            alt.Chart(ref).mark_rule(strokeDash=[5, 3], color=palette.HUMAN, size=2).encode(
                y=alt.Y("x:Q", scale=LOG), tooltip=[alt.Tooltip("label:N", title="Human reference")]),
            alt.Chart(ref).mark_text(align="left", dx=4, dy=-7, color=palette.HUMAN, fontSize=11).encode(
                y=alt.Y("x:Q", scale=LOG), x=alt.value(0), text="label:N"),
        ]
    return Chart(
        alt.layer(*layers, dots, height=340),
        name="training-speedup",
        finding=h.text("speedup_finding"),
        description=(
            "Log-scale scatter of the mean speedup each Claude model reached on Anthropic's LLM-training "
            "optimisation task, by model release date. Every reported value is shown; values a later report "
            "replaced and restatements are grey. Blue points set a new high and carry the fitted exponential "
            f"trend with its {h.text('ci_level')} band. The dashed green line is the reference expert solution, "
            f"{h.text('training_speedup_expert_x')}. What the data show: {h.text('training_speedup_models')} models "
            f"have a counted speedup, from {h.text('training_speedup_first')} ({h.text('first_model')}) to a high "
            f"of {h.text('training_speedup_best')} ({h.text('best_model')}); the latest, {h.text('latest_model')}, "
            f"reached {h.text('training_speedup_latest')}."
            + (f" On the frontier the speedup doubles about every {h.text('training_speedup_doubling_days')} "
               f"({h.text('ci_level')} interval {h.text('doubling_interval')})." if "trend" in h.tables else "")),
        data=data,
        sources=sorted(set(points.source_id)),
    )


def kernels(h: Headline) -> Chart:
    """Kernel-writing results that are shares of tasks, by date and target hardware family."""
    points = h.tables["kernels"]
    if points.empty:
        return Chart.nothing("kernels-by-hardware", "No kernel-writing result had been published by this date.")
    families = list(dict.fromkeys(points.target_family))
    chart = alt.Chart(points).mark_point(size=60, filled=True, opacity=0.8).encode(
        x=alt.X("month:T", title="Date of the result", axis=alt.Axis(format="%b %Y")),
        y=alt.Y("value:Q", title="Share of tasks or kernels (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("target_family:N", title="Target hardware",
                        scale=alt.Scale(domain=families, range=palette.CATEGORY[:len(families)])),
        shape=alt.Shape("benchmark:N", legend=None),
        tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("month:T", title="Date"),
                 alt.Tooltip("benchmark:N", title="Benchmark"), alt.Tooltip("level:N", title="Level"),
                 alt.Tooltip("metric:N", title="Metric"), alt.Tooltip("value:Q", title="Value (%)"),
                 alt.Tooltip("baseline:N", title="Baseline"), alt.Tooltip("hardware:N", title="Hardware"),
                 alt.Tooltip("source_title:N", title="Source")],
    ).properties(height=320)
    return Chart(
        chart,
        name="kernels-by-hardware",
        finding=h.text("kernels_finding"),
        description=(
            "Scatter of kernel-writing results that are shares of tasks or kernels (correct, or faster than a "
            "baseline), by date and coloured by target hardware family. Metrics and baselines differ between "
            f"points; the tooltip names them. What the data show: {h.text('kernel_results')} results on "
            f"{h.text('kernel_families')} hardware families ({_counts(points.target_family)}), dated "
            f"{_span(points.month)}, with shares from {points.value.min():g}% to {points.value.max():g}%."),
        data={"kernels-by-hardware": points},
        sources=sorted(set(points.source_id)),
    )


def _counts(values: pd.Series) -> str:
    """'32 on NVIDIA GPU (CUDA), 6 on Triton' for a description."""
    return ", ".join(f"{n} on {name}" for name, n in values.value_counts().items())


def _span(days: pd.Series) -> str:
    """'from February 2025 to March 2026', or 'February 2025' for one month."""
    first, last = (pd.Timestamp(d).strftime("%B %Y") for d in (days.min(), days.max()))
    return first if first == last else f"from {first} to {last}"
