"""The archive: every released chapter version, served unchanged at v/<chapter>/<n>/.

Chosen: the archive is committed, in releases/v/, in the form it is served. Rebuilding
old versions from their git tags would need every old tag's toolchain to produce the same
bytes again (Sphinx, the theme, Altair and pandas all leave their mark on the page); a
stored copy is byte-identical by construction, costs one small page per version (git
compresses it and deltas it against the previous one), and a fresh clone serves every
version with no rebuild at all.

    releases/v/<chapter>/<n>/index.html   the page as released, with a banner naming its
                                          version and date and a link to the latest
    releases/v/<chapter>/<n>/data/        its data package (the files its charts link to)
    releases/v/_assets/<name>.<hash>.<ext> stylesheets, scripts, fonts: content-hashed and
                                          shared by every version that uses the same bytes

An archived page links its assets by content hash, so a later theme or script never
changes how an old version looks; it links other chapters at their latest pages. The
archive index (v/index.html, v/<chapter>/index.html, the versions files read by every
archived page's menu, v/index.json) is generated at each publish from the ledger.
"""
from __future__ import annotations

import errno
import hashlib
import html
import json
import os
import posixpath
import re
import shutil
from pathlib import Path

from .edition import LICENCE, MANIFEST, Book, Edition
from .ledger import ARCHIVE, Ledger, Version
from .pages import versions_js

ASSETS = "_assets"
ATTRIBUTE = re.compile(r"""(\s(?:href|src|action|data-content_root|data-mosaic-src))=(["'])(.*?)\2""", re.S)
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)|@import\s+(["'])([^"']+)\3""")
SOURCE_MAP = re.compile(rb"\n?(//# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$")
EXTERNAL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//|/|#)")


class ArchiveError(Exception):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Assets:
    """Content-hashed copies of the site's static files under releases/v/_assets/, written once."""

    def __init__(self, site: Path, folder: Path):
        self.site, self.folder, self.done = site, folder, {}

    def name(self, rel: str) -> str:
        """The hashed file name for site path `rel` (e.g. '_static/mosaic.css'), stored if new."""
        if rel in self.done:
            return self.done[rel]
        src = self.site / rel
        if not src.is_file():
            raise ArchiveError(f"the page links {rel}, which the site does not have")
        data = src.read_bytes()
        if rel.endswith(".css"):
            data = self.css(data.decode("utf-8"), rel).encode("utf-8")
        if rel.endswith((".css", ".js")):
            data = SOURCE_MAP.sub(b"\n", data)
        stem, dot, ext = posixpath.basename(rel).rpartition(".")
        name = f"{stem}.{sha256(data)[:16]}.{ext}" if dot else f"{ext}.{sha256(data)[:16]}"
        if stem.endswith(f".{sha256(data)[:16]}"):  # already named by its content (the vega bundle): keep it
            name = posixpath.basename(rel)
        target = self.folder / name
        if not target.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
        self.done[rel] = name
        return name

    def css(self, text: str, rel: str) -> str:
        base = posixpath.dirname(rel)

        def swap(m: re.Match) -> str:
            url = m.group(2) or m.group(4)
            if EXTERNAL.match(url) or url.startswith("data:"):
                return m.group(0)
            path, _, frag = url.partition("#")
            target = posixpath.normpath(posixpath.join(base, path.split("?")[0]))
            new = self.name(target) + (f"#{frag}" if frag else "")
            return f'url("{new}")' if m.group(2) else f'@import "{new}"'

        return CSS_URL.sub(swap, text)


def rewrite(page: str, *, chapter: str, target: str, assets: Assets) -> str:
    """A page written for chapters/<chapter>.html, with every relative link rewritten for folder `target`."""
    here = "chapters"
    up = posixpath.relpath(".", target)  # '../../..'
    prefix = f"_static/data/{chapter}/"

    def swap(m: re.Match) -> str:
        attr, quote, url = m.groups()
        if attr.strip() == "data-content_root":
            return f"{attr}={quote}{up}/{quote}"
        if not url or EXTERNAL.match(url):
            return m.group(0)
        path, hashmark, frag = url.partition("#")
        path = path.split("?")[0]
        resolved = posixpath.normpath(posixpath.join(here, path))
        if resolved.startswith(prefix):
            new = "data/" + resolved[len(prefix):]
        elif resolved.startswith(("_static/", "_images/")):
            new = posixpath.relpath(f"v/{ASSETS}/{assets.name(resolved)}", target)
        else:
            new = posixpath.relpath(resolved, target)
        return f"{attr}={quote}{html.escape(new, quote=False)}{hashmark}{frag}{quote}"

    # A chart whose data is too large to sit in its page reads it from a URL inside its spec (JSON, not an
    # attribute): point that at the version's own data folder too.
    page = page.replace(f'"url": "../{prefix}', '"url": "data/')
    return ATTRIBUTE.sub(swap, page)


def store(root: Path, site: Path, ed: Edition, version: Version, page: str) -> str:
    """Write version `version` of a chapter into releases/v/; returns the sha256 of its page."""
    archive = root / ARCHIVE
    dest = archive / ed.name / str(version.version)
    if dest.exists():
        raise ArchiveError(f"{dest.relative_to(root)} already exists: a released version is never written again")
    tmp = dest.with_name(f".{version.version}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        body = rewrite(page, chapter=ed.name, target=version.path.rstrip("/"),
                       assets=Assets(site, archive / ASSETS)).encode("utf-8")
        (tmp / "index.html").write_bytes(body)
        shutil.copytree(site / "_static" / "data" / ed.name, tmp / "data")
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sha256(body)


def verify(root: Path, ledger: Ledger) -> None:
    """Every version in the ledger is archived, its page and data exactly as released."""
    archive = root / ARCHIVE
    for v in ledger.all_versions():
        folder = archive / v.chapter / str(v.version)
        where = folder.relative_to(root).as_posix()
        page, sums = folder / "index.html", folder / "data" / MANIFEST
        if not page.is_file() or not sums.is_file():
            raise ArchiveError(f"{where}/ is missing but {v.chapter} version {v.version} is in releases/ledger.json: "
                               "archived versions are never removed (restore it from git)")
        if sha256(page.read_bytes()) != v.page_sha256:
            raise ArchiveError(f"{where}/index.html differs from the page released as {v.chapter} version "
                               f"{v.version}: archived versions never change (restore it from git)")
        if "sha256:" + sha256(sums.read_bytes()) != v.data_hash:
            raise ArchiveError(f"{where}/data/{MANIFEST} differs from the data released as {v.chapter} version "
                               f"{v.version}: archived versions never change (restore it from git)")


def place(src: Path, dst: Path) -> None:
    """Put an archived file into the site: a hard link (the archive is never written in place), else a copy."""
    try:
        os.link(src, dst)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise
        shutil.copy2(src, dst)


def link_into(root: Path, site: Path) -> int:
    """Every archived file under site/v/; returns how many."""
    archive = root / ARCHIVE
    n = 0
    if not archive.exists():
        return 0
    for folder, dirs, files in os.walk(archive):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(archive)
        out = site / "v" / rel
        out.mkdir(parents=True, exist_ok=True)
        for f in files:
            if not f.startswith("."):
                place(Path(folder) / f, out / f)
                n += 1
    return n


STYLE = ("body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:46rem;margin:2rem auto;"
         "padding:0 1rem;line-height:1.5;color:#222}li{margin:.3rem 0}.s{color:#555}footer{margin-top:2rem;"
         "font-size:.85rem;color:#555}")


def _page(title: str, body: str, up: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><meta name='viewport' "
            f"content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
            f"<link rel='icon' href='{up}_static/favicon.svg'><style>{STYLE}</style></head><body>{body}"
            f"<footer>Text and data: <a href='{LICENCE['path']}'>{LICENCE['title']}</a> ({LICENCE['name']}). "
            f"<a href='{up}index.html'>The book</a> · <a href='{up}changelog.html'>Changelog</a></footer>"
            f"</body></html>\n")


def index(site: Path, ledger: Ledger, editions: list[Edition], book: Book) -> None:
    """The archive index pages, the versions files and v/index.json, generated from the ledger."""
    titles = {ed.name: ed.title for ed in editions}
    v_dir = site / "v"
    v_dir.mkdir(exist_ok=True)
    chapters = list(dict.fromkeys([ed.name for ed in editions] + ledger.chapters()))
    sections = []
    listing = []
    for name in chapters:
        versions = ledger.versions(name)
        if not versions:
            continue
        title = titles.get(name, versions[-1].title)
        (v_dir / name).mkdir(exist_ok=True)
        (v_dir / name / "versions.js").write_text(versions_js(name, versions), encoding="utf-8")
        items = "".join(f"<li><a href='{v.version}/index.html'>Version {v.version}</a> · {html.escape(v.date)} · "
                        f"<span class='s'>{html.escape(v.summary)}</span></li>" for v in reversed(versions))
        current = f"../../chapters/{name}.html" if name in titles else None
        latest = f"<p><a href='{current}'>The latest page</a></p>" if current else ""
        (v_dir / name / "index.html").write_text(_page(
            f"{title}: every version",
            f"<h1>{html.escape(title)}</h1><p>Every released version, newest first. Each stays at its address, "
            f"unchanged.</p>{latest}<ol reversed>{items}</ol>", "../../"), encoding="utf-8")
        sections.append(f"<li><a href='{name}/index.html'>{html.escape(title)}</a>: {len(versions)} version"
                        f"{'s' if len(versions) != 1 else ''}, latest {versions[-1].version} "
                        f"({html.escape(versions[-1].date)})</li>")
        listing += [{"chapter": v.chapter, "version": v.version, "date": v.date, "release": v.release,
                     "url": v.url, "path": v.path, "page_sha256": v.page_sha256, "data_hash": v.data_hash}
                    for v in versions]
    body = (f"<h1>{html.escape(book.title)}: every released version</h1>"
            + (f"<ul>{''.join(sections)}</ul>" if sections else "<p>No version has been released yet.</p>"))
    (v_dir / "index.html").write_text(_page("Every released version", body, "../"), encoding="utf-8")
    (v_dir / "index.json").write_text(json.dumps(
        {"releases": [r["id"] for r in ledger.releases], "versions": listing}, indent=1) + "\n", encoding="utf-8")


def missing_from(site: Path, online: dict) -> list[str]:
    """Versions listed in an earlier site's v/index.json that this site does not serve, byte for byte."""
    lost = []
    for v in online.get("versions", []):
        page = site / v["path"] / "index.html"
        if not page.is_file():
            lost.append(f"{v['chapter']} version {v['version']} ({v['path']}) is missing")
        elif sha256(page.read_bytes()) != v["page_sha256"]:
            lost.append(f"{v['chapter']} version {v['version']} ({v['path']}) differs from the page online")
    return lost
