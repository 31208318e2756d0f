"""The essay's claims, and what each is checked against."""
from __future__ import annotations

import re

from .schema import Column, Dataset, not_above, require_when

# The statuses of the curated evidence pack (../shared/evidence/claims.csv), kept so the page can
# compare them with the statuses it computes by its own rule.
EVIDENCE_STATUS = ("confirmed", "confirmed with caveat", "discrepant", "vendor-reported", "forecast")
# How a claim is checked: against a value read from a source (its tier is in data/sources.csv),
# by arithmetic on the inputs the essay states, against the value the kernels chapter counts for a
# model, or not yet (a forecast).
CHECK_METHODS = ("source", "arithmetic", "kernels chapter", "not yet checkable")

NUMBER = re.compile(r"\d+(?:\.\d+)?")
# The unit conversions a claim may make between the essay's words and its stored unit:
# the same unit, hours or seconds written for a value stored in minutes.
CONVERSIONS = {1.0: "the same unit", 60.0: "hours stored as minutes", 1 / 60: "seconds stored as minutes"}


def written_numbers(text: str) -> list[str]:
    """The numbers in the essay's words for a claim, as written: '~25-28%' -> ['25', '28']."""
    return NUMBER.findall(text or "")


def claimed_as_written(row: dict[str, str]):
    """A row rule: the claimed range is a range, and the essay's words give the same numbers as the row.

    '~12 hours' agrees with claimed_low = claimed_high = 720 (minutes); '25-28%' with 25 and 28; '60%+'
    with claimed_low 60 and no claimed_high. A claim whose words give no number ('beat the baseline')
    states its bound in claimed_low and says where it comes from in its note.
    """
    found = not_above("claimed_low", "claimed_high")(row)
    if found:
        return found
    numbers = written_numbers(row["claimed_as_written"])
    if not numbers or not row["claimed_low"]:
        return None
    first = float(numbers[0])
    scale = float(row["claimed_low"]) / first if first else 1.0
    if not any(abs(scale - c) <= 1e-9 * c for c in CONVERSIONS):
        return ("claimed_low", f"{row['claimed_low']} does not match {row['claimed_as_written']!r} as written "
                               f"(allowed conversions: {', '.join(CONVERSIONS.values())})")
    ends = [("claimed_low", numbers[0])]
    if row["claimed_high"]:
        ends.append(("claimed_high", numbers[-1]))
    for column, number in ends:
        if abs(float(row[column]) - float(number) * scale) > 1e-9 * max(1.0, abs(float(row[column]))):
            return column, f"{row[column]} does not match {row['claimed_as_written']!r} as written"
    return None


def forbid_when(column: str, when, why: str):
    """A row rule: `column` stays empty when `when(row)` holds (the value is computed, never typed)."""

    def rule(row: dict[str, str]):
        if when(row) and row[column] != "":
            return column, f"must be empty ({why})"
        return None

    return rule


CLAIMS = Dataset(
    name="claims",
    path="claims/claims.csv",
    title="The essay's claims, checked",
    description=(
        "Every numeric claim of Import AI 455 (Jack Clark, 2026-05-04), one row per number, with what it is "
        "checked against: a value read from a source (the latest report of the measurer, with the first "
        "report where a later one corrected it), arithmetic on the inputs the essay states, or the value the "
        "kernels chapter counts. Rows of one claim share essay_claim. The page computes each claim's status "
        "from these by one rule; evidence_status is the curated evidence pack's status, kept for comparison."
    ),
    caveats=(
        "claimed_as_written gives the essay's number in the essay's words where the evidence pack quotes them, "
        "otherwise the claimed value in its unit. Forecasts cannot be checked yet; they are scored as data "
        "arrive. A claim is dated by its source's publication (data/sources.csv)."
    ),
    key=("claim_id",),
    columns=(
        Column("claim_id", description="One number the essay states"),
        Column("essay_claim", description="The essay's claim this number belongs to (a claim may name several)"),
        Column("chapter", "category", allowed=("coding", "replication", "kernels", "alignment_clock", "economy")),
        Column("claim", description="The claim, shared by every row of one essay_claim"),
        Column("short_label", description="This number's name on a chart axis (a few words)"),
        Column("system", required=False,
               description="What this row measures when a claim names several; for a claim checked against the "
                           "kernels chapter, the model whose counted speedup it quotes"),
        Column("claimed_as_written", required=False,
               description="The essay's number with its unit as written ('~12 hours', '25-28%', '60%+'); its last "
                           "digit sets the precision the rule rounds to"),
        Column("claimed_low", "number", min=0, description="The claim's number, or the low end of its range"),
        Column("claimed_high", "number", required=False, min=0,
               description="The high end of the range (equal to claimed_low for a point); empty for 'at least'"),
        Column("unit"),
        Column("claimed_period", "period", description="When the essay places the claim"),
        Column("claim_source_id", "source", description="Where the claim is made; its publication dates the claim"),
        Column("check_method", "category", allowed=CHECK_METHODS),
        Column("stated_rate", "number", required=False, min=0, max=100,
               description="For arithmetic: the per-step rate the essay states (%)"),
        Column("stated_steps", "number", required=False, min=0,
               description="For arithmetic: the number of steps the essay states; checked value = rate ** steps"),
        Column("first_reported_value", "number", required=False, min=0,
               description="The value as first reported, where a later report of the same measurer corrected it"),
        Column("first_source_id", "source", required=False, description="Where the first report appeared"),
        Column("checked_value", "number", required=False, min=0,
               description="The latest value the measurer reported (checked against a source)"),
        Column("evidence_status", "category", allowed=EVIDENCE_STATUS,
               description="The evidence pack's status for this claim, for comparison with the computed one"),
        Column("check_source_id", "source", required=False,
               description="Where checked_value was read; for a forecast, where it was first made"),
        Column("note", required=False),
    ),
    row_checks=(
        claimed_as_written,
        require_when("checked_value", lambda r: r["check_method"] == "source",
                     "a claim checked against a source gives the value found"),
        require_when("check_source_id", lambda r: r["check_method"].endswith("source"),
                     "a value checked against a source names it"),
        require_when("system", lambda r: r["check_method"] == "kernels chapter",
                     "a claim checked against the kernels chapter names the model"),
        require_when("stated_rate", lambda r: r["check_method"] == "arithmetic", "arithmetic needs its inputs"),
        require_when("stated_steps", lambda r: r["check_method"] == "arithmetic", "arithmetic needs its inputs"),
        forbid_when("checked_value", lambda r: r["check_method"] in ("arithmetic", "kernels chapter"),
                    "computed from the stated inputs or read from the kernels chapter, never typed"),
        forbid_when("check_source_id", lambda r: r["check_method"] == "kernels chapter",
                    "the kernels chapter names the report it counts"),
        require_when("first_source_id", lambda r: r["first_reported_value"] != "", "a first report names its source"),
        require_when("first_reported_value", lambda r: r["first_source_id"] != "",
                     "a first report's source comes with its value"),
    ),
)

DATASETS = (CLAIMS,)
