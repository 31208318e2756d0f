"""One build at a time: a lock on _build/ that a second build does not wait for.

Two builds writing _build/ at once (say one `--as-of`, one default) used to publish a
site mixing pages from both. Now `make book` and `make release` hold `_build/.lock`
(the `filelock` package: an OS lock, released when the process ends, even if it is
killed) for their whole run. A second build stops at once, before touching anything,
and says which build holds the lock.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK = ".lock"
HOLDER = ".lock-holder"


class Busy(Exception):
    """Another build holds the lock."""


@contextmanager
def build_lock(root: Path, command: str):
    """Hold the build lock of `root` for the duration; raise Busy at once if another build has it."""
    out = root / "_build"
    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(out / LOCK, timeout=0, preserve_lock_file=True)
    try:
        lock.acquire()
    except Timeout:
        raise Busy(f"another build is already running in {root} ({holder(out)}); this one stopped without "
                   f"touching _build/. Run it again when that one has finished.") from None
    try:
        try:
            (out / HOLDER).write_text(f"`{command}`, process {os.getpid()}, started "
                                      f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M:%S')}")
        except OSError:  # a full disk must not stop the build from reporting its own error
            pass
        yield
    finally:
        lock.release()


def holder(out: Path) -> str:
    try:
        return (out / HOLDER).read_text().strip() or "holder unknown"
    except OSError:
        return "holder unknown"


def command_line() -> str:
    args = " ".join(sys.argv[1:])
    return f"python -m mosaic {args}".strip()
