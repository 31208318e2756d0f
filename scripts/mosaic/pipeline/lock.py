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
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK = ".lock"
HOLDER = ".lock-holder"
HOLDER_WAIT = 1.0  # seconds


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
        # Written whole and renamed into place: a build stopped by the lock reads it at any moment, and
        # a file being written in place could read as empty.
        tmp = out / f"{HOLDER}.{os.getpid()}"
        try:
            tmp.write_text(f"`{command}`, process {os.getpid()}, started "
                           f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M:%S')}")
            os.replace(tmp, out / HOLDER)
        except OSError:  # a full disk must not stop the build from reporting its own error
            tmp.unlink(missing_ok=True)
        yield
    finally:
        (out / HOLDER).unlink(missing_ok=True)  # named only while it holds the lock
        lock.release()


def holder(out: Path) -> str:
    """Who holds the lock. A build that has just taken it may not have named itself yet when the second
    looks, and the name there may still be that of a build that was killed: the second waits up to
    HOLDER_WAIT seconds for the name of a running process."""
    deadline = time.monotonic() + HOLDER_WAIT
    while True:
        try:
            text = (out / HOLDER).read_text().strip()
        except OSError:
            text = ""
        if (text and running(text)) or time.monotonic() >= deadline:
            return text if text and running(text) else "holder unknown"
        time.sleep(0.02)


def running(name: str) -> bool:
    """Whether the process a holder's name gives is running (a name without one is taken at its word)."""
    m = re.search(r"process (\d+)", name)
    if m is None:
        return True
    try:
        os.kill(int(m.group(1)), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # it exists, as another user's process
    return True


def command_line() -> str:
    args = " ".join(sys.argv[1:])
    return f"python -m mosaic {args}".strip()
