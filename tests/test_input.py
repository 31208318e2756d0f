"""Hostile input: every bad file, cell, parameter or signal is answered in one clear line, and nothing is published.

One test (or one table of cases) per class of attack: non-finite numbers, validate-and-load
parity, encodings and line ends, the case of '.csv', a 10,000-row CSV, parameter types, a
hung chapter, values with spaces through make, an interrupt, and markup in every text column.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import decimal
import functools
import http.server
import io
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, run_build, tree_digest
from test_validation import set_field
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from test_browser import browser, open_page  # noqa: F401  (the real-browser fixture and page opener)

from mosaic import catalogue
from mosaic.__main__ import make_args
from mosaic.analyses.figures import Figure, FigureError
from mosaic.book import charts
from mosaic.catalogue import tables
from mosaic.catalogue.schema import Column, Dataset, ValidationError
from mosaic.pipeline import bench
from mosaic.pipeline.build import BuildError, build
from mosaic.pipeline.params import ParameterError, resolve
from mosaic.pipeline.chapters import discover
from mosaic.pipeline.render import RenderError, strict_json
from mosaic.pipeline.validate import validate_all, write_table

CLAIMS = "data/claims/claims.csv"
SOURCES = "data/sources.csv"
HORIZONS = "data/coding/metr_time_horizons.csv"
SPEEDUPS = "data/kernels/training_speedup.csv"
INTERRUPTED = "Interrupted: nothing more was done; the published site in _build/html is as it was."


# -- 1. Non-finite numbers ---------------------------------------------------------------------
@pytest.mark.parametrize("value, reason", [
    ("inf", "'inf' is not a number: a cell holds a finite number (leave it empty where a value may be missing)"),
    ("nan", "'nan' is not a number: a cell holds a finite number (leave it empty where a value may be missing)"),
    ("-Infinity", "'-Infinity' is not a number: a cell holds a finite number (leave it empty where a value may "
                  "be missing)"),
    ("1e999", "'1e999' is beyond the largest number a value can hold (about 1.8e308)"),
    ("1e-999", "'1e-999' is too close to 0 to be held apart from it; write 0 if that is meant"),
])
def test_a_non_finite_number_is_refused_with_its_cell(project, value, reason):
    set_field(project, CLAIMS, 4, "checked_value", value)
    assert validate_all(project).problems == [f"data/claims/claims.csv:4: column 'checked_value': {reason}"]


@pytest.mark.parametrize("rel, column", [(HORIZONS, "p50_ci_low_minutes"), (HORIZONS, "p50_minutes"),
                                         (SPEEDUPS, "speedup_x")])
def test_zero_in_a_column_taken_as_a_logarithm_stops_the_build_before_any_chapter(project, rel, column):
    # Before: 0 in p50_ci_low_minutes passed validation, the coding chapter's bootstrap took log(0), and
    # figures.json was published with "ci_low": NaN (not JSON) and the page said "nan to nan".
    set_field(project, rel, 5, column, "0")
    with pytest.raises(BuildError) as err:
        build(project, echo=lambda *_: None)
    assert (f"{rel}:5: column '{column}': 0.0 is not above 0 (this column is used on a log scale, where 0 and "
            "negative numbers have no place)") in str(err.value)
    assert not (project / "_build" / "executed").exists()


def test_figures_json_is_strict_json_and_a_non_finite_figure_stops_the_build():
    with pytest.raises(RenderError, match=re.escape(
            "figures.json: figure 'horizon_doubling' of chapter 'coding' has ci_low = nan, not a finite number; "
            "nothing was published")):
        strict_json([{"chapter": "coding", "key": "horizon_doubling", "value": 4.2, "ci_low": float("nan")}])
    assert json.loads(strict_json([{"chapter": "c", "key": "k", "value": 1.5}])) == [
        {"chapter": "c", "key": "k", "value": 1.5}]


@pytest.mark.parametrize("kwargs, message", [
    ({"value": float("inf")}, "figure 'x': value inf is not a finite number"),
    ({"value": 2.0, "ci": (1.0, float("nan"))}, "figure 'x': ci nan is not a finite number"),
    ({"value": 2.0, "ci": (1.0, 3.0), "ci_level": float("nan")}, "figure 'x': ci_level nan is not a finite number"),
])
def test_a_figure_cannot_hold_a_non_finite_number(kwargs, message):
    import numpy as np

    with pytest.raises(FigureError, match=re.escape(message)):
        Figure("x", text="2", as_of=dt.date(2025, 1, 1), **kwargs)
    with pytest.raises(FigureError, match="value nan is not a finite number"):
        Figure("x", np.float32("nan"), "nan", as_of=dt.date(2025, 1, 1))  # a NumPy float that is not a float


def test_a_chart_spec_with_a_non_finite_number_is_refused():
    import altair as alt

    chart = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule().encode(y=alt.datum(float("nan")))
    with pytest.raises(ValueError, match="chart 'rule': its spec holds a number that is not finite"):
        charts.figure_html(chart, name="rule", finding="f", description="d", sources=[], downloads=[])


def test_the_published_figures_json_is_strict_json(built):
    def refuse(constant):
        raise AssertionError(f"figures.json holds {constant}")

    figures = json.loads((built / "_build" / "html" / "figures.json").read_text(), parse_constant=refuse)
    assert len(figures) > 10


# -- 2. Validate-and-load parity ---------------------------------------------------------------
@pytest.mark.parametrize("column, value, reason", [
    ("checked_value", "1_000", "'1_000' is not a number: write it without digit separators, as '1000'"),
    ("checked_value", "1,000", "'1,000' is not a number: write it without digit separators, as '1000'"),
    ("checked_value", "1\u00a0000", "'1\\xa0000' is not a number: write it without digit separators, as '1000'"),
    ("checked_value", "\u0661\u0662\u0663",  # Arabic-Indic 123
     "'١٢٣' is not a number: write it with the ASCII digits 0-9, '-' and '.', as '123'"),
    ("checked_value", "\u0663\u066b\u0665",  # Arabic-Indic 3.5, with the Arabic decimal separator
     "'٣٫٥' is not a number: write it with the ASCII digits 0-9, '-' and '.', as '3.5'"),
    ("checked_value", "\uff11\uff12\uff13",  # fullwidth 123
     "'１２３' is not a number: write it with the ASCII digits 0-9, '-' and '.', as '123'"),
    ("checked_value", "\u09e7\u09e8",  # Bengali 12
     "'১২' is not a number: write it with the ASCII digits 0-9, '-' and '.', as '12'"),
    ("checked_value", "\u22125", "'−5' is not a number: write it with the ASCII digits 0-9, '-' and '.', as '-5'"),
    ("checked_value", "0x10", "'0x10' is not a number"),
    ("claimed_period", "\u0662\u0660\u0662\u0665",
     "'٢٠٢٥' is not an ISO date or period (YYYY, YYYY-MM or YYYY-MM-DD): write it with the ASCII digits 0-9, "
     "as '2025'"),
    ("claimed_period", "\uff12\uff10\uff12\uff15-\uff10\uff13",
     "'２０２５-０３' is not an ISO date or period (YYYY, YYYY-MM or YYYY-MM-DD): write it with the ASCII digits "
     "0-9, as '2025-03'"),
])
def test_digits_validation_would_read_differently_are_refused_with_a_reason(project, column, value, reason):
    # Before: '\d' and int() accepted other scripts' digits in periods; validation passed '٢٠٢٥'
    # and the page showed Arabic-Indic digits where every other period is ASCII.
    set_field(project, CLAIMS, 4, column, value)
    assert validate_all(project).problems == [f"data/claims/claims.csv:4: column '{column}': {reason}"]


def test_a_date_in_another_script_is_refused(project):
    set_field(project, SOURCES, 3, "accessed", "\u0662\u0660\u0662\u0665-\u0660\u0661-\u0660\u0662")
    assert validate_all(project).problems == [
        "data/sources.csv:3: column 'accessed': '٢٠٢٥-٠١-٠٢' is not an ISO date (YYYY-MM-DD): write it with the "
        "ASCII digits 0-9, as '2025-01-02'"]


PROBE = Dataset("probe", "probe.csv", "Probe", "a file of generated cells", key=("id",), columns=(
    Column("id"), Column("n", "number", required=False), Column("d", "date", required=False),
    Column("p", "period", required=False), Column("t", required=False)))

numberish = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr), st.integers().map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.from_regex(r"[+\-−]?[0-9_,.eE٠-٩０-９ ]{1,10}", fullmatch=True),
    st.sampled_from(["1_000", "١٢٣", "１２３", "inf", "-nan", "1e999", "1e-999", ".5", "5.", "+0", "-0"]))
dateish = st.one_of(st.dates().map(str), st.from_regex(r"[0-9٠-٩０-９]{4}(-[0-9０-９]{1,2}){0,2}", fullmatch=True))
cells = st.one_of(st.just(""), numberish, dateish, st.text(max_size=12))


def oracle(kind: str, raw: str):
    """What an accepted cell means, read by hand from its text: not by the code under test."""
    if raw == "":
        return None
    if kind == "number":
        assert raw.isascii()
        return float(decimal.Decimal(raw))
    if kind == "date":
        assert raw.isascii()
        return pd.Timestamp(int(raw[:4]), int(raw[5:7]), int(raw[8:10]))
    if kind == "period":
        assert raw.isascii()
    return raw


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(cells, cells, cells, cells), min_size=1, max_size=4))
@example([("1_000", "2024-02-30", "٢٠٢٥", "x")])
@example([("１２３", "٢٠٢٤-٠١-٠١", "2025-02", "a,\"b\"\nc")])
@example([("1.5e3", "2024-02-29", "2025", "")])
def test_what_validation_accepts_loads_to_the_same_value(rows):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data").mkdir()
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(PROBE.header)
        w.writerows([f"r{i}", *r] for i, r in enumerate(rows))
        (root / "data" / "probe.csv").write_text(out.getvalue(), encoding="utf-8")
        validated = validate_all(root, (PROBE,))
        if validated.problems:
            # Refused: every problem names this file, a line and a column (or the file itself).
            assert all(re.match(r"data/probe\.csv:\d+: ", p) for p in validated.problems), validated.problems
            assert "probe" not in validated.tables
            return
        # Accepted: the frame a chapter is handed (through the pickled table) holds what the text says.
        path = write_table(validated, "probe", root / "cache")
        loaded = tables.frame(PROBE, pickle.loads(path.read_bytes()))
        for i, r in enumerate(rows):
            for col, raw in zip(PROBE.columns[1:], r):
                want, got = oracle(col.kind, raw), loaded[col.name][i]
                if want is None:
                    assert pd.isna(got), (col.name, raw, got)
                else:
                    assert got == want, (col.name, raw, got, want)


def test_load_and_validate_refuse_the_same_file(project):
    set_field(project, CLAIMS, 3, "checked_value", "1_000")
    problems = validate_all(project).problems
    with pytest.raises(ValidationError) as err:
        tables.load("claims", project)
    assert err.value.problems == problems == [
        "data/claims/claims.csv:3: column 'checked_value': '1_000' is not a number: write it without digit "
        "separators, as '1000'"]


def test_keys_compare_by_value(tmp_path):
    scores = Dataset("scores", "scores.csv", "Scores", "test", key=("year",),
                     columns=(Column("year", "number"), Column("v", "number")))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "scores.csv").write_text("year,v\n2024,1\n2024.0,2\n")
    assert validate_all(tmp_path, (scores,)).problems == [
        "data/scores.csv:3: column 'year': duplicate key (year) '2024.0', first on line 2"]


# -- 3. Encodings, byte-order mark, line ends, blank lines, long and control characters -----------
def test_latin1_bytes_are_named_by_line_column_and_byte_offset(tmp_path):
    scores = Dataset("scores", "scores.csv", "Scores", "test", key=("system",),
                     columns=(Column("system"), Column("value_percent", "number")))
    (tmp_path / "data").mkdir()
    # 'system,value_percent\n' is 21 bytes, 'a,50\n' 5 more, 'Caf' 3 more: the é of Latin-1 is byte 29.
    (tmp_path / "data" / "scores.csv").write_bytes(b"system,value_percent\na,50\nCaf\xe9,60\n")
    assert validate_all(tmp_path, (scores,)).problems == [
        "data/scores.csv:3: column 'system': byte 0xE9 at byte offset 29 is not UTF-8 (the file looks like "
        "Latin-1 or Windows-1252); save the file as UTF-8"]


def test_utf16_is_named_as_such(project):
    # Excel's "Unicode Text" is UTF-16, with its own byte-order mark.
    (project / CLAIMS).write_bytes((project / CLAIMS).read_text(encoding="utf-8").encode("utf-16"))
    assert validate_all(project).problems == [
        "data/claims/claims.csv:1: byte 0xFF at byte offset 0 is not UTF-8 (the file is UTF-16); save the file as "
        "UTF-8"]


def test_latin1_in_the_real_data_is_one_line_not_a_traceback(project):
    # Before: UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position 185 (no file named).
    raw = (project / CLAIMS).read_bytes()
    offset = raw.index(b"Claude") + len(b"Claud")
    (project / CLAIMS).write_bytes(raw.replace(b"Claude", b"Claud\xe9", 1))
    line = raw[:offset].count(b"\n") + 1
    assert validate_all(project).problems == [
        f"data/claims/claims.csv:{line}: column 'claim': byte 0xE9 at byte offset {offset} is not UTF-8 (the file "
        "looks like Latin-1 or Windows-1252); save the file as UTF-8"]


def test_latin1_in_sources_is_reported_once(project):
    raw = (project / SOURCES).read_bytes()
    (project / SOURCES).write_bytes(raw.replace(b"Anthropic", b"Anthrop\xefc", 1))
    problems = validate_all(project).problems
    assert len(problems) == 1 and problems[0].startswith("data/sources.csv:")
    assert "byte 0xEF at byte offset" in problems[0]


@pytest.mark.parametrize("change", ["byte-order mark", "CRLF", "trailing blank lines", "blank lines between rows"])
@pytest.mark.parametrize("rel, name", [(CLAIMS, "claims"), (SOURCES, "sources")])
def test_what_spreadsheets_write_is_read_as_the_same_table(project, change, rel, name):
    # Accepted, because none of them can change what a cell says: Excel's "CSV UTF-8" starts with a
    # byte-order mark, Windows editors end lines with CRLF, and editors leave blank lines behind.
    raw = (project / rel).read_bytes()
    lines = raw.split(b"\n")
    changed = {
        "byte-order mark": b"\xef\xbb\xbf" + raw,
        "CRLF": raw.replace(b"\n", b"\r\n"),
        "trailing blank lines": raw + b"\n  \n\r\n\n",
        "blank lines between rows": b"\n".join(lines[:3] + [b""] + lines[3:]),
    }[change]
    (project / rel).write_bytes(changed)
    assert validate_all(project).problems == []
    pd.testing.assert_frame_equal(tables.load(name, project), tables.load(name, ROOT))


def test_a_cell_over_131072_characters_is_named(project):
    # Before: _csv.Error: field larger than field limit (131072), a traceback naming no file.
    set_field(project, CLAIMS, 3, "note", "x" * 200_000)
    assert validate_all(project).problems == [
        "data/claims/claims.csv:3: column 'note': is 200,000 characters long; a cell holds at most 131,072 "
        "(is a quote on this line never closed?)"]


def test_a_quote_never_closed_is_named_where_it_opens(tmp_path):
    notes = Dataset("notes", "notes.csv", "Notes", "test", key=("a",), columns=(Column("a"), Column("b")))
    (tmp_path / "data").mkdir()
    rest = "never closed\n" + "y,z\n" * 40_000
    (tmp_path / "data" / "notes.csv").write_text('a,b\nx,"' + rest)
    assert validate_all(tmp_path, (notes,)).problems == [
        f"data/notes.csv:2: column 'b': is {len(rest):,} characters long; a cell holds at most 131,072 "
        "(is a quote on this line never closed?)"]


@pytest.mark.parametrize("char, reason", [
    ("\x00", "contains the control character U+0000"),
    ("\x1b", "contains the control character U+001B"),
    ("\x96", "contains the control character U+0096 (text decoded with the wrong encoding and saved again?)"),
])
def test_control_characters_are_refused(project, char, reason):
    # Before: a NUL byte passed validation and went into the page.
    set_field(project, CLAIMS, 2, "unit", f"%{char}")
    assert validate_all(project).problems == [
        f"data/claims/claims.csv:2: column 'unit': {'%' + char!r} {reason}"]


# -- 4. The case of '.csv' ---------------------------------------------------------------------
def test_an_upper_case_extension_is_not_silently_ignored(project):
    # Before: data/claims/extra.CSV was skipped without a word, and claims.CSV read as "file is missing".
    (project / "data" / "claims" / "extra.CSV").write_text("a,b\n1,2\n")
    (project / CLAIMS).rename(project / "data" / "claims" / "claims.Csv")
    assert validate_all(project).problems == [
        "data/claims/claims.Csv: a data file's name ends in lower-case '.csv'; rename it to claims.csv",
        "data/claims/extra.CSV: a data file's name ends in lower-case '.csv'; rename it to extra.csv, then declare "
        "it in a module in scripts/mosaic/catalogue/",
        "data/claims/claims.csv: file is missing",
    ]


# -- 5. A CSV of 10,000 rows -------------------------------------------------------------------
def big_chart(n: int):
    import altair as alt

    rows = pd.DataFrame({"x": range(n), "when": pd.date_range("2020-01-01", periods=n, freq="h"),
                         "label": [f"system {i}, <b>run</b>" for i in range(n)], "ok": [i % 2 == 0 for i in range(n)]})
    return rows, alt.Chart(rows).mark_point().encode(x="x:Q", y="when:T", tooltip=["label:N", "ok:N"])


def spec_of(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', html, re.S).group(1))


def test_a_chart_of_ten_thousand_rows_reads_its_data_from_a_file(tmp_path):
    # Before: altair.MaxRowsError above 5,000 rows, and the build failed.
    rows, chart = big_chart(10_000)
    html = charts.figure_html(chart, name="big", finding="f", description="d", sources=[], downloads=[],
                              store=(tmp_path, "../_static/data/test"))
    vl = spec_of(html)
    assert len(html) < 10_000 and "datasets" not in vl
    data = vl["data"]
    files = list(tmp_path.iterdir())
    assert data["url"] == f"../_static/data/test/{files[0].name}" and len(files) == 1
    assert data["format"] == {"type": "csv", "parse": {"x": "number", "ok": "boolean"}}
    back = list(csv.DictReader(files[0].open(encoding="utf-8")))
    assert len(back) == 10_000
    assert back[7] == {"x": "7", "when": "2020-01-01T07:00:00", "label": "system 7, <b>run</b>", "ok": "false"}
    assert '"renderer": "canvas"' in html


def test_a_small_chart_keeps_its_data_in_the_page(tmp_path):
    rows, chart = big_chart(20)
    html = charts.figure_html(chart, name="small", finding="f", description="d", sources=[], downloads=[],
                              store=(tmp_path, "../_static/data/test"))
    vl = spec_of(html)
    assert [len(v) for v in vl["datasets"].values()] == [20] and list(tmp_path.iterdir()) == []
    assert '"renderer": "svg"' in html


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """The book built with 10,000 more rows in one CSV, as the benchmark builds it."""
    from mosaic.pipeline.project import copy_project

    root = copy_project(ROOT, tmp_path_factory.mktemp("big") / "book")
    bench.add_rows(root, 10_000)
    proc = run_build(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


def test_a_csv_of_ten_thousand_rows_builds_with_small_pages(big):
    project = big
    site = (project / "_build" / "html").resolve()
    for page in sorted((site / "chapters").glob("*.html")):
        html = page.read_text()
        assert len(html.encode()) < 300_000, page.name
        for m in re.finditer(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', html, re.S):
            vl = json.loads(m.group(1))
            assert len(json.dumps(vl.get("datasets", {}))) <= charts.INLINE_BYTES
            for url in re.findall(r'"url": "([^"]+)"', m.group(1)):
                assert (page.parent / url).resolve().is_file(), url
    assert sum(1 for _ in csv.reader((project / bench.ROW_CSV).open())) > 10_000


# -- 6. Parameter types, checked before any chapter runs -----------------------------------------
def test_a_parameter_of_the_wrong_type_stops_the_build_at_once(project):
    # Before: every chapter ran, then coding failed in cell 3 with "ValueError: Unknown format code '%' for
    # object of type 'str'".
    proc = run_build(project, "--param", "coding.ci_level=abc")
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("Build failed: --param coding.ci_level=abc: chapter 'coding', parameter "
                                   "'ci_level' expects a number (its default is 0.95); got 'abc'")
    assert "Traceback" not in proc.stderr and not (project / "_build" / "executed").exists()


@pytest.mark.parametrize("override, message", [
    ("kernels.ci_level=NaN", "parameter 'ci_level' expects a number (its default is 0.95); got 'NaN', which is not "
                             "a finite number"),
    ("kernels.ci_level=true", "parameter 'ci_level' expects a number (its default is 0.95); got 'true'"),
    ("kernels.n_boot=2.5", "parameter 'n_boot' expects a whole number (its default is 2000); got '2.5'"),
    ("coding.thresholds_hours=[40]", "parameter 'thresholds_hours' expects a JSON object"),
    ("coding.thresholds_hours={\"a week\": \"long\"}", "parameter 'thresholds_hours' expects a JSON object"),
    ("coding.as_of=2024-13-01", "parameter 'as_of' expects 'latest' or an ISO date (YYYY-MM-DD) on or before "
                                "today; got '2024-13-01'"),
    ("claims.nope=1", "chapter 'claims' has no parameter 'nope'"),
])
def test_parameter_types_follow_the_defaults(override, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        resolve(discover(ROOT), None, [override])


def test_parameters_of_the_right_type_are_typed_like_their_defaults():
    params = resolve(discover(ROOT), None, ["kernels.n_boot=1e3", "coding.suite=2023", "kernels.ci_level=1",
                                            'coding.thresholds_hours={"a week of nights": 40}',
                                            'kernels.speedup_values="first"'])
    assert params["kernels"]["n_boot"] == 1000 and isinstance(params["kernels"]["n_boot"], int)
    assert params["coding"]["suite"] == "2023"  # text stays as typed
    assert params["kernels"]["ci_level"] == 1
    assert params["coding"]["thresholds_hours"] == {"a week of nights": 40}
    assert params["kernels"]["speedup_values"] == "first"


# -- 7. A hung chapter -------------------------------------------------------------------------
def processes_in(folder: Path) -> list[int]:
    """Processes whose working folder is under folder (a chapter's kernel runs in its build folder)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/cwd").startswith(str(folder)):
                found.append(int(pid))
    return found


def wait_until_gone(folder: Path, seconds: float = 10) -> list[int]:
    end = time.monotonic() + seconds
    while processes_in(folder) and time.monotonic() < end:
        time.sleep(0.2)
    return processes_in(folder)


def hang(root: Path, chapter: str) -> None:
    """Put a cell that never ends right after the chapter's parameters cell (papermill's cell is 2nd)."""
    md = root / "chapters" / f"{chapter}.md"
    text = md.read_text()
    at = text.index("```{code-cell}", text.index(":tags: [parameters]"))
    md.write_text(text[:at] + "```{code-cell} ipython3\nimport time\ntime.sleep(3600)\n```\n\n" + text[at:])


def test_the_timeout_is_a_number_of_seconds(project):
    proc = run_build(project, "--timeout", "0")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == ("python -m mosaic build: error: argument --timeout: expected a number of "
                                            "seconds above 0, got '0'")


def test_a_hung_chapter_is_stopped_and_named(built_copy):
    site = built_copy / "_build" / "html"
    before = tree_digest(site)
    hang(built_copy, "claims")
    t0 = time.monotonic()
    proc = run_build(built_copy, "--timeout", "5")
    assert time.monotonic() - t0 < 60
    assert proc.returncode == 1
    assert ("chapter 'claims' timed out: still running after 5 s, in cell 3 ('import time'); a chapter may run "
            "for 5 s (--timeout SECONDS changes it)") in proc.stderr
    assert tree_digest(site) == before
    assert wait_until_gone(built_copy / "_build") == []


# -- 8. Values with spaces through make --------------------------------------------------------
@pytest.mark.parametrize("args, argv", [
    ("--param economy.x=a b", ["--param=economy.x=a b"]),
    ("--param economy.x=a b --as-of 2024-06-30 --force", ["--param=economy.x=a b", "--as-of=2024-06-30", "--force"]),
    ("--param 'economy.x=a b'", ["--param=economy.x=a b"]),
    ("--param economy.x='a b'", ["--param=economy.x=a b"]),
    ('--param coding.t={"a work-week": 40}', ['--param=coding.t={"a work-week": 40}']),
    ('--param coding.t={"a":1}', ['--param=coding.t={"a":1}']),
    ('--as-of "2024-06-30"', ["--as-of=2024-06-30"]),
    ("  ", []),
])
def test_make_args_split_at_options_only(args, argv):
    assert make_args(args) == argv


def make(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`make` in a project copy, with this interpreter's virtual environment, installing nothing."""
    if not (root / ".venv").exists():
        (root / ".venv").symlink_to(Path(sys.prefix))
    return subprocess.run(["make", "-s", "-o", ".venv/.installed", *args], cwd=root, capture_output=True,
                          text=True, env={k: v for k, v in os.environ.items()
                                          if k not in ("ARGS", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")})


def test_make_book_hands_a_value_with_spaces_over_whole(project):
    # Before: ARGS was pasted into the shell unquoted: "unrecognized arguments: b".
    proc = make(project, "book", "ARGS=--param kernels.ci_level=a b")
    assert ("Build failed: --param kernels.ci_level=a b: chapter 'kernels', parameter 'ci_level' expects a number "
            "(its default is 0.95); got 'a b'") in proc.stderr


def test_make_args_are_never_run_or_globbed_by_the_shell(project):
    # (A '$' is make's own: make reads $(...) in ARGS as one of its variables, before any shell.)
    proc = make(project, "book", "ARGS=--param kernels.ci_level=`touch pwned`; touch pwned2 *")
    assert "got '`touch pwned`; touch pwned2 *'" in proc.stderr
    assert not (project / "pwned2").exists()
    assert not (project / "pwned").exists()


# -- 9. An interrupt ---------------------------------------------------------------------------
@pytest.mark.parametrize("moment", ["Plan:", "rendering..."])
def test_an_interrupt_exits_with_one_line_and_leaves_the_site(built_copy, moment):
    # Before: a KeyboardInterrupt traceback from the build and one from each worker process.
    site = built_copy / "_build" / "html"
    before, target = tree_digest(site), os.readlink(site)
    env = dict(os.environ, PYTHONPATH=str(built_copy / "scripts"), PYTHONUNBUFFERED="1")
    # Its own process group, as a terminal gives a command: Ctrl-C signals the whole group.
    proc = subprocess.Popen([sys.executable, "-m", "mosaic", "build", "--force"], cwd=built_copy, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if moment in line:
            break
    time.sleep(1.0 if moment == "Plan:" else 0.3)  # chapters are executing / jupyter-book is rendering
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    out = "".join(seen) + out
    assert proc.returncode == 130, out + err
    assert err.strip() == INTERRUPTED
    assert "Traceback" not in out + err and "KeyboardInterrupt" not in out + err
    assert os.readlink(site) == target and tree_digest(site) == before
    assert wait_until_gone(built_copy / "_build") == []


# -- 10. Markup in every text column stays text --------------------------------------------------
XSS = "<img src=x onerror=alert(1)>"
# Columns the analyses look rows up by or check against each other (a claim's id and its number as
# written, a unit, a series name, a replication flag): a probe there changes which row is which or breaks
# a data rule, which is not what this test is about. Every other text column gets it.
LOOKED_UP = {"source_id", "claim_id", "essay_claim", "claimed_as_written", "unit", "series", "flag",
             # the forecast ledger's ids, forecasters, resolution arguments, quantiles and hash chain
             "id", "who", "resolver_args", "quantiles", "prev_hash", "hash"}


def inject(root: Path) -> list[str]:
    """Append the probe to every non-empty cell of every text column of every CSV; the columns changed."""
    changed = []
    for d in catalogue.ALL:
        path = root / "data" / d.path
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        cols = [c.name for c in d.columns if c.kind == "text" and c.name not in LOOKED_UP]
        for r in rows[1:]:
            for name in cols:
                i = rows[0].index(name)
                r[i] = f"{r[i]} {XSS}" if r[i] else ""
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
        changed += [f"{d.path}:{c}" for c in cols]
    rechain(root / "data" / "forecasts" / "ledger.csv")
    return changed


def rechain(path: Path) -> None:
    """Hash the forecast ledger's rows again after their text changed, as a maintainer adding text would."""
    from mosaic.catalogue.forecasts import chain_hash

    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    prev = ""
    for r in rows:
        r["prev_hash"], r["hash"] = prev, chain_hash(prev, r)
        prev = r["hash"]
    out = io.StringIO()
    w = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@contextlib.contextmanager
def serve(folder: Path):
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The book built with the probe in every text column."""
    from mosaic.pipeline.project import copy_project

    root = copy_project(ROOT, tmp_path_factory.mktemp("hostile") / "book")
    assert len(inject(root)) > 50
    proc = run_build(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


def test_markup_in_the_data_reaches_no_page_as_markup(hostile):
    site = (hostile / "_build" / "html").resolve()
    pages = sorted(site.rglob("*.html"))
    shown = 0
    for page in pages:
        html = page.read_text()
        assert XSS not in html, page  # escaped everywhere: &lt;img ... in HTML, \u003cimg ... in chart specs
        shown += html.count("&lt;img src=x onerror=alert(1)&gt;") + html.count("\\u003cimg src=x onerror=alert(1)")
    assert shown > 100
    figures = json.loads((site / "figures.json").read_text())
    assert any(XSS in f["text"] + f["label"] for f in figures)  # kept as the literal text it is


@pytest.mark.browser
def test_markup_in_the_data_stays_inert_in_the_browser(hostile, browser):
    site = (hostile / "_build" / "html").resolve()
    pages = [p.relative_to(site).as_posix() for p in sorted((site / "chapters").glob("*.html"))]
    pages += ["index.html", "search.html?q=onerror", "search.html?q=img"]
    tooltips = 0
    with serve(site) as origin:
        for path in pages:
            page, problems = open_page(browser, f"{origin}/{path}", origin)
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.wait_for_timeout(1500)
            for figure in page.locator("figure.mosaic-chart").all():
                marks = figure.locator("svg.marks g.role-mark > path")
                for i in {0, marks.count() - 1} if marks.count() else ():
                    marks.nth(i).hover(force=True)
                    page.wait_for_timeout(150)
                    tip = page.locator("#vg-tooltip-element")
                    if tip.count() and tip.is_visible() and XSS in tip.inner_text():
                        tooltips += 1
                        assert tip.locator("img").count() == 0
            assert page.locator('img[src="x"]').count() == 0, path
            assert page.evaluate("() => document.querySelectorAll('[onerror]').length") == 0, path
            assert dialogs == [] and problems == [], path
            if path.startswith("chapters/"):
                assert XSS in page.inner_text("body"), path  # shown, as text
            page.close()
    assert tooltips >= 3


# A chart drawn on a canvas has drawn when its canvas has more than a sprinkling of coloured pixels.
DRAWN = """() => [...document.querySelectorAll('figure.mosaic-chart')].every(f => {
  if (f.querySelector('svg g.role-mark > *')) return true;
  const c = f.querySelector('.mosaic-vega canvas');
  if (!c || !c.width) return false;
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let inked = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && px[i] + px[i + 1] + px[i + 2] < 600) inked++;
  return inked > 500;
})"""


@pytest.mark.browser
def test_a_ten_thousand_row_chart_draws_in_the_browser(big, browser):
    site = (big / "_build" / "html").resolve()
    fetched = []
    with serve(site) as origin:
        for page_path in sorted((site / "chapters").glob("*.html")):
            page, problems = open_page(browser, f"{origin}/chapters/{page_path.name}", origin)
            page.wait_for_function(DRAWN, timeout=30_000)
            page.wait_for_timeout(300)
            assert problems == [], page_path.name  # no failed fetch, no console error
            fetched += page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)"
                                     ".filter(n => n.includes('/_static/data/'))")
            page.close()
    urls = {u.replace("../", "/") for html in site.joinpath("chapters").glob("*.html")
            for u in re.findall(r'"url": "([^"]+)"', html.read_text())}
    assert all(any(f.endswith(u) for f in fetched) for u in urls), (urls, fetched)
