"""The build: validate, plan, execute stale chapters, stage, render, publish (and release).

Each step stops the build on failure, before anything is published: the site in
_build/html stays exactly as it was. A build with other parameters or another
`--as-of` works in its own folders (_build/variants/<key>/), so it never replaces
what the default build executed and rendered.

Once the plan says some chapter will run, the build starts warm kernels for them and
sets Sphinx up in a thread, both while the chapters' contexts are written and the
first chapters run; what a build keeps warm for the next one (the live mode) is a `Warm`.
"""
from __future__ import annotations

import errno
import gc
import json
import os
import shutil
import time
from pathlib import Path

from . import archive, changes, edition, execute, kernels, pages, plan, publish, render
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


class Warm:
    """What one build sets going for itself, or the live mode keeps between builds: kernels and Sphinx.

    Kernels are started with the imports every chapter makes (the third-party modules of
    the chapters' code and the mosaic modules all chapters import); Sphinx is set up for
    one staged book (one per workspace).
    """

    def __init__(self, root: Path, workers: int | None = None, pool: kernels.Pool | None = None):
        self.root = root
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.pool = pool
        self.renderers: dict[Path, render.Renderer] = {}
        self.base: Path | None = None  # the workspace of the last build
        self.helpers: list = []  # processes a build started beside its kernels (the vega bundle's)
        # A saved row re-executes its chapter and then those that read it, one after another, each in a
        # fresh kernel: the live mode keeps as many warm as the last build executed, up to the longest chain.
        self.last_executed: int | None = None  # none yet: as many as the longest chain
        self.chain = 1
        self._sets: tuple[list, kernels.WarmSets] | None = None  # the chapters' warm imports, and for which chapters

    def kernels(self, chapters, folder: Path) -> kernels.Pool:
        self.chain = plan.longest_chain(chapters)
        key = [(c.name, c.imports) for c in chapters]
        if self._sets is None or self._sets[0] != key:  # the live mode restarts when scripts/ change
            self._sets = (key, warm_modules(self.root, chapters))
        modules = self._sets[1]
        if self.pool is None or self.pool.closed:
            self.pool = kernels.Pool(self.root, folder, modules, self.workers)
        else:  # started before the plan (`speculate`), or kept from the last build (the live mode)
            self.pool.sets, self.pool.limit = modules, self.workers
        try:  # what the next build starts its first kernel with, before it has planned (`speculate`)
            cached = self.root / "_build" / "cache" / kernels.WARM_MODULES
            if not cached.exists() or json.loads(cached.read_text()) != modules.as_json():
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_text(json.dumps(modules.as_json()))
        except (OSError, ValueError):
            pass
        return self.pool

    def speculate(self) -> None:
        """A kernel started before validating and planning (see `kernels.early_pool`), unless one runs already."""
        if self.pool is None:
            self.pool = kernels.early_pool(self.root)

    def renderer(self, stage_dir: Path, render_dir: Path) -> render.Renderer:
        if stage_dir not in self.renderers:
            self.renderers[stage_dir] = render.Renderer(stage_dir, render_dir)
        return self.renderers[stage_dir]

    def ready_for_next(self) -> None:
        """Between builds (the live mode): kernels warm and Sphinx set up, so that the next save finds them ready."""
        if self.pool is None or self.pool.closed:
            try:
                self.kernels(chapter_sources.discover(self.root), self.root / "_build" / "kernels")
            except chapter_sources.ChapterError:
                return
        # Which chapters the next save makes run is not known: these kernels make every chapter's imports.
        self.pool.spare(max(self.workers, min(self.chain if self.last_executed is None else self.last_executed, self.chain)),
                        upcoming=None)
        self.pool.import_for_running()
        chapter_sources.import_converter()
        if self.base is not None and (self.base / "stage" / "_toc.yml").exists():
            self.renderer(self.base / "stage", self.base / "render").prepare(after=self.pool.imported)

    def close(self) -> None:
        for proc in self.helpers:
            if proc.poll() is None:  # a build that stopped before it needed it
                proc.kill()
                proc.wait()
        self.helpers = []
        if self.pool is not None:
            self.pool.close()
        for r in self.renderers.values():
            r.discard()
        self.renderers = {}


def warm_modules(root: Path, chapters) -> kernels.WarmSets:
    """What warm kernels import: the packages at least half the chapters import and the mosaic modules every
    chapter imports (a chapter's own analysis and plots it imports itself), and for each chapter the other
    packages its code imports.

    So a kernel warmed for most chapters does not pay for what a few of them need (scipy, for the
    forecasts' fits and the landing page's growth forms: six of eight chapters never import it).
    """
    scripts = root / "scripts"
    closures = {c.name: plan.code_closure(scripts, [*c.imports, f"mosaic.analyses.{c.name}", "mosaic.book.chapter"])
                for c in chapters}
    packages = {name: set(plan.third_party(cl)) for name, cl in closures.items()}
    shared = {p for p in set().union(*packages.values()) if 2 * sum(p in ps for ps in packages.values()) >= len(packages)}
    common = set.intersection(*(set(cl) for cl in closures.values())) if closures else set()
    return kernels.WarmSets(sorted(shared) + sorted(common),
                            {name: sorted(p - shared) for name, p in packages.items() if p - shared})


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
          timeout: float = execute.CHAPTER_TIMEOUT, reference: bool = False, warm: Warm | None = None) -> Path:
    """Build and publish the book under root/_build/html; raise BuildError on any failure.

    With `release`, also cut a release (see `release`): new versions for the chapters whose
    content changed, archived, recorded in the ledger, committed and tagged. With `reference`,
    every chapter runs in a kernel started for it and jupyter-book renders in a process of
    its own, as builds did before warm kernels (slower; for checking that both publish the
    same pages). `warm` is kept by the caller between builds (the live mode); without it,
    the build starts what it needs and stops it before returning.
    """
    own = warm is None and not reference
    if own:
        warm = Warm(root, workers)
    # No garbage collection while building. A full collection walks the whole heap (Sphinx's environment
    # and doctrees, the kernels' clients) and holds the interpreter for about 0.1 s, stalling the threads
    # that talk to the kernels and Sphinx: a one-row rebuild met three, the live mode one per save.
    # Reference counting still frees almost everything; what is left in cycles (about 15 MB in a full
    # build) is collected after the build, while nobody waits (the live mode, once half a second has passed
    # with no save: see serve.Live.run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(root, as_of=as_of, overrides=overrides, force=force, workers=workers, echo=echo,
                      release=release, timeout=timeout, reference=reference, warm=warm)
    finally:
        if collecting:
            gc.enable()
        if own:
            warm.close()


def _build(root: Path, *, as_of, overrides, force, workers, echo, release, timeout, reference,
           warm: Warm | None) -> Path:
    t0 = time.perf_counter()
    out = root / "_build"
    cache = out / "cache"
    if warm is not None and not force:
        warm.speculate()
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

    tv = time.perf_counter()
    validated = validate_all(root)
    if validated.problems:
        problems = validated.problems
        raise BuildError(f"{len(problems)} problem(s) in data/, nothing was built:\n" + "\n".join(problems))
    echo(f"Validated every CSV under data/ ({time.perf_counter() - tv:.1f} s).")

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
    if warm is not None:
        warm.base = base
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

    t1 = time.perf_counter()
    publish.empty_trash(out)  # the sites earlier builds replaced, removed while this one works
    runner = execute.Runner(root, workers=workers, reference=reference,
                            pool=None if reference else warm.kernels(chapters, out / "kernels"))
    renderer = bundle = None
    if not reference:
        runs = any(s.stale or s.waits_for for s in steps)
        if runs:
            runner.spare([s for s in steps if s.stale or s.waits_for])  # kernels first: they take longest
        bundle = render.start_bundle(cache)
        if bundle is not None:
            warm.helpers.append(bundle)
        # Sphinx reads the config, the toc and its saved environment when it starts: stage those now
        # and let it start while the chapters run.
        try:
            render.stage_skeleton(root, stage_dir, cache, early=True)
        except OSError as exc:
            raise BuildError(DISK_FULL if exc.errno == errno.ENOSPC else f"staging the book failed: {exc}") from exc
        renderer = warm.renderer(stage_dir, render_dir)
        renderer.prepare(after=runner.pool.settled if runs else None)

    def run_stale(runner: execute.Runner, steps: list[plan.Step], validated, t1: float) -> list[plan.Step]:
        """Execute the stale chapters (timed from `t1`); a chapter that reads others is planned again once
        they have run."""

        def replan(step: plan.Step) -> plan.Step:
            return plan.make_step(root, step.chapter, step.params, validated, executed, cache, force)

        ran, final = execute.run(runner, steps, validated, executed, cache, replan, echo, timeout)
        runner.close()
        failed = [r for r in ran if not r.ok]
        if failed:
            if any(disk_full(r.error) for r in failed):
                raise BuildError(DISK_FULL)
            raise BuildError("\n".join(r.error for r in failed) + "\nThe published site was left as it was.")
        if ran:
            echo(f"Executed {len(ran)} chapter(s) in {time.perf_counter() - t1:.1f} s.")
            if warm is not None:
                warm.last_executed = len(ran)
        return final

    final = run_stale(runner, steps, validated, t1)

    try:
        editions = edition.collect(root, chapters, params, executed, validated, ledger)
        if cutting is not None:
            releases.plan(cutting, editions, book)
            # The forecasts of the chapters being versioned enter the forecast ledger now, with the outcomes
            # the data settle; the chapters that read the ledger run again, so the forecasts chapter released
            # here already shows them (a second pass records what the first one's new rows settle, if any).
            # Those chapters run in worker processes forked from this one: no kernel thread may be starting a
            # kernel (holding an import lock the workers would wait on for ever) when they fork.
            if warm is not None and warm.pool is not None:
                warm.pool.close()
            for _ in range(2):
                entered = releases.record_forecasts(root, cutting, executed)
                if not entered:
                    break
                echo("Forecast ledger: " + "; ".join(entered) + ".")
                validated = validate_all(root)
                if validated.problems:
                    raise releases.ReleaseError("the forecast ledger this release wrote does not validate:\n"
                                                + "\n".join(validated.problems))
                final = run_stale(execute.Runner(root, workers=workers, reference=True),
                                  plan.make_plan(root, chapters, params, validated, executed, cache), validated,
                                  time.perf_counter())
                editions = edition.collect(root, chapters, params, executed, validated, ledger)
                cutting.versions = []
                releases.plan(cutting, editions, book)
            echo(releases.describe(editions, cutting))
        figures = render.stage(root, chapters, executed, stage_dir, cache, editions, bundle)
        echo(f"Staged {len(chapters)} chapter(s) and {len(figures)} headline figure(s); rendering...")
        t2 = time.perf_counter()
        html = render.render_command(stage_dir, render_dir) if reference else renderer.build()
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
        recorded = [plan.as_recorded(s, executed) for s in final]  # as the next build's plan will see them
        state.write_text(json.dumps({"fingerprint": site_fingerprint(root, recorded, Ledger.load(root)),
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
