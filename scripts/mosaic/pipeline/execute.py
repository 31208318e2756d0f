"""Execute: run stale chapters with papermill into _build/executed/<chapter>/.

Each chapter runs in its own folder with a `context.json` beside it (see
mosaic.book.context): the typed tables of its datasets, the folders of the chapters
it reads, its parameters and version. The kernel's working folder is that folder.

A chapter starts as soon as the chapters it reads are done (not when a whole "wave"
is), `workers` at a time. It runs in a warm kernel (see `kernels`): started before it
was needed, imports made, killed as soon as the chapter is done. papermill still runs
it (engine `mosaic-warm`): parameters injected in a cell tagged `injected-parameters`,
the same notebook out, the same errors. `reference=True` runs each chapter as builds
did before warm kernels: papermill's own engine in a worker process, a kernel started
and shut down for it; `python -m mosaic build --reference` uses it to check that both
publish the same pages.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .chapters import notebook as chapter_notebook
from .kernels import CHAPTER_TIMEOUT
from .plan import Step, reads_of, upstream_digests
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


class Clock:
    """One chapter's time: its deadline, and the cell it was running if it runs out."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.start = time.perf_counter()
        self.deadline = time.monotonic() + timeout
        self.running: list = []  # (number, cell) being executed

    def time_left(self, cell=None) -> float:
        # nbclient asks before each code cell; the rest of the chapter's time is that cell's limit.
        if cell is not None:
            self.running[:] = [(self.running[0][0] + 1 if self.running else 1, cell)]
        return max(0.1, self.deadline - time.monotonic())

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start

    def timed_out(self, name: str) -> Result:
        where = ""
        if self.running:
            number, cell = self.running[0]
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            where = f", in cell {number} ({first!r})"
        t = self.timeout
        return Result(name, False, self.seconds,
                      f"chapter '{name}' timed out: still running after {t:g} s{where}; a chapter may run "
                      f"for {t:g} s (--timeout SECONDS changes it)")


def prepare(source: str, out: str, context: dict, cache: Path | None = None) -> Path:
    """The chapter's work folder beside its final one: the notebook to run and its context.json.

    With `cache`, the notebook jupytext made of this very file before (`chapters.notebook`)."""
    final = Path(out)
    work = final.with_name(final.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if cache is not None:
        shutil.copyfile(chapter_notebook(Path(source), cache), work / "input.ipynb")
    else:
        import jupytext
        import nbformat

        nbformat.write(jupytext.read(source), work / "input.ipynb")
    (work / "context.json").write_text(json.dumps(context, indent=1, default=str))
    return work


def failure(name: str, exc: BaseException, clock: Clock) -> Result:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, TimeoutError):  # nbclient's CellTimeoutError, or a kernel that never started in time
        return clock.timed_out(name)
    if isinstance(exc, PapermillExecutionError):
        first = exc.source.strip().splitlines()[0] if exc.source.strip() else ""
        return Result(name, False, clock.seconds,
                      f"chapter '{name}' failed in cell {exc.exec_count} ({first!r}): {exc.ename}: {exc.evalue}")
    return Result(name, False, clock.seconds, f"chapter '{name}' failed: {exc!r}")  # kernel died, ...


def finish(name: str, work: Path, out: str, parts: dict, params: dict, clock: Clock) -> Result:
    """Hide the parameters cells, record what the chapter was run with, and put the folder in place whole."""
    import nbformat

    final = Path(out)
    executed = nbformat.read(work / "notebook.ipynb", as_version=4)
    for cell in executed.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags or "parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | {"remove-cell"})
    nbformat.write(executed, work / "notebook.ipynb")
    (work / "input.ipynb").unlink()
    if parts.get("upstream"):
        # Recorded with what this run read of the chapters it reads, so the next plan compares like with like.
        parts = {**parts, "upstream": upstream_digests(final.parent, reads_of(work), parts["upstream"])}
    (work / "state.json").write_text(json.dumps({"parts": parts, "params": params}, indent=1, default=str))
    shutil.rmtree(final, ignore_errors=True)
    work.rename(final)
    return Result(name, True, clock.seconds)


def in_warm_kernel(name: str, work: Path, params: dict, parts: dict, out: str, clock: Clock) -> Callable:
    """The job a warm kernel runs for one chapter (in the kernel's own thread), its folder prepared."""

    def job(kernel) -> Result:
        import papermill

        from .kernels import ENGINE, register_engine

        register_engine()
        try:
            kernel.chdir(work, clock.time_left())
            # The kernel's log (its stderr) stays with the chapter, as papermill's kernels' logs did.
            if kernel.log is not None and kernel.log.exists():
                os.replace(kernel.log, work / "kernel.log")
            kernel.log = None
            papermill.execute_notebook(
                str(work / "input.ipynb"), str(work / "notebook.ipynb"), parameters=params,
                engine_name=ENGINE, kernel=kernel, kernel_name="python3", progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, timeout_func=clock.time_left, shutdown_kernel="immediate",
            )
        except Exception as exc:
            return failure(name, exc, clock)
        return finish(name, work, out, parts, params, clock)

    return job


def run_one(root: str, name: str, source: str, params: dict, parts: dict, out: str, context: dict,
            timeout: float = CHAPTER_TIMEOUT) -> Result:
    """Execute one chapter in a kernel of its own (the reference path); its folder is replaced whole on success.

    The chapter is stopped after `timeout` seconds in all, named with the cell it was running.
    """
    import papermill

    clock = Clock(timeout)
    work = prepare(source, out, context)
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
                    start_timeout=max(1, min(KERNEL_START_SECONDS, int(clock.time_left()))),
                    timeout_func=clock.time_left,
                    # ipykernel warns about plain TCP on every start; the kernel only listens on localhost.
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],
                )
                break
            except RuntimeError as exc:
                # Kernels started at the same moment can race for the same free port; the loser dies or
                # never answers. That is not the chapter's fault, so start it again.
                if not any(m in str(exc) for m in KERNEL_START_FAILURES) or attempt == 2 \
                        or time.monotonic() >= clock.deadline:
                    raise
    except Exception as exc:
        return failure(name, exc, clock)
    finally:
        os.dup2(terminal, 2)
        os.close(terminal)
        log.close()
    return finish(name, work, out, parts, params, clock)


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


class Runner:
    """Where chapters run: warm kernels from a pool, or (reference) a process and a kernel each."""

    def __init__(self, root: Path, pool=None, workers: int | None = None, reference: bool = False):
        self.root = root
        self.pool = pool
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.reference = reference
        self._processes: ProcessPoolExecutor | None = None

    def launch(self, step: Step, validated: Validated, executed: Path, cache: Path, timeout: float) -> Future:
        name, out = step.chapter.name, str(executed / step.chapter.name)
        ctx = context(step, validated, executed, cache)
        if self.reference:
            if self._processes is None:
                self._processes = ProcessPoolExecutor(max_workers=self.workers,
                                                      initializer=_worker_ignores_interrupts)
            return self._processes.submit(run_one, str(self.root), name, str(step.chapter.path), step.params,
                                          step.parts, out, ctx, timeout)
        clock = Clock(timeout)  # the chapter's time runs from now, a kernel still starting included
        kernel = self.pool.take(name)
        self.pool.import_for_running()  # papermill and nbformat: imported while the first kernels start
        try:
            work = prepare(str(step.chapter.path), out, ctx, cache)  # while the kernel finishes starting
        except Exception as exc:
            fut: Future = Future()
            fut.set_result(failure(name, exc, clock))
            return fut
        return kernel.submit(in_warm_kernel(name, work, step.params, step.parts, out, clock))

    def spare(self, upcoming: list[Step], busy: int = 0) -> None:
        """Kernels started for the next chapters to run, up to `workers`: one warmed for each chapter that
        can run now, in order, then for those waiting on others (warmed for any of them: which of them
        will run is known only once the chapters they read have run). `busy`: chapters running now."""
        if self.pool is not None and not self.reference:
            ready = [[s.chapter.name] for s in upcoming if not s.waits_for]
            waiting = [s.chapter.name for s in upcoming if s.waits_for]
            self.pool.spare(min(len(upcoming), self.workers), upcoming=ready + [waiting] * len(waiting),
                            later=first_later(len(ready), busy, self.workers))

    def stop(self) -> None:
        """Stop at once: kill every kernel and worker still running (an interrupt)."""
        if self._processes is not None:
            self._processes.shutdown(wait=False, cancel_futures=True)
            for worker in multiprocessing.active_children():
                worker.terminate()
            self._processes = None
        if self.pool is not None:
            self.pool.close(wait=0.5)

    def close(self) -> None:
        """Every chapter has run: no spare kernel still waiting for a free processor starts now (the live mode
        asks for the next build's itself)."""
        if self.pool is not None and not self.reference:
            self.pool.spare(0)
        if self._processes is not None:
            self._processes.shutdown()
            self._processes = None


def first_later(ready: int, busy: int, workers: int) -> int:
    """Which spare kernels warm up at a lower priority (kernels.LATER_NICE): those from this index on, past
    one per chapter that can run now. A kernel for a chapter waiting on others does so only while chapters
    running or able to run keep every processor busy; one that no such chapter can use goes to it at the
    usual priority. After one CSV row, the chapter with the row runs alone, and the landing chapter's kernel
    (scipy among its imports) warmed at a lower priority became ready 0.2 s after that chapter had run."""
    return max(ready, workers - busy)


def run(runner: Runner, steps: list[Step], validated: Validated, executed: Path, cache: Path,
        replan: Callable[[Step], Step], echo=print, timeout: float = CHAPTER_TIMEOUT) -> tuple[list[Result], list[Step]]:
    """Execute every stale chapter, each once the chapters it reads are done; returns the results and final steps.

    A chapter waiting for others is planned again (`replan`) once they have run: it executes
    only if what they published changed. After a failure no further chapter starts; those
    running finish (their folders are kept for the next build).
    """
    todo = [s for s in steps if s.stale or s.waits_for]
    final = {s.chapter.name: s for s in steps}
    if not todo:
        return [], steps
    total = len(todo)
    waiting = list(todo)  # in dependency order
    running: dict[Future, Step] = {}
    done: set[str] = set()
    results: list[Result] = []
    failed = False
    runner.spare(waiting)
    if not runner.reference:
        # Here, in the build's own thread, before the first chapter sets Sphinx going (see kernels.Pool): a
        # chapter file changed since the last build has jupytext imported to convert it, while kernels start.
        for s in todo:
            chapter_notebook(s.chapter.path, cache)
    try:
        while True:
            while not failed and len(running) < runner.workers:
                step = next((s for s in waiting if all(d in done for d in s.waits_for)), None)
                if step is None:
                    break
                waiting.remove(step)
                if step.waits_for:
                    step = final[step.chapter.name] = replan(step)
                    if not step.stale:
                        done.add(step.chapter.name)
                        continue
                running[runner.launch(step, validated, executed, cache, timeout)] = step
                runner.spare([s for s in waiting if not s.waits_for or s.stale], busy=len(running))
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                step = running.pop(fut)
                try:
                    r = fut.result()
                except Exception as exc:  # a kernel that never started
                    r = Result(step.chapter.name, False, 0.0, f"chapter '{step.chapter.name}' failed: {exc}")
                results.append(r)
                status = "done" if r.ok else "FAILED"
                echo(f"  [{len(results)}/{total}] {r.chapter}: {status} in {r.seconds:.1f} s")
                if r.ok:
                    done.add(r.chapter)
                else:
                    failed = True
    except BaseException:
        # Interrupted: stop at once rather than wait for the chapters still running; their
        # half-written folders are never published.
        runner.stop()
        raise
    return results, [final[s.chapter.name] for s in steps]
