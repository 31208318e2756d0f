"""Finding the chapters (from _toc.yml) and reading each one's contract: front matter, parameters, imports.

A chapter's front matter declares what it reads:

    mosaic:
      datasets: [metr_horizons, swe_bench]   # CSVs under data/, by catalogue name
      chapters: [coding]                      # other chapters whose published outputs it reads
      sources: [import-ai-455]                # sources it cites beyond those its data rows cite
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..catalogue import BY_NAME


class ChapterError(Exception):
    """A chapter whose source breaks the chapter contract."""


@dataclass(frozen=True)
class ChapterSource:
    name: str  # file stem, also the parameter prefix: --param claims.key=value
    path: Path
    title: str
    datasets: tuple[str, ...]
    defaults: dict
    depends_on: tuple[str, ...] = ()
    extra_sources: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()  # the mosaic modules its code cells import

    @property
    def data_files(self) -> list[str]:
        return [BY_NAME[d].path for d in self.datasets]


def notebook_facts(path: Path, cache: Path | None = None) -> dict:
    """What the contract reads from a chapter notebook (front matter, code cells, title), via jupytext.

    Kept in `cache`/chapters.json, keyed by the file's bytes and jupytext's version, so that a
    build with nothing to do need not import jupytext (a third of a second) to learn it again.
    """
    data = path.read_bytes()
    key = jupytext_key(data)
    store = cache / "chapters.json" if cache is not None else None
    known = {}
    if store is not None:
        try:
            known = json.loads(store.read_text())
        except (OSError, ValueError):
            known = {}
        if key in known:
            return known[key]
    import jupytext

    nb = jupytext.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    facts = {
        "meta": nb.metadata.get("mosaic") or {},
        "code": [{"source": c.source, "tags": list(c.metadata.get("tags", []))} for c in code],
        "title": next((line.lstrip("# ").strip() for c in nb.cells if c.cell_type == "markdown"
                       for line in c.source.splitlines() if line.startswith("# ")), None),
    }
    if store is not None:
        try:
            known = {k: v for k, v in known.items() if v.get("path") != path.name}  # one entry per notebook
            known[key] = {**facts, "path": path.name}
            store.parent.mkdir(parents=True, exist_ok=True)
            tmp = store.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(known))
            os.replace(tmp, store)
        except (OSError, TypeError, ValueError):  # only the shortcut is lost
            pass
    return facts


def jupytext_key(data: bytes) -> str:
    """What jupytext makes of a chapter file depends on its bytes and on jupytext's version."""
    return hashlib.sha256(f"{metadata.version('jupytext')}\0".encode() + data).hexdigest()


def notebook(path: Path, cache: Path) -> Path:
    """The chapter as the notebook papermill runs: converted by jupytext once per version of the file and
    kept in `cache`/notebooks/, so that a build whose chapters did not change (most of them: new data) need
    not import jupytext, which took a tenth of a second of the build's processor while kernels started.

    One file per chapter; a new version replaces the old. Written whole and renamed into place."""
    data = path.read_bytes()
    folder = cache / "notebooks"
    stored = folder / f"{path.stem}.{jupytext_key(data)[:20]}.ipynb"
    if stored.is_file():
        return stored
    import jupytext
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    tmp = stored.with_name(f"{stored.name}.{os.getpid()}.tmp")
    nbformat.write(jupytext.reads(data.decode("utf-8"), fmt=path.suffix.lstrip(".")), tmp)
    for old in folder.glob(f"{path.stem}.*.ipynb"):
        old.unlink(missing_ok=True)
    os.replace(tmp, stored)
    return stored


def import_converter() -> None:
    """Import jupytext now, in a process that sets Sphinx up in another thread between builds (the live mode),
    so that a chapter edited next is not converted while Sphinx imports the same packages (markdown-it):
    two threads importing them at once can deadlock (see kernels.Pool)."""
    import jupytext  # noqa: F401


def read(path: Path, cache: Path | None = None) -> ChapterSource:
    facts = notebook_facts(path, cache)
    meta = facts["meta"]
    declared = tuple(meta.get("datasets") or ())
    if "sources" in declared:
        raise ChapterError(f"{path.name}: front matter declares 'sources'; every chapter is handed the sources its "
                           "data cite (name others under mosaic: sources:)")
    unknown = [d for d in declared if d not in BY_NAME]
    if unknown:
        raise ChapterError(f"{path.name}: front matter declares unknown dataset(s): {', '.join(unknown)}")
    code = facts["code"]
    if not code or "parameters" not in code[0]["tags"]:
        raise ChapterError(f"{path.name}: the first code cell must be tagged 'parameters'")
    defaults = parse_parameters(code[0]["source"], path.name)
    if "as_of" not in defaults:
        raise ChapterError(f"{path.name}: the parameters cell must define as_of")
    title = facts["title"] or path.stem
    imports = sorted({m for c in code for m in module_imports(c["source"], path.name)})
    return ChapterSource(path.stem, path, title, declared, defaults, tuple(meta.get("chapters") or ()),
                         tuple(meta.get("sources") or ()), tuple(imports))


def module_imports(source: str, where: str) -> set[str]:
    """The mosaic modules a code cell imports, as dotted names (mosaic.book, mosaic.book.plots.coding)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ChapterError(f"{where}: a code cell is not valid Python ({exc.msg}, line {exc.lineno})") from exc
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "mosaic"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "mosaic":
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def parse_parameters(source: str, where: str) -> dict:
    """The literal assignments of a parameters cell, e.g. `as_of = "latest"`."""
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError as exc:
                raise ChapterError(f"{where}: parameter {node.targets[0].id!r} is not a literal") from exc
        elif not isinstance(node, ast.Expr):
            raise ChapterError(f"{where}: the parameters cell may only assign literals")
    return values


def discover(root: Path) -> list[ChapterSource]:
    """The chapter notebooks listed in _toc.yml, in book order."""
    cache = root / "_build" / "cache"
    return [read(root / f"{entry}.md", cache) for entry in toc_entries(root) if is_notebook(root / f"{entry}.md")]


def toc_entries(root: Path) -> list[str]:
    """Every file named in _toc.yml (without suffix), root first."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    entries = [toc["root"]]

    def walk(items):
        for item in items or ():
            if "file" in item:
                entries.append(item["file"])
            walk(item.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", ()):
        walk(part.get("chapters"))
    return entries


def is_notebook(path: Path) -> bool:
    head = path.read_text(encoding="utf-8")[:2000] if path.exists() else ""
    return head.startswith("---") and "jupytext:" in head and "kernelspec:" in head
