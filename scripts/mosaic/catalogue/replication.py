"""Research replication: CORE-Bench, MLE-bench, PostTrainBench, PaperBench, RE-Bench."""
from __future__ import annotations

from .schema import Column, Dataset
from .sources import SOURCE_TYPES

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

DATASETS = REPLICATION
