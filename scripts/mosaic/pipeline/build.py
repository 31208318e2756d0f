"""The build: validate, plan, execute stale chapters, stage, render, publish (and release).

Each step stops the build on failure, before anything is published: the site in
_build/html stays exactly as it was. A build with other parameters or another
`--as-of` works in its own folders (_build/variants/<key>/), so it never replaces
what the default build executed and rendered.
"""
from __future__ import annotations

import errno
import json
import shutil
import time
from pathlib import Path

from . import archive, changes, edition, execute, pages, plan, publish, render
from . import chapters as chapter_sources
from . import release as releases
from .ledger import Ledger, LedgerError
from .params import resolve
from .validate import validate_all

KEEP_VARIANTS = 3  # builds for other dates or parameters whose caches are kept
DISK_FULL = ("the disk is full (no space left on device); the published site was left as it was: "
             "free some space and build again")


class BuildError(Exception):
    pass


def site_fingerprint(root: Path, steps: list[plan.Step], ledger: Ledger) -> str:
    """Changes when any page could change: a chapter's inputs, the book around the chapters, the releases."""
    h = {s.chapter.name: s.fingerprint for s in steps}
    h["_skeleton"] = plan.digest(b"".join(p.read_bytes() for p in render.skeleton_files(root)))
    h["_render"] = plan.digest(b"".join(p.read_bytes() for p in sorted((root / "scripts").rglob("*.py"))))
    h["_ledger"] = ledger.digest
    return plan.fingerprint(h)


def waves(steps: list[plan.Step]) -> list[list[plan.Step]]:
    """Steps grouped so that every chapter comes after the chapters it reads."""
    depth: dict[str, int] = {}
    for s in steps:  # steps are in dependency order
        depth[s.chapter.name] = 1 + max((depth[d] for d in s.chapter.depends_on), default=-1)
    return [[s for s in steps if depth[s.chapter.name] == k] for k in range(max(depth.values(), default=-1) + 1)]


def workspace(out: Path, chapters, params: dict[str, dict]) -> Path:
    """Where this build executes, stages and renders: _build/ itself for the default parameters,
    _build/variants/<key>/ for any other set (another --as-of, a --param)."""
    if all(params[c.name] == c.defaults for c in chapters):
        return out
    key = plan.digest(json.dumps(params, sort_keys=True, default=str).encode())[:12]
    base = out / "variants" / key
    base.mkdir(parents=True, exist_ok=True)
    base.touch()
    return base


def prune_variants(out: Path, keep: int = KEEP_VARIANTS) -> None:
    folder = out / "variants"
    if folder.exists():
        for old in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)[keep:]:
            shutil.rmtree(old, ignore_errors=True)


def disk_full(text: str) -> bool:
    return "No space left on device" in text or f"Errno {errno.ENOSPC}]" in text


def build(root: Path, *, as_of: str | None = None, overrides: list[str] = (), force: bool = False,
          workers: int | None = None, echo=print, release: bool = False,
          timeout: float = execute.CHAPTER_TIMEOUT) -> Path:
    """Build and publish the book under root/_build/html; raise BuildError on any failure.

    With `release`, also cut a release (see `release`): new versions for the chapters whose
    content changed, archived, recorded in the ledger, committed and tagged.
    """
    t0 = time.perf_counter()
    out = root / "_build"
    cache = out / "cache"
    try:
        ledger = Ledger.load(root)
        book = edition.Book.load(root)
        cutting = None
        if release:
            if as_of not in (None, "latest") or overrides:
                raise BuildError("a release is built with the default parameters and the latest data: "
                                 "drop --as-of and --param")
            cutting = releases.preflight(root, book, ledger)
    except (LedgerError, releases.ReleaseError) as exc:
        raise BuildError(str(exc)) from exc

    validated = validate_all(root)
    if validated.problems:
        problems = validated.problems
        raise BuildError(f"{len(problems)} problem(s) in data/, nothing was built:\n" + "\n".join(problems))
    echo(f"Validated every CSV under data/ ({time.perf_counter() - t0:.1f} s).")

    try:
        chapters = chapter_sources.discover(root)
        missing = [e for e in chapter_sources.toc_entries(root) if not (root / f"{e}.md").exists()]
        if missing:
            raise BuildError("_toc.yml lists pages that do not exist: " + ", ".join(f"{m}.md" for m in missing))
        params = resolve(chapters, as_of, list(overrides))
        base = workspace(out, chapters, params)
        executed, stage_dir, render_dir = base / "executed", base / "stage", base / "render"
        steps = plan.make_plan(root, chapters, params, validated, executed, cache, force)
    except (chapter_sources.ChapterError, ValueError) as exc:
        raise BuildError(str(exc)) from exc
    if base != out:
        echo(f"Building with other parameters or another date, in {base.relative_to(root)}/ "
             "(the default build's files are left alone).")
    echo("Plan:\n" + plan.describe(steps))

    state = out / "state" / "site.json"
    published = out / "html"
    if (not force and not release and not any(s.stale or s.waits_for for s in steps) and state.exists()
            and published.exists()
            and json.loads(state.read_text()).get("fingerprint") == site_fingerprint(root, steps, ledger)):
        echo(f"Nothing changed; the published site is up to date: {published}/index.html")
        return published

    def run_stale(steps: list[plan.Step], validated) -> list[plan.Step]:
        t1 = time.perf_counter()
        ran: list = []
        total = sum(s.stale or bool(s.waits_for) for s in steps)
        final: list[plan.Step] = []
        for wave in waves(steps):
            # A chapter that reads others is planned again once they have run: it executes only if
            # what they published changed.
            wave = [plan.make_step(root, s.chapter, s.params, validated, executed, cache, force)
                    if s.chapter.depends_on else s for s in wave]
            final += wave
            results = execute.run(root, wave, validated, executed, cache, workers, echo, (len(ran), total), timeout)
            ran += results
            failed = [r for r in results if not r.ok]
            if failed:
                if any(disk_full(r.error) for r in failed):
                    raise BuildError(DISK_FULL)
                raise BuildError("\n".join(r.error for r in failed) + "\nThe published site was left as it was.")
        if ran:
            echo(f"Executed {len(ran)} chapter(s) in {time.perf_counter() - t1:.1f} s.")
        return final

    final = run_stale(steps, validated)

    try:
        editions = edition.collect(root, chapters, params, executed, validated, ledger)
        if cutting is not None:
            releases.plan(cutting, editions, book)
            # The forecasts of the chapters being versioned enter the forecast ledger now, with the outcomes
            # the data settle; the chapters that read the ledger run again, so the forecasts chapter released
            # here already shows them (a second pass records what the first one's new rows settle, if any).
            for _ in range(2):
                entered = releases.record_forecasts(root, cutting, executed)
                if not entered:
                    break
                echo("Forecast ledger: " + "; ".join(entered) + ".")
                validated = validate_all(root)
                if validated.problems:
                    raise releases.ReleaseError("the forecast ledger this release wrote does not validate:\n"
                                                + "\n".join(validated.problems))
                final = run_stale(plan.make_plan(root, chapters, params, validated, executed, cache), validated)
                editions = edition.collect(root, chapters, params, executed, validated, ledger)
                cutting.versions = []
                releases.plan(cutting, editions, book)
            echo(releases.describe(editions, cutting))
        figures = render.stage(root, chapters, executed, stage_dir, cache, editions)
        echo(f"Staged {len(chapters)} chapter(s) and {len(figures)} headline figure(s); rendering...")
        t2 = time.perf_counter()
        html = render.render(stage_dir, render_dir, echo)
        echo(f"Rendered in {time.perf_counter() - t2:.1f} s.")
        cut, shown = None, ledger
        if cutting is not None and cutting.versions:
            cutting.data_hash = publish.book_data_hash(root, validated)
            shown = ledger.append(cutting.record())  # what the pages list; the archive adds each page's hash

            def cut(site: Path) -> Ledger:
                return releases.cut(root, cutting, ledger, editions, book, html, site)
        site = publish.publish(root, html, out, editions, shown, book, validated, before_switch=cut)
    except render.RenderError as exc:
        releases.undo_forecasts(root, cutting)
        if disk_full(str(exc)):
            raise BuildError(DISK_FULL) from exc
        raise BuildError(f"{exc}\nThe published site was left as it was.") from exc
    except (edition.EditionError, archive.ArchiveError, pages.PageError, releases.ReleaseError,
            publish.PublishError) as exc:
        releases.undo_forecasts(root, cutting)
        raise BuildError(f"{exc}" + ("" if isinstance(exc, publish.PublishError)
                                     else "\nThe published site was left as it was.")) from exc
    except BaseException:
        releases.undo_forecasts(root, cutting)
        raise
    try:
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps({"fingerprint": site_fingerprint(root, final, Ledger.load(root)),
                                     "site": site.name}))
    except OSError:  # the site is published; the next build simply will not take the shortcut
        state.unlink(missing_ok=True)
    prune_variants(out)
    echo(f"Published in {time.perf_counter() - t0:.1f} s: {published}/index.html")
    if cutting is not None and cutting.versions:
        echo(f"Released {cutting.id} (git tag {cutting.tag}):")
        for v in cutting.versions:
            echo(f"  {v.chapter} version {v.version}: {v.url}")
            for line in changes.lines(v.changes):
                echo(f"    {line}")
    return published
