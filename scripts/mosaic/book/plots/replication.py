"""The research-replication chapter's chart: every result by months since its benchmark's launch."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ...analyses.figures import Headline
from ...analyses.replication import LEFT_OUT_GROUP
from .. import palette
from ..charts import Chart

# Entry statuses, in legend order, with their marks; left-out entries are drawn in the excluded colour.
STATUSES = ["set a record", "counted", "test-label leakage flagged", "self-reported, not merged",
            "paper claim, not on the leaderboard"]
SHAPES = ["circle", "circle", "cross", "triangle-up", "diamond"]
SIZES = [90, 30, 80, 80, 80]
TRACK_COLOURS = [palette.BLUE, palette.SKY, palette.ORANGE, palette.PURPLE, palette.GREEN, palette.GREY]


def records(h: Headline) -> Chart:
    """Each benchmark's entries and record as a share of its ceiling, against months since it was introduced."""
    points, lines = h.tables["entries"], h.tables["records"]
    if points.empty:
        return Chart.nothing("replication-records", "No replication benchmark had published a result by this date.")
    tracks = list(dict.fromkeys(h.tables["saturation"].benchmark))
    colour = alt.Scale(domain=tracks + [LEFT_OUT_GROUP], range=TRACK_COLOURS[:len(tracks)] + [palette.EXCLUDED])
    top = max(100.0, float(points.share.max()))
    shown = [i for i, status in enumerate(STATUSES) if status in set(points.status)]
    statuses = [STATUSES[i] for i in shown]
    x = alt.X("months:Q", title="Months since the benchmark launched", scale=alt.Scale(nice=False))
    y = alt.Y("share:Q", title="Score as a share of the ceiling (%)", scale=alt.Scale(domain=[0, top]))
    dots = alt.Chart(points).mark_point(filled=True, opacity=0.85).encode(
        x=x, y=y,
        color=alt.Color("group:N", title="Benchmark series", scale=colour, legend=alt.Legend(columns=2, labelLimit=280)),
        # One legend (the series); the shape of a left-out entry says why, in the tooltip and the description.
        shape=alt.Shape("status:N", scale=alt.Scale(domain=statuses, range=[SHAPES[i] for i in shown]), legend=None),
        size=alt.Size("status:N", scale=alt.Scale(domain=statuses, range=[SIZES[i] for i in shown]), legend=None),
        tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("track:N", title="Series"),
                 alt.Tooltip("date:N", title="Date"), alt.Tooltip("value:Q", title="Score", format=".4~f"),
                 alt.Tooltip("unit:N", title="Unit"),
                 alt.Tooltip("share:Q", title="Share of the ceiling (%)", format=".1f"),
                 alt.Tooltip("ceiling:N", title="Ceiling"),
                 alt.Tooltip("months:Q", title="Months since introduced", format=".1f"),
                 alt.Tooltip("status:N", title="Entry"), alt.Tooltip("reported_by:N", title="Reported by"),
                 alt.Tooltip("source_type:N", title="Source tier"), alt.Tooltip("source_title:N", title="Source")])
    steps = alt.Chart(lines).mark_line(interpolate="step-after", strokeWidth=2).encode(
        x=x, y=y, detail="track:N", color=alt.Color("track:N", title="Benchmark series", scale=colour),
        tooltip=[alt.Tooltip("track:N", title="Series"), alt.Tooltip("date:N", title="Date"),
                 alt.Tooltip("record:Q", title="Record", format=".4~f"),
                 alt.Tooltip("share:Q", title="Share of the ceiling (%)", format=".1f"),
                 alt.Tooltip("system:N", title="Set by"), alt.Tooltip("ceiling:N", title="Ceiling")])
    saturated, window, low = h["saturated_share"], h["window_months"], h["low_share"]
    levels = pd.DataFrame({"share": [100 * saturated.value, 100 * low.value],
                           "label": [f"{saturated.text} of the ceiling: saturated",
                                     f"{low.text} of the ceiling: introduced low"]})
    limit = pd.DataFrame({"months": [window.value], "label": [f"{window.text} after introduction"]})
    guides = [
        alt.Chart(levels).mark_rule(strokeDash=[5, 3], color=palette.THRESHOLD).encode(
            y=alt.Y("share:Q", scale=alt.Scale(domain=[0, top])), tooltip=[alt.Tooltip("label:N", title="Line")]),
        alt.Chart(levels).mark_text(align="left", dx=4, dy=-6, color=palette.THRESHOLD, fontSize=11).encode(
            y=alt.Y("share:Q", scale=alt.Scale(domain=[0, top])), x=alt.value(0), text="label:N"),
        alt.Chart(limit).mark_rule(strokeDash=[5, 3], color=palette.THRESHOLD).encode(
            x="months:Q", tooltip=[alt.Tooltip("label:N", title="Line")]),
    ]
    return Chart(
        alt.layer(*guides, steps, dots, height=380),
        name="replication-records",
        finding=h.text("records_finding"),
        description=(
            "Scatter of every result on each benchmark series, placed by months since the benchmark was introduced "
            "and by score as a share of its ceiling; the ceiling of each series is named in the tooltip and in the "
            "table below the chart. A line per series steps up at each new record and runs to the newest result "
            "used; larger dots set a record. Entries flagged for test-label leakage (crosses), unmerged self-reports "
            "(triangles) and paper-only claims (diamonds) are drawn in vermilion and never counted. Dashed lines "
            f"mark {h.text('saturated_share')} and "
            f"{h.text('low_share')} of the ceiling and {h.text('window_months')} after introduction. "
            f"What the data show: {h.text('records_finding')} ({h.text('verdict_yes')} yes, {h.text('verdict_no')} "
            f"no, {h.text('verdict_open')} still open). {_latest(h.tables['saturation'])}."),
        data={"replication-entries": points, "replication-records": lines},
        sources=sorted(set(points.source_id)),
    )


def _latest(saturation: pd.DataFrame) -> str:
    """Each series' best score so far, as the table below the chart gives it."""
    return "Best so far: " + "; ".join(f"{r.benchmark} {r.latest_best}" for r in saturation.itertuples())
