"""Warm kernels: started before a chapter needs one, imports made, killed once it is done.

A chapter used to pay three fixed costs of its own: a kernel start (jupyter_client's
`wait_for_ready` ends with a fixed 0.2 s wait for stray IOPub messages), the imports of
pandas, altair and the book's runtime in its first cell, and a graceful shutdown (an interrupt, a
shutdown request and up to a second of waiting). Here a `Kernel` is started in a thread
of its own as soon as the build knows a chapter will run, or ahead of time by the live
mode. It answers `kernel_info` (IOPub checked by waiting for the reply's own `idle`
status, not for a fixed time), then makes the imports the chapters' code makes, silently
(`silent=True, store_history=False`: nothing enters the kernel's namespace, history or
execution count, so the chapter's first cell is still `[1]`). A chapter then runs in it
through papermill, with the engine registered below, and the kernel is killed: every
chapter still runs in a fresh interpreter, as it did with papermill's own engine.

A kernel imports ahead what the chapters it is started for import (`WarmSets`): what most
chapters import, plus, for the chapters that need them, the packages only they use (scipy).
Kernels for chapters that can run now start first; those for chapters waiting on others start
at a lower priority, and no more start at once than there are processors, so that on a small
machine the first chapters' kernels are not slowed by the later ones'.

Everything goes through supported interfaces: jupyter_client's `AsyncKernelManager` and
client, papermill's engine registry, and nbclient's `NotebookClient(km=...)`, whose
`kc` attribute is set to the warm client so that nbclient neither starts nor stops it.
"""
from __future__ import annotations

import itertools
import json
import os
import queue
import signal
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import Callable

KERNEL_NAME = "python3"
WARM_MODULES = "warm-modules.json"  # in _build/cache/: what the last build's kernels imported ahead
INPUTS = ("data", "chapters", "scripts")
ENGINE = "mosaic-warm"
STARTS = 3  # a kernel that dies or never answers while starting is started again, up to this many times
START_SECONDS = 30  # a kernel answers within a second or two here
LATER_NICE = 10  # the priority of a kernel warming up for a chapter that waits for others (see Kernel.prioritise)
# How long one chapter may run, kernel start included, before it is stopped and named. A chapter
# takes a few seconds here; five minutes leaves room for slow machines and large bootstraps
# (`python -m mosaic build --timeout SECONDS` changes it for one build). Here, not in execute.py,
# so that the command line reads it without importing the pipeline before the first kernel starts.
CHAPTER_TIMEOUT = 300


class KernelStartError(RuntimeError):
    pass


# The thread pools of numpy's and scipy's linear algebra (OpenBLAS, or MKL, and OpenMP), read once as they load.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def kernel_env(root: Path) -> dict:
    """The kernel's environment: the project's scripts/ importable, no debugger noise, one BLAS thread.

    The build runs a chapter per processor at once, and Sphinx besides. A kernel's BLAS starts a thread
    per processor, and its threads wait for one another by spinning: a chapter's small fits took three
    to four times as long (and as much processor time) while another process held a processor. As with
    joblib's workers, parallelism is across chapters, and each kernel gets one thread, unless the
    environment already sets a number of threads (OpenBLAS also reads OMP_NUM_THREADS)."""
    one = {} if any(name in os.environ for name in BLAS_THREADS) else {name: "1" for name in BLAS_THREADS}
    return {**one, **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "scripts"), os.environ.get("PYTHONPATH")])),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def newer_than(root: Path, ns: int) -> bool:
    """Whether any file under data/, chapters/, scripts/ or at the top of the project changed after `ns`."""
    def walk(folder: str) -> bool:
        try:
            with os.scandir(folder) as entries:
                for e in entries:
                    if e.is_dir(follow_symlinks=False):
                        if e.name != "__pycache__" and walk(e.path):
                            return True
                    elif e.stat().st_mtime_ns > ns:
                        return True
        except OSError:
            pass
        return False

    with os.scandir(root) as top:
        if any(e.is_file() and e.stat().st_mtime_ns > ns for e in top):
            return True
    return any(walk(str(root / f)) for f in INPUTS)


@dataclass
class WarmSets:
    """What kernels import ahead: `common`, what most chapters import, and `extra[chapter]`, the other
    packages one chapter imports. A kernel is warmed for some chapters: common, then their extras."""

    common: list[str]
    extra: dict[str, list[str]] = field(default_factory=dict)

    def modules(self, chapters: list[str] | None) -> list[str]:
        """The imports of a kernel warmed for `chapters` (None: for any chapter at all)."""
        names = self.extra if chapters is None else chapters
        return self.common + sorted({m for c in names for m in self.extra.get(c, ())})

    def as_json(self) -> dict:
        return {"common": self.common, "extra": self.extra}

    @classmethod
    def from_json(cls, data) -> "WarmSets":
        if not isinstance(data, dict) or not isinstance(data.get("common"), list):
            raise ValueError("not a record of warm modules")
        return cls(list(data["common"]), {k: list(v) for k, v in data.get("extra", {}).items()})


def early_pool(root: Path) -> "Pool | None":
    """One kernel started before the build has validated and planned, when a file it is built from is newer
    than the last published build: the plan then almost always has a chapter to run, which finds its kernel
    started. This module imports nothing heavy, so `python -m mosaic build` calls this before importing the
    rest of the pipeline. A build that turns out to have nothing to run kills the kernel."""
    try:
        if not newer_than(root, (root / "_build" / "state" / "site.json").stat().st_mtime_ns):
            return None
        modules = WarmSets.from_json(json.loads((root / "_build" / "cache" / WARM_MODULES).read_text()))
    except (OSError, ValueError):
        return None
    pool = Pool(root, root / "_build" / "kernels", modules)
    pool.spare(1, upcoming=[])  # which chapter will run is not known yet: what every chapter imports
    return pool


def warmup_code(modules: list[str]) -> str:
    """Import each module without binding a name; a module that fails is left to the chapter to report.

    Then freeze what the imports made (`gc.freeze`): those objects live as long as the kernel anyway,
    and the chapter's own garbage collections no longer walk the hundred thousand or so of them."""
    imports = [f"try:\n    __import__({m!r})\nexcept Exception:\n    pass" for m in modules]
    return "\n".join([*imports, "__import__('gc').freeze()"])


class Kernel:
    """One kernel with a thread of its own: start, warm up, run one job, be killed.

    `submit(job)` hands it a function `job(kernel) -> result`, run in the kernel's thread
    (whose event loop owns the kernel's sockets) once the kernel is ready; the returned
    future has its result. The kernel is killed right after the job, off the caller's path.
    """

    _ids = itertools.count(1)

    def __init__(self, folder: Path, env: dict, modules: list[str], extra_arguments=(),
                 failed: Exception | None = None, on_ready: Callable[[], None] | None = None, later: bool = False):
        self.id = next(self._ids)
        self.folder = folder
        self.modules = frozenset(modules)  # what it imports ahead
        self.log: Path | None = folder / f"kernel-{os.getpid()}-{self.id}.log"  # stderr, until a chapter takes it
        self.env = env
        self.warmup = warmup_code(modules)
        self.on_ready = on_ready
        self.later = later  # for chapters that run later: it starts at a lower priority (see `prioritise`)
        self._priority = threading.Lock()
        self.extra_arguments = list(extra_arguments)
        self.km = None
        self.kc = None
        self.process = None  # the kernel's Popen (jupyter_client's local provisioner's)
        self.ready = threading.Event()
        self.start_error: BaseException | None = failed
        self._stopping = threading.Event()
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._main, name=f"kernel-{self.id}", daemon=True)
        self._thread.start()

    # -- called from other threads ------------------------------------------------------------
    def submit(self, job: Callable[["Kernel"], object]) -> Future:
        fut: Future = Future()
        self._jobs.put((job, fut))
        return fut

    def stop(self) -> None:
        """Kill the kernel now, from any thread (its own thread also cleans up when it can)."""
        self._stopping.set()
        self._jobs.put(None)
        self._kill()

    def _kill(self) -> None:
        """SIGKILL the kernel's process group (jupyter_client starts each kernel in a session of its own),
        only while its process has not been reaped: never a process id the system has given out again."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                try:
                    proc.kill()
                except OSError:
                    pass

    def prioritise(self) -> None:
        """A chapter takes this kernel: back to the usual priority if it warmed up at a lower one.

        A kernel warming up for a chapter that runs later starts at nice LATER_NICE, so that the
        chapters running now keep their processors. A system that does not let a process raise its
        priority again leaves it low: the chapter still runs, only after others that compete with it.
        """
        with self._priority:
            if self.later:
                self.later = False
                self._set_priority(0)

    def _set_priority(self, nice: int) -> None:
        proc = self.process
        if proc is not None and proc.poll() is None:
            try:
                os.setpriority(os.PRIO_PGRP, proc.pid, nice)  # the kernel's own process group (its session)
            except OSError:
                pass
            # Where Linux groups processes by session (autogroup, sched(7)), it shares processors between
            # sessions first, and a nice value weighs only against processes of the same session: the kernel,
            # a session of its own, kept a full share. The session's own nice value weighs it against others
            # (set only for a kernel that leads its session, never for a session the build shares).
            try:
                if os.getsid(proc.pid) == proc.pid:
                    Path(f"/proc/{proc.pid}/autogroup").write_text(str(nice))
            except OSError:
                pass

    def join(self, seconds: float) -> None:
        if threading.current_thread() is not self._thread:
            self._thread.join(seconds)

    # -- the kernel's own thread -----------------------------------------------------------------
    def _main(self) -> None:
        run_sync = None
        try:
            from jupyter_core.utils import run_sync

            if self.start_error is not None:
                raise self.start_error
            if self._stopping.is_set():
                raise KernelStartError("the build stopped before the kernel started")
            run_sync(self._start)()
        except BaseException as exc:  # reported to whoever submits a job
            self.start_error = exc
        self.ready.set()
        if self.on_ready is not None:
            self.on_ready()
        item = self._jobs.get()
        try:
            if item is not None:
                job, fut = item
                if fut.set_running_or_notify_cancel():
                    try:
                        if self.start_error is not None:
                            raise self.start_error
                        fut.set_result(job(self))
                    except BaseException as exc:
                        fut.set_exception(exc)
        finally:
            try:
                if run_sync is not None:
                    run_sync(self._stop)()
            except Exception:
                self._kill()

    async def _start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        self.folder.mkdir(parents=True, exist_ok=True)
        for attempt in range(STARTS):
            self.km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=this_interpreter())
            log = open(self.log, "ab")
            try:
                await self.km.start_kernel(extra_arguments=self.extra_arguments, cwd=str(self.folder), env=self.env,
                                           stderr=log, stdout=log)
                self.process = getattr(self.km.provisioner, "process", None)
                with self._priority:
                    if self.later:
                        self._set_priority(LATER_NICE)
                if self._stopping.is_set():  # stop() came while the process was being started
                    raise KernelStartError("the build stopped while the kernel started")
                self.kc = self.km.client()
                self.kc.start_channels()
                await self._until_ready(time.monotonic() + START_SECONDS)
                await self.run_silently(self.warmup, wait=START_SECONDS)
                self.kc.allow_stdin = False
                return
            except Exception as exc:
                # A kernel that dies or never answers while starting (a port taken meanwhile, say) is
                # not the chapter's fault: start it again, unless the build is stopping.
                await self._stop()
                if attempt == STARTS - 1 or self._stopping.is_set():
                    raise KernelStartError(f"the kernel did not start ({exc})") from exc
            finally:
                log.close()

    async def _until_ready(self, deadline: float) -> None:
        """Until the kernel answers kernel_info on the shell channel and its IOPub messages reach us."""
        kc, km = self.kc, self.km
        while not self._stopping.is_set():
            msg_id = kc.kernel_info()
            replied = False
            while time.monotonic() < deadline:
                try:
                    msg = await kc.get_shell_msg(timeout=0.5)
                except Empty:
                    break
                if msg["parent_header"].get("msg_id") == msg_id:
                    replied = True
                    break
            if replied and await self._idle(msg_id, 0.2):  # IOPub not connected yet: ask again
                return
            if not await km.is_alive():
                raise KernelStartError("the kernel died before replying to kernel_info")
            if time.monotonic() >= deadline:
                raise KernelStartError(f"the kernel did not answer in {START_SECONDS} s")
        raise KernelStartError("the build stopped while the kernel started")

    async def _idle(self, msg_id: str, seconds: float) -> bool:
        """Read IOPub until the kernel says it is idle after `msg_id`; False if that does not come in time."""
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return False
            try:
                msg = await self.kc.get_iopub_msg(timeout=left)
            except Empty:
                return False
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"):
                return True

    async def run_silently(self, code: str, wait: float) -> None:
        """Run code that leaves no trace: no history, no execution count, no output in any notebook."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        end = time.monotonic() + wait
        while time.monotonic() < end:
            try:
                msg = await self.kc.get_shell_msg(timeout=max(0.01, end - time.monotonic()))
            except Empty:
                break
            if msg["parent_header"].get("msg_id") == msg_id:
                await self._idle(msg_id, max(0.01, end - time.monotonic()))
                return
        raise KernelStartError(f"the kernel did not finish setting up in {wait:g} s")

    def chdir(self, folder: Path, wait: float) -> None:
        """Make `folder` the kernel's working folder (papermill's `cwd`), from the kernel's thread."""
        from jupyter_core.utils import run_sync

        run_sync(self.run_silently)(f"__import__('os').chdir({str(folder)!r})", wait)

    async def _stop(self) -> None:
        km, kc = self.km, self.kc
        if kc is not None:
            kc.stop_channels()
        if km is not None and km.has_kernel:
            # now=True: killed at once, without the shutdown request and the wait for it.
            await km.shutdown_kernel(now=True)
        elif km is not None:
            await km.cleanup_resources()
        self.km = self.kc = None
        try:
            if self.log is not None and self.log.stat().st_size == 0:  # a kernel that had nothing to say
                self.log.unlink()
        except OSError:
            pass


class Pool:
    """Warm kernels for a build (or for the live mode, between builds).

    `take(chapter)` returns a kernel already starting or ready, and `spare(n, upcoming)` keeps
    n more starting in the background, each warmed for the chapters expected to take it. At most
    `limit` kernels start at once (one per processor): a kernel asked for beyond that starts
    when one of them is ready, so that the first chapters' kernels are not slowed by those of
    chapters that run later. Every kernel the pool started is killed by `close()`.

    What starting a kernel and running a chapter import on this side (jupyter_client, then
    papermill, nbclient, and jupytext when a chapter changed) is imported by the thread that
    calls `spare`, `take` and `import_for_running`, the build's own, never by a kernel's
    thread: two threads importing the same packages at once can deadlock, and Python then
    hands one of them a half-initialised module. Kernel threads import nothing once started;
    Sphinx is set up once `settled` is set: the imports made, and the first `limit` kernels warm.
    """

    def __init__(self, root: Path, folder: Path, modules: WarmSets, limit: int | None = None):
        self.imported = threading.Event()
        # Set once `imported` is and the first `limit` kernels are ready (or failed to start). Sphinx sets up
        # after that: a build needs it only when its last chapter is done, and setting it up earlier took a
        # processor from the kernel warming for the second chapter, which a one-row rebuild then waited for.
        self.settled = threading.Event()
        self._can_start = False
        self.root = root
        self.folder = folder
        self.env = kernel_env(root)
        self.sets = modules
        self.limit = max(1, limit or os.cpu_count() or 1)
        # nbclient's default for the kernels it starts: no history file shared between kernels.
        self.extra_arguments = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.hist_file=:memory:"]
        self._spares: list[Kernel] = []
        self._deferred: list[tuple[list[str], bool]] = []  # spares asked for, not started yet: imports, later
        self._all: list[Kernel] = []
        self._lock = threading.Lock()
        self.closed = False

    def _new(self, modules: list[str], later: bool = False) -> Kernel:
        failed = None
        if not self._can_start:
            try:
                import_for_start()
                self._can_start = True
            except Exception as exc:  # the chapter that takes this kernel reports it
                failed = KernelStartError(f"cannot start a kernel: {exc!r}")
        k = Kernel(self.folder, self.env, modules, self.extra_arguments, failed, on_ready=self._started, later=later)
        self._all.append(k)
        return k

    def _starting(self) -> int:
        return sum(not k.ready.is_set() for k in self._all)

    def _start_deferred(self) -> None:
        while self._deferred and self._starting() < self.limit:
            self._spares.append(self._new(*self._deferred.pop(0)))

    def _started(self) -> None:
        """A kernel is ready (from its own thread): start the spares that were waiting for a free processor."""
        with self._lock:
            if not self.closed and self._can_start:  # kernel threads never import (see the class)
                self._start_deferred()
            self._settle()

    def _settle(self) -> None:
        if self.closed or (self.imported.is_set() and all(k.ready.is_set() for k in self._all[:self.limit])):
            self.settled.set()

    def import_for_running(self) -> None:
        """Import what preparing and running a chapter needs (while the first kernels start)."""
        if not self.imported.is_set():
            try:
                import_for_running()
            finally:
                self.imported.set()
                with self._lock:
                    self._settle()

    def spare(self, n: int, upcoming: list[list[str]] | None = None, later: int | None = None) -> None:
        """Have n kernels starting or ready that no chapter has taken yet. `upcoming[i]` names the chapters the
        i-th spare is expected to run (its imports are theirs); beyond the list, what every chapter imports;
        without a list, every chapter's imports. The spares from index `later` on are for chapters that
        wait for others: they warm up at a lower priority."""
        with self._lock:
            if self.closed:
                return
            self._spares = [k for k in self._spares if k.start_error is None]
            have = len(self._spares)
            self._deferred = [(self.sets.modules(None if upcoming is None else upcoming[i] if i < len(upcoming) else []),
                               later is not None and i >= later)
                              for i in range(have, n)]
            self._start_deferred()

    def take(self, chapter: str | None = None) -> Kernel:
        """A kernel for `chapter`: a ready one (one warmed for it first), else one starting, else a new one."""
        with self._lock:
            needs = set(self.sets.modules([chapter] if chapter else []))
            live = [k for k in self._spares if k.start_error is None or not k.ready.is_set()]
            ranked = sorted(live, key=lambda k: (not k.ready.is_set(), not needs <= k.modules))
            if ranked:
                k = ranked[0]
                self._spares.remove(k)
                k.prioritise()
            else:
                if self._deferred:
                    self._deferred.pop(0)  # started now, for this chapter
                k = self._new(sorted(needs))
            return k

    def close(self, wait: float = 2.0) -> None:
        """Kill every kernel at once, then give their threads a moment to remove their connection files."""
        with self._lock:
            self.closed = True
            kernels, self._all, self._spares, self._deferred = self._all, [], [], []
            self._settle()
        for k in kernels:
            k.stop()
        end = time.monotonic() + wait
        for k in kernels:
            k.join(max(0.0, end - time.monotonic()))


def this_interpreter():
    """A kernel spec manager whose one kernel is ipykernel in this very interpreter: ipykernel's own native
    spec (`get_kernel_dict`), whatever kernel specs named python3 the user's Jupyter folders hold.

    Chapters run with the packages the book installed, never with another Python a user registered under
    that name. Looking the spec up by name also imported IPython (for its profile folder) before the
    build's first kernel could start.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class ThisInterpreter(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    return ThisInterpreter()


def import_for_start() -> None:
    """What starting a kernel imports (jupyter_client, and ipykernel's kernel spec)."""
    import ipykernel.kernelspec  # noqa: F401
    import jupyter_client  # noqa: F401
    import jupyter_client.manager  # noqa: F401
    import jupyter_core.utils  # noqa: F401
    import psutil  # noqa: F401


def import_for_running() -> None:
    """What running a chapter imports: nbformat, papermill and its nbclient engine. (jupytext, for a chapter
    file changed since the last build, is imported before: see `chapters.notebook` and `execute.run`.)"""
    import nbformat  # noqa: F401
    import papermill  # noqa: F401
    import papermill.translators  # noqa: F401

    register_engine()


_registering = threading.Lock()
_registered: list[bool] = []


def register_engine() -> None:
    """papermill's engine `mosaic-warm`: papermill's own nbclient engine, in a kernel already running."""
    with _registering:
        if not _registered:
            _register_engine()
            _registered.append(True)


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, kernel: Kernel | None = None,
                                     **kwargs):
            # As NBClientEngine.execute_managed_notebook, with the kernel manager and client of `kernel`.
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, km=kernel.km, **final_kwargs)
            client.kc = kernel.kc  # nbclient starts no client and, not owning the manager, stops nothing
            return client.execute()

    papermill_engines.register(ENGINE, WarmKernelEngine)
