"""Forecasts: the ledger of every forecast the book records, and the rule that makes it tamper-evident.

The ledger (data/forecasts/ledger.csv) holds one row per forecast: the book's own, entered by
`make release` when the chapter that made them is released, and public forecasters', entered by
hand with their source. A row has two parts:

- its forecast fields (who, when, the target and its resolution rule, the forecast itself,
  resolve_by), which never change once the row is in the ledger;
- its outcome columns (outcome, resolved_at, evidence, evidence_hash, recorded, superseded),
  which only a release writes, from the data.

Each row carries `prev_hash` (the hash of the row above, empty for the first) and `hash`, the
first 16 hex digits of SHA-256 over prev_hash and its forecast fields. Editing a past forecast,
deleting a row or moving one breaks the chain at that row, and validation names the row and
the reason. A rewrite that recomputes every hash is caught by the anchors: each release records
the ledger's length and last hash in releases/ledger.json, and the rows a release saw must keep
those hashes.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from .schema import Column, Dataset, require_when

BOOK = "Mosaic (this book)"  # `who` of the book's own forecasts and observations
ENTERED = ("at release", "by hand")
KINDS = ("probability", "quantiles", "deadline", "observation")
RESOLVERS = ("metr first reaches", "metr best by", "benchmark first share", "event", "unresolvable as stated")
UNITS = ("minutes", "date")
OUTCOME_COLUMNS = ("outcome", "resolved_at", "evidence", "evidence_hash", "recorded", "superseded")
ANCHORS = Path("releases") / "ledger.json"  # where releases record the ledger's length and last hash
HASH_DIGITS = 16
ID = re.compile(r"[a-z0-9][a-z0-9.-]*")
LEVEL = re.compile(r"q(\d{1,2})")

# What each resolver needs in resolver_args ("name=value; name=value").
RESOLVER_ARGS = {
    "metr first reaches": ("suite", "minutes"),
    "metr best by": ("suite", "by"),
    "benchmark first share": ("track", "share"),
    "event": (),
    "unresolvable as stated": (),
}

COLUMNS = (
    Column("id", description="Stable id: <chapter>-<figure key>-v<version> for the book's, a short slug otherwise"),
    Column("who", description=f"'{BOOK}' or the named public forecaster"),
    Column("source_id", "source", required=False, description="Where a public forecaster's words were read"),
    Column("made_at", "period", description="When the forecast was made, as precisely as its source dates it "
                                             "(for the book's: the release date)"),
    Column("entered", "category", allowed=ENTERED,
           description="'at release' (the book's, written by make release) or 'by hand' (a public forecast or an "
                       "observation, transcribed)"),
    Column("chapter", required=False, description="The chapter that made it"),
    Column("chapter_version", "number", required=False, min=1, description="The released version that made it"),
    Column("data_hash", required=False, description="The data hash of that version (its data package)"),
    Column("topic", required=False, description="For an observation: the objection it would settle"),
    Column("target", description="A figures.json key or a named event"),
    Column("as_written", required=False, description="The forecast in the forecaster's own words"),
    Column("reading", required=False, description="The book's reading of a vague forecast: marked as its reading"),
    Column("rule", description="How the forecast resolves, in words"),
    Column("resolver", "category", allowed=RESOLVERS, description="Which rule of the book computes the outcome"),
    Column("resolver_args", required=False, description="That rule's arguments: 'name=value; name=value'"),
    Column("kind", "category", allowed=KINDS),
    Column("probability", "number", required=False, min=0, max=1),
    Column("quantiles", required=False, description="'q05=...; q50=...; q95=...' in the unit below"),
    Column("unit", "category", required=False, allowed=UNITS),
    Column("resolve_by", "date", description="When the forecast can be settled at the latest"),
    Column("prev_hash", required=False, description="The hash of the row above (empty for the first row)"),
    Column("hash", required=False, description="SHA-256 of prev_hash and the forecast fields, first 16 hex digits"),
    Column("outcome", required=False, description="Written by make release, from the data"),
    Column("resolved_at", "date", required=False),
    Column("evidence", required=False, description="The data row that settled it: file and key"),
    Column("evidence_hash", required=False, description="A hash of that row's cells when it settled the forecast"),
    Column("recorded", required=False, description="The release that recorded the outcome"),
    Column("superseded", required=False, description="Earlier outcomes, replaced when their evidence row was corrected"),
)
FORECAST_FIELDS = tuple(c.name for c in COLUMNS[: [c.name for c in COLUMNS].index("resolve_by") + 1])


def chain_hash(prev: str, row: dict[str, str]) -> str:
    """The hash of one row: its forecast fields (raw cells, in column order) chained to the row above."""
    text = "\x1f".join([prev, *(row.get(name, "") for name in FORECAST_FIELDS)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_DIGITS]


def parse_args(text: str) -> dict[str, str]:
    """'suite=TH1.1; minutes=2400' -> {'suite': 'TH1.1', 'minutes': '2400'}; ValueError naming a bad part."""
    out = {}
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(f"{part!r} is not name=value")
        out[name.strip()] = value.strip()
    return out


def parse_quantiles(text: str) -> dict[float, str]:
    """'q05=a; q50=b' -> {0.05: 'a', 0.5: 'b'}; ValueError naming a bad level."""
    out = {}
    for name, value in parse_args(text).items():
        m = LEVEL.fullmatch(name)
        if not m or not 0 < int(m.group(1)) < 100:
            raise ValueError(f"{name!r} is not a quantile level (q01 to q99)")
        out[int(m.group(1)) / 100] = value
    return dict(sorted(out.items()))


# -- Row rules ------------------------------------------------------------------------------------
def _book(row: dict) -> bool:
    return row["who"] == BOOK


def _id(row: dict):
    if not ID.fullmatch(row["id"]):
        return "id", f"{row['id']!r}: use lower-case letters, digits, '.' and '-'"
    return None


def _args(row: dict):
    try:
        args = parse_args(row["resolver_args"])
    except ValueError as exc:
        return "resolver_args", str(exc)
    need = [a for a in RESOLVER_ARGS[row["resolver"]] if a not in args] if row["resolver"] in RESOLVER_ARGS else []
    if need:
        return "resolver_args", f"the '{row['resolver']}' rule needs {', '.join(need)}"
    for name in ("minutes", "share"):
        if name in args:
            try:
                v = float(args[name])
            except ValueError:
                return "resolver_args", f"{name}={args[name]!r} is not a number"
            if not v > 0 or (name == "share" and not v < 1):
                return "resolver_args", f"{name}={args[name]} is out of range"
    for name in ("by", "released_from"):
        if name in args and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args[name]):
            return "resolver_args", f"{name}={args[name]!r} is not an ISO date"
    return None


def _quantiles(row: dict):
    if not row["quantiles"]:
        return None
    try:
        qs = parse_quantiles(row["quantiles"])
    except ValueError as exc:
        return "quantiles", str(exc)
    if row["unit"] == "":
        return "unit", "is empty (quantiles need a unit)"
    values = []
    for level, text in qs.items():
        if row["unit"] == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return "quantiles", f"q{round(level * 100):02d}={text!r} is not an ISO date"
            values.append(text)
        else:
            try:
                values.append(float(text))
            except ValueError:
                return "quantiles", f"q{round(level * 100):02d}={text!r} is not a number"
    if any(a >= b for a, b in zip(values, values[1:])):
        return "quantiles", "the values must rise with the level"
    return None


def _outcome(row: dict):
    filled = [c for c in OUTCOME_COLUMNS[:-1] if row[c]]
    if filled and len(filled) < len(OUTCOME_COLUMNS) - 1:
        missing = [c for c in OUTCOME_COLUMNS[:-1] if not row[c]]
        return missing[0], (f"is empty: a recorded outcome carries {', '.join(OUTCOME_COLUMNS[:-1])} "
                            "(make release writes them from the data; they are never typed)")
    return None


ROW_CHECKS = (
    _id,
    require_when("source_id", lambda r: not _book(r), "a public forecaster's row names where it was read"),
    require_when("as_written", lambda r: not _book(r), "a public forecast is recorded as written"),
    *(require_when(c, lambda r: r["entered"] == "at release", "a forecast entered at a release names its version")
      for c in ("chapter", "chapter_version", "data_hash")),
    require_when("probability", lambda r: r["kind"] == "probability", "a probability forecast states it"),
    require_when("quantiles", lambda r: r["kind"] == "quantiles", "a quantile forecast states them"),
    _args,
    _quantiles,
    _outcome,
)


# -- The file-wide rule: the hash chain and the releases' anchors ----------------------------------
def check_chain(rows: list[tuple[int, dict[str, str]]], path: Path) -> list[tuple[int, str, str]]:
    """Every row chained to the row above it, and every anchored row where a release saw it."""
    problems = []
    prev = ""
    new_from = next((i for i in range(len(rows)) if all(not r["hash"] for _, r in rows[i:])), len(rows))
    for i, (line, row) in enumerate(rows):
        if i >= new_from:  # rows added at the end, not yet hashed: say what to write
            problems.append((line, "hash", f"is empty: a new row is chained to the row above; write prev_hash "
                                           f"{prev!r} and hash {chain_hash(prev, row)!r}" if prev else
                                           f"is empty: the first row's prev_hash is empty and its hash is "
                                           f"{chain_hash(prev, row)!r}"))
            prev = chain_hash(prev, row)
            continue
        if not row["hash"]:
            problems.append((line, "hash", "is empty, but rows below it are recorded: new forecasts go at the end"))
        elif row["prev_hash"] != prev:
            problems.append((line, "prev_hash", "does not name the row above it: a recorded row above was deleted, "
                                                "moved or inserted (the ledger is append-only)"))
        elif chain_hash(prev, row) != row["hash"]:
            problems.append((line, "hash", "does not match this row's forecast fields: a recorded forecast was "
                                           "edited (only a release may write its outcome columns)"))
        prev = row["hash"]
    problems += check_anchors(rows, path)
    return problems


def check_anchors(rows: list[tuple[int, dict[str, str]]], path: Path) -> list[tuple[int, str, str]]:
    """Each release's record of the ledger (rows and last hash) still holds."""
    anchors = path.resolve().parents[2] / ANCHORS if len(path.resolve().parents) > 2 else None
    if anchors is None or not anchors.exists():
        return []
    try:
        releases = json.loads(anchors.read_text(encoding="utf-8")).get("releases", [])
    except (json.JSONDecodeError, AttributeError):
        return []  # the release ledger's own check reports it
    problems = []
    for r in releases:
        seen = r.get("forecast_ledger") if isinstance(r, dict) else None
        if not seen or not seen.get("rows"):
            continue
        n, head = int(seen["rows"]), seen.get("head", "")
        if len(rows) < n:
            line = rows[-1][0] if rows else 2
            problems.append((line, "hash", f"release {r.get('id')} saw {n} rows in the ledger and {len(rows)} are "
                                           "left: recorded rows were deleted"))
        elif rows[n - 1][1]["hash"] != head:
            problems.append((rows[n - 1][0], "hash", f"release {r.get('id')} recorded this row's hash as {head!r}: "
                                                     "the ledger up to here was rewritten"))
    return problems


LEDGER = Dataset(
    name="forecast_ledger",
    path="forecasts/ledger.csv",
    title="The forecast ledger",
    description=(
        "Every forecast the book records: its own, entered when the chapter that made it is released, and "
        "public forecasters', recorded as written with the book's reading marked as its reading; with the "
        "outcome a release computed from the data. Append-only and hash-chained."
    ),
    caveats=(
        "Vague forecasts are scored only through the book's reading of them, which is stated beside the "
        "forecaster's words. Public forecasts were entered after they were made, some after part of what "
        "they predict was known; their made_at is the forecaster's date."
    ),
    key=("id",),
    date_column="made_at",
    columns=COLUMNS,
    row_checks=ROW_CHECKS,
    table_checks=(check_chain,),
)

DATASETS = (LEDGER,)
