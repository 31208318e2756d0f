"""Publish: assemble the site, then put it in place in one rename.

The published site is `_build/html`, a symbolic link to one folder under
`_build/sites/`. A new site is assembled whole in `<name>.partial` beside the old one:
the rendered pages with their edition furniture (see `pages`), each chapter's data
package, the book's data download, and the archive with its index (see `archive`).
Only then is it renamed into place and the link swapped in one rename, so a reader or a
failed build never sees half a site. Old site folders are removed after the switch,
never before. Out of disk space, the partial copy is removed, the old site stays as it
was, and the message is one line.
"""
from __future__ import annotations

import errno
import os
import shutil
import stat
import threading
import time
from pathlib import Path
from typing import Callable

from .. import catalogue
from . import archive, datapackage, pages
from .edition import Book, Edition, digest, manifest, unchanged
from .ledger import Ledger
from .validate import Validated


class PublishError(Exception):
    pass


def one_line(exc: OSError, doing: str) -> str:
    if exc.errno == errno.ENOSPC:
        return (f"the disk is full (no space left on device while {doing}); the published site was left as it "
                "was: free some space and build again")
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where} while {doing}; the published site was left as it was"


def write(site: Path, rel: str | Path, data: bytes | str, previous: Path | None = None) -> None:
    """Put one file into the site being assembled, as a new file: one copied in may be a hard link into the
    published site (see `copy_site`), which must not change under its readers.

    When the published site `previous` holds these very bytes at the same place, the file is hard-linked
    from it instead, as `copy_site` does for the rendered pages. After one new row most chapters' data
    packages are as they were; writing their 130 or so files anew, just after the build had written
    its pages, took 0.1 to 0.2 s of a one-row rebuild, against 0.03 s to link them."""
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    data = data.encode("utf-8") if isinstance(data, str) else data
    if previous is not None:
        old = previous / rel
        try:
            same = stat.S_ISREG(old.lstat().st_mode) and old.stat().st_size == len(data) and old.read_bytes() == data
        except OSError:
            same = False
        if same:
            archive.place(old, path)
            return
    path.write_bytes(data)


def chapter_package(site: Path, ed: Edition, book: Book, day: str, previous: Path | None = None) -> None:
    """The chapter's data package in _static/data/<chapter>/, next to the chart files its page links."""
    v = ed.released
    label = str(v.version) if v else ("variant" if ed.status == "variant" else "unreleased")
    pkg = datapackage.package(
        ed.files, name=f"mosaic-{ed.name.replace('_', '-')}", title=f"{ed.title}: data",
        version=label, created=v.date if v else day,
        homepage=v.url if v else book.absolute(f"chapters/{ed.name}.html"), book=book,
        description=(f"Every file behind the chapter “{ed.title}” of {book.title}"
                     + (f", version {v.version} of {v.date}." if v else ", not a released version.")))
    for path, data in datapackage.with_package(ed.files, pkg, book).items():
        write(site, Path("_static") / "data" / ed.name / path, data, previous)


def book_files(root: Path, validated: Validated) -> dict[str, bytes]:
    return {f"data/{d.path}": unchanged(root, d.name, validated) for d in catalogue.ALL if d.name in validated.tables}


def book_data_hash(root: Path, validated: Validated) -> str:
    """The data hash of the book's data download: the sha256 of its SHA256SUMS."""
    return "sha256:" + digest(manifest(book_files(root, validated)))


def book_package(root: Path, site: Path, validated: Validated, ledger: Ledger, book: Book, day: str,
                 previous: Path | None = None) -> str:
    """download/: every CSV with sources.csv, SHA256SUMS, datapackage.json, the licence, and all of it zipped."""
    files = book_files(root, validated)
    data_hash = "sha256:" + digest(manifest(files))
    last = ledger.last
    version = (last["id"] if last and last["data_hash"] == data_hash
               else f"unreleased (after {last['id']})" if last else "unreleased")
    pkg = datapackage.package(files, name="mosaic-data", title=f"{book.title}: all data", version=version,
                              created=last["date"] if last and version == last["id"] else day,
                              homepage=book.absolute("changelog.html"), book=book,
                              description="Every CSV the book is built from, with the sources each row cites.")
    out = datapackage.with_package(files, pkg, book)
    for path, data in out.items():
        write(site, Path("download") / path, data, previous)
    write(site, pages.BOOK_DATA, datapackage.zipped(out, "mosaic-data"), previous)
    return data_hash


def furnish(root: Path, rendered: Path, site: Path, editions: list[Edition], ledger: Ledger, book: Book,
            validated: Validated, day: str, previous: Path | None = None) -> str:
    """Put the edition furniture, data packages and data download into an assembled site; returns the book's
    data hash. A file the published site `previous` holds with the same bytes is linked from it (`write`)."""
    for ed in editions:
        text = (rendered / "chapters" / f"{ed.name}.html").read_text(encoding="utf-8")
        write(site, Path("chapters") / f"{ed.name}.html", pages.decorate_chapter(text, ed, book, day=day), previous)
        chapter_package(site, ed, book, day, previous)
    changelog = site / "changelog.html"
    if changelog.exists():
        write(site, "changelog.html", pages.fill_changelog(changelog.read_text(encoding="utf-8"), ledger, editions),
              previous)
    write(site, ".nojekyll", b"", previous)  # GitHub Pages serves folders starting with '_' as they are
    return book_package(root, site, validated, ledger, book, day, previous)


# Rendered but never published: the theme's translation catalogues (sphinx-book-theme ships them inside its
# static folder, so Sphinx copies them to _static/). They translate its templates while Sphinx renders;
# no page loads them. 46 languages: 92 files in 93 folders, 0.74 MB, which took most of the time of
# assembling a new site after a one-row change.
UNPUBLISHED = ("_static/locales",)


def copy_site(src: Path, dst: Path, previous: Path | None = None) -> None:
    """Copy the rendered site but UNPUBLISHED, stopping at the first error (shutil.copytree would go on and
    report them all).

    A file the published site `previous` already holds as rendered (the same size and modification time,
    which the copy keeps: rsync's quick check) is hard-linked from it instead of copied. Most of the site
    (the theme, the chart bundle, the fonts) is the same from build to build: a one-row rebuild copied
    about 15 MB, which took from 0.05 s to 0.3 s, to change a few pages. Nothing writes into a site
    file in place (`write` replaces), so a linked file never changes under the published site.
    """
    for folder, dirs, files in os.walk(src):
        rel = Path(folder).relative_to(src)
        dirs[:] = [d for d in dirs if d != ".doctrees" and (rel / d).as_posix() not in UNPUBLISHED]
        out = dst / rel
        out.mkdir(parents=True, exist_ok=True)
        for f in files:
            if f == ".buildinfo":
                continue
            source = Path(folder) / f
            if previous is not None and _unchanged(source, previous / rel / f):
                archive.place(previous / rel / f, out / f)
            else:
                shutil.copy2(source, out / f)


def _unchanged(rendered: Path, published: Path) -> bool:
    try:
        a, b = rendered.stat(), published.lstat()
    except OSError:
        return False
    return stat.S_ISREG(b.st_mode) and a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def publish(root: Path, rendered: Path, build: Path, editions: list[Edition], ledger: Ledger, book: Book,
            validated: Validated, *, day: str | None = None,
            before_switch: Callable[[Path], Ledger] | None = None) -> Path:
    """Assemble the site under _build/sites/ and point _build/html at it in one rename.

    `before_switch(site)` (a release) runs once the site is assembled: it archives the new
    versions and returns the ledger that lists them, so the archive index switches with the site.
    """
    day = day or pages.today()
    sites = build / "sites"
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}"
    site = sites / name
    partial = sites / f"{name}.partial"
    doing = f"assembling the new site in {partial.relative_to(build.parent)}"
    try:
        sites.mkdir(parents=True, exist_ok=True)
        published = build / "html"
        previous = published.resolve() if published.is_symlink() and published.is_dir() else None
        copy_site(rendered, partial, previous)
        furnish(root, rendered, partial, editions, ledger, book, validated, day, previous)
        if before_switch is not None:
            doing = "archiving the released versions"
            ledger = before_switch(partial)
        doing = "putting the archive in the new site"
        archive.verify(root, ledger)
        archive.link_into(root, partial)
        archive.index(partial, ledger, editions, book)
        partial.rename(site)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise PublishError(one_line(exc, doing)) from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    try:
        switch(build, site)
    except OSError as exc:
        shutil.rmtree(site, ignore_errors=True)
        raise PublishError(one_line(exc, "switching the published site")) from None
    return site


TRASH = "trash"  # old site folders, moved out of _build/sites/ at the switch and removed in the background


def switch(build: Path, site: Path) -> None:
    """Point _build/html at `site` in one rename, then move every other site folder out of the way.

    Removing an old site (a few hundred files and folders) took longer than building a page
    after a one-row change; it is renamed into _build/trash/ at once, and the next build
    that has work to do removes it in the background (`empty_trash`) while its chapters run.
    """
    sites = site.parent
    link = build / "html"
    if link.exists() and not link.is_symlink():  # a site from before links existed
        link.rename(sites / "previous")
    tmp = build / ".html.swap"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(site.relative_to(build), tmp)
    os.replace(tmp, link)
    trash = build / TRASH
    for old in sites.iterdir():
        if old != site:
            try:
                trash.mkdir(exist_ok=True)
                old.rename(trash / f"{old.name}-{time.time_ns()}")
            except OSError:
                shutil.rmtree(old, ignore_errors=True)


def empty_trash(build: Path) -> threading.Thread | None:
    """Remove _build/trash/ in a background thread (old sites; nothing there is read again)."""
    trash = build / TRASH
    if not trash.exists():
        return None
    t = threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True},
                         name="empty-trash", daemon=True)
    t.start()
    return t
