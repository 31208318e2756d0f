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

The forecast ledger (data/forecasts/ledger.csv) is written by releases too: when a chapter that
forecasts (its output `forecasts`, see analyses/forecast_rows.py) gets a new version, its forecasts
enter the ledger with that version and its data hash, and the outcomes the forecasts chapter
computed from the data are recorded in the ledger's outcome columns (`record_forecasts`). The
build then runs the chapters that read the ledger again, so the forecasts chapter released with
them already shows them; the release commit holds the ledger, and the release's entry records the
ledger's length and last hash, an anchor its validation checks from then on.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import archive, changes, pages
from ..catalogue import forecasts as forecast_ledger
from .edition import Book, Edition
from .ledger import ARCHIVE, LEDGER, Ledger, Version

FORECASTS = Path("data") / forecast_ledger.LEDGER.path  # the forecast ledger a release writes to


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
    forecasts_before: bytes | None = None  # the forecast ledger before this release wrote to it
    forecast_anchor: dict = field(default_factory=dict)  # the forecast ledger's length and last hash

    @property
    def tag(self) -> str:
        return f"release-{self.id}"

    def record(self) -> dict:
        """Its entry in the ledger."""
        out = {"id": self.id, "date": self.day, "commit": self.commit, "tag": self.tag, "data_hash": self.data_hash,
               "versions": [v.record() for v in self.versions]}
        if self.forecast_anchor:
            out["forecast_ledger"] = self.forecast_anchor
        return out


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


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), [dict(r) for r in reader]


def record_forecasts(root: Path, release: Release, executed: Path) -> list[str]:
    """Enter the forecasts of the chapters this release versions into the forecast ledger, and record the
    outcomes the forecasts chapter computed from the data. Returns what changed, in words (empty: nothing).

    A forecast the ledger already holds (same chapter, target and numbers) is not entered again. An
    outcome is recorded once; if the data later settle the forecast otherwise (its evidence row was
    corrected), the new outcome is recorded and the old one kept in `superseded`.
    """
    path = root / FORECASTS
    if not path.exists():
        return []
    raw = path.read_bytes()
    if release.forecasts_before is None:
        release.forecasts_before = raw
    header, rows = _read_csv(path)
    said = []
    held = {(r["chapter"], r["target"], r["quantiles"], r["probability"]) for r in rows
            if r["who"] == forecast_ledger.BOOK}
    ids = {r["id"] for r in rows}
    for v in release.versions:
        made = executed / v.chapter / "outputs" / "forecasts.csv"
        if not made.exists():
            continue
        added = 0
        for f in _read_csv(made)[1]:
            target = f"{f['target']} (figure {f['figure']})" if f.get("figure") else f["target"]
            if (v.chapter, target, f["quantiles"], f["probability"]) in held:
                continue
            row = {h: "" for h in header}
            row.update(id=f"{v.chapter}-{f['key'].replace('_', '-')}-v{v.version}", who=forecast_ledger.BOOK,
                       made_at=release.day, entered="at release", chapter=v.chapter, chapter_version=str(v.version),
                       data_hash=v.data_hash, target=target, rule=f["rule"], resolver=f["resolver"],
                       resolver_args=f["resolver_args"], kind=f["kind"], probability=f["probability"],
                       quantiles=f["quantiles"], unit=f["unit"], resolve_by=f["resolve_by"])
            if row["id"] in ids:
                raise ReleaseError(f"{FORECASTS}: forecast {row['id']!r} is already in the ledger with other numbers")
            row["prev_hash"] = rows[-1]["hash"] if rows else ""
            row["hash"] = forecast_ledger.chain_hash(row["prev_hash"], row)
            rows.append(row)
            ids.add(row["id"])
            added += 1
        if added:
            said.append(f"{v.chapter} v{v.version}: {added} forecast{'s' if added > 1 else ''} entered")
    settled = executed / "forecasts" / "outputs" / "resolutions.csv"
    if settled.exists():
        found = {r["id"]: r for r in _read_csv(settled)[1]}
        changed = 0
        for row in rows:
            new = found.get(row["id"])
            now = (new["outcome"], new["evidence_hash"]) if new else ("", "")
            if now == (row["outcome"], row["evidence_hash"]):
                continue
            if row["outcome"]:
                old = (f"{row['outcome']} (resolved {row['resolved_at']}, evidence {row['evidence']}, recorded in "
                       f"release {row['recorded']})")
                row["superseded"] = f"{row['superseded']} | {old}" if row["superseded"] else old
            for col in ("outcome", "resolved_at", "evidence", "evidence_hash"):
                row[col] = new[col] if new else ""
            row["recorded"] = release.id if new else ""
            changed += 1
        if changed:
            said.append(f"{changed} outcome{'s' if changed > 1 else ''} recorded from the data")
    if said:
        out = io.StringIO()
        w = csv.DictWriter(out, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_text(out.getvalue(), encoding="utf-8")
        tmp.replace(path)
    release.forecast_anchor = {"rows": len(rows), "head": rows[-1]["hash"] if rows else ""}
    return said


def undo_forecasts(root: Path, release: Release | None) -> None:
    """Put the forecast ledger back as it was before this release wrote to it."""
    if release is not None and release.forecasts_before is not None:
        (root / FORECASTS).write_bytes(release.forecasts_before)


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
        forecasts = [FORECASTS.as_posix()] if (root / FORECASTS).exists() else []
        git(root, "add", "--", LEDGER.as_posix(), ARCHIVE.as_posix(), *forecasts)
        git(root, "commit", "--quiet", "-m", message)
        release.forecasts_before = None  # committed: nothing to put back from here on
    except BaseException:
        undo_forecasts(root, release)
        subprocess.run(["git", "reset", "--quiet", "--", FORECASTS.as_posix()], cwd=root, capture_output=True)
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
