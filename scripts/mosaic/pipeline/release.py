"""Release: a new version for each chapter whose rendered content changed, and nothing else.

`make release` builds the book with its default parameters and the latest data, then
compares each chapter's content hash (text, figures, data rows, parameters, everything
its page shows) with its latest released version:

- a changed chapter gets the next version number, dated today, with a changelog computed
  from the data (rows added, corrected, removed; figures that moved; text; parameters);
- the release gets an id (its date, with .2, .3 for later releases that day), one entry
  in releases/ledger.json, an archived copy of each new version under releases/v/, one
  git commit of releases/ and a git tag `release-<id>`;
- with nothing changed, nothing is written, committed or tagged, and it says so.

Each version records the git commit of the code and data it was built from, so a release
needs a clean working tree: everything it is built from is committed.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import archive, changes, pages
from .edition import Book, Edition
from .ledger import ARCHIVE, LEDGER, Ledger, Version


class ReleaseError(Exception):
    pass


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        first = (proc.stderr.strip() or proc.stdout.strip() or f"exit {proc.returncode}").splitlines()[0]
        raise ReleaseError(f"git {args[0]} failed: {first}")
    return proc.stdout.strip()


@dataclass
class Release:
    """A release being cut: its id, the commit it is built from, and the versions it adds."""

    id: str
    day: str
    commit: str
    versions: list[Version] = field(default_factory=list)
    data_hash: str = ""  # of the book's data download

    @property
    def tag(self) -> str:
        return f"release-{self.id}"

    def record(self) -> dict:
        """Its entry in the ledger."""
        return {"id": self.id, "date": self.day, "commit": self.commit, "tag": self.tag, "data_hash": self.data_hash,
                "versions": [v.record() for v in self.versions]}


def preflight(root: Path, book: Book, ledger: Ledger, day: dt.date | None = None) -> Release:
    """Check that a release can be cut here, before anything is built."""
    if not book.url.startswith(("https://", "http://")):
        raise ReleaseError("set html.baseurl in _config.yml to the site's address (e.g. https://example.org/mosaic/) "
                           "before the first release: every version's citation carries its permanent URL")
    try:
        top = git(root, "rev-parse", "--show-toplevel")
    except (ReleaseError, FileNotFoundError):
        raise ReleaseError(f"{root} is not a git checkout: each version records the commit it was built from")
    if Path(top).resolve() != root.resolve():
        raise ReleaseError(f"{root} is not the top of its git checkout ({top})")
    dirty = git(root, "status", "--porcelain", "--untracked-files=all")
    if dirty:
        files = [line[2:].strip() for line in dirty.splitlines()]
        shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        raise ReleaseError(f"uncommitted changes ({shown}): commit them first, so that every version names the "
                           "commit of the code and data it was built from")
    day = day or dt.date.today()
    rid = ledger.next_id(day)
    if git(root, "tag", "--list", f"release-{rid}"):
        raise ReleaseError(f"git tag release-{rid} already exists but releases/ledger.json has no release {rid}")
    return Release(rid, day.isoformat(), git(root, "rev-parse", "HEAD"))


def plan(release: Release, editions: list[Edition], book: Book) -> list[Version]:
    """A new version for each chapter whose content differs from its latest version (none: nothing to release)."""
    for ed in editions:
        if not ed.default:
            raise ReleaseError(f"chapter '{ed.name}' was built with non-default parameters; a release uses the "
                               "defaults and the latest data")
        if ed.status not in ("changed", "unreleased"):
            continue
        n = ed.latest.version + 1 if ed.latest else 1
        found = ed.pending or {"first": True}
        v = Version(ed.name, n, release.day, release.id, ed.title, ed.content_hash, ed.data_hash, release.commit,
                    book.absolute(f"v/{ed.name}/{n}/"), "", ed.parts, ed.params, changes.summary(found), found)
        ed.versions = ed.versions + [v]
        ed.released, ed.pending = v, None
        release.versions.append(v)
    return release.versions


def describe(editions: list[Edition], release: Release) -> str:
    if not release.versions:
        kept = ", ".join(f"{ed.name} {ed.latest.version}" for ed in editions if ed.latest)
        return ("Nothing to release: every chapter's content is that of its latest version"
                + (f" ({kept})." if kept else "."))
    lines = [f"Release {release.id}:"]
    for v in release.versions:
        lines.append(f"  {v.chapter}: version {v.version} ({v.summary})")
    return "\n".join(lines)


def cut(root: Path, release: Release, ledger: Ledger, editions: list[Edition], book: Book, rendered: Path,
        site: Path) -> Ledger:
    """Archive the new versions, append the release to the ledger, commit releases/ and tag it.

    Runs inside publish, once the new site is assembled (its data packages are what is
    archived); on any failure everything it wrote is removed again.
    """
    by_name = {ed.name: ed for ed in editions}
    written: list[Path] = []
    assets_before = set((root / ARCHIVE / archive.ASSETS).glob("*"))
    old_ledger = (root / LEDGER).read_bytes() if (root / LEDGER).exists() else None
    try:
        for v in release.versions:
            ed = by_name[v.chapter]
            rendered_page = (rendered / "chapters" / f"{v.chapter}.html").read_text(encoding="utf-8")
            page = pages.decorate_chapter(rendered_page, ed, book, day=release.day, archived=v)
            written.append(root / ARCHIVE / v.chapter / str(v.version))
            v.page_sha256 = archive.store(root, site, ed, v, page)
        new = ledger.append(release.record())
        new.save(root)
        summary = "; ".join(f"{v.chapter} v{v.version} ({v.summary})" for v in release.versions)
        message = f"Release {release.id}: {summary}"
        git(root, "add", "--", LEDGER.as_posix(), ARCHIVE.as_posix())
        git(root, "commit", "--quiet", "-m", message)
    except BaseException:
        for folder in written:
            shutil.rmtree(folder, ignore_errors=True)
        for asset in set((root / ARCHIVE / archive.ASSETS).glob("*")) - assets_before:
            asset.unlink(missing_ok=True)
        if old_ledger is None:
            (root / LEDGER).unlink(missing_ok=True)
        else:
            (root / LEDGER).write_bytes(old_ledger)
        subprocess.run(["git", "reset", "--quiet", "--", LEDGER.as_posix(), ARCHIVE.as_posix()], cwd=root,
                       capture_output=True)
        raise
    try:
        git(root, "tag", "-a", release.tag, "-m", message)
    except ReleaseError as exc:
        raise ReleaseError(f"{exc}; the release is committed: tag it with `git tag -a {release.tag}`") from None
    return new
