"""The kernels chapter: Anthropic's training-optimisation speedups and kernel-writing benchmarks.

Wrangle (one value per model), fit (the frontier's exponential trend) and headline
(every figure the page shows) are kept apart; plotting is in mosaic.book.plots.kernels.

The rule for a model reported more than once: the latest primary report counts, so a
correction replaces what it corrects and a later card's comparator replaces an earlier
one; restatements (the essay, a blog) are shown but never counted. The `speedup_values`
parameter switches to each model's first report.
"""
from __future__ import annotations

import pandas as pd

from . import trends
from .provenance import CITED, cite
from .figures import Figure, Headline, interval, missing, newest, parameter, sentence, sig

MEASURED = ("the model's own card", "comparator in a later card", "correction")
MIN_POINTS = 3  # an exponential trend needs at least three frontier models


def speedups(rows: pd.DataFrame, which: str) -> pd.DataFrame:
    """One measured value per model: its latest primary report (corrections applied), or its first."""
    if which not in ("first", "latest"):
        raise ValueError(f"speedup_values must be 'first' or 'latest', got {which!r}")
    measured = rows[rows.role.isin(MEASURED)].copy()
    measured["release"] = pd.to_datetime(measured.model_release.str.slice(0, 7) + "-01")
    measured.loc[measured.model_release.str.len() == 10, "release"] = pd.to_datetime(
        measured.model_release[measured.model_release.str.len() == 10])
    measured["reported"] = pd.to_datetime(measured.report_period.str.slice(0, 7) + "-01")
    measured = measured.sort_values(["model", "reported"], kind="stable")
    pick = measured.groupby("model").tail(1) if which == "latest" else measured.groupby("model").head(1)
    return pick.sort_values("release").reset_index(drop=True)


def fit(values: pd.DataFrame, *, level: float, n_boot: int, seed: int) -> tuple[pd.DataFrame, trends.Trend | None]:
    """METR's frontier rule on release dates, then the exponential trend of the speedup (None if too few)."""
    if values.empty:
        return values, None
    front = trends.frontier(values, values.release.min().date(), date="release", value="speedup_x")
    if len(front) < MIN_POINTS:
        return front, None
    return front, trends.fit_exponential(front, date="release", value="speedup_x", low=None, high=None,
                                         level=level, n_boot=n_boot, seed=seed)


def speedup_points(rows: pd.DataFrame, chosen: pd.DataFrame, front: pd.DataFrame) -> pd.DataFrame:
    """Every reported value for the chart, marked as used in the fit, counted, or another report."""
    pts = rows.copy()
    key = set(zip(chosen.model, chosen.reported_in, chosen.metric_as_reported))
    fitted = set(zip(front.model, front.reported_in, front.metric_as_reported))
    triples = list(zip(pts.model, pts.reported_in, pts.metric_as_reported))
    pts["use"] = ["in the trend fit" if t in fitted else "counted, below the frontier" if t in key
                  else "other report (not counted)" for t in triples]
    pts["release"] = pts.model_release.str.slice(0, 7) + "-15"
    pts.loc[pts.model_release.str.len() == 10, "release"] = pts.model_release
    return pts[["model", "release", "speedup_x", "role", "reported_in", "report_date_as_written", "use",
                "source_id", *CITED]].reset_index(drop=True)


def trend_band(trend: trends.Trend, months_after: int = 3) -> pd.DataFrame:
    """The fitted trend and its band, monthly, from the first frontier model to a little after the last."""
    band = trend.predict(pd.date_range(trend.first, trend.last + pd.DateOffset(months=months_after), freq="MS"))
    band["date"] = band.date.dt.date.astype(str)
    return band.round(3)


def kernel_points(kb: pd.DataFrame) -> pd.DataFrame:
    """Kernel results that are shares of tasks (fast_p, correctness, success), by hardware family."""
    rows = kb[kb.value.notna() & kb.unit.str.startswith("%")].copy()
    rows["month"] = rows.period.str.slice(0, 7) + "-15"
    rows.loc[rows.period.str.len() == 10, "month"] = rows.period
    return rows[["month", "system", "benchmark", "level", "metric", "value", "unit", "baseline", "hardware",
                 "target_family", "source_id", *CITED]].reset_index(drop=True)


def speedup_claims(kb: pd.DataFrame) -> pd.DataFrame:
    """Speedup claims (x), with the baseline and hardware they were measured against."""
    rows = kb[kb.unit.str.contains(r"(?:^|; )x$")]
    return rows[["date_as_written", "system", "benchmark", "metric", "value_as_reported", "baseline", "hardware",
                 "target_family", "source_type", "source_title"]].reset_index(drop=True)


def passed(chosen: pd.DataFrame, human) -> str:
    """Whether the best counted speedup is past the expert's reference, in words."""
    best = chosen.speedup_x.max()
    if human is None or pd.isna(human):
        return f"reached {times(best)}"
    return (f"passed the expert's {times(human)}" if best > human
            else f"is still below the expert's {times(human)}")


def times(x: float) -> str:
    """A speedup as the source prints it: 2.993×, 34×."""
    return f"{x:g}×"


def headline(frames: dict, params: dict) -> Headline:
    """Every figure, table and chart row of the kernels chapter."""
    rows = cite(frames["training_speedup"], frames["sources"])
    kb = cite(frames["kernelbench"], frames["sources"])
    as_of, level = params["as_of"], params["ci_level"]
    h = Headline()
    h.add(parameter("ci_level", level, f"{level:.0%}", "Interval level"),
          parameter("speedup_values", params["speedup_values"], params["speedup_values"], "Which report per model"))

    chosen = speedups(rows, params["speedup_values"])
    reported = newest(chosen.report_period) if len(chosen) else None
    human = rows.threshold_x.max() if len(rows) else None
    if human is None or pd.isna(human):
        h.add(missing("training_speedup_expert_x", "Reference expert solution", "x", as_of, "no report by this date"))
    else:
        h.add(Figure("training_speedup_expert_x", float(human), times(human), "x", "Reference expert solution",
                     as_of=newest(rows.report_period)))
    if len(chosen):
        latest, best, first = chosen.iloc[-1], chosen.loc[chosen.speedup_x.idxmax()], chosen.iloc[0]
        for key, row, what in (("latest", latest, "the latest model measured"), ("best", best, "the highest"),
                               ("first", first, "the first model measured")):
            h.add(Figure(f"training_speedup_{key}", float(row.speedup_x), times(row.speedup_x), "x",
                         f"LLM-training optimisation speedup, {what} ({row.model})", as_of=newest(row.report_period)),
                  sentence(f"{key}_model", str(row.model)))
    else:
        for key in ("latest", "best", "first"):
            h.add(missing(f"training_speedup_{key}", "LLM-training optimisation speedup", "x", as_of,
                          "Anthropic had reported no speedup by this date"),
                  sentence(f"{key}_model", "no model"))
    h.add(Figure("training_speedup_models", len(chosen), str(len(chosen)), "models", "Models with a counted speedup",
                 as_of=reported))

    front, trend = fit(chosen, level=level, n_boot=params["n_boot"], seed=params["seed"])
    if trend is not None:
        lo, hi = trend.doubling_interval()
        h.add(Figure("training_speedup_doubling_days", round(trend.doubling_days, 1),
                     f"{sig(trend.doubling_days)} days", "days",
                     f"Doubling time of the speedup, fitted on {len(front)} vendor-reported frontier models",
                     ci=(round(lo, 1), round(hi, 1)), ci_level=level, as_of=newest(front.report_period),
                     note="Fitted on vendor-reported values only; no independent measurement exists."),
              sentence("doubling_interval", interval(lo, hi, unit="days")),
              sentence("speedup_finding", f"The training-code speedup {passed(chosen, human)} and, on "
                       f"{len(front)} vendor-reported points, doubles about every {sig(trend.doubling_days)} days"))
        h.tables["trend"] = trend_band(trend)
        h.outputs["speedup_trend_replicates"] = trend.replicates()
    else:
        why = f"fewer than {MIN_POINTS} frontier models had been reported"
        h.add(missing("training_speedup_doubling_days", "Doubling time of the speedup", "days", as_of, why),
              sentence("doubling_interval", "none"),
              sentence("speedup_finding", f"Too few models had set a new high to fit a trend ({len(front)} so far)"))
    if trend is None:
        h.outputs["speedup_trend_replicates"] = pd.DataFrame(columns=["replicate", "slope_per_day", "intercept"])
    h.outputs["speedup_frontier"] = pd.DataFrame({
        "model": front.model, "release": front.release.dt.date.astype(str), "speedup_x": front.speedup_x,
        "report_period": front.report_period, "source_id": front.source_id}).reset_index(drop=True) \
        if len(front) else pd.DataFrame(columns=["model", "release", "speedup_x", "report_period", "source_id"])
    h.add(Figure("training_speedup_frontier_models", len(front), str(len(front)), "models", "Vendor-reported models on the frontier",
                 as_of=newest(front.report_period) if len(front) else reported))

    h.tables["speedups"] = speedup_points(rows, chosen, front)
    firsts = speedups(rows, "first").set_index("model").speedup_x if len(chosen) else pd.Series(dtype=float)
    h.outputs["counted_speedups"] = pd.DataFrame({
        "model": chosen.model, "speedup_x": chosen.speedup_x, "first_reported_x": chosen.model.map(firsts),
        "reported_in": chosen.reported_in, "report_period": chosen.report_period, "role": chosen.role,
        "source_id": chosen.source_id, "rule": params["speedup_values"]})
    corrections = rows[rows.role == "correction"]
    h.tables["corrections"] = corrections.merge(
        rows[rows.role == "the model's own card"][["model", "speedup_x", "reported_in"]],
        on="model", suffixes=("", "_first"))[["model", "speedup_x_first", "reported_in_first", "speedup_x",
                                              "reported_in"]]

    kpoints = kernel_points(kb)
    families = kpoints.target_family.value_counts()
    h.add(Figure("kernel_families", len(families), str(len(families)), "families",
                 "Hardware families with kernel results shown", as_of=newest(kb.period)),
          Figure("kernel_results", len(kpoints), str(len(kpoints)), "results", "Kernel results shown",
                 as_of=newest(kb.period)),
          sentence("kernels_finding", f"Kernel-writing results on {len(families)} hardware families; "
                   + (f"most are on {families.index[0]}" if len(families) else "none yet")))
    h.tables["kernels"] = kpoints
    h.tables["speedup_claims"] = speedup_claims(kb)
    return h
