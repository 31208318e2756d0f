"""The chapter contract: prose plus calls, every figure from the analysis, the as-of view of the data."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from conftest import ROOT
from mosaic.catalogue import tables
from mosaic.catalogue.schema import Column, Dataset
from mosaic.pipeline import chapters as chapter_sources

CELL = re.compile(r"```\{code-cell\}.*?```", re.S)


def chapter_files():
    return [c.path for c in chapter_sources.discover(ROOT)]


@pytest.mark.parametrize("path", chapter_files(), ids=lambda p: p.stem)
def test_a_chapter_is_prose_plus_calls(path):
    text = path.read_text()
    code = sum(len(m) for m in CELL.findall(text))
    assert code <= 0.25 * len(text), f"{path.name}: {code / len(text):.0%} of the chapter is code"


@pytest.mark.parametrize("path", chapter_files(), ids=lambda p: p.stem)
def test_chapter_cells_only_call_the_runtime(path):
    """Cells import the runtime and plots, never an analysis or a data library: no logic lives in a page."""
    source = chapter_sources.read(path)
    assert all(m.startswith(("mosaic.book",)) for m in source.imports), source.imports
    code = "\n".join(CELL.findall(path.read_text()))
    assert not re.search(r"^\s*(import|from)\s+(pandas|numpy|scipy|altair)", code, re.M)
    assert not re.search(r"^\s*(def|class|for|while)\s", code, re.M)


RUNS = Dataset("runs", "runs.csv", "Runs", "test", key=("model", "published"), date_column="date",
               published_column="published", vintage_key=("model",),
               columns=(Column("model"), Column("date", "date"), Column("published", "date", required=False),
                        Column("value", "number")))


def view(rows, as_of):
    frame = tables.frame(RUNS, {k: [r[i] for r in rows] for i, k in enumerate(("model", "date", "published",
                                                                            "value"))})
    return tables.as_of_view(RUNS, frame, as_of)


D = dt.date


def test_as_of_keeps_what_was_public_then_and_the_vintage_of_the_day():
    rows = [("a", D(2025, 1, 1), D(2025, 2, 1), 10.0),   # first posting
            ("a", D(2025, 1, 1), D(2025, 6, 1), 12.0),   # the correction
            ("b", D(2025, 3, 1), D(2025, 9, 1), 20.0)]   # released in March, published in September
    assert view(rows, None).frame.value.tolist() == [12.0, 20.0]
    assert view(rows, D(2025, 1, 15)).frame.empty  # released, but nothing published yet
    assert view(rows, D(2025, 3, 31)).frame.value.tolist() == [10.0]
    assert view(rows, D(2025, 6, 30)).frame.value.tolist() == [12.0]


def test_rows_without_a_publication_date_fall_back_to_the_event_date_and_are_counted():
    rows = [("a", D(2025, 1, 1), None, 10.0), ("b", D(2025, 8, 1), None, 20.0)]
    v = view(rows, D(2025, 6, 30))
    assert v.frame.value.tolist() == [10.0] and v.undated == 1


def test_typed_frames_keep_empty_cells_empty():
    frame = tables.frame(RUNS, {"model": ["a"], "date": [D(2025, 1, 1)], "published": [None], "value": [1.5]})
    assert frame.value.dtype == "float64" and pd.isna(frame.published[0])
    assert frame.date[0] == pd.Timestamp("2025-01-01")
