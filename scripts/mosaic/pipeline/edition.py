"""A chapter's edition: what its page shows, reduced to a content hash, and its data package.

A chapter's version moves only when its rendered content changes: its text, its
figures, its data rows, its parameters, or anything else its page shows (charts,
tables). The content hash covers exactly those, read from the executed notebook and
the files the chapter published, never from the code that produced them: a refactor
that changes no page releases nothing. The version number itself is put on the page
after rendering (see `pages`), so a chapter's content never depends on its own version.

The data package of a chapter is every file a reader needs to check its numbers:

    <chart>.csv            the rows each chart draws (the page's download links)
    figures.json           its headline figures
    data/<topic>/<x>.csv   each CSV it reads, as it was
    data/sources.csv       the rows of data/sources.csv those cite
    SHA256SUMS             sha256 of each file above (`sha256sum -c SHA256SUMS` checks them)
    datapackage.json       Frictionless Data Package describing the files (written at publish)

Its data hash is the sha256 of SHA256SUMS, so anyone can recompute it from the files.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..catalogue import BY_NAME
from . import changes
from .chapters import ChapterSource
from .ledger import ARCHIVE, Ledger, Version
from .validate import Validated, schema_text

LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
MANIFEST = "SHA256SUMS"
PACKAGE = "datapackage.json"


class EditionError(Exception):
    pass


@dataclass(frozen=True)
class Book:
    """What citations need from _config.yml: title, author and the site's address."""

    title: str
    author: str
    url: str  # html.baseurl with a trailing slash, or "" when not set

    @classmethod
    def load(cls, root: Path) -> "Book":
        cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
        url = str((cfg.get("html") or {}).get("baseurl") or "").strip()
        if url and not url.endswith("/"):
            url += "/"
        return cls(str(cfg.get("title") or "Mosaic"), str(cfg.get("author") or "Mosaic contributors"), url)

    def absolute(self, path: str) -> str:
        """The address of a site path (e.g. 'v/kernels/2/'); empty when the site's address is not set."""
        return self.url + path if self.url else ""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def notebook_parts(nb_bytes: bytes) -> tuple[str, str]:
    """Digests of the prose (markdown cells) and of the whole page (every cell and what it shows).

    Execution counts, timings and papermill's metadata are left out: they change on every run.
    """
    nb = json.loads(nb_bytes)
    prose, page = [], []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            prose.append(_source(cell))
        outputs = []
        for out in cell.get("outputs", []):
            out = {k: v for k, v in out.items() if k != "execution_count"}
            outputs.append(out)
        page.append([cell.get("cell_type"), _source(cell), cell.get("metadata", {}).get("tags", []), outputs])
    return (digest(json.dumps(prose).encode()),
            digest(json.dumps(page, sort_keys=True, ensure_ascii=False).encode()))


def published_figures(folder: Path) -> list[dict]:
    """The chapter's headline figures as it wrote them, without the build's own digest."""
    path = folder / "figures.json"
    figs = json.loads(path.read_text()) if path.exists() else []
    return [{k: v for k, v in f.items() if k not in ("chapter_version", "chapter_content")} for f in figs]


def sources_subset(path: Path, ids: set[str]) -> bytes:
    """The header and the rows of data/sources.csv with these ids, in file order."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(rows[0])
    col = rows[0].index("source_id")
    w.writerows(r for r in rows[1:] if r and r[col] in ids)
    return out.getvalue().encode()


def manifest(files: dict[str, bytes]) -> bytes:
    """SHA256SUMS: one `<sha256>  <path>` line per file, sorted by path (sha256sum's own format)."""
    return "".join(f"{digest(files[p])}  {p}\n" for p in sorted(files)).encode()


def package_files(root: Path, chapter: ChapterSource, executed: Path, validated: Validated) -> dict[str, bytes]:
    """The chapter's data package (without its datapackage.json), path -> bytes."""
    folder = executed / chapter.name
    files: dict[str, bytes] = {}
    for csv_path in sorted((folder / "data").glob("*.csv")) if (folder / "data").exists() else ():
        files[csv_path.name] = csv_path.read_bytes()
    files["figures.json"] = (json.dumps(published_figures(folder), indent=1, ensure_ascii=False) + "\n").encode()
    for name in chapter.datasets:
        files[f"data/{BY_NAME[name].path}"] = unchanged(root, name, validated)
    cited = validated.cited_sources(chapter.datasets) | set(chapter.extra_sources)
    unchanged(root, "sources", validated)
    files["data/sources.csv"] = sources_subset(root / "data" / BY_NAME["sources"].path, cited)
    return files


def unchanged(root: Path, name: str, validated: Validated) -> bytes:
    """The bytes of a dataset's file, which must be those validated at the start of this build."""
    d = BY_NAME[name]
    data = (root / "data" / d.path).read_bytes()
    if digest(data + schema_text(d).encode()) != validated.digests.get(name):
        raise EditionError(f"data/{d.path} changed while the book was building; build again")
    return data


@dataclass
class Edition:
    """One chapter as this build shows it, and where it stands against its released versions."""

    name: str
    title: str
    params: dict
    default: bool  # built with its default parameters (and latest data): the only builds that are released
    files: dict[str, bytes]
    parts: dict
    figures: list[dict]
    versions: list[Version] = field(default_factory=list)
    released: Version | None = None  # the released version whose content this is
    pending: dict | None = None  # what changed since the latest version, when this is not it

    @property
    def manifest(self) -> bytes:
        return manifest(self.files)

    @property
    def data_hash(self) -> str:
        return "sha256:" + digest(self.manifest)

    @property
    def content_hash(self) -> str:
        return digest(json.dumps(self.parts, sort_keys=True).encode())

    @property
    def latest(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def status(self) -> str:
        """released | changed (since its latest version) | unreleased (never released) | variant (--as-of, --param)."""
        if not self.default:
            return "variant"
        if self.released is not None:
            return "released"
        return "changed" if self.versions else "unreleased"

    def snapshot(self) -> dict:
        """What a changelog compares: parts, parameters, figures and the CSVs under data/."""
        return {"parts": self.parts, "params": self.params, "figures": self.figures,
                "data": {p: b.decode("utf-8") for p, b in self.files.items() if p.startswith("data/")}}


def archived_snapshot(root: Path, version: Version) -> dict:
    """The same snapshot for a released version, read from its archived data package."""
    folder = root / ARCHIVE / version.chapter / str(version.version) / "data"
    if not folder.exists():
        raise EditionError(f"{folder.relative_to(root)} is missing but {version.chapter} version {version.version} "
                           "is in releases/ledger.json: archived versions are never removed (restore it from git)")
    data = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((folder / "data").rglob("*.csv"))}
    figures = json.loads((folder / "figures.json").read_text()) if (folder / "figures.json").exists() else []
    return {"parts": version.parts, "params": version.params, "figures": figures, "data": data}


def collect(root: Path, chapters: list[ChapterSource], params: dict[str, dict], executed: Path,
            validated: Validated, ledger: Ledger) -> list[Edition]:
    """Every chapter's edition, in book order, compared with its released versions."""
    out = []
    for ch in chapters:
        folder = executed / ch.name
        text, page = notebook_parts((folder / "notebook.ipynb").read_bytes())
        files = package_files(root, ch, executed, validated)
        figures = published_figures(folder)
        p = params[ch.name]
        parts = {"text": text, "page": page,
                 "figures": digest(json.dumps(figures, sort_keys=True).encode()),
                 "data": "sha256:" + digest(manifest(files)),
                 "parameters": digest(json.dumps(p, sort_keys=True, default=str).encode())}
        e = Edition(ch.name, ch.title, p, p == ch.defaults, files, parts, figures, ledger.versions(ch.name))
        if e.default and e.latest is not None:
            if e.latest.content_hash == e.content_hash:
                e.released = e.latest
            else:
                e.pending = changes.compute(archived_snapshot(root, e.latest), e.snapshot())
        elif e.default:
            e.pending = changes.compute(None, e.snapshot())
        out.append(e)
    return out
