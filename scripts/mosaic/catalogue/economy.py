"""The economy: Economic Index, productivity studies, labour market, investment."""
from __future__ import annotations

from .schema import Column, Dataset, not_above, require_when

ECONOMIC_INDEX = Dataset(
    name="economic_index",
    path="economy/economic_index.csv",
    title="Anthropic Economic Index",
    description=(
        "Figures from each Anthropic Economic Index release: automation and augmentation shares, task mix and "
        "productivity estimates, per release, platform and metric."
    ),
    caveats=(
        "Automation shares are reported on different bases (classified patterns only, or all conversations); "
        "the platform sampled and the classifier model change between releases. Compare only rows on one base "
        "and one platform. Claude usage is not the labour market as a whole."
    ),
    key=("date", "data_window", "platform", "metric"),
    date_column="date",
    columns=(
        Column("date", "date", description="Release date"),
        Column("data_window", description="Conversations sampled, as the release gives them"),
        Column("report"),
        Column("platform"),
        Column("metric"),
        Column("value", "number"),
        Column("unit"),
        Column("source_url", "url"),
        Column("source_note", description="How the number was read, and any flag"),
    ),
)

EVIDENCE_KINDS = ("randomised trial", "randomised trial, called unreliable by its authors", "observational",
                  "self-report", "forecast or perception")

RESEARCHER_UPLIFT = Dataset(
    name="researcher_uplift",
    path="economy/researcher_uplift.csv",
    title="Measured and reported productivity effects of AI on developers and researchers",
    description="One row per study outcome: effect, unit, interval where published, and the kind of evidence.",
    caveats=(
        "Units and signs differ by study (time per task, tasks completed, self-reported boosts). Self-reports and "
        "forecasts are not measurements. METR calls its 2026 estimates unreliable because of selection."
    ),
    key=("published", "study", "outcome_metric"),
    date_column="published",
    columns=(
        Column("published", "period"),
        Column("published_as_written"),
        Column("study"),
        Column("population"),
        Column("n"),
        Column("intervention"),
        Column("outcome_metric"),
        Column("effect", "number"),
        Column("unit", description="States the sign convention"),
        Column("ci_low", "number", required=False, description="95% interval, where published"),
        Column("ci_high", "number", required=False),
        Column("evidence", "category", allowed=EVIDENCE_KINDS, description="The kind of evidence the row is"),
        Column("source_url", "url"),
        Column("source_note"),
    ),
    row_checks=(not_above("ci_low", "effect"), not_above("effect", "ci_high"),
                require_when("ci_low", lambda r: r["ci_high"] != "", "an interval needs both ends")),
)

LABOR_MARKET = Dataset(
    name="labor_market",
    path="economy/labor_market.csv",
    title="Labour-market signals",
    description="Employment, hiring and firm-adoption measurements linked to AI exposure, one row per figure.",
    caveats=(
        "Census BTOS changed its AI question on 2025-11-17 (from 'producing goods or services' to 'any business "
        "function'); the two series must not be joined. Model projections are labelled as such."
    ),
    key=("published", "series", "population", "metric", "value"),
    date_column="published",
    columns=(
        Column("published", "period"),
        Column("published_as_written"),
        Column("series"),
        Column("geography"),
        Column("population"),
        Column("metric"),
        Column("value", "number", required=False, description="Empty for a null result stated in words"),
        Column("unit"),
        Column("period", description="The period measured, as written"),
        Column("ref_start", "period", required=False, description="Start of the period measured, where stated"),
        Column("ref_end", "period", required=False),
        Column("source_url", "url"),
        Column("source_note"),
    ),
    row_checks=(require_when("ref_end", lambda r: r["ref_start"] != "", "a reference period needs both ends"),),
)

AI_INVESTMENT = Dataset(
    name="ai_investment",
    path="economy/ai_investment.csv",
    title="Revenue, capital spending and compute",
    description="Company revenue run-rates, valuations, capital expenditure and training compute, as reported.",
    caveats=(
        "Run-rates are company-defined annualised projections, not audited revenue; capex guidance is not spend; "
        "valuations are private-round marks."
    ),
    key=("published", "entity", "metric", "period"),
    date_column="published",
    columns=(
        Column("published", "period"),
        Column("published_as_written"),
        Column("entity"),
        Column("metric"),
        Column("value", "number"),
        Column("unit"),
        Column("period", description="The period the figure refers to, as written"),
        Column("source_url", "url"),
        Column("source_note"),
    ),
)

DATASETS = (ECONOMIC_INDEX, RESEARCHER_UPLIFT, LABOR_MARKET, AI_INVESTMENT)
