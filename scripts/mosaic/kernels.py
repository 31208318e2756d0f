"""The kernels chapter: Anthropic's training-optimisation speedups and kernel-writing benchmarks."""
from __future__ import annotations

import pandas as pd

from . import trends

MEASURED = ("the model's own card", "comparator in a later card", "correction")


def speedups(rows: pd.DataFrame, which: str) -> pd.DataFrame:
    """One measured value per model: the first report, or the latest (which applies corrections)."""
    if which not in ("first", "latest"):
        raise ValueError(f"speedup_values must be 'first' or 'latest', got {which!r}")
    measured = rows[rows.role.isin(MEASURED) & (rows.source_type == "primary")].copy()
    measured["release"] = pd.to_datetime(measured.model_release)
    measured["reported"] = pd.to_datetime(measured.report_period.str.slice(0, 7) + "-01")
    measured = measured.sort_values(["model", "reported"], kind="stable")
    pick = measured.groupby("model").tail(1) if which == "latest" else measured.groupby("model").head(1)
    return pick.sort_values("release").reset_index(drop=True)


def fit(values: pd.DataFrame, *, level: float, n_boot: int, seed: int) -> tuple[pd.DataFrame, trends.Trend]:
    """METR's frontier rule on release dates, then the exponential trend of the speedup."""
    front = trends.frontier(values, values.release.min().date(), date="release", value="speedup_x")
    return front, trends.fit_exponential(front, date="release", value="speedup_x", low=None, high=None,
                                         level=level, n_boot=n_boot, seed=seed)


def speedup_points(rows: pd.DataFrame, chosen: pd.DataFrame, front: pd.DataFrame) -> pd.DataFrame:
    """Every reported value for the chart, marked as used in the fit, chosen, or other report."""
    pts = rows.copy()
    key = list(zip(chosen.model, chosen.reported_in, chosen.metric_as_reported))
    fitted = set(zip(front.model, front.reported_in, front.metric_as_reported))
    triples = list(zip(pts.model, pts.reported_in, pts.metric_as_reported))
    pts["use"] = ["in the trend fit" if t in fitted else "chosen, below the frontier" if t in key
                  else "other report" for t in triples]
    pts["release"] = pts.model_release.str.slice(0, 7) + "-15"
    pts.loc[pts.model_release.str.len() == 10, "release"] = pts.model_release
    return pts[["model", "release", "speedup_x", "role", "reported_in", "report_date_as_written", "use",
                "source_type", "source_url"]]


def speedup_chart(points: pd.DataFrame, band: pd.DataFrame, human_x: float):
    import altair as alt

    log = alt.Scale(type="log")
    dots = alt.Chart(points).mark_point(size=70, filled=True).encode(
        x=alt.X("release:T", title="Model release", axis=alt.Axis(format="%b %Y")),
        y=alt.Y("speedup_x:Q", scale=log, title="Mean speedup of the training code (x, log scale)"),
        color=alt.Color("use:N", title=None, scale=alt.Scale(
            domain=["in the trend fit", "chosen, below the frontier", "other report"],
            range=["#3366cc", "#7aa0e0", "#bbbbbb"])),
        shape=alt.Shape("role:N", title="Reported in"),
        tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("speedup_x:Q", title="Speedup (x)", format=".2f"),
                 alt.Tooltip("role:N", title="Role"), alt.Tooltip("reported_in:N", title="Reported in"),
                 alt.Tooltip("report_date_as_written:N", title="Report date"),
                 alt.Tooltip("source_type:N", title="Source tier"), alt.Tooltip("source_url:N", title="Source")])
    line = alt.Chart(band).mark_line(color="#3366cc").encode(x="date:T", y=alt.Y("trend:Q", scale=log))
    area = alt.Chart(band).mark_area(color="#3366cc", opacity=0.12).encode(
        x="date:T", y=alt.Y("low:Q", scale=log), y2="high:Q")
    human = pd.DataFrame({"x": [human_x], "label": [f"reference expert solution: {human_x:g}x"]})
    rule = alt.Chart(human).mark_rule(strokeDash=[5, 3], color="#109618", size=2).encode(
        y=alt.Y("x:Q", scale=log), tooltip=[alt.Tooltip("label:N", title="Human reference")])
    text = alt.Chart(human).mark_text(align="left", dx=4, dy=-7, color="#109618", fontSize=11).encode(
        y=alt.Y("x:Q", scale=log), x=alt.value(0), text="label:N")
    return (area + line + rule + text + dots).properties(height=340)


def kernel_points(kb: pd.DataFrame) -> pd.DataFrame:
    """Kernel results that are shares of tasks (fast_p, correctness, success), by hardware family."""
    rows = kb[kb.value.notna() & kb.unit.str.startswith("%")].copy()
    rows["month"] = rows.period.str.slice(0, 7) + "-15"
    rows.loc[rows.period.str.len() == 10, "month"] = rows.period
    return rows[["month", "system", "benchmark", "level", "metric", "value", "unit", "baseline", "hardware",
                 "target_family", "source_type", "source_url"]].reset_index(drop=True)


def kernel_chart(points: pd.DataFrame):
    import altair as alt

    families = ["NVIDIA GPU (CUDA)", "Triton (NVIDIA GPU)", "Huawei Ascend / NPU"]
    return alt.Chart(points).mark_point(size=60, filled=True, opacity=0.8).encode(
        x=alt.X("month:T", title="Date of the result", axis=alt.Axis(format="%b %Y")),
        y=alt.Y("value:Q", title="Share of tasks or kernels (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("target_family:N", title="Target hardware",
                        scale=alt.Scale(domain=families, range=["#3366cc", "#ff9900", "#dc3912"])),
        shape=alt.Shape("benchmark:N", legend=None),
        tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("month:T", title="Date"),
                 alt.Tooltip("benchmark:N", title="Benchmark"), alt.Tooltip("level:N", title="Level"),
                 alt.Tooltip("metric:N", title="Metric"), alt.Tooltip("value:Q", title="Value (%)"),
                 alt.Tooltip("baseline:N", title="Baseline"), alt.Tooltip("hardware:N", title="Hardware"),
                 alt.Tooltip("source_url:N", title="Source")],
    ).properties(height=320)


def speedup_claims(kb: pd.DataFrame) -> pd.DataFrame:
    """Speedup claims (x), with the baseline and hardware they were measured against."""
    rows = kb[kb.unit.str.contains(r"(?:^|; )x$")]
    return rows[["date_as_written", "system", "benchmark", "metric", "value_as_reported", "baseline", "hardware",
                 "target_family", "source_type"]].reset_index(drop=True)
