"""The research-replication chapter: which rows make each benchmark's record, and its charts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from . import saturation as sat


@dataclass(frozen=True)
class Track:
    """One benchmark series whose record is fitted: which dataset, which series, which reference."""

    name: str
    dataset: str
    series: tuple[str, ...]
    reference_series: str | None = None  # the series holding the human reference row
    reference_flag: str | None = None    # the flag that marks that row
    reference_system: str | None = None  # and a word its system name contains


TRACKS = (
    Track("CORE-Bench Hard (automated grading)", "core_bench",
          ("Hard, paper", "Hard, HAL leaderboard", "Hard, Claude Code (automated grading)")),
    Track("CORE-Bench Hard (with manual validation)", "core_bench",
          ("Hard, paper", "Hard, HAL leaderboard", "Hard, Claude Code (automated grading)", "Hard, manually validated")),
    Track("MLE-bench, all competitions (leaderboard)", "mle_bench", ("All, leaderboard",)),
    Track("PostTrainBench v1", "post_train_bench", ("v1 weighted average",),
          "v1 weighted average", "reference model", "Instruct"),
    Track("PaperBench (20 papers)", "paperbench", ("full (20 papers)",),
          "3-paper subset", "human baseline", "Human"),
)


def entries(frame: pd.DataFrame, track: Track) -> pd.DataFrame:
    """The systems' results on a track: no reference rows, no flagged or self-reported entries."""
    rows = frame[frame.series.isin(track.series) & frame.value.notna()]
    return rows[rows.flag.isna()]


def reference(frame: pd.DataFrame, track: Track) -> pd.Series | None:
    """The human (or human-made) reference row of a track, if it has one."""
    if track.reference_series is None:
        return None
    rows = frame[(frame.series == track.reference_series) & (frame.flag == track.reference_flag)
                 & frame.system.str.contains(track.reference_system)]
    return rows.sort_values("date").iloc[-1] if len(rows) else None


def analyse(data: dict[str, pd.DataFrame], *, ceiling: str, level: float, n_boot: int, seed: int,
            low_share: float, saturated_share: float, window_months: float, as_of: dt.date,
            shares=(0.5, 0.8, 0.9)) -> tuple[pd.DataFrame, dict]:
    """The saturation table: one row per track, with months to each share and the verdict."""
    if ceiling not in ("100", "human"):
        raise ValueError(f"ceiling must be '100' or 'human', got {ceiling!r}")
    rows, fits = [], {}
    for track in TRACKS:
        frame = data[track.dataset]
        points = entries(frame, track)
        if len(points) == 0:
            continue
        ref = reference(frame, track)
        use_human = ceiling == "human" and ref is not None
        top = float(ref.value) if use_human else 100.0
        introduced = points.date.min().date()
        recs = sat.records(points)
        fit = sat.fit_logistic(recs, introduced, top, level=level, n_boot=n_boot, seed=seed)
        fits[track.name] = fit
        row = {
            "benchmark": track.name,
            "ceiling": f"{top:g} ({'human reference' if use_human else '100%'})",
            "introduced": introduced.isoformat(),
            "launch best": f"{recs.value.iloc[0]:g}",
            "latest best": f"{recs.value.iloc[-1]:g} ({recs.date.iloc[-1].date().isoformat()})",
        }
        for q in shares:
            m = fit.months_to(q)
            row[f"months to {q:.0%}"] = describe(m)
        row["verdict"] = sat.verdict(fit, low_share=low_share, saturated_share=saturated_share,
                                     window_months=window_months, as_of=as_of)
        rows.append(row)
    return pd.DataFrame(rows), fits


def describe(m: dict) -> str:
    if m["kind"] == "observed":
        return f"{m['months']:.1f} (observed)"
    if m["kind"] == "projected":
        return f"{m['months']:.0f} ({m['low']:.0f}–{m['high']:.0f}, projected)"
    return m["kind"]


def chart_points(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every entry of every track, marked as in the record fit or why not, for the chart."""
    out = []
    for track in TRACKS:
        frame = data[track.dataset]
        rows = frame[frame.series.isin(track.series) & frame.value.notna()].copy()
        rows["track"] = track.name
        rows["in_fit"] = rows.flag.isna()
        rows["shown_as"] = rows.flag.fillna("entry")
        out.append(rows)
    pts = pd.concat(out, ignore_index=True)
    pts["date"] = pts.date.dt.date.astype(str)
    return pts[["track", "date", "system", "series", "value", "unit", "shown_as", "source_tier", "reported_by",
                "source_url"]]


def record_lines(fits: dict[str, sat.Fit]) -> pd.DataFrame:
    out = []
    for name, fit in fits.items():
        r = fit.records
        out.append(pd.DataFrame({"track": name, "date": r.date.dt.date.astype(str), "record": r.value.values}))
    return pd.concat(out, ignore_index=True)


def references(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for track in TRACKS:
        ref = reference(data[track.dataset], track)
        if ref is not None:
            rows.append({"track": track.name, "reference": float(ref.value),
                         "label": f"{ref.system.split(' (')[0]}: {ref.value:g}"})
    return pd.DataFrame(rows, columns=["track", "reference", "label"])


def chart(points: pd.DataFrame, lines: pd.DataFrame, refs: pd.DataFrame, width: int = 520):
    """One panel per track: every entry, the record as a step line, the human reference dashed."""
    import altair as alt

    colour = alt.Color("shown_as:N", title="Entry", scale=alt.Scale(
        domain=["entry", "test-label leakage flagged", "self-reported, not merged",
                "paper claim, not on the leaderboard"],
        range=["#3366cc", "#dc3912", "#ff9900", "#999999"]))
    y = alt.Y("value:Q", title="Score (%)", scale=alt.Scale(domain=[0, 100]))
    panels = []
    for name in dict.fromkeys(points.track):
        dots = alt.Chart(points[points.track == name]).mark_point(size=45, filled=True, opacity=0.75).encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True)), y=y, color=colour,
            tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("date:T", title="Date"),
                     alt.Tooltip("value:Q", title="Score", format=".2f"), alt.Tooltip("unit:N", title="Unit"),
                     alt.Tooltip("series:N", title="Series"), alt.Tooltip("shown_as:N", title="Entry"),
                     alt.Tooltip("source_tier:N", title="Source tier"),
                     alt.Tooltip("source_url:N", title="Source")])
        steps = alt.Chart(lines[lines.track == name]).mark_line(interpolate="step-after", color="#222").encode(
            x="date:T", y="record:Q")
        layers = [dots, steps]
        ref = refs[refs.track == name]
        if len(ref):
            layers.append(alt.Chart(ref).mark_rule(strokeDash=[5, 3], color="#109618", size=2).encode(
                y="reference:Q", tooltip=[alt.Tooltip("label:N", title="Human reference")]))
        panels.append(alt.layer(*layers).properties(title=name, width=width, height=170))
    return alt.vconcat(*panels).resolve_scale(color="shared")
