"""The planner executes exactly the chapters whose inputs changed."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mosaic import notebooks, plan
from mosaic.params import ParameterError, resolve

OTHER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
mosaic:
  datasets: [sources]
---

# Another chapter

```{code-cell} ipython3
:tags: [parameters]
as_of = "latest"
```
"""


@pytest.fixture
def two_chapters(project) -> Path:
    """The project with a second chapter that reads only sources.csv, marked as executed."""
    (project / "chapters" / "other.md").write_text(OTHER)
    with (project / "_toc.yml").open("a") as f:
        f.write("- file: chapters/other\n")
    mark_executed(project)
    return project


def current(root: Path, overrides=()) -> list[plan.Step]:
    chapters = notebooks.discover(root)
    return plan.make_plan(root, chapters, resolve(chapters, None, list(overrides)), root / "_build" / "executed")


def mark_executed(root: Path) -> None:
    for step in current(root):
        state = root / "_build" / "executed" / step.chapter.name / "state.json"
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps({"parts": step.parts}))


def stale(root: Path, overrides=()) -> dict[str, list[str]]:
    return {s.chapter.name: s.reasons for s in current(root, overrides) if s.stale}


def append_line(path: Path, line: str) -> None:
    with path.open("a") as f:
        f.write(line + "\n")


def test_nothing_changed_nothing_stale(two_chapters):
    assert stale(two_chapters) == {}


def test_a_new_row_makes_only_its_readers_stale(two_chapters):
    claims = two_chapters / "data" / "claims" / "claims.csv"
    last = claims.read_text().splitlines()[-1]
    append_line(claims, "aar_copy" + last[len("aar"):])
    assert stale(two_chapters) == {"claims": ["data/claims/claims.csv changed"],
                                   "coding": ["data/claims/claims.csv changed"],
                                   "alignment_clock": ["data/claims/claims.csv changed"]}


def test_a_shared_csv_makes_every_reader_stale(two_chapters):
    sources = two_chapters / "data" / "sources.csv"
    sources.write_text(sources.read_text().replace("Jack Clark (Import AI)", "Jack Clark"))
    readers = {c.name for c in notebooks.discover(two_chapters) if "sources" in c.datasets}
    assert readers >= {"claims", "coding", "other"}
    assert stale(two_chapters) == {name: ["data/sources.csv changed"] for name in readers}


def test_code_under_scripts_makes_every_chapter_stale(two_chapters):
    append_line(two_chapters / "scripts" / "mosaic" / "claims.py", "# a comment")
    assert stale(two_chapters) == {c.name: ["code under scripts/ changed"] for c in notebooks.discover(two_chapters)}


def test_requirements_make_every_chapter_stale(two_chapters):
    append_line(two_chapters / "requirements.txt", "# pinned again")
    assert set(stale(two_chapters)) == {c.name for c in notebooks.discover(two_chapters)}


def test_a_notebook_edit_makes_only_that_chapter_stale(two_chapters):
    append_line(two_chapters / "chapters" / "other.md", "\nA new paragraph.")
    assert stale(two_chapters) == {"other": ["its notebook changed"]}


def test_a_parameter_makes_only_that_chapter_stale(two_chapters):
    assert stale(two_chapters, ["other.as_of=2025-06-30"]) == {"other": ["parameters changed"]}


def test_a_coding_csv_makes_only_coding_stale(two_chapters):
    swe = two_chapters / "data" / "coding" / "swe_bench.csv"
    append_line(swe, "2026-11-01,New system,Lab,Verified,80.0,independent,Epoch AI,independent eval,"
                     "https://epoch.ai/,")
    assert stale(two_chapters) == {"coding": ["data/coding/swe_bench.csv changed"]}


def test_never_executed(project):
    assert stale(project) == {c.name: ["never executed"] for c in notebooks.discover(project)}


@pytest.mark.parametrize("override, message", [
    ("claims.nope=1", "chapter 'claims' has no parameter 'nope' (parameters: as_of)"),
    ("nosuch.as_of=2025-01-01", "no chapter 'nosuch' (chapters: claims, coding,"),
    ("claims.as_of", "expected CHAPTER.NAME=VALUE"),
])
def test_bad_parameters_are_named(project, override, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        resolve(notebooks.discover(project), None, [override])


def test_as_of_must_be_a_date(project):
    with pytest.raises(ParameterError, match="expected an ISO date"):
        resolve(notebooks.discover(project), "June 2025")


def test_parameter_values_are_typed(project):
    chapters = notebooks.discover(project)
    assert resolve(chapters, "2025-06-30", ["claims.as_of=latest"])["claims"]["as_of"] == "latest"
    assert resolve(chapters, "2025-06-30")["claims"]["as_of"] == "2025-06-30"
