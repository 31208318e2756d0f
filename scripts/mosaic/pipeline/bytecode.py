"""The book's own modules compiled once, where Python looks for them (scripts/mosaic/**/__pycache__/).

Every build starts fresh processes: itself and a kernel per chapter, each importing the book's
runtime, analyses and catalogue. Python compiles a module it finds no cache for on every import,
and writes no cache when PYTHONDONTWRITEBYTECODE is set (as on the machines the book is benched on):
a one-row rebuild then compiled the same modules in three processes, a clean full build in nine.

Python still reads a cache it finds, whatever that setting says, so the build writes the caches of
its own modules itself, as pip does for the packages it installs: only for a module whose source
changed since (the same timestamp check the import makes), so a rebuild with code unchanged compiles
nothing. Caches are written whole and renamed into place, so a kernel importing meanwhile reads an
old cache, a new one or none. A module that does not compile is left for its import to report.
"""
from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path("scripts") / "mosaic"


def compile_modules(root: Path) -> bool:
    """Compile each module of the book whose cache is missing or stale; False if one could not be
    compiled or cached (a read-only checkout, a syntax error): the build goes on, as Python would."""
    return bool(compileall.compile_dir(root / PACKAGE, quiet=2))
