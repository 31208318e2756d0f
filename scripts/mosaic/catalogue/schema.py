"""Declarative CSV schemas, the one parser every cell goes through, and the file checker.

The checker reads a CSV with the standard library so that every problem can be
reported with the line it sits on, in the form

    data/claims/claims.csv:17: column 'checked_value': 120.0 is above 100

and it reports every problem in a file at once rather than stopping at the first.
A file with no problems comes back as a typed table (a list of values per column),
parsed by the same `Column.parse` that checked it, so validation and loading can
never disagree about what a cell means.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

KINDS = ("text", "number", "date", "period", "category", "url", "source")
PERIOD = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Plain decimal notation in ASCII digits: no '1_000', no 'inf' or 'nan', no other scripts' digits.
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)


class BadCell(ValueError):
    """Why a cell's text is not a value of its column."""


@dataclass(frozen=True)
class Column:
    """One column of a dataset: its kind, whether it may be empty, and its limits."""

    name: str
    kind: str = "text"
    required: bool = True
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: unknown kind {self.kind!r}")
        if self.kind == "category" and not self.allowed:
            raise ValueError(f"column {self.name!r}: a category needs allowed values")

    def parse(self, raw: str, sources: set[str] | None = None):
        """The typed value of one cell (None for an allowed empty cell); raises BadCell with the reason."""
        if raw == "":
            if self.required:
                raise BadCell("is empty (a value is required)")
            return None
        if raw != raw.strip():
            raise BadCell(f"{raw!r} has leading or trailing spaces")
        if self.kind == "number":
            if not NUMBER.match(raw):
                raise BadCell(f"{raw!r} is not a number")
            value = float(raw)
            if value in (float("inf"), float("-inf")):
                raise BadCell(f"{raw!r} is too large to be a number here")
            if self.min is not None and value < self.min:
                raise BadCell(f"{value} is below {_num(self.min)}")
            if self.max is not None and value > self.max:
                raise BadCell(f"{value} is above {_num(self.max)}")
            return value
        if self.kind == "date":
            if not DATE.match(raw) or _parse_date(raw) is None:
                raise BadCell(f"{raw!r} is not an ISO date (YYYY-MM-DD)")
            return _parse_date(raw)
        if self.kind == "period":
            if not PERIOD.match(raw) or _parse_period(raw) is None:
                raise BadCell(f"{raw!r} is not an ISO date or period (YYYY, YYYY-MM or YYYY-MM-DD)")
            return raw
        if self.kind == "category" and raw not in self.allowed:
            raise BadCell(f"{raw!r} is not one of: {', '.join(self.allowed)}")
        if self.kind == "url" and not re.match(r"^https?://\S+$", raw):
            raise BadCell(f"{raw!r} is not an http(s) URL")
        if self.kind == "source" and sources is not None and raw not in sources:
            raise BadCell(f"{raw!r} is not a source_id in data/sources.csv")
        return raw

    def check(self, raw: str, sources: set[str] | None) -> str | None:
        """Why `raw` is not a valid value of this column, or None."""
        try:
            self.parse(raw, sources)
        except BadCell as exc:
            return str(exc)
        return None


RowCheck = Callable[[dict[str, str]], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Dataset:
    """A CSV under data/ with its schema and its catalogue entry.

    `date_column` is when the thing measured happened (a release, a run, a report);
    `published_column`, where a source dates its numbers, is when a value became public.
    An as-of view keeps a row only if it was public by then; rows that share a
    `vintage_key` are vintages of one quantity, and the view keeps the latest of them.
    """

    name: str
    path: str  # relative to data/
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    date_column: str | None = None
    caveats: str = ""
    row_checks: tuple[RowCheck, ...] = field(default=())
    published_column: str | None = None
    vintage_key: tuple[str, ...] = ()

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def source_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.kind == "source"]


Table = dict  # column name -> list of typed values, one per row


class ValidationError(Exception):
    """Raised with every problem found; str() gives one problem per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def check_file(dataset: Dataset, path: Path, label: str, sources: set[str] | None) -> tuple[list[str], Table | None]:
    """Every problem in one CSV file, as 'label:line: column 'name': reason' strings, and its typed table.

    The table is None when there is any problem.
    """
    if not path.exists():
        return [f"{label}: file is missing"], None
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        return [f"{label}:1: file is empty (expected a header: {','.join(dataset.header)})"], None
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    expected = dataset.header
    for name in header:
        if name not in expected:
            problems.append(f"{label}:1: column '{name}': unknown column (expected: {','.join(expected)})")
    for name in expected:
        if name not in header:
            problems.append(f"{label}:1: column '{name}': missing from the header")
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        problems.append(f"{label}:1: column '{dupes[0]}': appears more than once in the header")
    if problems:
        return problems, None

    table: Table = {c.name: [] for c in dataset.columns}
    seen_rows: dict[tuple, int] = {}
    seen_keys: dict[tuple, int] = {}
    n_rows = 0
    line = reader.line_num + 1
    for fields in reader:
        start, line = line, reader.line_num + 1
        if not fields:
            continue
        n_rows += 1
        if len(fields) != len(header):
            problems.append(f"{label}:{start}: row has {len(fields)} fields, the header has {len(header)}")
            continue
        row = dict(zip(header, fields))
        bad = False
        for col in dataset.columns:
            try:
                value = col.parse(row[col.name], sources)
            except BadCell as exc:
                bad = True
                problems.append(f"{label}:{start}: column '{col.name}': {exc}")
            else:
                table[col.name].append(value)
        if not bad:
            for rule in dataset.row_checks:
                found = rule(row)
                if found:
                    problems.append(f"{label}:{start}: column '{found[0]}': {found[1]}")
        whole = tuple(fields)
        if whole in seen_rows:
            problems.append(f"{label}:{start}: duplicate of the row on line {seen_rows[whole]}")
            continue
        seen_rows[whole] = start
        key = tuple(row[k] for k in dataset.key)
        if key in seen_keys:
            cols = ", ".join(dataset.key)
            problems.append(
                f"{label}:{start}: column '{dataset.key[0]}': duplicate key ({cols}) "
                f"{', '.join(key)!r}, first on line {seen_keys[key]}"
            )
        else:
            seen_keys[key] = start
    if n_rows == 0:
        problems.append(f"{label}:2: file has a header but no rows")
    return problems, (None if problems else table)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f)]


def _parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def _parse_period(raw: str) -> dt.date | None:
    parts = raw.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1,
                       int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return None


def period_end(raw: str) -> dt.date:
    """The last day of a period: '2025' -> 2025-12-31, '2025-02' -> 2025-02-28."""
    parts = raw.split("-")
    year = int(parts[0])
    if len(parts) == 3:
        return dt.date.fromisoformat(raw)
    if len(parts) == 2:
        month = int(parts[1])
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(year, 12, 31)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def require_when(column: str, when: Callable[[dict[str, str]], bool], why: str) -> RowCheck:
    """A row rule: `column` must be filled in when `when(row)` holds."""

    def rule(row: dict[str, str]):
        if when(row) and row[column] == "":
            return column, f"is empty ({why})"
        return None

    return rule


def not_above(low: str, high: str) -> RowCheck:
    """A row rule: the number in `low` is not above the number in `high`."""

    def rule(row: dict[str, str]):
        if row[low] and row[high] and float(row[low]) > float(row[high]):
            return low, f"{float(row[low])} is above {high} ({float(row[high])})"
        return None

    return rule
