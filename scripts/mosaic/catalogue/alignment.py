"""Alignment: evaluation awareness, reward hacking, automated alignment research, forecasts."""
from __future__ import annotations

from .schema import Column, Dataset

# What a signal is about; the chapter draws each topic apart, so only like is compared with like.
TOPICS = ("evaluation awareness", "misaligned behaviour", "reward hacking", "sabotage", "refusing safety research",
          "automated alignment research")

ALIGNMENT_SIGNALS = Dataset(
    name="alignment_signals",
    path="alignment/alignment_signals.csv",
    title="Alignment signals",
    description=(
        "Evaluation awareness, misaligned behaviour, reward hacking, sabotage capability, refusals of safety "
        "research and automated alignment research, per model or study, as each measurer reports it."
    ),
    caveats=(
        "Each organisation measures evaluation awareness differently (shares of transcripts, outputs, turns "
        "or references); compare within one measurer's series only. Anthropic made its reward-hacking "
        "evaluations more aggressive over time. These are stress-test rates, not deployment rates. A row "
        "counts from its source's publication date (data/sources.csv) where the source gives one."
    ),
    key=("period", "model_or_study", "signal", "value_as_reported"),
    date_column="period",
    columns=(
        Column("period", "period", description="The model's release, or the study's date"),
        Column("date_as_written"),
        Column("model_or_study"),
        Column("topic", "category", allowed=TOPICS, description="What the signal is about"),
        Column("signal"),
        Column("value", "number", required=False, description="Empty where the source gives a bound or a change"),
        Column("value_as_reported"),
        Column("unit"),
        Column("comparison", required=False),
        Column("direction_good", description="From an overseer's point of view"),
        Column("measured_by"),
        Column("source_id", "source"),
        Column("note", required=False),
    ),
)

# The kind of statement a forecast is; the chart colours by it.
VALUE_TYPES = ("probability", "median", "date", "date range", "target date", "value (hours)",
               "point/range (no probability)", "date (no probability)")

FORECASTS = Dataset(
    name="forecasts",
    path="alignment/forecasts.csv",
    title="Public forecasts of automated AI R&D",
    description=(
        "Dated public forecasts and stated targets about automating AI research, one row per event forecast, "
        "with what each predicts and by when, in the forecaster's words."
    ),
    caveats=(
        "Forecasters define their events differently (a superhuman coder, an automated coder, an automated "
        "researcher, no-human AI R&D). target_year is filled only where the source names one year; "
        "target_as_written keeps the forecaster's own date. A model's output at someone's parameters is not "
        "that person's own forecast."
    ),
    key=("date_made", "forecaster", "target_event"),
    date_column="date_made",
    columns=(
        Column("date_made", "period", description="When the forecast was made public (a day, month or year)"),
        Column("date_made_as_written"),
        Column("forecaster"),
        Column("target_event"),
        Column("target_as_written", description="The forecaster's own date, shown as written"),
        Column("target_year", "number", required=False, min=2020, max=2100),
        Column("probability_or_value"),
        Column("value_type", "category", allowed=VALUE_TYPES),
        Column("source_id", "source"),
        Column("note", required=False),
    ),
)

DATASETS = (ALIGNMENT_SIGNALS, FORECASTS)
