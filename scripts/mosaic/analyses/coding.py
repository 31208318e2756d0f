"""The coding chapter: METR time horizons and SWE-bench."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import trends

MINUTES_PER_HOUR = 60


def fit(horizons: pd.DataFrame, suite: str, start: dt.date, cap_hours: float, *, level: float,
        n_boot: int, seed: int) -> tuple[pd.DataFrame, trends.Trend]:
    """METR's frontier of one suite from `start`, and its exponential trend."""
    rows = horizons[horizons.suite == suite]
    front = trends.frontier(rows, start, cap=cap_hours * MINUTES_PER_HOUR)
    return front, trends.fit_exponential(front, level=level, n_boot=n_boot, seed=seed)


def against_metr(horizons: pd.DataFrame, published: pd.DataFrame, cap_hours: float, *, level: float,
                 n_boot: int, seed: int) -> pd.DataFrame:
    """Our fit of every series METR publishes from its current data file, beside METR's value."""
    current = published[published.excludes_above_minutes.notna()]
    rows = []
    for r in current.itertuples():
        front, trend = fit(horizons, r.suite, r.window_start.date(), cap_hours, level=level, n_boot=n_boot,
                           seed=seed)
        lo, hi = trend.doubling_interval()
        rows.append({
            "suite": r.suite, "series": r.series, "window_start": r.window_start.date().isoformat(),
            "frontier_models": len(front), "doubling_days": round(trend.doubling_days, 3),
            "ci_low_days": round(lo, 1), "ci_high_days": round(hi, 1),
            "metr_doubling_days": r.doubling_days, "metr_ci_low_days": r.ci_low_days,
            "metr_ci_high_days": r.ci_high_days,
        })
    return pd.DataFrame(rows)


def thresholds(trend: trends.Trend, hours: dict[str, float]) -> pd.DataFrame:
    """When the trend reaches each threshold horizon, with its interval."""
    rows = []
    for name, h in hours.items():
        if h <= 0:
            raise ValueError(f"threshold {name!r}: {h} hours is not a positive horizon")
        when, lo, hi = trend.reaches(h * MINUTES_PER_HOUR)
        rows.append({"threshold": name, "hours": h, "date": when.isoformat(), "low": lo.isoformat(),
                     "high": hi.isoformat()})
    return pd.DataFrame(rows)


def horizon_points(horizons: pd.DataFrame, suite: str, front: pd.DataFrame, cap_hours: float) -> pd.DataFrame:
    """The points of one suite for the chart and its download, with why each is in or out of the fit."""
    rows = horizons[horizons.suite == suite].copy()
    rows["in_fit"] = rows.index.isin(front.index)
    rows["status"] = np.select(
        [rows.in_fit, rows.p50_minutes > cap_hours * MINUTES_PER_HOUR],
        ["frontier, in the fit", f"above METR's {cap_hours:g}-hour reliability ceiling"],
        "not in the fit (off the frontier or before the window)",
    )
    rows["p50_hours"] = (rows.p50_minutes / MINUTES_PER_HOUR).round(2)
    rows["release_date"] = rows.release_date.dt.date.astype(str)
    return rows[["model", "developer", "release_date", "suite", "estimate_origin", "p50_minutes",
                 "p50_ci_low_minutes", "p50_ci_high_minutes", "p50_hours", "status", "source_tier",
                 "source_url"]].reset_index(drop=True)


def trend_band(trend: trends.Trend, start: dt.date, last: dt.date, end: dt.date) -> pd.DataFrame:
    """Monthly trend values with their interval: fitted up to the last point, projected after it."""
    dates = pd.date_range(start, end, freq="MS")
    out = trend.predict(dates)
    out["part"] = np.where(out.date.dt.date <= last, "fitted", "projected")
    out["date"] = out.date.dt.date.astype(str)
    return out.round({"trend": 3, "low": 3, "high": 3})


def horizon_chart(points: pd.DataFrame, band: pd.DataFrame, marks: pd.DataFrame):
    import altair as alt

    y = alt.Y("p50_minutes:Q", scale=alt.Scale(type="log"),
              title="50% time horizon (minutes of human-expert work, log scale)")
    x = alt.X("release_date:T", title="Model release date")
    statuses = sorted(set(points.status), key=lambda v: (not v.startswith("frontier"), v.startswith("not"), v))
    palette = {"frontier": "#3366cc", "above": "#dc3912", "not": "#999999"}
    colour = alt.Color("status:N", title=None, scale=alt.Scale(
        domain=statuses, range=[palette[v.split()[0].strip(",")] for v in statuses]))
    area = alt.Chart(band).mark_area(opacity=0.15, color="#3366cc").encode(
        x="date:T", y=alt.Y("low:Q", scale=alt.Scale(type="log")), y2="high:Q",
        tooltip=[alt.Tooltip("date:T", title="Date"), alt.Tooltip("trend:Q", title="Trend (min)", format=",.0f"),
                 alt.Tooltip("low:Q", title="Interval low (min)", format=",.0f"),
                 alt.Tooltip("high:Q", title="Interval high (min)", format=",.0f")])
    line = alt.Chart(band).mark_line(color="#3366cc").encode(
        x="date:T", y=alt.Y("trend:Q", scale=alt.Scale(type="log")),
        strokeDash=alt.StrokeDash("part:N", title="Trend", scale=alt.Scale(domain=["fitted", "projected"],
                                                                        range=[[1, 0], [6, 4]])))
    bars = alt.Chart(points).mark_rule(opacity=0.45).encode(
        x=x, y=alt.Y("p50_ci_low_minutes:Q", scale=alt.Scale(type="log")), y2="p50_ci_high_minutes:Q",
        color=colour)
    dots = alt.Chart(points).mark_point(filled=True, size=60).encode(
        x=x, y=y, color=colour,
        shape=alt.Shape("source_tier:N", title="Source", scale=alt.Scale(domain=["primary", "secondary"],
                                                                      range=["circle", "diamond"])),
        tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("release_date:T", title="Released"),
                 alt.Tooltip("p50_minutes:Q", title="50% horizon (min)", format=",.1f"),
                 alt.Tooltip("p50_hours:Q", title="50% horizon (h)", format=",.2f"),
                 alt.Tooltip("p50_ci_low_minutes:Q", title="95% CI low (min)", format=",.1f"),
                 alt.Tooltip("p50_ci_high_minutes:Q", title="95% CI high (min)", format=",.1f"),
                 alt.Tooltip("status:N", title="In the trend fit"), alt.Tooltip("source_tier:N", title="Source"),
                 alt.Tooltip("source_url:N", title="Source URL")])
    log = alt.Scale(type="log")
    rules = alt.Chart(marks).mark_rule(strokeDash=[2, 3], color="#555").encode(y=alt.Y("minutes:Q", scale=log))
    text = alt.Chart(marks).mark_text(align="left", dx=4, dy=-6, fontSize=11, color="#555").encode(
        y=alt.Y("minutes:Q", scale=log), x=alt.value(0), text="label:N")
    return (area + line + bars + dots + rules + text).properties(height=380)


def best_so_far(swe: pd.DataFrame) -> pd.DataFrame:
    """Each split's leaderboard record over time: the running maximum of leaderboard and paper rows."""
    rows = swe[swe.reported_by.isin(["leaderboard", "paper"]) & (swe.split != "Full subset")]
    out = []
    for split, g in rows.sort_values("date").groupby("split"):
        best = g.groupby("date").percent_resolved.max().cummax()
        out.append(pd.DataFrame({"split": split, "date": best.index.date.astype(str), "best": best.values}))
    return pd.concat(out, ignore_index=True).drop_duplicates(["split", "best"])


def swe_points(swe: pd.DataFrame) -> pd.DataFrame:
    rows = swe.copy()
    rows["date"] = rows.date.dt.date.astype(str)
    rows["reported"] = rows.reported_by.where(rows.measured_by.isna(), rows.reported_by + " (" + rows.measured_by + ")")
    return rows[["date", "system", "developer", "split", "percent_resolved", "reported_by", "measured_by",
                 "reported", "row_type", "source_url"]].reset_index(drop=True)


def swe_chart(points: pd.DataFrame, best: pd.DataFrame):
    import altair as alt

    splits = ["Full", "Full subset", "Lite", "Verified"]
    scale = alt.Scale(domain=splits, range=["#7f7f7f", "#bcbcbc", "#ff9900", "#3366cc"])
    colour = alt.Color("split:N", title="Split", scale=scale)
    x = alt.X("date:T", title="Date (submission, announcement or run)")
    y = alt.Y("percent_resolved:Q", title="Tasks resolved (%)", scale=alt.Scale(domain=[0, 100]))
    steps = alt.Chart(best).mark_line(interpolate="step-after", strokeWidth=1.5).encode(
        x="date:T", y=alt.Y("best:Q"), color=colour)
    dots = alt.Chart(points).mark_point(size=55, strokeWidth=1.6).encode(
        x=x, y=y, color=colour,
        shape=alt.Shape("reported_by:N", title="Reported by",
                        scale=alt.Scale(domain=["leaderboard", "vendor", "independent", "paper"],
                                        range=["circle", "triangle-up", "square", "cross"])),
        fill=alt.condition("datum.reported_by == 'independent'", alt.value("#109618"), alt.value("transparent")),
        tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("date:T", title="Date"),
                 alt.Tooltip("split:N", title="Split"),
                 alt.Tooltip("percent_resolved:Q", title="Resolved (%)", format=".1f"),
                 alt.Tooltip("reported:N", title="Reported by"), alt.Tooltip("source_url:N", title="Source")])
    return (steps + dots).properties(height=360)


def best_by(swe: pd.DataFrame, split: str, reported_by: str) -> pd.Series | None:
    """The highest score on `split` reported by `reported_by`, or None when there is none yet."""
    rows = swe[(swe.split == split) & (swe.reported_by == reported_by)]
    return rows.loc[rows.percent_resolved.idxmax()] if len(rows) else None


def score_text(row: pd.Series | None, name: bool = True) -> str:
    if row is None:
        return "none yet"
    system = row.system.split(" (")[0] if row.reported_by == "vendor" else row.system
    return f"{row.percent_resolved:g}% ({system})" if name else f"{row.percent_resolved:g}%"
