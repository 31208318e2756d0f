"""Validating every CSV under data/ and loading one as a typed table."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import datasets
from .schema import Dataset, ValidationError, check_file, period_end, read_rows


def validate_all(root: Path, catalogue: tuple[Dataset, ...] = datasets.ALL) -> list[str]:
    """Every problem in every CSV under root/data, sources first (others refer to it)."""
    data = root / "data"
    problems: list[str] = []
    declared = {d.path for d in catalogue}
    for path in sorted(data.rglob("*.csv")):
        rel = path.relative_to(data).as_posix()
        if rel not in declared:
            problems.append(f"data/{rel}: no schema declares this file (add it to scripts/mosaic/datasets.py)")
    source_ids = None
    sources = next((d for d in catalogue if d.name == "sources"), None)
    if sources is not None:
        src_path = data / sources.path
        found = check_file(sources, src_path, f"data/{sources.path}", None)
        problems += found
        # Rows of sources.csv that have an id still count, so one bad source row is reported
        # once rather than again for every row that cites a neighbouring source.
        source_ids = {r.get("source_id") for r in read_rows(src_path)} if src_path.exists() else set()
    for d in catalogue:
        if d is sources:
            continue
        problems += check_file(d, data / d.path, f"data/{d.path}", source_ids)
    return problems


def load(name: str, root: Path, as_of: dt.date | None = None):
    """One dataset as a pandas DataFrame with typed columns, rows after `as_of` dropped.

    Raises ValidationError naming every bad row of that file.
    """
    import pandas as pd

    d = datasets.BY_NAME[name]
    path = root / "data" / d.path
    source_ids = None
    if any(c.kind == "source" for c in d.columns):
        source_ids = {r["source_id"] for r in read_rows(root / "data" / datasets.SOURCES.path)}
    problems = check_file(d, path, f"data/{d.path}", source_ids)
    if problems:
        raise ValidationError(problems)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in d.columns:
        s = frame[col.name]
        if col.kind == "number":
            frame[col.name] = pd.to_numeric(s.replace("", None)).astype("float64")
        elif col.kind == "date":
            frame[col.name] = pd.to_datetime(s.replace("", None), format="%Y-%m-%d")
        else:
            frame[col.name] = s.replace("", None).astype("string")
    if as_of is not None and d.date_column:
        col = d.column(d.date_column)
        if col.kind == "period":
            ends = frame[d.date_column].map(lambda v: period_end(v) if v is not None else None)
            frame = frame[ends.map(lambda e: e is None or e <= as_of)]
        else:
            frame = frame[frame[d.date_column].isna() | (frame[d.date_column].dt.date <= as_of)]
    return frame.reset_index(drop=True)
