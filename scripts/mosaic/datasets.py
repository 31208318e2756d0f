"""The datasets under data/: where each lives, its schema, and its catalogue entry.

Every CSV under data/ must be declared here; an undeclared CSV stops the build.
"""
from __future__ import annotations

from .schema import Column, Dataset, not_above, require_when

SOURCE_TYPES = ("primary", "secondary", "self-reported")

SOURCES = Dataset(
    name="sources",
    path="sources.csv",
    title="Sources",
    description="One row per source that a number in the book comes from.",
    key=("source_id",),
    columns=(
        Column("source_id", description="Short stable id that data rows refer to"),
        Column("title"),
        Column("publisher", description="Who published it (organisation or author)"),
        Column("url", "url"),
        Column("published", "date", required=False, description="Publication date, where the source gives one"),
        Column("accessed", "date", description="Date the copy used here was read"),
        Column("source_type", "category", allowed=SOURCE_TYPES,
               description="primary (the measurer's own release), secondary (someone else's copy or "
                           "summary) or self-reported (a vendor about its own system)"),
        Column("note", required=False),
    ),
)

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
        Column("p50_minutes", "number", min=0),
        Column("p50_ci_low_minutes", "number", min=0),
        Column("p50_ci_high_minutes", "number", min=0),
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

def replication(name: str, file: str, benchmark: str, description: str, caveats: str) -> Dataset:
    """The research-replication benchmarks share one layout, one file each."""
    return Dataset(
        name=name,
        path=f"replication/{file}",
        title=benchmark,
        description=description,
        caveats=caveats,
        key=("date", "series", "system", "metric", "reported_by"),
        date_column="date",
        columns=(
            Column("date", "date", description="See date_basis: paper release, leaderboard date or commit date"),
            Column("benchmark", "category", allowed=(benchmark,)),
            Column("series", description="Rows comparable with each other: split, grading and version"),
            Column("system"),
            Column("developer"),
            Column("metric", description="As the source names it"),
            Column("value", "number", required=False, min=0),
            Column("unit"),
            Column("uncertainty", required=False, description="As printed by the source, with its meaning"),
            Column("human_baseline", required=False),
            Column("reported_by"),
            Column("source_tier", "category", allowed=SOURCE_TYPES),
            Column("flag", required=False, description="Leakage, self-reported, reference model, human baseline"),
            Column("date_basis"),
            Column("source_url", "url"),
            Column("note", required=False),
        ),
    )


REPLICATION = (
    replication("core_bench", "core_bench.csv", "CORE-Bench",
                "Share of tasks where an agent reproduces a paper's computational results from its code "
                "and data (CORE-Bench Easy, Medium, Hard).",
                "95.5% on Hard rests on manual re-grading of one agent's answers; automated grading gave "
                "77.78%. HAL leaderboard rows come from an export of the leaderboard."),
    replication("mle_bench", "mle_bench.csv", "MLE-bench",
                "Share of Kaggle competitions in which an agent earns a medal (bronze or better), by split.",
                "The leaderboard re-aggregated its scores on 2025-11-27; the original values are a separate "
                "series. Entries flagged for test-label leakage, self-reports and paper-only claims are marked. "
                "Hardware and run time differ between entries."),
    replication("post_train_bench", "post_train_bench.csv", "PostTrainBench",
                "Benchmark score of base models after an agent post-trains them within 10 hours on one GPU.",
                "Scoring changed between v0 and v1; the reference (official instruct models) was trained with "
                "far more than the agents' budget."),
    replication("paperbench", "paperbench.csv", "PaperBench",
                "Share of a rubric for replicating ICML 2024 papers from scratch that an agent satisfies.",
                "The human baseline (ML PhDs) is on a 3-paper subset only. Later results are secondary."),
    replication("re_bench", "re_bench.csv", "RE-Bench",
                "METR's AI R&D tasks: AI agents against human experts with the same time budget.",
                "Mostly ratios and qualitative statements; no per-model numeric series was found."),
)

TRAINING_SPEEDUP = Dataset(
    name="training_speedup",
    path="kernels/training_speedup.csv",
    title="LLM-training optimisation speedups",
    description=(
        "Anthropic's task 'optimize a CPU-only small language model training implementation': the mean "
        "speedup a model reaches, per model and per document that reported it. A reference expert "
        "solution reaches 4x, which Anthropic equates with 4-8 hours of human effort."
    ),
    caveats=(
        "Documents disagree (2.993x and 2.8x for Opus 4); the Mythos Preview value was later corrected from "
        "51.91x to 61.79x; Mythos reward-hacked this task. The series ends with Opus 4.7."
    ),
    key=("model", "reported_in", "metric_as_reported"),
    date_column="report_period",
    columns=(
        Column("model"),
        Column("model_release", "period"),
        Column("speedup_x", "number", min=0),
        Column("metric_as_reported"),
        Column("threshold_x", "number", min=0),
        Column("human_reference"),
        Column("reported_in"),
        Column("report_period", "period", description="When the reporting document appeared"),
        Column("report_date_as_written"),
        Column("role", "category", allowed=("the model's own card", "comparator in a later card", "correction",
                                            "restatement (Import AI 455)", "restatement (Anthropic Institute)")),
        Column("source_url", "url"),
        Column("source_type", "category", allowed=SOURCE_TYPES),
        Column("note", required=False),
    ),
)

KERNEL_FAMILIES = ("NVIDIA GPU (CUDA)", "Triton (NVIDIA GPU)", "Huawei Ascend / NPU", "several",
                   "undisclosed (Anthropic internal)")

KERNELBENCH = Dataset(
    name="kernelbench",
    path="kernels/kernelbench.csv",
    title="KernelBench and follow-ups",
    description=(
        "AI systems writing GPU and NPU kernels: KernelBench and the work that followed, by target hardware "
        "family and metric, and Anthropic's internal kernels task."
    ),
    caveats=(
        "Not comparable across rows: baselines (PyTorch eager, torch.compile, a model's own draft), task "
        "subsets and hardware differ. Sakana's 10-100x was withdrawn after a reward hack; CUDA-L1's 17.7x "
        "was revised to 3.12x. Some values are ranges or pairs and have no single number."
    ),
    key=("period", "system", "benchmark", "level", "metric", "value_as_reported"),
    date_column="period",
    columns=(
        Column("period", "period", description="Month or day of the result; for a range, its end"),
        Column("date_as_written"),
        Column("system"),
        Column("benchmark"),
        Column("level", required=False),
        Column("metric"),
        Column("value", "number", required=False, min=0, description="Empty where the source gives a range or pair"),
        Column("value_as_reported"),
        Column("unit"),
        Column("baseline"),
        Column("hardware"),
        Column("target_family", "category", allowed=KERNEL_FAMILIES),
        Column("target_as_reported"),
        Column("source_url", "url"),
        Column("source_type", "category", allowed=SOURCE_TYPES),
        Column("note", required=False),
    ),
)

ALIGNMENT_SIGNALS = Dataset(
    name="alignment_signals",
    path="alignment/alignment_signals.csv",
    title="Alignment signals",
    description=(
        "Evaluation awareness, reward hacking, sabotage capability and automated alignment research, per "
        "model or study, as each measurer reports it."
    ),
    caveats=(
        "Each organisation measures evaluation awareness differently (shares of transcripts, outputs, turns "
        "or references); compare within one measurer's series only. Anthropic made its reward-hacking "
        "evaluations more aggressive over time. These are stress-test rates, not deployment rates."
    ),
    key=("period", "model_or_study", "signal", "value_as_reported"),
    date_column="period",
    columns=(
        Column("period", "period"),
        Column("date_as_written"),
        Column("model_or_study"),
        Column("signal"),
        Column("value", "number", required=False, description="Empty where the source gives a bound or a change"),
        Column("value_as_reported"),
        Column("unit"),
        Column("comparison", required=False),
        Column("direction_good", description="From an overseer's point of view"),
        Column("measured_by"),
        Column("source_url", "url"),
        Column("source_type", "category", allowed=SOURCE_TYPES),
        Column("note", required=False),
    ),
)

FORECASTS = Dataset(
    name="forecasts",
    path="alignment/forecasts.csv",
    title="Public forecasts of automated AI R&D",
    description="Dated public forecasts and stated targets about automating AI research, with what they predict and by when.",
    caveats=(
        "Forecasters define their events differently (a superhuman coder, an automated researcher, no-human "
        "AI R&D). target_year is filled only where the source names one year."
    ),
    key=("date_made", "forecaster", "target_event"),
    date_column="date_made",
    columns=(
        Column("date_made", "period"),
        Column("date_made_as_written"),
        Column("forecaster"),
        Column("target_event"),
        Column("target_as_written"),
        Column("target_year", "number", required=False, min=2020, max=2100),
        Column("probability_or_value"),
        Column("value_type"),
        Column("source_url", "url"),
        Column("source_type", "category", allowed=SOURCE_TYPES),
        Column("note", required=False),
    ),
)

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

ALL: tuple[Dataset, ...] = (SOURCES, CLAIMS, METR_HORIZONS, METR_DOUBLING, METR_REVISIONS, SWE_BENCH,
                            *REPLICATION, TRAINING_SPEEDUP, KERNELBENCH, ALIGNMENT_SIGNALS, FORECASTS,
                            ECONOMIC_INDEX, RESEARCHER_UPLIFT, LABOR_MARKET, AI_INVESTMENT)
BY_NAME = {d.name: d for d in ALL}
