"""The chapter contract: declared datasets, a parameters cell with as_of, as_of honoured."""
from __future__ import annotations

import datetime as dt

import pytest

from mosaic import notebooks
from mosaic.chapter import Chapter, UndeclaredDataset
from mosaic.data import load


def test_every_chapter_meets_the_contract():
    from conftest import ROOT

    chapters = notebooks.discover(ROOT)
    assert [c.name for c in chapters] == ["claims", "coding", "replication", "kernels", "alignment_clock", "economy"]
    for c in chapters:
        assert "as_of" in c.defaults
        assert c.datasets


def test_reading_an_undeclared_dataset_is_an_error(project):
    md = project / "chapters" / "claims.md"
    md.write_text(md.read_text().replace("datasets: [claims, sources]", "datasets: [sources]"))
    ch = Chapter("claims", {"as_of": "latest"}, root=project)
    with pytest.raises(UndeclaredDataset, match="reads dataset 'claims', but its front matter declares only: sources"):
        ch.data("claims")


def test_the_first_code_cell_must_be_parameters(project):
    md = project / "chapters" / "claims.md"
    md.write_text(md.read_text().replace(":tags: [parameters]\n", ""))
    with pytest.raises(notebooks.ChapterError, match="first code cell must be tagged 'parameters'"):
        notebooks.read(md)


def test_unknown_dataset_in_front_matter(project):
    md = project / "chapters" / "claims.md"
    md.write_text(md.read_text().replace("datasets: [claims, sources]", "datasets: [claims, no_such_data]"))
    with pytest.raises(notebooks.ChapterError, match="unknown dataset"):
        notebooks.read(md)


def test_as_of_drops_later_rows(tmp_path):
    from mosaic.schema import Column, Dataset
    from mosaic import datasets

    runs = Dataset("runs", "runs.csv", "Runs", "test", key=("date",), date_column="date",
                   columns=(Column("date", "date"), Column("value", "number")))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "runs.csv").write_text("date,value\n2024-01-01,1\n2025-06-30,2\n2025-07-01,3\n")
    datasets.BY_NAME["runs"] = runs
    try:
        frame = load("runs", tmp_path, dt.date(2025, 6, 30))
    finally:
        del datasets.BY_NAME["runs"]
    assert frame.value.tolist() == [1.0, 2.0]


def test_version_moves_with_the_data_only(project):
    before = Chapter("claims", {"as_of": "latest"}, root=project).version
    assert Chapter("claims", {"as_of": "latest"}, root=project).version == before
    claims = project / "data" / "claims" / "claims.csv"
    claims.write_text(claims.read_text().replace("1.96,confirmed", "1.97,confirmed"))
    assert Chapter("claims", {"as_of": "latest"}, root=project).version != before
