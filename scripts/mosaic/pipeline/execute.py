"""Execute: run stale chapters with papermill, in parallel, into _build/executed/<chapter>/.

Each chapter runs in its own folder with a `context.json` beside it (see
mosaic.book.context): the typed tables of its datasets, the folders of the chapters
it reads, its parameters and version. The kernel's working folder is that folder.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .plan import Step
from .validate import Validated, sources_table, write_table


# A kernel answers within a second or two here; one that has not answered by this time lost a port race.
KERNEL_START_SECONDS = 30
KERNEL_START_FAILURES = ("before replying to kernel_info", "Kernel didn't respond")


@dataclass
class Result:
    chapter: str
    ok: bool
    seconds: float
    error: str = ""


def run_one(root: str, name: str, source: str, params: dict, parts: dict, out: str, context: dict) -> Result:
    """Execute one chapter notebook; on success its folder is replaced whole, on failure left alone."""
    import jupytext
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    final = Path(out)
    work = final.with_name(final.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    nb = jupytext.read(source)
    nbformat.write(nb, work / "input.ipynb")
    (work / "context.json").write_text(json.dumps(context, indent=1, default=str))
    os.environ.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(Path(root) / "scripts"), os.environ.get("PYTHONPATH")])),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    try:
        for attempt in range(3):
            try:
                papermill.execute_notebook(
                    str(work / "input.ipynb"), str(work / "notebook.ipynb"), parameters=params,
                    kernel_name="python3", cwd=str(work), progress_bar=False, log_output=False,
                    start_timeout=KERNEL_START_SECONDS,
                    # ipykernel warns about plain TCP on every start; the kernel only listens on localhost.
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],
                )
                break
            except RuntimeError as exc:
                # Kernels started at the same moment can race for the same free port; the loser dies or
                # never answers. That is not the chapter's fault, so start it again.
                if not any(m in str(exc) for m in KERNEL_START_FAILURES) or attempt == 2:
                    raise
    except PapermillExecutionError as exc:
        first = exc.source.strip().splitlines()[0] if exc.source.strip() else ""
        return Result(name, False, time.perf_counter() - start,
                      f"chapter '{name}' failed in cell {exc.exec_count} ({first!r}): {exc.ename}: {exc.evalue}")
    except Exception as exc:  # kernel died, notebook unreadable, ...
        return Result(name, False, time.perf_counter() - start, f"chapter '{name}' failed: {exc!r}")
    executed = nbformat.read(work / "notebook.ipynb", as_version=4)
    for cell in executed.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags or "parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | {"remove-cell"})
    nbformat.write(executed, work / "notebook.ipynb")
    (work / "input.ipynb").unlink()
    (work / "state.json").write_text(json.dumps({"parts": parts, "params": params}, indent=1, default=str))
    shutil.rmtree(final, ignore_errors=True)
    work.rename(final)
    return Result(name, True, time.perf_counter() - start)


def context(step: Step, validated: Validated, executed: Path, cache: Path) -> dict:
    """What the chapter is handed: its typed tables, the chapters it reads, its parameters and version."""
    tables = {name: str(write_table(validated, name, cache)) for name in step.chapter.datasets}
    cited = validated.cited_sources(step.chapter.datasets) | set(step.chapter.extra_sources)
    tables["sources"] = str(sources_table(validated, cited, cache)[0])
    return {
        "chapter": step.chapter.name,
        "version": step.fingerprint[:8],
        "params": step.params,
        "defaults": step.chapter.defaults,
        "tables": tables,
        "upstream": {c: str(executed / c) for c in step.chapter.depends_on},
    }


def run(root: Path, steps: list[Step], validated: Validated, executed: Path, cache: Path,
        workers: int | None = None, echo=print, counter=(0, 0)) -> list[Result]:
    stale = [s for s in steps if s.stale]
    if not stale:
        return []
    workers = max(1, min(len(stale), workers or os.cpu_count() or 1))
    results = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(run_one, str(root), s.chapter.name, str(s.chapter.path), s.params, s.parts,
                        str(executed / s.chapter.name), context(s, validated, executed, cache))
            for s in stale
        ]
        for i, fut in enumerate(as_completed(futures), 1):
            r = fut.result()
            results.append(r)
            status = "done" if r.ok else "FAILED"
            echo(f"  [{counter[0] + i}/{counter[1] or len(stale)}] {r.chapter}: {status} in {r.seconds:.1f} s")
    return results
