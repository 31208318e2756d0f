"""Bad input is caught before anything runs, with file, line, column and reason."""
from __future__ import annotations

from pathlib import Path

import pytest

from mosaic.pipeline.validate import validate_all
from mosaic.pipeline.build import BuildError, build
from mosaic.catalogue.schema import Column, Dataset

CLAIMS = "data/claims/claims.csv"
SOURCES = "data/sources.csv"


def lines(root: Path, rel: str) -> list[str]:
    return (root / rel).read_text(encoding="utf-8").splitlines()


def write(root: Path, rel: str, rows: list[str]) -> None:
    (root / rel).write_text("\n".join(rows) + "\n", encoding="utf-8")


def set_field(root: Path, rel: str, line: int, column: str, value: str) -> None:
    """Set one cell, addressed by its 1-based line number and column name."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO((root / rel).read_text(encoding="utf-8"))))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (root / rel).write_text(out.getvalue(), encoding="utf-8")


def test_the_real_data_is_valid():
    assert validate_all(Path(__file__).resolve().parents[1]).problems == []


@pytest.mark.parametrize("rel, line, column, value, message", [
    (SOURCES, 3, "accessed", "2026-13-01",
     "data/sources.csv:3: column 'accessed': '2026-13-01' is not an ISO date (YYYY-MM-DD)"),
    (CLAIMS, 2, "claimed_period", "Oct 2023",
     "data/claims/claims.csv:2: column 'claimed_period': 'Oct 2023' is not an ISO date or period "
     "(YYYY, YYYY-MM or YYYY-MM-DD)"),
    (CLAIMS, 4, "checked_value", "-5", "data/claims/claims.csv:4: column 'checked_value': -5.0 is below 0"),
    (CLAIMS, 5, "claim_source_id", "",
     "data/claims/claims.csv:5: column 'claim_source_id': is empty (a value is required)"),
    (CLAIMS, 5, "check_source_id", "no-such-source",
     "data/claims/claims.csv:5: column 'check_source_id': 'no-such-source' is not a source_id in data/sources.csv"),
    (CLAIMS, 2, "check_source_id", "",
     "data/claims/claims.csv:2: column 'check_source_id': is empty (a value checked against a source names it)"),
    (CLAIMS, 3, "checked_value", "93.9%", "data/claims/claims.csv:3: column 'checked_value': '93.9%' is not a number"),
    (CLAIMS, 3, "evidence_status", "plausible",
     "data/claims/claims.csv:3: column 'evidence_status': 'plausible' is not one of: confirmed, "
     "confirmed with caveat, discrepant, vendor-reported, forecast"),
    (CLAIMS, 3, "claimed_low", "95",
     "data/claims/claims.csv:3: column 'claimed_low': 95.0 is above claimed_high (93.9)"),
], ids=["bad date", "bad period", "out of range", "missing source", "unknown source", "unnamed check source",
        "wrong type", "not allowed", "range reversed"])
def test_one_bad_cell(project, rel, line, column, value, message):
    set_field(project, rel, line, column, value)
    assert validate_all(project).problems == [message]


def test_percentage_above_100(tmp_path):
    scores = Dataset("scores", "scores.csv", "Scores", "test", key=("system",),
                     columns=(Column("system"), Column("value_percent", "number", min=0, max=100)))
    (tmp_path / "data").mkdir()
    write(tmp_path, "data/scores.csv", ["system,value_percent", "a,50", "b,120.0"])
    assert validate_all(tmp_path, (scores,)).problems == [
        "data/scores.csv:3: column 'value_percent': 120.0 is above 100"]







def test_duplicate_row(project):
    rows = lines(project, CLAIMS)
    write(project, CLAIMS, rows + [rows[2]])
    assert validate_all(project).problems == [f"data/claims/claims.csv:{len(rows) + 1}: duplicate of the row on line 3"]


def test_duplicate_key(project):
    rows = lines(project, CLAIMS)
    write(project, CLAIMS, rows + [rows[2].replace("93.9,vendor", "93.8,vendor")])
    assert validate_all(project).problems == [
        f"data/claims/claims.csv:{len(rows) + 1}: column 'claim_id': duplicate key (claim_id) 'swe_end', "
        "first on line 3"]


def test_unknown_column(project):
    rows = lines(project, SOURCES)
    write(project, SOURCES, [rows[0] + ",extra"] + [r + ",x" for r in rows[1:]])
    problems = validate_all(project).problems
    assert problems[0].startswith("data/sources.csv:1: column 'extra': unknown column (expected: source_id,")


def test_empty_file(project):
    (project / CLAIMS).write_text("")
    assert validate_all(project).problems == [
        "data/claims/claims.csv:1: file is empty (expected a header: claim_id,essay_claim,chapter,claim,short_label,"
        "system,claimed_as_written,claimed_low,claimed_high,unit,claimed_period,claim_source_id,check_method,"
        "stated_rate,stated_steps,first_reported_value,first_source_id,checked_value,evidence_status,"
        "check_source_id,note)"]


def test_header_only(project):
    write(project, CLAIMS, lines(project, CLAIMS)[:1])
    assert validate_all(project).problems == ["data/claims/claims.csv:2: file has a header but no rows"]


def test_wrong_header(project):
    rows = lines(project, CLAIMS)
    write(project, CLAIMS, [rows[0].replace("checked_value", "checked")] + rows[1:])
    assert validate_all(project).problems == [
        "data/claims/claims.csv:1: column 'checked': unknown column (expected: claim_id,essay_claim,chapter,claim,"
        "short_label,system,claimed_as_written,claimed_low,claimed_high,unit,claimed_period,claim_source_id,"
        "check_method,stated_rate,stated_steps,first_reported_value,first_source_id,checked_value,evidence_status,"
        "check_source_id,note)",
        "data/claims/claims.csv:1: column 'checked_value': missing from the header",
    ]


def test_wrong_number_of_fields(project):
    rows = lines(project, SOURCES)
    write(project, SOURCES, rows + ["lonely,row"])
    assert validate_all(project).problems == [f"data/sources.csv:{len(rows) + 1}: row has 2 fields, the header has 8"]


def test_undeclared_csv(project):
    write(project, "data/claims/extra.csv", ["a,b", "1,2"])
    assert validate_all(project).problems == [
        "data/claims/extra.csv: no schema declares this file (add it to a module in scripts/mosaic/catalogue/)"]


def test_every_problem_is_reported_at_once(project):
    set_field(project, CLAIMS, 2, "checked_value", "abc")
    set_field(project, CLAIMS, 7, "claimed_period", "2024-02-30")
    set_field(project, SOURCES, 2, "url", "importai.substack.com")
    assert validate_all(project).problems == [
        "data/sources.csv:2: column 'url': 'importai.substack.com' is not an http(s) URL",
        "data/claims/claims.csv:2: column 'checked_value': 'abc' is not a number",
        "data/claims/claims.csv:7: column 'claimed_period': '2024-02-30' is not an ISO date or period "
        "(YYYY, YYYY-MM or YYYY-MM-DD)",
    ]


def test_a_bad_row_stops_the_build_before_any_chapter_runs(project):
    set_field(project, CLAIMS, 4, "checked_value", "lots")
    with pytest.raises(BuildError) as err:
        build(project, echo=lambda *_: None)
    assert "data/claims/claims.csv:4: column 'checked_value': 'lots' is not a number" in str(err.value)
    assert not (project / "_build" / "executed").exists()
