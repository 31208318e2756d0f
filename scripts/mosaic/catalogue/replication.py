"""Research replication: CORE-Bench, MLE-bench, PostTrainBench, PaperBench, RE-Bench.

The five files share one layout. `date` is when the result happened (a paper's runs, a
leaderboard entry); `published` is when its value became public, where the source dates
it. A source that re-scores its results (CORE-Bench's bug fix, MLE-bench's re-aggregation,
PostTrainBench's re-runs) keeps both values as rows of one series and system with
different `published` dates, so an as-of build sees the value public on its date.
"""
from __future__ import annotations

from .schema import Column, Dataset

# What a flag means for the record: every flagged row is shown, none enters a record or a fit.
LEFT_OUT = ("test-label leakage flagged", "self-reported, not merged", "paper claim, not on the leaderboard")
REFERENCES = ("reference model", "human baseline")
FLAGS = LEFT_OUT + REFERENCES


def published_not_before_date(row: dict[str, str]):
    """A value cannot become public before the result it reports happened."""
    if row["published"] and row["date"] and row["published"] < row["date"]:
        return "published", f"{row['published']} is before the result's date {row['date']}"
    return None


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
        published_column="published",
        row_checks=(published_not_before_date,),
        columns=(
            Column("date", "date", description="When the result happened; date_basis says what the date is"),
            Column("published", "date", required=False,
                   description="When this value became public, where the source dates it; empty where only the "
                               "event date is known (leaderboard submission and upload dates)"),
            Column("benchmark", "category", allowed=(benchmark,)),
            Column("series", description="Rows comparable with each other: split, task set, grading and version"),
            Column("system"),
            Column("developer"),
            Column("metric", description="As the source names it"),
            Column("value", "number", required=False, min=0),
            Column("unit"),
            Column("uncertainty", required=False, description="As printed by the source, with its meaning"),
            Column("human_baseline", required=False),
            Column("reported_by", description="Who reported the number: leaderboard, paper, vendor, and how it was read"),
            Column("flag", "category", required=False, allowed=FLAGS,
                   description="Why a row is shown but never counted in a record: " + "; ".join(LEFT_OUT)
                               + "; or what reference it is: " + "; ".join(REFERENCES)),
            Column("date_basis"),
            Column("source_id", "source"),
            Column("note", required=False),
        ),
    )


REPLICATION = (
    replication("core_bench", "core_bench.csv", "CORE-Bench",
                "Share of tasks where an agent reproduces a paper's computational results from its code "
                "and data (CORE-Bench Easy, Medium, Hard; 45 papers in the public test set).",
                "95.5% on Hard rests on manual re-grading of one agent's answers; automated grading gave "
                "77.78%. The launch scores were re-scored after a task bug fix (Hard: 21.48 to 19.26). HAL "
                "leaderboard rows come from a third-party export of the leaderboard."),
    replication("mle_bench", "mle_bench.csv", "MLE-bench",
                "Share of Kaggle competitions in which an agent earns a medal (bronze or better), by split.",
                "The leaderboard re-aggregated its scores on 2025-11-27; the launch values as first published are "
                "kept as the earlier vintage. Entries flagged for test-label leakage, self-reports and paper-only "
                "claims are marked. Hardware and run time differ between entries."),
    replication("post_train_bench", "post_train_bench.csv", "PostTrainBench",
                "Benchmark score of base models after an agent post-trains them within 10 hours on one GPU.",
                "Scoring changed between v0 and v1; the reference (official instruct models) was trained with "
                "far more than the agents' budget. Some v1 runs were re-run before the paper."),
    replication("paperbench", "paperbench.csv", "PaperBench",
                "Share of a rubric for replicating ICML 2024 papers from scratch that an agent satisfies.",
                "Task sets differ: the 20-paper launch set, a 3-paper subset with the only human baseline, and a "
                "later paper's set described as 23 papers. Later results are secondary."),
    replication("re_bench", "re_bench.csv", "RE-Bench",
                "METR's AI R&D tasks: AI agents against human experts with the same time budget.",
                "Mostly ratios and qualitative statements; no per-model numeric series was found."),
)

DATASETS = REPLICATION
