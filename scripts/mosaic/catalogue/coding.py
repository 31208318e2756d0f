"""Coding: METR time horizons and SWE-bench.

A METR horizon can reach the book before METR's data file carries it: a blog post or
a page announces a value, or someone quotes a file this book could not read. Each row
says where its value comes from (`origin`); the columns a source of that kind does not
publish (the 80% horizon, METR's model key, its frontier flag, even the suite) are
required only of rows taken from METR's data file. A row's `published` date is when its
value became public, where a source dates it; rows of one model and suite are vintages
of one quantity, so an as-of build uses the value public on its date.
"""
from __future__ import annotations

from .schema import Column, Dataset, not_above, require_when

SUITES = ("TH1.0", "TH1.1")
HORIZON_ORIGINS = ("METR data file", "METR page", "METR blog", "paper", "secondary quote")
FROM_THE_FILE = "METR data file"


def _from_the_file(row: dict) -> bool:
    return row["origin"] == FROM_THE_FILE


METR_HORIZONS = Dataset(
    name="metr_horizons",
    path="coding/metr_time_horizons.csv",
    title="METR time horizons",
    description=(
        "The length of task, in minutes of human-expert time, that a model completes with 50% (p50) "
        "and 80% (p80) reliability, with METR's bootstrap 95% intervals. TH1.0 (170 tasks, Vivaria) "
        "and TH1.1 (228 tasks, Inspect) are separate suites. One row per value METR published: a "
        "model's first posting and a later correction are two rows, each with its publication date."
    ),
    caveats=(
        "Different suites are different rulers. METR revised its estimates (a regularisation fix on "
        "2026-03-03). Above 16 hours METR calls its measurements unreliable. Release dates are model "
        "release dates; publication dates are when a value became public, where a source dates it."
    ),
    key=("suite", "model", "published"),
    date_column="release_date",
    published_column="published",
    vintage_key=("suite", "model"),
    columns=(
        Column("model"),
        Column("metr_model_key", required=False, description="METR's key in its data file"),
        Column("developer"),
        Column("release_date", "date"),
        Column("suite", "category", required=False, allowed=SUITES, description="Empty where the source does not say"),
        Column("origin", "category", allowed=HORIZON_ORIGINS, description="Where the value was read"),
        Column("estimate_origin", "category", required=False,
               allowed=("TH1.1 file", "TH1.0 value carried into the TH1.1 file", "TH1.0 file"),
               description="Which of METR's files holds the value"),
        Column("published", "date", required=False, description="When the value became public; empty if undated"),
        Column("p50_minutes", "number", min=0, log=True),
        Column("p50_ci_low_minutes", "number", required=False, min=0, log=True),
        Column("p50_ci_high_minutes", "number", required=False, min=0, log=True),
        Column("p80_minutes", "number", required=False, min=0),
        Column("p80_ci_low_minutes", "number", required=False, min=0),
        Column("p80_ci_high_minutes", "number", required=False, min=0),
        Column("metr_frontier_p50", "category", required=False, allowed=("yes", "no"),
               description="METR's own is_sota_p50 flag"),
        Column("source_id", "source"),
        Column("note", required=False),
    ),
    row_checks=(
        *(require_when(c, _from_the_file, "a value from METR's data file carries it")
          for c in ("metr_model_key", "suite", "estimate_origin", "p50_ci_low_minutes", "p50_ci_high_minutes",
                    "p80_minutes", "metr_frontier_p50")),
        require_when("p50_ci_high_minutes", lambda r: r["p50_ci_low_minutes"] != "", "the interval has a low end"),
        require_when("p50_ci_low_minutes", lambda r: r["p50_ci_high_minutes"] != "", "the interval has a high end"),
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
    published_column="published",
    vintage_key=("suite", "series"),
    columns=(
        Column("suite", "category", allowed=SUITES),
        Column("series"),
        Column("window_start", "date"),
        Column("excludes_above_minutes", "number", required=False, min=0),
        Column("vintage"),
        Column("published", "date", description="When METR published this value"),
        Column("doubling_days", "number", min=0),
        Column("ci_low_days", "number", required=False, min=0),
        Column("ci_high_days", "number", required=False, min=0),
        Column("source_id", "source"),
        Column("note", required=False),
    ),
    row_checks=(not_above("ci_low_days", "doubling_days"), not_above("doubling_days", "ci_high_days")),
)

METR_REVISIONS = Dataset(
    name="metr_revisions",
    path="coding/metr_revisions.csv",
    title="Revisions of METR time horizons",
    description="Values METR published for some models before its 2026-03-03 fix, beside the values after it, "
                "as METR wrote them.",
    key=("model", "suite", "vintage"),
    date_column="published",
    columns=(
        Column("model"),
        Column("suite", "category", allowed=SUITES),
        Column("vintage"),
        Column("published", "date"),
        Column("p50_minutes", "number", min=0),
        Column("p50_as_published", description="The value as METR wrote it"),
        Column("source_id", "source"),
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
        "independent runs of the same model are typically several points lower. Verified has flawed tests and "
        "contamination at the top end. Dates are submission, announcement or run dates."
    ),
    key=("date", "system", "split", "reported_by", "measured_by"),
    date_column="date",
    published_column="published",
    columns=(
        Column("date", "date", description="Submission, announcement or run date"),
        Column("published", "date", required=False,
               description="When the score became public, where the row dates it"),
        Column("system"),
        Column("model", required=False,
               description="The model behind a vendor or independent row, so the two can be compared per model"),
        Column("developer"),
        Column("split", "category", allowed=("Full", "Full subset", "Lite", "Verified")),
        Column("percent_resolved", "number", min=0, max=100),
        Column("reported_by", "category", allowed=("leaderboard", "vendor", "independent", "paper")),
        Column("measured_by", required=False),
        Column("row_type", "category", allowed=(
            "leaderboard SOTA progression", "leaderboard notable", "leaderboard bash-only (controlled scaffold)",
            "vendor claim", "independent eval", "paper")),
        Column("source_id", "source"),
        Column("note", required=False),
    ),
    row_checks=(
        require_when("measured_by", lambda r: r["reported_by"] == "independent", "an independent row names its evaluator"),
        require_when("model", lambda r: r["reported_by"] in ("vendor", "independent"),
                     "a vendor or independent score names its model"),
    ),
)

DATASETS = (METR_HORIZONS, METR_DOUBLING, METR_REVISIONS, SWE_BENCH)
