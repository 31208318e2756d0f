"""The claims chapter: every numeric claim of Import AI 455 set against its sources, by one stated rule.

THE RULE, the same for every claim:

    A number holds when the value found, rounded as the essay rounds it (half up, to the last
    digit the essay wrote, in the essay's unit), equals the essay's number or falls in its range.

"~12 hours" holds for 718.8 minutes (11.98 hours rounds to 12); "~30 seconds" does not hold for
0.599 minutes (35.9 seconds rounds to 36). A tilde does not widen the rule.

The value found is the latest report of whoever measured the number, so a correction replaces the
value it corrects. For the training speedups it is the value the kernels chapter counts, read from
that chapter's published outputs, never copied. From the rule, each number gets one status:

- confirmed: the latest report bears it out;
- vendor-reported: it does, but that report is a vendor's about its own system (tier self-reported);
- superseded: only a first report bears it out, and a later report of the same measurer corrected it;
- discrepant: no report bears it out;
- forecast: nothing to check yet.

A claim that names several numbers (PostTrainBench's two agents) is counted once, at the status of
its weakest number. Wrangle (`checks`), rule (`holds`, `status`), tally (`tally`) and the comparison
with the evidence pack (`against_evidence`) are kept apart; charts and tables are drawn in
mosaic.book.plots.claims.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from ..catalogue.claims import written_numbers
from ..catalogue.schema import period_end
from .figures import Figure, Headline, newest, sentence

DATA = "data/claims/claims.csv"
KERNELS = "kernels:counted_speedups"
ARITHMETIC = "alignment_clock:essay_examples"
MATCHES = ("confirmed", "vendor-reported")
# From worst to best: a claim of several numbers takes the status of its weakest one.
WORST_FIRST = ("discrepant", "superseded", "vendor-reported", "confirmed")
UNCHECKED = "unchecked"  # a number whose value was not available to this build (see notes)
# Every status this page or the evidence pack uses, in the order tables list them.
STATUSES = ("confirmed", "confirmed with caveat", "vendor-reported", "superseded", "discrepant", "forecast",
            UNCHECKED)


# -- Formatting ------------------------------------------------------------------------------
def fmt(x: float) -> str:
    """A number as the sources print it: no trailing zeros, thousands separated, at most 4 decimals."""
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def with_unit(x: float, unit: str) -> str:
    """A value with its unit, to four significant figures at most: 23.2%, 61.79×, 718.8 minutes."""
    x = float(f"{x:.4g}")
    if unit.startswith("%"):
        return f"{fmt(x)}%"
    if unit.startswith("x"):
        return f"{fmt(x)}×"
    return f"{fmt(x)} {unit}"


def times_sign(text: str) -> str:
    """'52x' as the book prints a speedup: '52×'."""
    return re.sub(r"(\d)x\b", "\\1×", text)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# -- The rule --------------------------------------------------------------------------------
def _open(high) -> bool:
    return high is None or (isinstance(high, float) and math.isnan(high))


def rounded(value: float, written: str, low: float) -> Decimal:
    """The value in the essay's unit, rounded half up to the last digit the essay wrote.

    The essay's unit is inferred from its words and the stored number: '~12 hours' stored as 720
    minutes is read in hours (720 / 12 = 60 minutes each).
    """
    numbers = written_numbers(written)
    first = float(numbers[0])
    scale = float(low) / first if first else 1.0
    places = len(numbers[-1].partition(".")[2])
    essay_units = Decimal(repr(round(float(value) / scale, 12)))
    return essay_units.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shown(value: float, written: str, low: float) -> str:
    """The value as the essay would have written it: 0.599247 minutes against '~30 seconds' -> '36 seconds'."""
    numbers = written_numbers(written)
    if not numbers:
        return fmt(value)
    unit = written[written.rfind(numbers[-1]) + len(numbers[-1]):]
    return times_sign(f"{rounded(value, written, low)}{unit.rstrip('+')}")


def holds(value: float, written: str | None, low: float, high: float | None) -> bool:
    """THE RULE: the value, rounded as the essay rounds it, equals its number or falls in its range.

    `written` is the essay's words for the number ('~12 hours', '25-28%', '60%+'); `low` and `high`
    the stored claim in its unit (no `high`: 'at least'). Words with no number (a claim that one
    score beat another) compare the value itself with the stored bound.
    """
    numbers = written_numbers(written)
    if not numbers:
        return value >= low and (_open(high) or value <= high)
    essay = rounded(value, written, low)
    return Decimal(numbers[0]) <= essay and (_open(high) or essay <= Decimal(numbers[-1]))


def status(method: str, latest: float, first: float, tier: str | None, written: str | None, low: float,
           high: float | None) -> str:
    """One number's status under the rule (see the module's docstring)."""
    if method == "not yet checkable":
        return "forecast"
    if latest is None or math.isnan(latest):
        return UNCHECKED
    if holds(latest, written, low, high):
        return "vendor-reported" if tier == "self-reported" else "confirmed"
    if first is not None and not math.isnan(first) and holds(first, written, low, high):
        return "superseded"
    return "discrepant"


def weakest(statuses) -> str:
    """A claim's status from its numbers': forecast if all are, else the weakest."""
    statuses = list(statuses)
    if all(s == "forecast" for s in statuses):
        return "forecast"
    if UNCHECKED in statuses:
        return UNCHECKED
    return next(s for s in WORST_FIRST if s in statuses)


def gap_percent(value: float, low: float, high: float | None) -> float:
    """How far a value lies outside the claimed range, in % of the nearest bound (0 inside)."""
    if value < low:
        return (value - low) / low * 100
    if not _open(high) and value > high:
        return (value - high) / high * 100
    return 0.0


# -- Wrangle ---------------------------------------------------------------------------------
def claim_dates(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """When each claim was made: the publication date of its source."""
    published = sources.set_index("source_id").published
    dates = claims.claim_source_id.map(published)
    for i, row in claims[dates.isna()].iterrows():
        raise ValueError(f"{DATA}:{i + 2}: column 'claim_source_id': source {row.claim_source_id!r} has no "
                         "'published' date in data/sources.csv, so the claim cannot be dated")
    return dates.map(lambda d: pd.Timestamp(d).date())


PARTS = ["claim_id", "essay_claim", "chapter", "claim", "short_label", "system", "claimed", "written", "claimed_low",
         "claimed_high", "unit", "claimed_on", "check_method", "latest", "first", "status", "source_id",
         "first_source_id", "source_tier", "reported", "evidence_status", "note", "stated_rate", "stated_steps"]


def checks(claims: pd.DataFrame, sources: pd.DataFrame, counted: pd.DataFrame | None,
           computed: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per number claimed: the value it is checked against, the first report, their sources, its status.

    Speedups come from the kernels chapter's counted values and the essay's compounding arithmetic
    from the alignment clock's, so each number has one value in the book.
    """
    src = sources.set_index("source_id")
    counted = (counted if counted is not None else pd.DataFrame(columns=["model"])).set_index("model")
    computed = (computed if computed is not None else pd.DataFrame(columns=["claim_id", "found_pct"])
                ).set_index("claim_id").found_pct
    rows = []
    for i, r in claims.reset_index(drop=True).iterrows():
        latest = first = math.nan
        source = first_source = reported = None
        if r.check_method == "source":
            latest, source = r.checked_value, r.check_source_id
            first, first_source = r.first_reported_value, r.first_source_id
        elif r.check_method == "kernels chapter" and r.system in counted.index:
            k = counted.loc[r.system]
            latest, source, reported = float(k.speedup_x), k.source_id, str(k.report_period)
            first = float(k.first_reported_x) if float(k.first_reported_x) != latest else math.nan
        elif r.check_method == "arithmetic" and r.claim_id in computed.index:
            latest = float(computed[r.claim_id])
        for sid in (source, first_source):
            if isinstance(sid, str) and sid not in src.index:
                raise ValueError(
                    f"{DATA}:{i + 2}: claim {r.claim_id!r}: source {sid!r} is not among this chapter's sources "
                    "(the sources its rows cite and those listed under 'mosaic: sources:' in chapters/claims.md)")
        if reported is None and isinstance(source, str) and pd.notna(src.loc[source, "published"]):
            reported = pd.Timestamp(src.loc[source, "published"]).date().isoformat()
        tier = src.loc[source, "source_type"] if isinstance(source, str) else None
        written = r.claimed_as_written if pd.notna(r.claimed_as_written) else ""
        high = r.claimed_high if pd.notna(r.claimed_high) else None
        rows.append({
            "claim_id": r.claim_id, "essay_claim": r.essay_claim, "chapter": r.chapter, "claim": r.claim,
            "short_label": r.short_label,
            "system": r.system if pd.notna(r.system) else "",
            "claimed": times_sign(written) or f"above {fmt(r.claimed_low)}", "written": written,
            "claimed_low": r.claimed_low, "claimed_high": high, "unit": r.unit, "claimed_on": r.claimed_on,
            "check_method": r.check_method, "latest": latest, "first": first,
            "status": status(r.check_method, latest, first, tier, written, r.claimed_low, high),
            "source_id": source, "first_source_id": first_source, "source_tier": tier or "",
            "reported": reported or "", "evidence_status": r.evidence_status,
            "note": r.note if pd.notna(r.note) else "",
            "stated_rate": r.stated_rate, "stated_steps": r.stated_steps,
        })
    return pd.DataFrame(rows, columns=PARTS)


def check_groups(parts: pd.DataFrame) -> None:
    """Rows of one essay claim must agree on what the claim is."""
    for essay_claim, g in parts.groupby("essay_claim", sort=False):
        for column in ("claim", "claimed", "evidence_status", "claimed_on"):
            if g[column].nunique() > 1:
                raise ValueError(f"{DATA}: the rows of claim {essay_claim!r} ({', '.join(g.claim_id)}) disagree "
                                 f"on column '{column}': {', '.join(map(str, g[column].unique()))}")


def source_label(source_id, sources: pd.DataFrame) -> str:
    if not isinstance(source_id, str):
        return "arithmetic on the essay's inputs"
    row = sources.set_index("source_id").loc[source_id]
    return f"{row.publisher}: {row.title}"


def source_short(source_id, sources: pd.DataFrame) -> str:
    """A source as a table cell: its publisher and tier ('METR (primary)'); titles and links are under the chart."""
    if not isinstance(source_id, str):
        return "arithmetic on the essay's inputs"
    row = sources.set_index("source_id").loc[source_id]
    return f"{row.publisher} ({row.source_type})"


def source_title(source_id, sources: pd.DataFrame) -> str:
    return sources.set_index("source_id").title.get(source_id, source_id)


def found_text(p) -> str:
    """What the sources say, as a reader writes it (the computed arithmetic at the essay's precision)."""
    if p.latest is None or (isinstance(p.latest, float) and math.isnan(p.latest)):
        return "not yet" if p.status == "forecast" else "not available"
    if p.check_method == "arithmetic":
        return shown(p.latest, p.written, p.claimed_low)
    return with_unit(p.latest, p.unit)


def per_claim(parts: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per essay claim: what the essay says, what the sources say, the status and where it was checked."""
    rows = []
    for essay_claim, g in parts.groupby("essay_claim", sort=False):
        several = len(g) > 1
        found = [found_text(p) + (f" ({p.system})" if several else "") for p in g.itertuples()]
        firsts = [with_unit(p.first, p.unit) + (f" ({p.system})" if several else "")
                  for p in g.itertuples() if pd.notna(p.first)]
        labels = list(dict.fromkeys(source_short(s, sources) for s in g.source_id
                                    if isinstance(s, str) or g.check_method.iloc[0] == "arithmetic"))
        rows.append({
            "essay_claim": essay_claim, "chapter": g.chapter.iloc[0], "claim": g.claim.iloc[0],
            "essay_says": g.claimed.iloc[0], "sources_say": "; ".join(found), "first_reported": "; ".join(firsts),
            "status": weakest(g.status), "evidence_status": g.evidence_status.iloc[0],
            "checked_against": "; ".join(labels), "note": "; ".join(dict.fromkeys(n for n in g.note if n)),
            "numbers": len(g),
        })
    return pd.DataFrame(rows, columns=["essay_claim", "chapter", "claim", "essay_says", "sources_say",
                                       "first_reported", "status", "evidence_status", "checked_against", "note",
                                       "numbers"])


def chart_rows(parts: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The numbers that have both a claim and a value found, for the chart and its download."""
    rows = parts[parts.latest.notna()].copy()
    several = rows.essay_claim.map(parts.essay_claim.value_counts()) > 1
    rows["claim"] = rows.claim + rows.system.where(several, "").map(lambda s: f" ({s})" if s else "")
    rows["checked"] = [found_text(p) for p in rows.itertuples()]
    rows["first_reported"] = [with_unit(p.first, p.unit) if pd.notna(p.first) else "" for p in rows.itertuples()]
    rows["gap_percent"] = [round(gap_percent(p.latest, p.claimed_low, p.claimed_high), 2) for p in rows.itertuples()]
    rows["first_gap_percent"] = [round(gap_percent(p.first, p.claimed_low, p.claimed_high), 2)
                                 if pd.notna(p.first) else None for p in rows.itertuples()]
    rows["source"] = [source_label(s, sources) for s in rows.source_id]
    urls = sources.set_index("source_id").url
    rows["source_url"] = rows.source_id.map(lambda s: urls.get(s, "") if isinstance(s, str) else "")
    return rows[["claim_id", "short_label", "claim", "claimed", "checked", "first_reported", "unit", "gap_percent",
                 "first_gap_percent", "status", "source", "source_tier", "reported", "source_url", "note",
                 "claimed_low", "claimed_high", "latest", "first"]].rename(columns={
                     "latest": "checked_value", "first": "first_reported_value"}).reset_index(drop=True)


# -- Tally and the comparison with the evidence pack -----------------------------------------
def tally(claims: pd.DataFrame) -> dict[str, int]:
    """Counts of essay claims (not rows) by status."""
    n = claims.status.value_counts()
    out = {s: int(n.get(s, 0)) for s in STATUSES}
    out["total"] = len(claims)
    out["checked"] = out["total"] - out["forecast"] - out[UNCHECKED]
    out["match"] = sum(out[s] for s in MATCHES)
    return out


def reads_as(value: float, p, what: str) -> str:
    """'the latest report, 0.5992 minutes, gives 36 seconds' (the value only once when rounding leaves it as is)."""
    raw, essay = with_unit(value, p.unit), shown(value, p.written, p.claimed_low)
    return f"{what} gives {essay}" if raw == essay else f"{what}, {raw}, gives {essay}"


def why_different(claim: pd.Series, parts: pd.DataFrame, sources: pd.DataFrame) -> str:
    """Why this page's status for a claim differs from the evidence pack's, from the numbers themselves."""
    pack, ours = claim.evidence_status, claim.status
    g = parts[parts.essay_claim == claim.essay_claim]
    if ours == "superseded":
        p = g[g.status == "superseded"].iloc[0]
        text = (f"The essay's {p.claimed} matches {with_unit(p.first, p.unit)} as first reported; the latest report "
                f"corrects it to {with_unit(p.latest, p.unit)} ({source_title(p.source_id, sources)}")
        if p.reported:
            side = "before" if period_end(p.reported) < p.claimed_on else "after"
            text += f", {p.reported}, {side} the essay"
        return text + ")."
    if ours == "discrepant":
        p = g[g.status == "discrepant"].iloc[0]
        if not p.written:
            return f"{with_unit(p.latest, p.unit)} is outside the claimed bound."
        text = "Rounded as the essay rounds, " + reads_as(p.latest, p, "the latest report")
        if pd.notna(p.first):
            text += " and " + reads_as(p.first, p, "the first report")
        return f"{text}: not the essay's {p.claimed}."
    if ours == "vendor-reported":
        p = g[g.status == "vendor-reported"].iloc[0]
        return ("The number holds, but its only source is the vendor's own report "
                f"({source_label(p.source_id, sources)}, tier self-reported).")
    if ours == "confirmed" and pack == "confirmed with caveat":
        return "The number holds. This page has no 'with caveat' status: every claim's caveat is shown beside it."
    if ours == "confirmed" and pack == "vendor-reported":
        return "The number holds, and its source is not the vendor's own report."
    if ours == UNCHECKED:
        return "The value it is checked against was not available to this build."
    return f"The evidence pack says {pack}; the rule gives {ours}."


def against_evidence(claims: pd.DataFrame, parts: pd.DataFrame, sources: pd.DataFrame) -> tuple[pd.DataFrame,
                                                                                               pd.DataFrame]:
    """The counts by status beside the evidence pack's, and every claim whose status differs, with why."""
    ours, pack = claims.status.value_counts(), claims.evidence_status.value_counts()
    counts = pd.DataFrame([{"status": s, "this_page": int(ours.get(s, 0)), "evidence_pack": int(pack.get(s, 0))}
                           for s in STATUSES if ours.get(s, 0) or pack.get(s, 0)],
                          columns=["status", "this_page", "evidence_pack"])
    differ = claims[claims.status != claims.evidence_status].copy()
    differ["why"] = [why_different(c, parts, sources) for _, c in differ.iterrows()]
    return counts, differ[["essay_claim", "claim", "essay_says", "sources_say", "evidence_status", "status",
                           "why"]].reset_index(drop=True)


def counts_text(counts: pd.DataFrame, column: str) -> str:
    """'7 confirmed, 2 vendor-reported and 3 forecasts' from a counts table."""
    parts = [f"{n} {s}" if s != "forecast" else plural(n, "forecast")
             for s, n in zip(counts.status, counts[column]) if n]
    if not parts:
        return "none"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# -- Headline --------------------------------------------------------------------------------
def number_figures(h: Headline, claims: pd.DataFrame, parts: pd.DataFrame, essay_date: dt.date) -> None:
    """Glue for every number, so the prose can quote any claim: its words, the value found, the first report.

    Every row of the data gets its keys at every date, so the prose never cites a key that is missing.
    """
    later = f"not yet claimed (the essay appeared on {essay_date.isoformat()})"
    by_id = parts.set_index("claim_id")
    for r in claims.itertuples():
        keys = ("essay", "found", "first", "rounded") + (("rate", "steps") if r.check_method == "arithmetic" else ())
        texts = dict.fromkeys(keys, later)
        if r.claim_id in by_id.index:
            p = by_id.loc[r.claim_id]
            found = found_text(p)
            texts.update(essay=p.claimed, found=found,
                         first=with_unit(p.first, p.unit) if pd.notna(p.first) else "none",
                         rounded=shown(p.latest, p.written, p.claimed_low) if p.written and pd.notna(p.latest)
                         else found)
            if r.check_method == "arithmetic":
                texts.update(rate=f"{fmt(r.stated_rate)}%", steps=fmt(r.stated_steps))
        for what, text in texts.items():
            h.add(sentence(f"{r.claim_id}_{what}", text))


def verb(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def lead(n: dict, numbers: int, as_of: dt.date | None, essay_date: dt.date) -> str:
    """The page's opening sentences: what was checked and what was found."""
    if not n["total"]:
        return (f"Import AI 455 was published on {essay_date.isoformat()}, after this edition's date "
                f"({as_of.isoformat() if as_of else 'latest'}): it had made no claim to check yet.")
    text = (f"Import AI 455 makes {plural(n['total'], 'numeric claim')} ({plural(numbers, 'number')}). "
            f"Of the {n['checked']} that can be checked, {verb(n['match'], 'matches', 'match')} the latest report "
            f"of their source, {verb(n['superseded'], 'matches', 'match')} only a first report that was later "
            f"corrected, and {verb(n['discrepant'], 'matches', 'match')} none.")
    if n["forecast"]:
        text += f" {verb(n['forecast'], 'is a forecast', 'are forecasts')}, to be scored as data arrive."
    return text


def corrections_timing(parts: pd.DataFrame) -> str:
    """Whether the corrections behind superseded claims came before the claims were made."""
    late = parts[parts.status == "superseded"]
    if late.empty:
        return "No claim quotes a value that was later corrected"
    before = sum(bool(p.reported) and period_end(p.reported) < p.claimed_on for p in late.itertuples())
    if before == len(late):
        return (f"{'The correction' if len(late) == 1 else f'All {len(late)} corrections'} behind a superseded claim "
                f"{'was' if len(late) == 1 else 'were'} published before the essay, which could have quoted the "
                "corrected value")
    return (f"{before} of the {len(late)} corrections behind a superseded claim {'was' if before == 1 else 'were'} "
            "published before the essay; the others came after it")


LABELS = {
    "claims_total": ("total", "Numeric claims in Import AI 455"),
    "claims_checked": ("checked", "Claims that can be checked against their sources"),
    "claims_match": ("match", "Claims the latest report of their source bears out"),
    "claims_confirmed": ("confirmed", "Claims confirmed by a source other than the vendor"),
    "claims_vendor": ("vendor-reported", "Claims borne out only by the vendor's own report"),
    "claims_superseded": ("superseded", "Claims that match only a first report since corrected"),
    "claims_discrepant": ("discrepant", "Claims no report bears out"),
    "claims_forecast": ("forecast", "Forecasts still to be scored"),
}


def headline(frames: dict, params: dict) -> Headline:
    """Every figure, table and chart row of the claims chapter."""
    as_of = params["as_of"]
    sources = frames["sources"]
    claims = frames["claims"].copy()
    claims["claimed_on"] = claim_dates(claims, sources)
    essay_date = max(claims.claimed_on)
    made = claims[claims.claimed_on <= as_of] if as_of else claims
    parts = checks(made, sources, frames.get(KERNELS), frames.get(ARITHMETIC))
    check_groups(parts)
    per = per_claim(parts, sources)
    n = tally(per)
    when = newest(parts.claimed_on) if len(parts) else None

    h = Headline()
    if len(made) < len(claims):
        later = len(claims) - len(made)
        h.notes.append(f"{plural(later, 'claim')} {'is' if later == 1 else 'are'} made in sources published after "
                       f"this edition's date (Import AI 455 appeared on {essay_date.isoformat()}); this page shows "
                       "only the claims made by then.")
    unchecked = sorted(set(parts[parts.status == UNCHECKED].system))
    if unchecked:
        h.notes.append("The kernels chapter counts no training speedup for " + ", ".join(unchecked)
                       + " by this date, so the claims about them are left unchecked.")

    for key, (what, label) in LABELS.items():
        h.add(Figure(key, n[what], str(n[what]), "claims", label, as_of=when if n[what] else None,
                     note="Counted once per claim of the essay, by the rule stated on the page."))
    counts, differ = against_evidence(per, parts, sources)
    h.add(Figure("claims_status_changed", len(differ), str(len(differ)), "claims",
                 "Claims whose status under this page's rule differs from the evidence pack's",
                 as_of=when if len(differ) else None),
          sentence("claims_numbers", plural(len(parts), "number")),
          sentence("page_tally", counts_text(counts, "this_page")),
          sentence("evidence_tally", counts_text(counts, "evidence_pack")),
          sentence("lead", lead(n, len(parts), as_of, essay_date)),
          sentence("chart_finding", (f"{n['match']} of {n['checked']} checkable claims match the latest report of "
                                     f"their source; {n['superseded']} match only a corrected first report and "
                                     f"{n['discrepant']} match none") if n["checked"] else "No claim to check yet"),
          sentence("essay_date", essay_date.isoformat()),
          sentence("corrections_timing", corrections_timing(parts)))
    number_figures(h, claims, parts, essay_date)

    h.tables["parts"] = parts
    h.tables["claims"] = per
    h.tables["chart"] = chart_rows(parts, sources)
    h.tables["tally"] = counts
    h.tables["differences"] = differ
    h.outputs["claims"] = per[["essay_claim", "claim", "chapter", "essay_says", "sources_say", "status",
                               "evidence_status"]]
    return h
