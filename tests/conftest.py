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


SITE_URL = "https://mosaic.example.org/book/"  # the address release tests configure
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Mosaic tests", "GIT_AUTHOR_EMAIL": "tests@example.org",
                "GIT_COMMITTER_NAME": "Mosaic tests", "GIT_COMMITTER_EMAIL": "tests@example.org"}


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m mosaic build ARGS` in a project copy, as `make book` runs it."""
    return run_mosaic(root, "build", *args)


def add_swe_bench_row(root: Path, model: str, percent: float) -> None:
    """Append one independent SWE-bench Verified result (an Epoch AI run of `model`) to the project's data."""
    with (root / "data" / "coding" / "swe_bench.csv").open("a") as f:
        f.write(f"2026-11-01,,{model} + Epoch AI scaffold,{model},Some lab,Verified,{percent},independent,"
                "Epoch AI,independent eval,epoch-swe-bench-verified,\n")


def run_mosaic(root: Path, command: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m mosaic COMMAND ARGS` in a project copy, as make runs it."""
    env = {**os.environ, "PYTHONPATH": str(root / "scripts"), **GIT_IDENTITY, **(env or {})}
    return subprocess.run([sys.executable, "-m", "mosaic", command, *args], cwd=root, env=env,
                          capture_output=True, text=True)


def git(root: Path, *args: str) -> str:
    env = dict(os.environ, **GIT_IDENTITY)
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True).stdout.strip()


def as_git_checkout(root: Path) -> Path:
    """The project copy as a clone has it: a git repository with everything committed, and its address set."""
    config = root / "_config.yml"
    config.write_text(config.read_text().replace('  baseurl: ""', f'  baseurl: "{SITE_URL}"', 1))
    git(root, "init", "--quiet")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "The book as cloned")
    return root


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


# The one-row change the release tests make: a correction to the Opus 4.7 speedup.
OPUS_47 = ("Claude Opus 4.7,2026-04-16,40.81,", "Claude Opus 4.7,2026-04-16,42.5,")


@pytest.fixture(scope="session")
def released(built, tmp_path_factory) -> dict:
    """The built book released twice, as a maintainer would: everything, then after one corrected row.

    Returns the project root, what each release printed, and the bytes of releases/ and of the
    published archive as they were after the first release.
    """
    root = tmp_path_factory.mktemp("released") / "book"
    shutil.copytree(built, root, symlinks=True)
    as_git_checkout(root)
    first = run_mosaic(root, "release")
    assert first.returncode == 0, first.stdout + first.stderr
    before = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "releases").rglob("*"))
              if p.is_file()}
    site = (root / "_build" / "html").resolve()
    # The archived versions and their assets (not the archive index, which lists every version).
    served = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "v").rglob("*"))
              if p.is_file() and (p.relative_to(site / "v").parts[0] == "_assets"
                                  or p.relative_to(site / "v").parts[1:2] != ()
                                  and p.relative_to(site / "v").parts[1].isdigit())}
    csv = root / "data" / "kernels" / "training_speedup.csv"
    assert csv.read_text().count(OPUS_47[0]) == 1
    csv.write_text(csv.read_text().replace(*OPUS_47))
    git(root, "commit", "--quiet", "-am", "Opus 4.7's speedup corrected")
    second = run_mosaic(root, "release")
    assert second.returncode == 0, second.stdout + second.stderr
    return {"root": root, "first": first.stdout, "second": second.stdout, "releases_before": before,
            "served_before": served}
