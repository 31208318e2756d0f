"""The claims chapter: how each of the essay's numbers compares with its sources."""
from __future__ import annotations

import html

import pandas as pd

from ..book.palette import STATUS as STATUS_COLOURS

MATCH = ("confirmed", "confirmed with caveat", "vendor-reported")


def claimed_text(low: float, high: float) -> str:
    if pd.isna(low):
        return "no number"
    return fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"


def fmt(x: float) -> str:
    """A number as the sources print it: no trailing zeros, thousands separated."""
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def gap_percent(low: float, high: float, checked: float) -> float:
    """How far the checked value lies outside the claimed range, in % of the nearest bound (0 inside)."""
    if low <= checked <= high:
        return 0.0
    bound = low if checked < low else high
    return (checked - bound) / bound * 100


def compare(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per claim with the essay's value, the checked value, the gap and the source."""
    src = sources.set_index("source_id")
    out = claims.copy()
    out["note"] = out.note.fillna("")
    out["claimed"] = [claimed_text(lo, hi) for lo, hi in zip(out.claimed_low, out.claimed_high)]
    out["checked"] = [fmt(v) if pd.notna(v) else "not yet" for v in out.checked_value]
    out["gap_percent"] = [
        round(gap_percent(lo, hi, v), 2) if pd.notna(lo) and pd.notna(v) else None
        for lo, hi, v in zip(out.claimed_low, out.claimed_high, out.checked_value)
    ]
    sid = out.check_source_id.fillna(out.claim_source_id)
    out["source"] = [f"{src.loc[s, 'publisher']}: {src.loc[s, 'title']}" for s in sid]
    out["source_url"] = [src.loc[s, "url"] for s in sid]
    return out


def counts(compared: pd.DataFrame) -> dict[str, int]:
    checked = compared[compared.status != "forecast"]
    return {
        "total": len(compared),
        "checked": len(checked),
        "match": int(checked.status.isin(MATCH).sum()),
        "discrepant": int((checked.status == "discrepant").sum()),
        "caveat": int((checked.status == "confirmed with caveat").sum()),
        "vendor": int((checked.status == "vendor-reported").sum()),
        "forecast": int((compared.status == "forecast").sum()),
    }


def chart_data(compared: pd.DataFrame) -> pd.DataFrame:
    """The claims that have both a claimed and a checked number, for the chart and its download."""
    rows = compared[compared.gap_percent.notna()]
    return rows[["claim_id", "claim", "claimed", "checked", "unit", "gap_percent", "status", "source",
                 "source_url", "note"]].reset_index(drop=True)


def chart(rows: pd.DataFrame):
    import altair as alt

    statuses = [s for s in STATUS_COLOURS if s in set(rows.status)]
    colour = alt.Color("status:N", title="Status",
                       scale=alt.Scale(domain=statuses, range=[STATUS_COLOURS[s] for s in statuses]))
    base = alt.Chart(rows).encode(
        y=alt.Y("claim:N", title=None, sort=alt.EncodingSortField("gap_percent", order="ascending"),
                axis=alt.Axis(labelLimit=230)),
    )
    tooltip = [
        alt.Tooltip("claim:N", title="Claim"),
        alt.Tooltip("claimed:N", title="Essay says"),
        alt.Tooltip("checked:N", title="Sources say"),
        alt.Tooltip("unit:N", title="Unit"),
        alt.Tooltip("gap_percent:Q", title="Outside the claim by (%)", format="+.1f"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("source:N", title="Source"),
    ]
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#444").encode(x="x:Q")
    stems = base.mark_rule(strokeWidth=2, opacity=0.5).encode(x=alt.X("zero:Q"), x2="gap_percent:Q", color=colour)
    dots = base.mark_circle(size=110, opacity=1).encode(
        x=alt.X("gap_percent:Q", title="Sources vs. essay (% off the claim; 0 = matches)"),
        color=colour, tooltip=tooltip,
    )
    return (zero + stems.transform_calculate(zero="0") + dots).properties(height=alt.Step(26))


def status_table(compared: pd.DataFrame) -> str:
    """The status table as HTML: claim, essay, sources, unit, status, source link, note."""
    rows = []
    for r in compared.itertuples():
        colour = STATUS_COLOURS[r.status]
        rows.append(
            "<tr>"
            f"<td>{html.escape(r.claim)}<div class='mosaic-note'>{html.escape(r.note)}</div></td>"
            f"<td class='num'>{html.escape(r.claimed)}</td>"
            f"<td class='num'>{html.escape(r.checked)}</td><td>{html.escape(r.unit)}</td>"
            f"<td><span class='mosaic-status' style='border-color:{colour};color:{colour}'>"
            f"{html.escape(r.status)}</span></td>"
            f"<td><a href='{html.escape(r.source_url)}'>{html.escape(r.source)}</a></td></tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in ("Claim", "Essay says", "Sources say", "Unit", "Status",
                                                  "Checked against"))
    return (f"<div class='mosaic-table-wrap'><table class='mosaic-table'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")
