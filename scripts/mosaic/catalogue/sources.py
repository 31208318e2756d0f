"""The sources table: one row per source that a number in the book comes from."""
from __future__ import annotations

from .schema import Column, Dataset

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

DATASETS = (SOURCES,)
