"""Alignment: evaluation awareness, reward hacking, automated alignment research, forecasts."""
from __future__ import annotations

from .schema import Column, Dataset
from .sources import SOURCE_TYPES

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

DATASETS = (ALIGNMENT_SIGNALS, FORECASTS)
