"""The claims chapter's chart and tables."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ...analyses.figures import Headline
from .. import palette
from ..charts import Chart

BADGES = {"status": palette.STATUS, "evidence_status": palette.STATUS}


def comparison(h: Headline) -> Chart:
    """Each number the essay states against the latest report (a filled dot) and any first report (a ring)."""
    rows = h.tables["chart"]
    if rows.empty:
        return Chart.nothing("claims-vs-sources", h.text("lead"))
    statuses = [s for s in palette.STATUS if s in set(rows.status)]
    colour = alt.Color("status:N", title=None,
                       scale=alt.Scale(domain=statuses, range=[palette.STATUS[s] for s in statuses]))
    order = alt.Y("short_label:N", title=None, sort=alt.EncodingSortField("gap_percent", order="ascending"),
                  axis=alt.Axis(labelLimit=170))
    tooltip = [
        alt.Tooltip("claim:N", title="Claim"),
        alt.Tooltip("claimed:N", title="Essay says"),
        alt.Tooltip("checked:N", title="Sources say (latest report)"),
        alt.Tooltip("first_reported:N", title="First reported"),
        alt.Tooltip("gap_percent:Q", title="Outside the claim by (%)", format="+.1f"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("source:N", title="Source"),
        alt.Tooltip("source_tier:N", title="Source tier"),
        alt.Tooltip("reported:N", title="Reported on"),
    ]
    base = alt.Chart(rows).encode(y=order)
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=palette.THRESHOLD).encode(x="x:Q")
    stems = base.mark_rule(strokeWidth=2, opacity=0.5).transform_calculate(zero="0").encode(
        x="zero:Q", x2="gap_percent:Q", color=colour)
    corrected = base.transform_filter("isValid(datum.first_gap_percent)")
    links = corrected.mark_rule(strokeDash=[3, 2], color=palette.GREY).encode(
        x="first_gap_percent:Q", x2="gap_percent:Q")
    rings = corrected.mark_point(size=90, filled=False, strokeWidth=2, opacity=1).encode(
        x="first_gap_percent:Q", color=colour,
        tooltip=[alt.Tooltip("claim:N", title="Claim"), alt.Tooltip("claimed:N", title="Essay says"),
                 alt.Tooltip("first_reported:N", title="First reported"),
                 alt.Tooltip("first_gap_percent:Q", title="Outside the claim by (%)", format="+.1f"),
                 alt.Tooltip("checked:N", title="Corrected to"), alt.Tooltip("status:N", title="Status")])
    dots = base.mark_circle(size=110, opacity=1).encode(
        x=alt.X("gap_percent:Q", title="Off the essay (%)"),
        color=colour, tooltip=tooltip)
    return Chart(
        alt.layer(zero, stems, links, rings, dots, height=alt.Step(26)),
        name="claims-vs-sources",
        finding=h.text("chart_finding"),
        description=(
            "Dot plot, one row per number the essay states that has a value to check against: how far the "
            "latest report lies outside the essay's number or range, in per cent of it. Zero means the value "
            "lies within it. Colour gives the status under the page's rule, which first rounds the value as "
            "the essay rounds it, so a small offset can still be confirmed and a tiny one discrepant. A ring "
            f"marks the value as first reported where a later report corrected it. What the data show: "
            f"{h.text('chart_finding')}. The largest offset is {_largest(rows)}."),
        data={"claims-vs-sources": rows},
        sources=["import-ai-455"] + sorted(set(s for s in h.tables["parts"].source_id.dropna()) - {"import-ai-455"}),
    )


def _largest(rows: pd.DataFrame) -> str:
    """The row furthest from the essay's number, as the tooltip writes it: 'METR horizon, GPT-3.5 (+19.9%)'."""
    row = rows.loc[rows.gap_percent.abs().idxmax()]
    return f"{row.short_label} ({row.gap_percent:+.1f}%, {row.status})"


def claims_table(h: Headline) -> dict:
    """The status of every claim of the essay, as ch.table arguments."""
    return {"frame": h.tables["claims"],
            "columns": {"claim": "Claim", "essay_says": "Essay says", "sources_say": "Sources say (latest report)",
                        "first_reported": "First reported", "status": "Status", "checked_against": "Source (tier)"},
            "badges": BADGES, "notes": {"claim": "note"}, "empty": h.text("lead")}


def tally_table(h: Headline) -> dict:
    """Claims by status under this page's rule beside the evidence pack's, as ch.table arguments."""
    return {"frame": h.tables["tally"],
            "columns": {"status": "Status", "this_page": "This page (claims)",
                        "evidence_pack": "Evidence pack (claims)"},
            "badges": BADGES, "empty": "No claim to count by this date."}


def differences_table(h: Headline) -> dict:
    """Every claim whose status differs from the evidence pack's, with the reason, as ch.table arguments."""
    return {"frame": h.tables["differences"],
            "columns": {"claim": "Claim", "evidence_status": "Evidence pack", "status": "This page", "why": "Why"},
            "badges": BADGES, "empty": "No claim's status differs from the evidence pack's by this date."}
