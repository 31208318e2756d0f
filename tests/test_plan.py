"""The planner executes exactly the chapters whose inputs changed, and nothing for pipeline code."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mosaic.pipeline import chapters as chapter_sources
from mosaic.pipeline import plan
from mosaic.pipeline.params import ParameterError, resolve
from mosaic.pipeline.validate import validate_all

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
  datasets: [claims]
  chapters: [kernels]
---

# Another chapter

```{code-cell} ipython3
:tags: [parameters]
as_of = "latest"
```

```{code-cell} ipython3
from mosaic.book.chapter import chapter
```
"""


@pytest.fixture
def two_chapters(project) -> Path:
    """The project with one more chapter, reading claims.csv and the kernels chapter, marked as executed."""
    (project / "chapters" / "other.md").write_text(OTHER)
    with (project / "_toc.yml").open("a") as f:
        f.write("- file: chapters/other\n")
    mark_executed(project)
    return project


def current(root: Path, overrides=()) -> list[plan.Step]:
    chapters = chapter_sources.discover(root)
    return plan.make_plan(root, chapters, resolve(chapters, None, list(overrides)), validate_all(root),
                          root / "_build" / "executed", root / "_build" / "cache")


def mark_executed(root: Path) -> None:
    for step in current(root):
        folder = root / "_build" / "executed" / step.chapter.name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "figures.json").write_text("[]")
        (folder / "state.json").write_text(json.dumps({"parts": step.parts}))
    # Once more: a chapter that reads another records that chapter's outputs as they now are.
    for step in current(root):
        (root / "_build" / "executed" / step.chapter.name / "state.json").write_text(json.dumps({"parts": step.parts}))


def stale(root: Path, overrides=()) -> dict[str, list[str]]:
    return {s.chapter.name: s.reasons for s in current(root, overrides) if s.stale}


def append_line(path: Path, line: str) -> None:
    with path.open("a") as f:
        f.write(line + "\n")


def readers(root: Path, dataset: str) -> set[str]:
    return {c.name for c in chapter_sources.discover(root) if dataset in c.datasets}


def test_nothing_changed_nothing_stale(two_chapters):
    assert stale(two_chapters) == {}


def test_a_new_row_makes_only_its_readers_stale(two_chapters):
    claims = two_chapters / "data" / "claims" / "claims.csv"
    last = claims.read_text().splitlines()[-1]
    append_line(claims, "aar_copy" + last[len("aar"):])
    expected = readers(two_chapters, "claims")
    assert "other" in expected and "economy" not in expected
    assert stale(two_chapters) == {name: ["data/claims/claims.csv changed"] for name in expected}


def test_a_source_row_makes_only_the_chapters_citing_it_stale(two_chapters):
    sources = two_chapters / "data" / "sources.csv"
    sources.write_text(sources.read_text().replace("Jack Clark (Import AI)", "Jack Clark"))
    changed = stale(two_chapters)
    assert changed and all(why == ["the sources it cites changed"] for why in changed.values())
    assert "economy" not in changed  # its rows cite no source of that publisher


def test_pipeline_code_executes_no_chapter(two_chapters):
    for module in ("bench.py", "render.py", "publish.py", "build.py"):
        append_line(two_chapters / "scripts" / "mosaic" / "pipeline" / module, "# a comment")
    assert stale(two_chapters) == {}


def test_an_analysis_module_makes_only_its_chapters_stale(two_chapters):
    append_line(two_chapters / "scripts" / "mosaic" / "analyses" / "kernels.py", "# a comment")
    assert stale(two_chapters) == {"kernels": ["code it imports changed (analyses/kernels.py)"]}


def test_the_runtime_makes_every_chapter_stale(two_chapters):
    append_line(two_chapters / "scripts" / "mosaic" / "book" / "charts.py", "# a comment")
    assert set(stale(two_chapters)) == {c.name for c in chapter_sources.discover(two_chapters)}


def test_requirements_make_every_chapter_stale(two_chapters):
    append_line(two_chapters / "requirements.txt", "# pinned again")
    assert set(stale(two_chapters)) == {c.name for c in chapter_sources.discover(two_chapters)}


def test_a_notebook_edit_makes_only_that_chapter_stale(two_chapters):
    append_line(two_chapters / "chapters" / "other.md", "\nA new paragraph.")
    assert stale(two_chapters) == {"other": ["its notebook changed"]}


def test_a_parameter_makes_only_that_chapter_stale(two_chapters):
    assert stale(two_chapters, ["other.as_of=2025-06-30"]) == {"other": ["parameters changed"]}


def test_a_reader_waits_for_the_chapter_it_reads(two_chapters):
    append_line(two_chapters / "scripts" / "mosaic" / "analyses" / "kernels.py", "# a comment")
    steps = {s.chapter.name: s for s in current(two_chapters)}
    assert steps["other"].waits_for == ["kernels"] and not steps["other"].stale
    assert "other: after kernels, if what they publish changes" in plan.describe(list(steps.values()))
    # The kernels chapter runs and publishes something new: now the reader is stale, and says why.
    (two_chapters / "_build" / "executed" / "kernels" / "figures.json").write_text('[{"key": "x"}]')
    other = steps["other"]
    again = plan.make_step(two_chapters, other.chapter, other.params, validate_all(two_chapters),
                           two_chapters / "_build" / "executed", two_chapters / "_build" / "cache")
    assert again.stale and again.reasons == ["chapter 'kernels' published new figures"]


def test_readers_come_after_what_they_read(two_chapters):
    names = [s.chapter.name for s in current(two_chapters)]
    assert names.index("other") > names.index("kernels")


def test_a_cycle_is_refused(two_chapters):
    md = two_chapters / "chapters" / "kernels.md"
    md.write_text(md.read_text().replace("mosaic:\n", "mosaic:\n  chapters: [other]\n", 1))
    with pytest.raises(ValueError, match="cycle: .*kernels -> other -> kernels|cycle: .*other -> kernels -> other"):
        current(two_chapters)


def test_never_executed(project):
    assert stale(project) == {c.name: ["never executed"] for c in chapter_sources.discover(project)}


@pytest.mark.parametrize("override, message", [
    ("claims.nope=1", "chapter 'claims' has no parameter 'nope' (parameters: as_of"),
    ("nosuch.as_of=2025-01-01", "no chapter 'nosuch' (chapters: mosaic, claims, coding,"),
    ("claims.as_of", "expected CHAPTER.NAME=VALUE"),
])
def test_bad_parameters_are_named(project, override, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        resolve(chapter_sources.discover(project), None, [override])


@pytest.mark.parametrize("as_of, message", [("June 2025", "expected an ISO date"),
                                            ("2999-01-01", "that date is in the future")])
def test_as_of_must_be_a_past_date(project, as_of, message):
    with pytest.raises(ParameterError, match=message):
        resolve(chapter_sources.discover(project), as_of)


def test_parameter_values_are_typed(project):
    chapters = chapter_sources.discover(project)
    assert resolve(chapters, "2025-06-30", ["claims.as_of=latest"])["claims"]["as_of"] == "latest"
    assert resolve(chapters, "2025-06-30")["claims"]["as_of"] == "2025-06-30"


def test_the_longest_chain_of_reading_is_counted_from_the_front_matter(two_chapters):
    # Read by hand from the chapters' front matter: coding -> alignment_clock -> claims (or -> mosaic), three
    # chapters one after another; the added chapter reads only kernels. The live mode keeps that many kernels warm.
    assert plan.longest_chain(chapter_sources.discover(two_chapters)) == 3
    md = two_chapters / "chapters" / "other.md"
    md.write_text(md.read_text().replace("chapters: [kernels]", "chapters: [claims]"))  # now one link longer
    assert plan.longest_chain(chapter_sources.discover(two_chapters)) == 4


def test_a_reader_runs_again_only_when_what_it_read_changed(two_chapters):
    executed = two_chapters / "_build" / "executed"
    (executed / "kernels" / "figures.json").write_text(json.dumps([{"key": "x", "value": 1}, {"key": "y", "value": 2}]))
    # The reader's last run read one figure of the kernels chapter, and its state was recorded with that.
    (executed / "other" / "reads.json").write_text(json.dumps({"kernels": ["figures#x"]}))
    step = {s.chapter.name: s for s in current(two_chapters)}["other"]
    (executed / "other" / "state.json").write_text(json.dumps({"parts": step.parts}))
    assert not {s.chapter.name: s for s in current(two_chapters)}["other"].stale
    # Another figure moves, and one is added: nothing the reader read.
    (executed / "kernels" / "figures.json").write_text(
        json.dumps([{"key": "x", "value": 1}, {"key": "y", "value": 3}, {"key": "z", "value": 4}]))
    assert not {s.chapter.name: s for s in current(two_chapters)}["other"].stale
    # The figure it read moves: it runs again, and says why.
    (executed / "kernels" / "figures.json").write_text(json.dumps([{"key": "x", "value": 5}]))
    again = {s.chapter.name: s for s in current(two_chapters)}["other"]
    assert again.stale and again.reasons == ["chapter 'kernels' published new figures"]
    # A reader whose analysis went through every table (null) counts everything its chapter published.
    (executed / "other" / "reads.json").write_text(json.dumps({"kernels": None}))
    (executed / "other" / "state.json").write_text(json.dumps({"parts": current(two_chapters)[-1].parts}))
    (executed / "kernels" / "figures.json").write_text(json.dumps([{"key": "x", "value": 5}, {"key": "w"}]))
    assert {s.chapter.name: s for s in current(two_chapters)}["other"].stale


def test_frames_note_what_an_analysis_reads_of_other_chapters():
    import pandas as pd

    from mosaic.analyses.figures import Frames, published

    figs = pd.DataFrame([{"key": "a", "value": 1.0}, {"key": "b", "value": 2.0}])
    f = Frames({"up": pd.DataFrame(), "up:figures": figs, "up:table": pd.DataFrame({"v": [1]})}, ["up"])
    f["up"]  # a dataset of its own that shares the chapter's name: not that chapter's output
    assert f.get("up:table") is not None and "up:missing" not in f
    assert published(f, "up", "b")["value"] == 2.0 and published(f, "up", "c") is None
    assert f.reads() == {"up": ["figures#b", "figures#c", "missing", "table"]}
    list(f.items())  # every table gone through: everything counts
    assert f.reads() == {"up": None}
    f.forget()
    assert f.reads() == {"up": []}


def test_imports_are_found_wherever_a_statement_can_hold_them():
    # The plan walks statements only (not expressions), for speed: every place an import can stand.
    source = b'''
import mosaic.a
from . import b
def f():
    import mosaic.c
    class K:
        from mosaic.d import e
try:
    import mosaic.f
except ImportError:
    import mosaic.g
else:
    import mosaic.h
finally:
    import mosaic.i
if True:
    pass
elif False:
    import mosaic.j
with open("x") as fh:
    for _ in fh:
        import mosaic.k
    else:
        import mosaic.l
while False:
    import mosaic.m
match 1:
    case 1:
        import mosaic.n
async def g():
    async with x:
        import mosaic.o
import numpy
x = [__import__("mosaic.not_a_statement")]
'''
    mosaic, other = plan._parse_imports(source, "mosaic.pkg")
    assert mosaic == sorted(["mosaic.a", "mosaic.pkg", "mosaic.pkg.b", "mosaic.c", "mosaic.d", "mosaic.d.e"]
                            + [f"mosaic.{c}" for c in "fghijklmno"])
    assert other == ["numpy"]
