"""Coding: METR time horizons and SWE-bench."""
from __future__ import annotations

from .schema import Column, Dataset, not_above, require_when
from .sources import SOURCE_TYPES

SUITES = ("TH1.0", "TH1.1")

METR_HORIZONS = Dataset(
    name="metr_horizons",
    path="coding/metr_time_horizons.csv",
    title="METR time horizons",
    description=(
        "The length of task, in minutes of human-expert time, that a model completes with 50% (p50) "
        "and 80% (p80) reliability, with METR's bootstrap 95% intervals. TH1.0 (170 tasks, Vivaria) "
        "and TH1.1 (228 tasks, Inspect) are separate suites."
    ),
    caveats=(
        "Different suites are different rulers. METR revised its estimates (a regularisation fix on "
        "2026-03-03); these are the values after it. Above 16 hours METR calls its measurements "
        "unreliable. Dates are model release dates, not measurement dates."
    ),
    key=("suite", "metr_model_key"),
    date_column="release_date",
    columns=(
        Column("model"),
        Column("metr_model_key"),
        Column("developer"),
        Column("release_date", "date"),
        Column("suite", "category", allowed=SUITES),
        Column("estimate_origin", "category",
               allowed=("TH1.1 file", "TH1.0 value carried into the TH1.1 file", "TH1.0 file")),
        Column("p50_minutes", "number", min=0, log=True),
        Column("p50_ci_low_minutes", "number", min=0, log=True),
        Column("p50_ci_high_minutes", "number", min=0, log=True),
        Column("p80_minutes", "number", min=0),
        Column("p80_ci_low_minutes", "number", required=False, min=0),
        Column("p80_ci_high_minutes", "number", required=False, min=0),
        Column("metr_frontier_p50", "category", allowed=("yes", "no"), description="METR's own is_sota_p50 flag"),
        Column("source_tier", "category", allowed=SOURCE_TYPES),
        Column("source_url", "url"),
        Column("note", required=False),
    ),
    row_checks=(
        not_above("p50_ci_low_minutes", "p50_minutes"),
        not_above("p50_minutes", "p50_ci_high_minutes"),
        not_above("p80_minutes", "p50_minutes"),
    ),
)

METR_DOUBLING = Dataset(
    name="metr_doubling",
    path="coding/metr_doubling_times.csv",
    title="METR's published doubling times",
    description="Doubling times of the 50% time horizon as METR published them, per suite, window and vintage.",
    caveats="Values before METR's 2026-03-03 fix cannot be reproduced from the current data file.",
    key=("suite", "series", "vintage"),
    columns=(
        Column("suite", "category", allowed=SUITES),
        Column("series"),
        Column("window_start", "date"),
        Column("excludes_above_minutes", "number", required=False, min=0),
        Column("vintage"),
        Column("doubling_days", "number", min=0),
        Column("ci_low_days", "number", required=False, min=0),
        Column("ci_high_days", "number", required=False, min=0),
        Column("source_url", "url"),
        Column("note", required=False),
    ),
    row_checks=(not_above("ci_low_days", "doubling_days"), not_above("doubling_days", "ci_high_days")),
)

METR_REVISIONS = Dataset(
    name="metr_revisions",
    path="coding/metr_revisions.csv",
    title="Revisions of METR time horizons",
    description="Values METR published for some models before its 2026-03-03 fix, beside the values after it.",
    key=("model", "suite", "vintage"),
    date_column="published",
    columns=(
        Column("model"),
        Column("suite", "category", allowed=SUITES),
        Column("vintage"),
        Column("published", "date"),
        Column("p50_minutes", "number", min=0),
        Column("p50_as_published", description="The value as METR wrote it"),
        Column("source_url", "url"),
        Column("note", required=False),
    ),
)

SWE_BENCH = Dataset(
    name="swe_bench",
    path="coding/swe_bench.csv",
    title="SWE-bench results",
    description=(
        "Share of real GitHub issues a system resolves, on SWE-bench Full (2,294 tasks), Lite (300) "
        "and Verified (500), as reported by the leaderboard, by vendors, by independent evaluators "
        "and by the original paper."
    ),
    caveats=(
        "Splits are not comparable. Vendor numbers use vendor scaffolds and often several trials; "
        "independent runs are typically several points lower. Verified has flawed tests and "
        "contamination at the top end. Dates are submission, announcement or run dates."
    ),
    key=("date", "system", "split", "reported_by", "measured_by"),
    date_column="date",
    columns=(
        Column("date", "date"),
        Column("system"),
        Column("developer"),
        Column("split", "category", allowed=("Full", "Full subset", "Lite", "Verified")),
        Column("percent_resolved", "number", min=0, max=100),
        Column("reported_by", "category", allowed=("leaderboard", "vendor", "independent", "paper")),
        Column("measured_by", required=False),
        Column("row_type", "category", allowed=(
            "leaderboard SOTA progression", "leaderboard notable", "leaderboard bash-only (controlled scaffold)",
            "vendor claim", "independent eval", "paper")),
        Column("source_url", "url"),
        Column("note", required=False),
    ),
    row_checks=(
        require_when("measured_by", lambda r: r["reported_by"] == "independent", "an independent row names its evaluator"),
    ),
)

DATASETS = (METR_HORIZONS, METR_DOUBLING, METR_REVISIONS, SWE_BENCH)
