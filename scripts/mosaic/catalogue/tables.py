"""Typed tables: a validated CSV as a pandas DataFrame, and the view of it that was public on a date."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import BY_NAME, SOURCES
from .schema import Dataset, Table, ValidationError, check_file, period_end, read_rows


def frame(dataset: Dataset, table: Table) -> pd.DataFrame:
    """The typed columns of a validated file as a DataFrame: numbers float64, dates datetime64, text strings."""
    out = {}
    for col in dataset.columns:
        values = table[col.name]
        if col.kind == "number":
            out[col.name] = pd.array([float("nan") if v is None else v for v in values], dtype="float64")
        elif col.kind == "date":
            out[col.name] = pd.to_datetime(pd.Series(values, dtype="object"))
        else:
            out[col.name] = pd.array(values, dtype="string")
    return pd.DataFrame(out)


def _ends(series: pd.Series, kind: str) -> pd.Series:
    """The last day each value covers, as dates (a period '2025-03' ends on 2025-03-31)."""
    if kind == "date":
        return series.map(lambda v: None if pd.isna(v) else v.date()).astype("object")
    return series.map(lambda v: None if pd.isna(v) else period_end(v)).astype("object")


@dataclass
class View:
    """Rows public by a date, and how many of them were dated only by their event date."""

    frame: pd.DataFrame
    undated: int  # rows with no publication date, kept because their event date is on or before as_of


def as_of_view(dataset: Dataset, data: pd.DataFrame, as_of: dt.date | None) -> View:
    """The rows public on `as_of` (all rows when None), one vintage per quantity: the latest public one."""
    rows = data
    undated = 0
    published = _ends(rows[dataset.published_column], dataset.column(dataset.published_column).kind) \
        if dataset.published_column else pd.Series([None] * len(rows), index=rows.index, dtype="object")
    if as_of is not None:
        if dataset.date_column:
            event = _ends(rows[dataset.date_column], dataset.column(dataset.date_column).kind)
        else:
            event = pd.Series([None] * len(rows), index=rows.index, dtype="object")
        known = published.notna()
        by_publication = known & published.map(lambda d: d is not None and d <= as_of)
        by_event = ~known & event.map(lambda d: d is None or d <= as_of)
        undated = int((by_event & event.notna()).sum()) if dataset.published_column else 0
        keep = by_publication | by_event
        rows, published = rows[keep], published[keep]
    if dataset.vintage_key and len(rows):
        order = published.map(lambda d: d.toordinal() if d is not None else 0)
        latest = order.groupby([rows[k].fillna("") for k in dataset.vintage_key]).transform("max")
        rows = rows[order == latest]
    return View(rows.reset_index(drop=True), undated)


def load(name: str, root: Path, as_of: dt.date | None = None) -> pd.DataFrame:
    """One dataset checked, typed and viewed as of a date: for tests and for exploring in a notebook.

    The build validates every file once and hands chapters their tables; it does not call this.
    """
    d = BY_NAME[name]
    sources = None
    if d.source_columns:
        sources = {r["source_id"] for r in read_rows(root / "data" / SOURCES.path)}
    problems, table = check_file(d, root / "data" / d.path, f"data/{d.path}", sources)
    if problems:
        raise ValidationError(problems)
    return as_of_view(d, frame(d, table), as_of).frame
