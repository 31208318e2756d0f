"""The build: validate, plan, execute stale chapters, stage, render, publish.

Each step stops the build on failure, before anything is published: the site in
_build/html stays exactly as it was.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from . import data, execute, notebooks, plan, render
from .params import resolve


class BuildError(Exception):
    pass


def site_fingerprint(root: Path, steps: list[plan.Step]) -> str:
    h = {s.chapter.name: s.fingerprint for s in steps}
    h["_skeleton"] = plan.digest(b"".join(p.read_bytes() for p in render.skeleton_files(root)))
    h["_code"] = plan.tree_digest(root / "scripts")
    return plan.fingerprint(h)


def build(root: Path, *, as_of: str | None = None, overrides: list[str] = (), force: bool = False,
          workers: int | None = None, echo=print) -> Path:
    """Build and publish the book under root/_build/html; raise BuildError on any failure."""
    t0 = time.perf_counter()
    out = root / "_build"
    executed = out / "executed"

    problems = data.validate_all(root)
    if problems:
        raise BuildError(f"{len(problems)} problem(s) in data/, nothing was built:\n" + "\n".join(problems))
    echo(f"Validated every CSV under data/ ({time.perf_counter() - t0:.1f} s).")

    chapters = notebooks.discover(root)
    missing = [e for e in notebooks.toc_entries(root) if not (root / f"{e}.md").exists()]
    if missing:
        raise BuildError("_toc.yml lists pages that do not exist: " + ", ".join(f"{m}.md" for m in missing))
    try:
        params = resolve(chapters, as_of, list(overrides))
    except Exception as exc:
        raise BuildError(str(exc)) from exc
    steps = plan.make_plan(root, chapters, params, executed, force)
    echo("Plan:\n" + plan.describe(steps))

    state = out / "state" / "site.json"
    site_fp = site_fingerprint(root, steps)
    published = out / "html"
    if (not force and not any(s.stale for s in steps) and state.exists() and published.exists()
            and json.loads(state.read_text()).get("fingerprint") == site_fp):
        echo(f"Nothing changed; the published site is up to date: {published}/index.html")
        return published

    t1 = time.perf_counter()
    results = execute.run(root, steps, executed, workers, echo)
    if results:
        echo(f"Executed {len(results)} chapter(s) in {time.perf_counter() - t1:.1f} s.")
    failed = [r for r in results if not r.ok]
    if failed:
        raise BuildError("\n".join(r.error for r in failed) + "\nThe published site was left as it was.")

    figures = render.stage(root, chapters, executed, out / "stage", out / "cache")
    echo(f"Staged {len(chapters)} chapter(s) and {len(figures)} headline figure(s); rendering...")
    t2 = time.perf_counter()
    try:
        html = render.render(out / "stage", out / "render", echo)
    except render.RenderError as exc:
        raise BuildError(f"{exc}\nThe published site was left as it was.") from exc
    echo(f"Rendered in {time.perf_counter() - t2:.1f} s.")
    site = render.publish(html, out)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"fingerprint": site_fp, "site": site.name}))
    echo(f"Published in {time.perf_counter() - t0:.1f} s: {published}/index.html")
    return published
