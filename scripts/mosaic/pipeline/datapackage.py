"""Data downloads: a Frictionless Data Package for each chapter version and for the whole book.

Each package lists its files with their sha256 and size, the schema of every source CSV
(from the catalogue: types, required columns, allowed values, primary and foreign keys),
the licence, and the version it belongs to. The book's package also ships as one zip,
written byte for byte the same from the same data (fixed timestamps, sorted entries).
"""
from __future__ import annotations

import io
import json
import zipfile

from .. import catalogue
from ..catalogue.schema import Dataset
from .edition import LICENCE, MANIFEST, PACKAGE, Book, digest, manifest

TYPES = {"text": "string", "number": "number", "date": "date", "period": "string", "category": "string",
         "url": "string", "source": "string"}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def licence_text(book: Book) -> str:
    return (f"{book.title}\nText and data: {LICENCE['title']} ({LICENCE['name']}), {LICENCE['path']}\n"
            f"Attribute to: {book.author}, {book.title}{', ' + book.url if book.url else ''}.\n"
            "Each row names its source in data/sources.csv; the facts it records belong to no one, and quoting a\n"
            "source's own text or figures is subject to that source's terms.\n")


def schema(d: Dataset) -> dict:
    fields = []
    for c in d.columns:
        f = {"name": c.name, "type": TYPES[c.kind]}
        if c.description:
            f["description"] = c.description
        cons = {}
        if c.required:
            cons["required"] = True
        if c.min is not None:
            cons["minimum"] = c.min
        if c.max is not None:
            cons["maximum"] = c.max
        if c.allowed:
            cons["enum"] = list(c.allowed)
        if c.kind == "period":
            cons["pattern"] = r"\d{4}(-\d{2}(-\d{2})?)?"
        if c.kind == "url":
            f["format"] = "uri"
        if cons:
            f["constraints"] = cons
        fields.append(f)
    out = {"fields": fields, "primaryKey": list(d.key), "missingValues": [""]}
    fks = [{"fields": c.name, "reference": {"resource": "sources", "fields": "source_id"}}
           for c in d.columns if c.kind == "source"]
    if fks:
        out["foreignKeys"] = fks
    return out


def resource(path: str, data: bytes) -> dict:
    """One file of a package; CSVs under data/ carry their catalogue schema."""
    r = {"path": path, "bytes": len(data), "hash": "sha256:" + digest(data)}
    by_path = {f"data/{d.path}": d for d in catalogue.ALL}
    name = path.rsplit(".", 1)[0].replace("/", "-").lower()
    if path in by_path:
        d = by_path[path]
        r.update(name=d.name, title=d.title, description=d.description + (" " + d.caveats if d.caveats else ""),
                 profile="tabular-data-resource", format="csv", mediatype="text/csv", encoding="utf-8",
                 schema=schema(d))
    elif path.endswith(".csv"):
        r.update(name=f"chart-{name}", profile="tabular-data-resource", format="csv", mediatype="text/csv",
                 encoding="utf-8", description="The rows one chart of the page draws.",
                 schema={"fields": [{"name": h, "type": "any"} for h in _header(data)]})
    else:
        r.update(name=name, profile="data-resource", format=path.rsplit(".", 1)[-1],
                 mediatype="application/json" if path.endswith(".json") else "text/plain")
    r = {k: r[k] for k in ("name", "path", *[k for k in r if k not in ("name", "path")])}
    return r


def _header(data: bytes) -> list[str]:
    import csv

    first = data.decode("utf-8").splitlines()[:1]
    return next(csv.reader(first), []) if first else []


def package(files: dict[str, bytes], *, name: str, title: str, version: str, created: str, homepage: str,
            book: Book, description: str) -> bytes:
    """datapackage.json for these files (path -> bytes)."""
    resources = [resource(p, files[p]) for p in sorted(files, key=lambda p: (not p.startswith("data/"), p))]
    pkg = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "version": version,
        "created": created,
        "homepage": homepage,
        "licenses": [LICENCE],
        "contributors": [{"title": book.author, "role": "author"}],
        "resources": resources,
    }
    return (json.dumps(pkg, indent=1, ensure_ascii=False) + "\n").encode()


def with_package(files: dict[str, bytes], pkg: bytes, book: Book) -> dict[str, bytes]:
    """The files as published: the data, their manifest, the package descriptor and the licence."""
    out = dict(files)
    out[MANIFEST] = manifest(files)
    out[PACKAGE] = pkg
    out["LICENSE.txt"] = licence_text(book).encode()
    return out


def zipped(files: dict[str, bytes], folder: str) -> bytes:
    """A zip of the files under one top folder, the same bytes for the same files."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{path}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[path])
    return buf.getvalue()
