"""Validate: check every CSV under data/ against its schema and keep the typed tables.

Every problem in every file is reported at once, sources first (other files refer to
them). A file with no problem comes back as a typed table, parsed by the same code
that checked it; the build hands those tables to the chapters, which never parse a
CSV themselves.
"""
from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from .. import catalogue
from ..catalogue.schema import Dataset, Table, check_file, read_rows


@dataclass
class Validated:
    problems: list[str] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)  # dataset name -> digest of its file and schema

    def cited_sources(self, names) -> set[str]:
        """The source ids the rows of these datasets cite."""
        ids = set()
        for name in names:
            d = catalogue.BY_NAME[name]
            for col in d.source_columns:
                ids |= {v for v in self.tables[name][col] if v}
        return ids


def schema_text(d: Dataset) -> str:
    """The parts of a schema that decide how its file reads (row rules are code, hashed with the catalogue)."""
    return repr((d.path, d.columns, d.key, d.date_column, d.published_column, d.vintage_key))


def validate_all(root: Path, datasets: tuple[Dataset, ...] = catalogue.ALL) -> Validated:
    data = root / "data"
    out = Validated()
    declared = {d.path for d in datasets}
    # Every CSV counts, whatever the case of its extension: 'x.CSV' is not silently left out.
    for path in sorted(p for p in data.rglob("*") if p.suffix.lower() == ".csv" and p.is_file()):
        rel = path.relative_to(data).as_posix()
        if path.suffix != ".csv":
            lower = rel[: -len(path.suffix)] + ".csv"
            declared_as = "" if lower in declared else \
                ", then declare it in a module in scripts/mosaic/catalogue/"
            out.problems.append(f"data/{rel}: a data file's name ends in lower-case '.csv'; rename it to "
                                f"{path.stem}.csv{declared_as}")
        elif rel not in declared:
            out.problems.append(
                f"data/{rel}: no schema declares this file (add it to a module in scripts/mosaic/catalogue/)")
    source_ids = None
    sources = next((d for d in datasets if d.name == "sources"), None)
    order = ([sources] if sources else []) + [d for d in datasets if d is not sources]
    for d in order:
        path = data / d.path
        problems, table = check_file(d, path, f"data/{d.path}", None if d is sources else source_ids)
        out.problems += problems
        if d is sources:
            # Rows of sources.csv that have an id still count, so one bad source row is reported
            # once rather than again for every row that cites a neighbouring source. If the file
            # cannot be read at all, its own problem is reported and no citation is checked.
            rows = read_rows(path) if path.exists() else []
            source_ids = {r.get("source_id") for r in rows} if rows or table is not None else None
        if table is not None:
            out.tables[d.name] = table
            out.digests[d.name] = hashlib.sha256(path.read_bytes() + schema_text(d).encode()).hexdigest()
    return out


def write_table(validated: Validated, name: str, cache: Path) -> Path:
    """The typed table of one dataset, pickled under cache/ by its digest (written once)."""
    path = cache / "tables" / f"{name}-{validated.digests[name][:16]}.pkl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{id(path)}")
        tmp.write_bytes(pickle.dumps(validated.tables[name], protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    return path


def sources_table(validated: Validated, ids: set[str], cache: Path) -> tuple[Path, str]:
    """Only the rows of sources.csv with these ids, pickled; and their digest (a chapter's fingerprint)."""
    full = validated.tables["sources"]
    keep = [i for i, sid in enumerate(full["source_id"]) if sid in ids]
    table = {col: [values[i] for i in keep] for col, values in full.items()}
    blob = pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL)
    digest = hashlib.sha256(blob).hexdigest()
    path = cache / "tables" / f"sources-{digest[:16]}.pkl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{id(path)}")
        tmp.write_bytes(blob)
        tmp.replace(path)
    return path, digest
