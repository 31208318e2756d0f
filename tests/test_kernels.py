"""The kernels chapter's choices: one value per model, corrections, the frontier fit."""
from __future__ import annotations

import pytest

from conftest import ROOT
from mosaic import kernels as k
from mosaic.data import load


def rows():
    return load("training_speedup", ROOT)


def test_latest_applies_the_mythos_correction_and_first_keeps_the_original():
    latest = k.speedups(rows(), "latest").set_index("model").speedup_x
    first = k.speedups(rows(), "first").set_index("model").speedup_x
    # Mythos Preview: 51.91x in its own card, corrected to 61.79x in the Opus 4.7 card.
    assert latest["Claude Mythos Preview"] == 61.79
    assert first["Claude Mythos Preview"] == 51.91
    # Opus 4.6: every Anthropic document gives 34x (the essay's 30x is a restatement, never used).
    assert latest["Claude Opus 4.6"] == first["Claude Opus 4.6"] == 34


def test_restatements_and_secondary_rows_are_never_fitted():
    chosen = k.speedups(rows(), "latest")
    assert set(chosen.role) <= set(k.MEASURED)
    assert (chosen.source_type == "primary").all()
    assert chosen.model.is_unique


def test_the_fit_runs_on_the_frontier_only():
    chosen = k.speedups(rows(), "latest")
    front, trend = k.fit(chosen, level=0.95, n_boot=300, seed=0)
    assert front.speedup_x.is_monotonic_increasing
    # Opus 4.7 (40.81x) came after Mythos Preview (61.79x), so it is below the frontier.
    assert "Claude Opus 4.7" not in set(front.model)
    lo, hi = trend.doubling_interval()
    assert lo < trend.doubling_days < hi


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError, match="'first' or 'latest'"):
        k.speedups(rows(), "median")
