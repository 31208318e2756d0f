"""The economy: Economic Index, productivity studies, labour market, investment.

Every row names its source in data/sources.csv (`source_id`) and keeps a `source_note`
saying how the number was read. Columns that classify a row for the chapter
(`fixed_base`, `time_measure`, `evidence`, `signal`) live here, in the data, so that
the analysis never decides what a row means from the wording of its text.
"""
from __future__ import annotations

from .schema import Column, Dataset, not_above, require_when

FIXED_BASES = ("all conversations", "classified conversations only")

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
    published_column="date",
    columns=(
        Column("date", "date", description="Release date"),
        Column("data_window", description="Conversations sampled, as the release gives them"),
        Column("report"),
        Column("platform"),
        Column("metric"),
        Column("fixed_base", "category", required=False, allowed=FIXED_BASES,
               description="For automation shares recomputed on one fixed base: which base (empty otherwise)"),
        Column("value", "number"),
        Column("unit"),
        Column("source_id", "source"),
        Column("source_note", description="How the number was read, and any flag"),
    ),
)

EVIDENCE_KINDS = ("randomised trial", "randomised trial, called unreliable by its authors", "observational",
                  "self-report", "forecast", "perception")
TIME_MEASURES = ("change in time per task", "time saved per task")

RESEARCHER_UPLIFT = Dataset(
    name="researcher_uplift",
    path="economy/researcher_uplift.csv",
    title="Measured and reported productivity effects of AI on developers and researchers",
    description=(
        "One row per study outcome: effect, unit, interval where published, and the kind of evidence. "
        "`time_measure` says whether the effect is a change in time per task (positive = more time with AI) "
        "or a share of time saved (positive = less time); other outcomes leave it empty."
    ),
    caveats=(
        "Units and signs differ by study (time per task, tasks completed, self-reported boosts). Self-reports, "
        "forecasts and perceptions are not measurements. METR calls its 2026 estimates unreliable because of "
        "selection."
    ),
    key=("published", "study", "outcome_metric"),
    date_column="published",
    published_column="published",
    columns=(
        Column("published", "period"),
        Column("published_as_written"),
        Column("study"),
        Column("label", description="Short name of the study and outcome, for chart axes"),
        Column("population"),
        Column("n"),
        Column("intervention"),
        Column("outcome_metric"),
        Column("time_measure", "category", required=False, allowed=TIME_MEASURES,
               description="How the effect sits on the time-per-task axis; empty for other outcomes"),
        Column("effect", "number"),
        Column("unit", description="States the sign convention"),
        Column("ci_low", "number", required=False, description="95% interval, where published"),
        Column("ci_high", "number", required=False),
        Column("evidence", "category", allowed=EVIDENCE_KINDS, description="The kind of evidence the row is"),
        Column("source_id", "source"),
        Column("source_note"),
    ),
    row_checks=(not_above("ci_low", "effect"), not_above("effect", "ci_high"),
                require_when("ci_low", lambda r: r["ci_high"] != "", "an interval needs both ends"),
                require_when("ci_high", lambda r: r["ci_low"] != "", "an interval needs both ends")),
)

SIGNALS = ("firm adoption", "young workers in exposed occupations", "employment and wages by exposure",
           "unemployment, earnings and hours", "exposure", "self-reported time savings", "model projection")

LABOR_MARKET = Dataset(
    name="labor_market",
    path="economy/labor_market.csv",
    title="Labour-market signals",
    description=(
        "Employment, hiring and firm-adoption measurements linked to AI exposure, one row per figure; `signal` "
        "groups the rows by what they measure."
    ),
    caveats=(
        "Census BTOS changed its AI question on 2025-11-17 (from 'producing goods or services' to 'any business "
        "function'); the two series must not be joined. Model projections are labelled as such."
    ),
    key=("published", "series", "population", "metric", "value"),
    date_column="published",
    published_column="published",
    columns=(
        Column("published", "period"),
        Column("published_as_written"),
        Column("series"),
        Column("geography"),
        Column("population"),
        Column("signal", "category", allowed=SIGNALS, description="What the row measures"),
        Column("metric"),
        Column("value", "number", required=False, description="Empty for a null result stated in words"),
        Column("unit"),
        Column("period", description="The period measured, as written"),
        Column("ref_start", "period", required=False, description="Start of the period measured, where stated"),
        Column("ref_end", "period", required=False),
        Column("source_id", "source"),
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
    published_column="published",
    columns=(
        Column("published", "period"),
        Column("published_as_written"),
        Column("entity"),
        Column("metric"),
        Column("value", "number"),
        Column("unit"),
        Column("period", description="The period the figure refers to, as written"),
        Column("source_id", "source"),
        Column("source_note"),
    ),
)

DATASETS = (ECONOMIC_INDEX, RESEARCHER_UPLIFT, LABOR_MARKET, AI_INVESTMENT)
