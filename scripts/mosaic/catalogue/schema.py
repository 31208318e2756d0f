"""Declarative CSV schemas, the one parser every cell goes through, and the file checker.

The checker reads a CSV with the standard library so that every problem can be
reported with the line it sits on, in the form

    data/claims/claims.csv:17: column 'checked_value': 120.0 is above 100

and it reports every problem in a file at once rather than stopping at the first.
A file with no problems comes back as a typed table (a list of values per column),
parsed by the same `Column.parse` that checked it, so validation and loading can
never disagree about what a cell means.

What a file may be: UTF-8 text (anything else is refused with the byte offset of its
first byte that is not; guessing an encoding would publish wrong letters silently). A
byte-order mark, Windows line ends (CRLF) and blank lines, trailing or not, are
accepted: spreadsheet programs write them, and none of them can change what a cell says.
Numbers are plain decimals in ASCII digits and finite; dates and periods are ISO, in
ASCII digits; no cell holds a control character or more than MAX_CELL characters.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

KINDS = ("text", "number", "date", "period", "category", "url", "source")
# Every pattern is matched whole (fullmatch) and in ASCII: '\d' would otherwise also match
# Arabic-Indic, fullwidth and other scripts' digits, which int() accepts and a reader does not expect.
PERIOD = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?", re.ASCII)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# Plain decimal notation in ASCII digits: no '1_000', no 'inf' or 'nan', no other scripts' digits.
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
URL = re.compile(r"https?://\S+")
# The longest cell a file may hold. Python's csv module stops at this length with a bare
# exception; a real cell here is at most a few thousand characters, and a longer one is
# nearly always a quote left open that swallowed the lines after it.
MAX_CELL = 131_072
# Control characters have no place in a cell: C0 (NUL, ...) other than tab and the line breaks
# a quoted cell may hold, DEL, and C1 (U+0080-U+009F, the trace of text decoded with the wrong
# encoding and saved again).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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
    log: bool = False  # a number fitted or drawn on a log scale: it must be above 0

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
        if len(raw) > MAX_CELL:
            raise BadCell(f"is {len(raw):,} characters long; a cell holds at most {MAX_CELL:,} "
                          "(is a quote on this line never closed?)")
        bad = CONTROL.search(raw)
        if bad:
            raise BadCell(f"{_short(raw)} contains the control character U+{ord(bad.group()):04X}"
                          + (" (text decoded with the wrong encoding and saved again?)"
                             if ord(bad.group()) >= 0x80 else ""))
        if raw != raw.strip():
            raise BadCell(f"{_short(raw)} has leading or trailing spaces")
        if self.kind == "number":
            if not NUMBER.fullmatch(raw):
                raise BadCell(f"{_short(raw)} is not a number{_number_hint(raw)}")
            value = float(raw)
            if not math.isfinite(value):
                raise BadCell(f"{raw!r} is beyond the largest number a value can hold (about 1.8e308)")
            if value == 0 and re.search(r"[1-9]", raw.lower().split("e")[0]):
                raise BadCell(f"{raw!r} is too close to 0 to be held apart from it; write 0 if that is meant")
            if self.log and not value > 0:
                raise BadCell(f"{value} is not above 0 (this column is used on a log scale, "
                              "where 0 and negative numbers have no place)")
            if self.min is not None and value < self.min:
                raise BadCell(f"{value} is below {_num(self.min)}")
            if self.max is not None and value > self.max:
                raise BadCell(f"{value} is above {_num(self.max)}")
            return value
        if self.kind == "date":
            if not DATE.fullmatch(raw) or _parse_date(raw) is None:
                raise BadCell(f"{_short(raw)} is not an ISO date (YYYY-MM-DD){_digits_hint(raw)}")
            return _parse_date(raw)
        if self.kind == "period":
            if not PERIOD.fullmatch(raw) or _parse_period(raw) is None:
                raise BadCell(f"{_short(raw)} is not an ISO date or period (YYYY, YYYY-MM or YYYY-MM-DD)"
                              f"{_digits_hint(raw)}")
            return raw
        if self.kind == "category" and raw not in self.allowed:
            raise BadCell(f"{_short(raw)} is not one of: {', '.join(self.allowed)}")
        if self.kind == "url" and not URL.fullmatch(raw):
            raise BadCell(f"{_short(raw)} is not an http(s) URL")
        if self.kind == "source" and sources is not None and raw not in sources:
            raise BadCell(f"{_short(raw)} is not a source_id in data/sources.csv")
        return raw

    def check(self, raw: str, sources: set[str] | None) -> str | None:
        """Why `raw` is not a valid value of this column, or None."""
        try:
            self.parse(raw, sources)
        except BadCell as exc:
            return str(exc)
        return None


RowCheck = Callable[[dict[str, str]], "tuple[str, str] | None"]
# A rule over a whole file, for what one row cannot say alone (a hash chain, an order): given every
# row as (line, raw cells) and the file's path, it returns each problem as (line, column, reason).
TableCheck = Callable[[list, Path], "list[tuple[int, str, str]]"]


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
    table_checks: tuple[TableCheck, ...] = field(default=())

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


def read_text(path: Path, label: str) -> tuple[str | None, list[str]]:
    """A CSV file's text, or why it cannot be read: UTF-8 only; a byte-order mark is dropped.

    A file in another encoding (Latin-1, Windows-1252) is refused with the line, column and
    byte offset of its first byte that is not UTF-8, rather than guessed at: a wrong guess
    would publish wrong letters without a word.
    """
    raw = path.read_bytes()
    skip = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[skip:].decode("utf-8"), []
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        # The text before the bad byte is valid; a marker in its place shows the row and cell it is in.
        rows = list(_rows(raw[skip:offset].decode("utf-8") + "\ufffd"))
        line, fields = rows[-1] if rows else (1, [""])
        where = f"{label}:{line}: "
        if line > 1 and rows[0][1]:
            header = rows[0][1]
            if len(fields) <= len(header):
                where += f"column '{header[len(fields) - 1]}': "
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            looks = " (the file is UTF-16)"
        else:
            looks = " (the file looks like Latin-1 or Windows-1252)" if raw[offset] >= 0x80 else ""
        return None, [f"{where}byte 0x{raw[offset]:02X} at byte offset {offset} is not UTF-8{looks}; "
                      "save the file as UTF-8"]


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line the row starts on, its fields) for each row of CSV text; blank lines are skipped."""
    # The csv module's own limit (131,072) fails with a bare exception naming nothing; cells are
    # held to MAX_CELL by Column.parse instead, with file, line and column.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for fields in reader:
        start, line = line, reader.line_num + 1
        if fields and not (len(fields) == 1 and not fields[0].strip()):
            yield start, fields


def check_file(dataset: Dataset, path: Path, label: str, sources: set[str] | None) -> tuple[list[str], Table | None]:
    """Every problem in one CSV file, as 'label:line: column 'name': reason' strings, and its typed table.

    The table is None when there is any problem.
    """
    if not path.exists():
        return [f"{label}: file is missing"], None
    if not path.is_file():
        return [f"{label}: is not a file"], None
    text, problems = read_text(path, label)
    if text is None:
        return problems, None
    if not text.strip():
        return [f"{label}:1: file is empty (expected a header: {','.join(dataset.header)})"], None
    rows = _rows(text)
    _, header = next(rows)
    expected = dataset.header
    for name in header:
        if name not in expected:
            problems.append(f"{label}:1: column {_short(name)}: unknown column (expected: {','.join(expected)})")
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
    raw_rows: list[tuple[int, dict[str, str]]] = []
    n_rows = 0
    for start, fields in rows:
        n_rows += 1
        if len(fields) != len(header):
            open_quote = " (is a quote on this line never closed?)" if any("\n" in f for f in fields) else ""
            problems.append(f"{label}:{start}: row has {len(fields)} field{'s' if len(fields) != 1 else ''}, "
                            f"the header has {len(header)}{open_quote}")
            continue
        row = dict(zip(header, fields))
        raw_rows.append((start, row))
        parsed = {}
        for col in dataset.columns:
            try:
                parsed[col.name] = col.parse(row[col.name], sources)
            except BadCell as exc:
                problems.append(f"{label}:{start}: column '{col.name}': {exc}")
        if len(parsed) == len(dataset.columns):
            for name, value in parsed.items():
                table[name].append(value)
            for rule in dataset.row_checks:
                found = rule(row)
                if found:
                    problems.append(f"{label}:{start}: column '{found[0]}': {found[1]}")
        whole = tuple(fields)
        if whole in seen_rows:
            problems.append(f"{label}:{start}: duplicate of the row on line {seen_rows[whole]}")
            continue
        seen_rows[whole] = start
        # Keys compare by value where the cells parsed: '1.0' and '1' are the same number.
        key = tuple(parsed.get(k, row[k]) for k in dataset.key)
        if key in seen_keys:
            cols = ", ".join(dataset.key)
            problems.append(
                f"{label}:{start}: column '{dataset.key[0]}': duplicate key ({cols}) "
                f"{', '.join(row[k] for k in dataset.key)!r}, first on line {seen_keys[key]}"
            )
        else:
            seen_keys[key] = start
    if n_rows == 0:
        problems.append(f"{label}:2: file has a header but no rows")
    if not problems:  # a file-wide rule reads rows that are each valid, so its reasons are its own
        for rule in dataset.table_checks:
            problems += [f"{label}:{line}: column '{col}': {why}" for line, col, why in rule(raw_rows, path)]
    return problems, (None if problems else table)


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV as text, for the ids other files refer to; [] if the file cannot be read."""
    text, problems = read_text(path, path.name)
    if text is None:
        return []
    rows = [fields for _, fields in _rows(text)]
    return [dict(zip(rows[0], r)) for r in rows[1:]] if rows else []


def _short(raw: str, limit: int = 80) -> str:
    """A cell quoted for a message, cut to `limit` characters."""
    return repr(raw) if len(raw) <= limit else f"{raw[:limit]!r}... ({len(raw):,} characters)"


def _ascii(raw: str) -> str:
    """The text with fullwidth forms, other scripts' digits and the Unicode minus written in ASCII."""
    text = unicodedata.normalize("NFKC", raw).translate({0x2212: "-", 0x066B: ".", 0x066C: ","})
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)


def _number_hint(raw: str) -> str:
    """Why a cell that looks like a number is not one, when that can be said."""
    if raw.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        return ": a cell holds a finite number (leave it empty where a value may be missing)"
    ascii_ = _ascii(raw)
    plain = re.sub(r"[_,'\s]", "", ascii_)
    if plain != ascii_ and NUMBER.fullmatch(plain):
        return f": write it without digit separators, as {plain!r}"
    if ascii_ != raw and NUMBER.fullmatch(ascii_):
        return f": write it with the ASCII digits 0-9, '-' and '.', as {ascii_!r}"
    return ""


def _digits_hint(raw: str) -> str:
    ascii_ = _ascii(raw)
    return f": write it with the ASCII digits 0-9, as {ascii_!r}" if ascii_ != raw and ascii_.isascii() else ""


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
