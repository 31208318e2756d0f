"""Changelog arithmetic on small literal tables: what counts as added, corrected, removed and moved."""
from __future__ import annotations

from mosaic.pipeline import changes

OLD = "model,source_id,score\nA,s1,10\nB,s1,20\nC,s2,30\n"
NEW = "model,source_id,score\nA,s1,10\nB,s1,25\nD,s2,40\n"


def test_rows_are_matched_by_key():
    d = changes.diff_rows(OLD, NEW, ("model",))
    assert d == {"added": ["D"], "removed": ["C"],
                 "corrected": [{"key": "B", "columns": {"score": ["20", "25"]}}]}


def test_a_corrected_key_column_is_a_removal_and_an_addition():
    d = changes.diff_rows(OLD, NEW.replace("A,s1,10", "A2,s1,10"), ("model", "source_id"))
    assert d["added"] == ["A2 · s1", "D · s2"] and d["removed"] == ["A · s1", "C · s2"]


def test_without_a_usable_key_a_row_is_its_whole_content():
    d = changes.diff_rows(OLD, NEW, ("no_such_column",))
    assert d["added"] == ["B · s1 · 25", "D · s2 · 40"] and d["removed"] == ["B · s1 · 20", "C · s2 · 30"]
    assert d["corrected"] == []


def test_a_new_file_is_all_added():
    out = changes.diff_data({}, {"data/kernels/training_speedup.csv": NEW})
    assert out[0]["new_file"] and len(out[0]["added"]) == 3
    assert changes.lines({"data": out, "figures": [], "parameters": {}, "text": False})[0] == \
        "data/kernels/training_speedup.csv: now read, 3 rows"


def test_figures_that_moved_appeared_or_went():
    old = [{"key": "a", "label": "A", "text": "1×", "value": 1}, {"key": "b", "label": "B", "text": "2", "value": 2},
           {"key": "gone", "label": "Gone", "text": "3", "value": 3}]
    new = [{"key": "a", "label": "A", "text": "1.5×", "value": 1.5}, {"key": "b", "label": "B", "text": "2", "value": 2},
           {"key": "new", "label": "New", "text": "4", "value": 4}]
    moved = changes.diff_figures(old, new)
    assert moved == [{"key": "a", "label": "A", "before": "1×", "after": "1.5×"},
                     {"key": "new", "label": "New", "before": None, "after": "4"},
                     {"key": "gone", "label": "Gone", "before": "3", "after": None}]


def test_the_summary_and_lines_of_a_change():
    c = {"data": [{"file": "data/x/runs.csv", "added": ["D"], "corrected": [{"key": "B", "columns": {"score": ["20", "25"]}}],
                   "removed": [], "new_file": False, "dropped_file": False}],
         "figures": [{"key": "a", "label": "A", "before": "1×", "after": "1.5×"}],
         "parameters": {"ci_level": [0.95, 0.9]}, "text": True, "presentation": False}
    assert changes.summary(c) == "runs.csv: 1 new, 1 corrected · 1 figure moved · text revised · parameters changed: ci_level"
    assert changes.lines(c) == ["data/x/runs.csv: row added: D",
                                "data/x/runs.csv: row corrected: B: score 20 → 25",
                                "Figure moved: A: 1× → 1.5×",
                                "Parameter ci_level: 0.95 → 0.9",
                                "Text revised."]


def test_charts_redrawn_from_the_same_data_are_said_as_such():
    parts = {"text": "t", "page": "p1", "figures": "f", "data": "d", "parameters": "x"}
    old = {"parts": parts, "params": {}, "figures": [], "data": {}}
    new = {"parts": {**parts, "page": "p2"}, "params": {}, "figures": [], "data": {}}
    c = changes.compute(old, new)
    assert c["presentation"] is True and changes.summary(c) == "charts or tables redrawn, same data"
