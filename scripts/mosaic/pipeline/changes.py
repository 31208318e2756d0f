"""Changelogs computed from the data, never written by hand.

Between two versions of a chapter: rows added, corrected and removed in each CSV it
reads (named by the row's key), each headline figure that moved (before -> after, from
the figures.json of both versions), and whether its text or its parameters changed.
"""
from __future__ import annotations

import csv
import io
import json

from ..catalogue import BY_NAME

SHOWN_COLUMNS = 4  # changed columns named per corrected row; the rest are counted


def read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def key_of(row: dict, key: tuple[str, ...]) -> str:
    return " · ".join(row.get(k) or "" for k in key)


def diff_rows(old_text: str | None, new_text: str | None, key: tuple[str, ...]) -> dict:
    """Rows added, corrected (same key, other values) and removed between two versions of a CSV."""
    old_cols, old = read_csv(old_text) if old_text is not None else ([], [])
    new_cols, new = read_csv(new_text) if new_text is not None else ([], [])
    present = [cols for cols, text in ((old_cols, old_text), (new_cols, new_text)) if text is not None]
    if not key or any(not set(key) <= set(cols) for cols in present):
        key = tuple(new_cols or old_cols)  # no usable key: a row is its whole content
    before = {key_of(r, key): r for r in old}
    after = {key_of(r, key): r for r in new}
    corrected = []
    for k in after.keys() & before.keys():
        a, b = before[k], after[k]
        cols = [c for c in dict.fromkeys(old_cols + new_cols) if (a.get(c) or "") != (b.get(c) or "")]
        if cols:
            corrected.append({"key": k, "columns": {c: [a.get(c), b.get(c)] for c in cols}})
    order = {k: i for i, k in enumerate(after)}
    corrected.sort(key=lambda c: order[c["key"]])
    return {"added": [k for k in after if k not in before],
            "corrected": corrected,
            "removed": [k for k in before if k not in after]}


def dataset_key(path: str) -> tuple[str, ...]:
    """The key columns of the dataset stored at data/<path>, from the catalogue."""
    rel = path.removeprefix("data/")
    for d in BY_NAME.values():
        if d.path == rel:
            return d.key
    return ()


def diff_data(old: dict[str, str], new: dict[str, str]) -> list[dict]:
    """Per CSV under data/ in either version (path -> text): what changed, CSVs in a stable order."""
    out = []
    for path in sorted(old.keys() | new.keys()):
        if old.get(path) == new.get(path):
            continue
        d = diff_rows(old.get(path), new.get(path), dataset_key(path))
        if d["added"] or d["corrected"] or d["removed"]:
            out.append({"file": path, **d, "new_file": path not in old, "dropped_file": path not in new})
    return out


def diff_figures(old: list[dict], new: list[dict]) -> list[dict]:
    """Headline figures whose shown value moved, appeared or went, with before and after as the page shows them."""
    before = {f["key"]: f for f in old}
    after = {f["key"]: f for f in new}
    moved = []
    for key in list(after) + [k for k in before if k not in after]:
        a, b = before.get(key), after.get(key)
        if a and b and (a.get("text"), a.get("value")) == (b.get("text"), b.get("value")):
            continue
        label = (b or a).get("label") or key
        moved.append({"key": key, "label": label, "before": a.get("text") if a else None,
                      "after": b.get("text") if b else None})
    return moved


def diff_params(old: dict, new: dict) -> dict:
    return {k: [old.get(k), new.get(k)] for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)}


def compute(old: dict | None, new: dict) -> dict:
    """The changes between two editions, each given as {parts, params, figures, data: {path: text}}."""
    if old is None:
        return {"first": True}
    data = diff_data(old["data"], new["data"])
    figures = diff_figures(old["figures"], new["figures"])
    params = diff_params(old["params"], new["params"])
    text = old["parts"].get("text") != new["parts"].get("text")
    shown = bool(data or figures or params or text)
    redrawn = not shown and old["parts"].get("page") != new["parts"].get("page")
    return {"data": data, "figures": figures, "parameters": params, "text": text, "presentation": redrawn}


def _rows(n: int) -> str:
    return f"{n} row{'s' if n != 1 else ''}"


def summary(changes: dict) -> str:
    """One line for a versions menu: '13 corrected · 1 new in training_speedup.csv · 2 figures moved'."""
    if changes.get("first"):
        return "First release"
    bits = []
    for d in changes.get("data", []):
        name = d["file"].rsplit("/", 1)[-1]
        counts = [f"{len(d[k])} {word}" for k, word in (("added", "new"), ("corrected", "corrected"),
                                                       ("removed", "removed")) if d[k]]
        bits.append(f"{name}: {', '.join(counts)}")
    if changes.get("figures"):
        n = len(changes["figures"])
        bits.append(f"{n} figure{'s' if n != 1 else ''} moved")
    if changes.get("text"):
        bits.append("text revised")
    if changes.get("parameters"):
        bits.append("parameters changed: " + ", ".join(changes["parameters"]))
    if changes.get("presentation"):
        bits.append("charts or tables redrawn, same data")
    return " · ".join(bits) or "No change"


def plain(value) -> str:
    return "(empty)" if value in (None, "") else str(value)


def lines(changes: dict) -> list[str]:
    """The changelog entry as plain-text lines (the HTML pages show the same, marked up)."""
    if changes.get("first"):
        return ["First release."]
    out = []
    for d in changes.get("data", []):
        if d.get("new_file"):
            out.append(f"{d['file']}: now read, {_rows(len(d['added']))}")
            continue
        if d.get("dropped_file"):
            out.append(f"{d['file']}: no longer read ({_rows(len(d['removed']))})")
            continue
        for k in d["added"]:
            out.append(f"{d['file']}: row added: {k}")
        for c in d["corrected"]:
            cols = list(c["columns"].items())
            shown = "; ".join(f"{col} {plain(a)} → {plain(b)}" for col, (a, b) in cols[:SHOWN_COLUMNS])
            more = f"; and {len(cols) - SHOWN_COLUMNS} more column(s)" if len(cols) > SHOWN_COLUMNS else ""
            out.append(f"{d['file']}: row corrected: {c['key']}: {shown}{more}")
        for k in d["removed"]:
            out.append(f"{d['file']}: row removed: {k}")
    for f in changes.get("figures", []):
        if f["before"] is None:
            out.append(f"New figure: {f['label']}: {f['after']}")
        elif f["after"] is None:
            out.append(f"Figure no longer shown: {f['label']} (was {f['before']})")
        else:
            out.append(f"Figure moved: {f['label']}: {f['before']} → {f['after']}")
    for name, (a, b) in changes.get("parameters", {}).items():
        out.append(f"Parameter {name}: {json.dumps(a)} → {json.dumps(b)}")
    out.append("Text revised." if changes.get("text") else "Text unchanged.")
    if not changes.get("parameters"):
        out.append("Parameters unchanged.")
    if changes.get("presentation"):
        out.append("Charts or tables redrawn from the same data.")
    return out
