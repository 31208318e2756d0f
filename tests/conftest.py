"""Shared fixtures: project copies, builds run as a user would run them, the built book."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mosaic.pipeline.project import copy_project

ROOT = Path(__file__).resolve().parents[1]


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m mosaic build ARGS` in a project copy, as `make book` runs it."""
    env = dict(os.environ, PYTHONPATH=str(root / "scripts"))
    return subprocess.run([sys.executable, "-m", "mosaic", "build", *args], cwd=root, env=env,
                          capture_output=True, text=True)


def tree_digest(folder: Path) -> str:
    """A digest of every file's path and bytes under folder (following the published link)."""
    h = hashlib.sha256()
    for p in sorted(folder.resolve().rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder.resolve()).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh copy of the project's files, as a clean clone has them."""
    return copy_project(ROOT, tmp_path / "book")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A clean copy of the project, built once with the real pipeline; tests must not change it."""
    root = copy_project(ROOT, tmp_path_factory.mktemp("built") / "book")
    proc = run_build(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


@pytest.fixture
def built_copy(built, tmp_path) -> Path:
    """A private copy of the built project, for tests that change it."""
    dest = tmp_path / "book"
    shutil.copytree(built, dest, symlinks=True)
    return dest
