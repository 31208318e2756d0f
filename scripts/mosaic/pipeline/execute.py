"""Execute: run stale chapters with papermill, in parallel, into _build/executed/<chapter>/.

Each chapter runs in its own folder with a `context.json` beside it (see
mosaic.book.context): the typed tables of its datasets, the folders of the chapters
it reads, its parameters and version. The kernel's working folder is that folder.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .plan import Step
from .validate import Validated, sources_table, write_table


# A kernel answers within a second or two here; one that has not answered by this time lost a port race.
KERNEL_START_SECONDS = 30
KERNEL_START_FAILURES = ("before replying to kernel_info", "Kernel didn't respond")
# How long one chapter may run, kernel start included, before it is stopped and named. A chapter
# takes a few seconds here; five minutes leaves room for slow machines and large bootstraps
# (`python -m mosaic build --timeout SECONDS` changes it for one build).
CHAPTER_TIMEOUT = 300


@dataclass
class Result:
    chapter: str
    ok: bool
    seconds: float
    error: str = ""


def run_one(root: str, name: str, source: str, params: dict, parts: dict, out: str, context: dict,
            timeout: float = CHAPTER_TIMEOUT) -> Result:
    """Execute one chapter notebook; on success its folder is replaced whole, on failure left alone.

    The chapter is stopped after `timeout` seconds in all, named with the cell it was running.
    """
    import jupytext
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    deadline = time.monotonic() + timeout
    running: list = []  # (number, cell) being executed, for the message if the chapter runs out of time

    def time_left(cell=None) -> float:
        # nbclient asks before each code cell; the rest of the chapter's time is that cell's limit.
        if cell is not None:
            running[:] = [(running[0][0] + 1 if running else 1, cell)]
        return max(0.1, deadline - time.monotonic())

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
    # The kernel writes its own log to the stderr it inherits. jupyter_client interrupts a kernel
    # before shutting it down, and when that meets a message in flight the kernel logs a
    # KeyboardInterrupt traceback: noise on the build's terminal. The kernel's log goes to
    # kernel.log in the chapter's build folder; the chapter's own errors come back through papermill.
    log = open(work / "kernel.log", "ab")
    terminal = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        for attempt in range(3):
            try:
                papermill.execute_notebook(
                    str(work / "input.ipynb"), str(work / "notebook.ipynb"), parameters=params,
                    kernel_name="python3", cwd=str(work), progress_bar=False, log_output=False,
                    start_timeout=max(1, min(KERNEL_START_SECONDS, int(time_left()))), timeout_func=time_left,
                    # ipykernel warns about plain TCP on every start; the kernel only listens on localhost.
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],
                )
                break
            except RuntimeError as exc:
                # Kernels started at the same moment can race for the same free port; the loser dies or
                # never answers. That is not the chapter's fault, so start it again.
                if not any(m in str(exc) for m in KERNEL_START_FAILURES) or attempt == 2 \
                        or time.monotonic() >= deadline:
                    raise
    except TimeoutError:  # nbclient's CellTimeoutError, or a kernel that never started in the time left
        where = ""
        if running:
            number, cell = running[0]
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            where = f", in cell {number} ({first!r})"
        return Result(name, False, time.perf_counter() - start,
                      f"chapter '{name}' timed out: still running after {timeout:g} s{where}; a chapter may run "
                      f"for {timeout:g} s (--timeout SECONDS changes it)")
    except PapermillExecutionError as exc:
        first = exc.source.strip().splitlines()[0] if exc.source.strip() else ""
        return Result(name, False, time.perf_counter() - start,
                      f"chapter '{name}' failed in cell {exc.exec_count} ({first!r}): {exc.ename}: {exc.evalue}")
    except Exception as exc:  # kernel died, notebook unreadable, ...
        return Result(name, False, time.perf_counter() - start, f"chapter '{name}' failed: {exc!r}")
    finally:
        os.dup2(terminal, 2)
        os.close(terminal)
        log.close()
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


def _worker_ignores_interrupts() -> None:
    # Ctrl-C reaches every process of the terminal's group. The build itself answers it; a worker
    # that also raised KeyboardInterrupt would print its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run(root: Path, steps: list[Step], validated: Validated, executed: Path, cache: Path,
        workers: int | None = None, echo=print, counter=(0, 0), timeout: float = CHAPTER_TIMEOUT) -> list[Result]:
    stale = [s for s in steps if s.stale]
    if not stale:
        return []
    workers = max(1, min(len(stale), workers or os.cpu_count() or 1))
    results = []
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_ignores_interrupts)
    try:
        futures = [
            pool.submit(run_one, str(root), s.chapter.name, str(s.chapter.path), s.params, s.parts,
                        str(executed / s.chapter.name), context(s, validated, executed, cache), timeout)
            for s in stale
        ]
        for i, fut in enumerate(as_completed(futures), 1):
            r = fut.result()
            results.append(r)
            status = "done" if r.ok else "FAILED"
            echo(f"  [{counter[0] + i}/{counter[1] or len(stale)}] {r.chapter}: {status} in {r.seconds:.1f} s")
    except BaseException:
        # Interrupted: stop at once rather than wait for the chapters still running. Their kernels
        # notice their parent has gone and exit; their half-written folders are never published.
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in multiprocessing.active_children():
            worker.terminate()
        raise
    pool.shutdown()
    return results
