"""The mosaic: the book's own definitions that its landing chapter needs and no other chapter holds.

These files hold no measurements. They say how the landing chapter reads the other
chapters' published outputs: which capability thresholds make "could plausibly build its
own successor" (each with its source), what each strand measures and which view of
automation it belongs to, how systems named on leaderboards map to base models, the
essay's eras, and the objections with what would settle each. Every row names a source.
"""
from __future__ import annotations

from .schema import Column, Dataset

KINDS = ("engineering", "research", "context")
VIEWS = ("model", "researcher", "lab", "economy")
# The strands the landing chapter knows how to read from other chapters' outputs (analyses.mosaic.build_strands);
# the replication keys are that chapter's track keys.
STRAND_KEYS = ("metr", "swe_verified", "mle", "core_auto", "core_manual", "paperbench", "ptb", "re_bench",
               "kernelbench", "training_speedup", "uplift", "automation_share", "alignment")
# The findings an objection can point to (analyses.mosaic.evidence_text).
EVIDENCE = ("engineering_vs_research", "compute", "long_work", "better_data", "eval_design", "automating_a_job")


def share_below_one(column: str, unit_column: str, share_unit: str):
    """A row rule: a level given as a share of a ceiling lies strictly between 0 and 1."""

    def rule(row: dict[str, str]):
        if row[unit_column] == share_unit and row[column] and not 0 < float(row[column]) < 1:
            return column, f"{float(row[column])} is not a share strictly between 0 and 1 (unit is '{share_unit}')"
        return None

    return rule


def one_of(first: str, second: str):
    """A row rule: exactly one of two columns is filled in."""

    def rule(row: dict[str, str]):
        if bool(row[first]) == bool(row[second]):
            return first, f"give either '{first}' or '{second}', not both and not neither"
        return None

    return rule


SHARE = "share of the ceiling"

THRESHOLDS = Dataset(
    name="mosaic_thresholds",
    path="mosaic/thresholds.csv",
    title="Capability thresholds for 'could plausibly build its own successor'",
    description=(
        "One row per threshold: the capability it stands for, whether it is engineering or research, the strand "
        "it is measured on and the level that counts as met, in the strand's own unit. 'default' rows make the "
        "book's model; 'alternative' rows enter the sensitivity table."
    ),
    caveats=(
        "These are the book's choices, each with the source that motivates it, not measurements. A level may "
        "instead name a figure another chapter publishes (chapter:key), so the value is kept in one place."
    ),
    key=("threshold",),
    row_checks=(share_below_one("level", "unit", SHARE), one_of("level", "figure")),
    columns=(
        Column("threshold", description="Short stable id"),
        Column("capability", description="The necessary capability this threshold stands for"),
        Column("kind", "category", allowed=KINDS[:2]),
        Column("strand", "category", allowed=STRAND_KEYS, description="The strand (see strands.csv) it is measured on"),
        Column("level", "number", required=False, min=0, description="The level that counts as met, in `unit`"),
        Column("unit", "category", allowed=(SHARE, "hours", "x")),
        Column("figure", required=False, description="chapter:key of a published figure holding the level"),
        Column("role", "category", allowed=("default", "alternative")),
        Column("why"),
        Column("source_id", "source"),
    ),
)

STRANDS = Dataset(
    name="mosaic_strands",
    path="mosaic/strands.csv",
    title="The strands of the mosaic",
    description=(
        "One row per strand (a benchmark or series another chapter publishes): what it measures, whether its "
        "tasks are engineering or research, which of the four views of automation it informs, and for the "
        "common capability scale its number of tasks and chance floor."
    ),
    caveats="`tasks` is left empty where a score is not a share of tasks; such a strand stays out of the common scale.",
    key=("strand",),
    columns=(
        Column("strand", "category", allowed=STRAND_KEYS, description="Short stable id used by thresholds.csv"),
        Column("label"),
        Column("chapter", description="The chapter that publishes it"),
        Column("section", required=False, description="Anchor of the chapter section that shows it"),
        Column("kind", "category", allowed=KINDS),
        Column("view", "category", allowed=VIEWS),
        Column("variant_of", "category", required=False, allowed=STRAND_KEYS,
               description="Another strand this one re-scores (counted once in totals and comparisons)"),
        Column("tasks", "number", required=False, min=1, description="Number of tasks a score is a share of"),
        Column("chance_floor", "number", required=False, min=0, max=1,
               description="Score a system with no skill gets, as a share"),
        Column("source_id", "source", description="Where the task count and floor come from"),
        Column("note", required=False),
    ),
)

SYSTEMS = Dataset(
    name="mosaic_systems",
    path="mosaic/systems.csv",
    title="Systems and the base models they run",
    description=(
        "Leaderboards name systems (an agent scaffold, a model and its settings); the common capability scale "
        "compares base models. One row per name as a source writes it, with the base model it runs."
    ),
    caveats=(
        "Effort settings (High, Medium) of one model map to that model; dated snapshots that a source tells "
        "apart stay apart. A system whose model is undisclosed, ambiguous or a mix maps to no base model."
    ),
    key=("system",),
    columns=(
        Column("system", description="The name exactly as the source writes it"),
        Column("base_model", required=False, description="Empty: no single, stated base model"),
        Column("source_id", "source", description="A source that names the system so"),
        Column("note", required=False),
    ),
)

ERAS = Dataset(
    name="mosaic_eras",
    path="mosaic/eras.csv",
    title="The essay's eras of AI-R&D automation",
    description="The three phases drawn as shaded eras on the long-run charts; an empty start or end runs to the "
                "neighbouring era or the edge of the chart.",
    key=("era",),
    columns=(
        Column("era", "number", min=1),
        Column("label"),
        Column("start", "period", required=False),
        Column("end", "period", required=False),
        Column("source_id", "source"),
        Column("note", required=False),
    ),
)

OBJECTIONS = Dataset(
    name="mosaic_objections",
    path="mosaic/objections.csv",
    title="Objections to the essay and what would settle them",
    description=(
        "One row per objection raised in the discussion of the essay: the objection, which of the book's "
        "computed findings bears on it, and the observation that would settle it."
    ),
    caveats="`evidence` names findings the landing chapter computes; the text shown is computed from the data.",
    key=("objection",),
    columns=(
        Column("objection", description="Short stable id"),
        Column("title"),
        Column("statement"),
        Column("evidence", "category", allowed=EVIDENCE,
               description="Finding the chapter computes that bears on it (see data/mosaic/README.md)"),
        Column("settles", description="The observation that would settle it"),
        Column("resolve_by", "period", required=False),
        Column("source_id", "source"),
    ),
)

DATASETS = (THRESHOLDS, STRANDS, SYSTEMS, ERAS, OBJECTIONS)
