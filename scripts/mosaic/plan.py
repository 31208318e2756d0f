"""Which chapters need executing, and why.

A chapter's fingerprint covers everything its executed notebook depends on: its
own source, the CSVs it declares, the code under scripts/, its parameters and the
pinned requirements. jupyter-book's own cache only sees the notebook source, so it
would miss a new CSV row; this one does not.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .notebooks import ChapterSource


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree_digest(root: Path, pattern: str = "**/*.py") -> str:
    h = hashlib.sha256()
    for path in sorted(root.glob(pattern)):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def parts(root: Path, chapter: ChapterSource, params: dict) -> dict:
    """The named inputs of one chapter, each reduced to a digest."""
    return {
        "notebook": digest(chapter.path.read_bytes()),
        "data": {f"data/{p}": digest((root / "data" / p).read_bytes()) for p in chapter.data_files},
        "code": tree_digest(root / "scripts"),
        "parameters": digest(json.dumps(params, sort_keys=True, default=str).encode()),
        "requirements": digest((root / "requirements.txt").read_bytes()),
    }


def fingerprint(p: dict) -> str:
    return digest(json.dumps(p, sort_keys=True).encode())


@dataclass
class Step:
    chapter: ChapterSource
    params: dict
    parts: dict
    stale: bool
    reasons: list[str]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.parts)


def reasons(old: dict | None, new: dict) -> list[str]:
    """What changed between two fingerprints' parts, in words."""
    if old is None:
        return ["never executed"]
    why = []
    if old.get("notebook") != new["notebook"]:
        why.append("its notebook changed")
    old_data = old.get("data", {})
    for path, d in new["data"].items():
        if old_data.get(path) != d:
            why.append(f"{path} changed")
    for path in old_data.keys() - new["data"].keys():
        why.append(f"no longer reads {path}")
    for name, label in (("code", "code under scripts/ changed"), ("parameters", "parameters changed"),
                        ("requirements", "requirements.txt changed")):
        if old.get(name) != new[name]:
            why.append(label)
    return why


def make_plan(root: Path, chapters: list[ChapterSource], params: dict[str, dict],
              executed: Path, force: bool = False) -> list[Step]:
    steps = []
    for ch in chapters:
        p = parts(root, ch, params[ch.name])
        state_file = executed / ch.name / "state.json"
        old = json.loads(state_file.read_text())["parts"] if state_file.exists() else None
        why = reasons(old, p)
        if force:
            why = ["--force"]
        steps.append(Step(ch, params[ch.name], p, bool(why), why))
    return steps


def describe(steps: list[Step]) -> str:
    lines = []
    for s in steps:
        state = "execute" if s.stale else "up to date"
        why = f" ({'; '.join(s.reasons)})" if s.stale else ""
        lines.append(f"  {s.chapter.name}: {state}{why}")
    return "\n".join(lines)
