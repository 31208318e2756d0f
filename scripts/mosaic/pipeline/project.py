"""Copying the project as a clean checkout would have it (for tests and the benchmark)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def project_files(root: Path) -> list[str]:
    """The files git tracks or would track (not ignored), relative to root."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                         cwd=root, capture_output=True, text=True, check=True).stdout
    return sorted(f for f in out.split("\0") if f and (root / f).is_file())


def copy_project(root: Path, dest: Path) -> Path:
    """A copy of the project's files at dest, without _build/, the virtual environment or caches."""
    for rel in project_files(root):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    return dest
