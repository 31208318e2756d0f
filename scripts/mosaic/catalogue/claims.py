"""The essay's claims, checked."""
from __future__ import annotations

from .schema import Column, Dataset, not_above, require_when

CLAIM_STATUS = ("confirmed", "confirmed with caveat", "discrepant", "vendor-reported", "forecast")
CHECK_METHODS = ("primary source", "secondary source", "arithmetic", "not yet checkable")

CLAIMS = Dataset(
    name="claims",
    path="claims/claims.csv",
    title="The essay's claims, checked",
    description=(
        "Every numeric claim of Import AI 455 with the value found in the sources and a status. "
        "A range claim (25-28) has claimed_low and claimed_high; a point claim has both equal."
    ),
    caveats=(
        "Claimed periods are as precise as the essay is (a year or a month). Forecasts cannot be "
        "checked yet; they are scored as data arrive."
    ),
    key=("claim_id",),
    columns=(
        Column("claim_id"),
        Column("chapter", "category", allowed=("coding", "replication", "kernels", "alignment_clock", "economy")),
        Column("claim"),
        Column("claimed_low", "number", required=False, min=0),
        Column("claimed_high", "number", required=False, min=0),
        Column("unit"),
        Column("claimed_period", "period", description="When the essay places the claim"),
        Column("checked_value", "number", required=False, min=0, description="Value found in the sources"),
        Column("status", "category", allowed=CLAIM_STATUS),
        Column("check_method", "category", allowed=CHECK_METHODS),
        Column("claim_source_id", "source"),
        Column("check_source_id", "source", required=False),
        Column("note", required=False),
    ),
    row_checks=(
        not_above("claimed_low", "claimed_high"),
        require_when("claimed_high", lambda r: r["claimed_low"] != "", "claimed_low is set"),
        require_when("checked_value", lambda r: r["status"] != "forecast", "only a forecast may be unchecked"),
        require_when("check_source_id", lambda r: r["check_method"].endswith("source"),
                     "a value checked against a source names it"),
    ),
)

DATASETS = (CLAIMS,)
