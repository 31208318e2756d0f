"""The data catalogue: every CSV under data/, declared once with its schema and its catalogue entry.

One module per topic declares that topic's datasets (`DATASETS`); `schema` holds the
validator and the one parser every cell goes through; `tables` turns a validated file
into a typed DataFrame and takes the view of it that was public on a given date.
An undeclared CSV under data/ stops the build.
"""
from __future__ import annotations

from . import alignment, claims, coding, economy, forecasts, kernels, mosaic, replication, sources
from .schema import Column, Dataset

TOPICS = (sources, claims, coding, replication, kernels, alignment, economy, forecasts, mosaic)
ALL: tuple[Dataset, ...] = tuple(d for topic in TOPICS for d in topic.DATASETS)
BY_NAME: dict[str, Dataset] = {d.name: d for d in ALL}
SOURCES = sources.SOURCES

__all__ = ["ALL", "BY_NAME", "SOURCES", "Column", "Dataset"]
