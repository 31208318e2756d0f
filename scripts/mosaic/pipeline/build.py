"""The build: validate, plan, execute stale chapters, stage, render, publish.

Each step stops the build on failure, before anything is published: the site in
_build/html stays exactly as it was.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from . import chapters as chapter_sources
from . import execute, plan, publish, render
from .params import resolve
from .validate import validate_all


class BuildError(Exception):
    pass


def site_fingerprint(root: Path, steps: list[plan.Step]) -> str:
    """Changes when any page could change: a chapter's inputs, or the book around the chapters."""
    h = {s.chapter.name: s.fingerprint for s in steps}
    h["_skeleton"] = plan.digest(b"".join(p.read_bytes() for p in render.skeleton_files(root)))
    h["_render"] = plan.digest(b"".join(p.read_bytes() for p in sorted((root / "scripts").rglob("*.py"))))
    return plan.fingerprint(h)


def waves(steps: list[plan.Step]) -> list[list[plan.Step]]:
    """Steps grouped so that every chapter comes after the chapters it reads."""
    depth: dict[str, int] = {}
    for s in steps:  # steps are in dependency order
        depth[s.chapter.name] = 1 + max((depth[d] for d in s.chapter.depends_on), default=-1)
    return [[s for s in steps if depth[s.chapter.name] == k] for k in range(max(depth.values(), default=-1) + 1)]


def build(root: Path, *, as_of: str | None = None, overrides: list[str] = (), force: bool = False,
          workers: int | None = None, echo=print, timeout: float = execute.CHAPTER_TIMEOUT) -> Path:
    """Build and publish the book under root/_build/html; raise BuildError on any failure."""
    t0 = time.perf_counter()
    out = root / "_build"
    executed, cache = out / "executed", out / "cache"

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
        steps = plan.make_plan(root, chapters, params, validated, executed, cache, force)
    except (chapter_sources.ChapterError, ValueError) as exc:
        raise BuildError(str(exc)) from exc
    echo("Plan:\n" + plan.describe(steps))

    state = out / "state" / "site.json"
    published = out / "html"
    if (not force and not any(s.stale or s.waits_for for s in steps) and state.exists() and published.exists()
            and json.loads(state.read_text()).get("fingerprint") == site_fingerprint(root, steps)):
        echo(f"Nothing changed; the published site is up to date: {published}/index.html")
        return published

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
            raise BuildError("\n".join(r.error for r in failed) + "\nThe published site was left as it was.")
    if ran:
        echo(f"Executed {len(ran)} chapter(s) in {time.perf_counter() - t1:.1f} s.")

    try:
        figures = render.stage(root, chapters, executed, out / "stage", cache)
        echo(f"Staged {len(chapters)} chapter(s) and {len(figures)} headline figure(s); rendering...")
        t2 = time.perf_counter()
        html = render.render(out / "stage", out / "render", echo)
    except render.RenderError as exc:
        raise BuildError(f"{exc}\nThe published site was left as it was.") from exc
    echo(f"Rendered in {time.perf_counter() - t2:.1f} s.")
    site = publish.publish(html, out)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"fingerprint": site_fingerprint(root, final), "site": site.name}))
    echo(f"Published in {time.perf_counter() - t0:.1f} s: {published}/index.html")
    return published
