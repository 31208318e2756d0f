"""The kernels chapter's headline: one value per model by a stated rule, the frontier fit, thin data."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from conftest import ROOT
from mosaic.analyses import kernels as k
from mosaic.catalogue.tables import load

PARAMS = {"as_of": None, "ci_level": 0.95, "speedup_values": "latest", "n_boot": 500, "seed": 0}


def frames(as_of=None):
    return {n: load(n, ROOT, as_of) for n in ("training_speedup", "kernelbench", "sources")}


def headline(as_of=None, **params):
    return k.headline(frames(as_of), {**PARAMS, "as_of": as_of, **params})


def test_the_latest_report_counts_so_corrections_replace_what_they_correct():
    latest = k.speedups(load("training_speedup", ROOT), "latest").set_index("model").speedup_x
    first = k.speedups(load("training_speedup", ROOT), "first").set_index("model").speedup_x
    # Mythos Preview: 51.91x in its own card, corrected to 61.79x in the Opus 4.7 card.
    assert (first["Claude Mythos Preview"], latest["Claude Mythos Preview"]) == (51.91, 61.79)
    # Opus 4: 2.993x in the Opus 4.1 addendum, 2.8x in the later Sonnet 4.5 card.
    assert (first["Claude Opus 4"], latest["Claude Opus 4"]) == (2.993, 2.8)
    # Opus 4.6: every Anthropic document gives 34x (the essay's 30x is a restatement, never counted).
    assert latest["Claude Opus 4.6"] == first["Claude Opus 4.6"] == 34


def test_restatements_are_never_counted():
    chosen = k.speedups(load("training_speedup", ROOT), "latest")
    assert set(chosen.role) <= set(k.MEASURED) and chosen.model.is_unique
    assert 52 not in set(chosen.speedup_x) and 30 not in set(chosen.speedup_x)


def test_the_doubling_time_is_ols_on_the_frontier_by_hand():
    # The frontier under the latest-report rule, from the cards: each model above every earlier one.
    release = [dt.date(2025, 5, 22), dt.date(2025, 9, 29), dt.date(2025, 11, 24), dt.date(2026, 2, 5),
               dt.date(2026, 4, 7)]
    speedup = [2.8, 5.5, 16.53, 34, 61.79]
    slope = np.polyfit([d.toordinal() for d in release], np.log(speedup), 1)[0]
    h = headline()
    f = h["training_speedup_doubling_days"]
    assert f.value == pytest.approx(np.log(2) / slope, abs=0.05)
    assert h.value("training_speedup_frontier_models") == 5
    assert f.ci[0] < f.value < f.ci[1]
    assert "5 vendor-reported" in f.label and "vendor-reported" in f.note
    assert h.text("best_model") == "Claude Mythos Preview" and h.value("training_speedup_best") == 61.79


def test_an_early_build_sees_the_value_as_first_published():
    # Before the Opus 4.7 card (2026-04-16), Mythos Preview stood at its own card's 51.91x.
    h = headline(dt.date(2026, 4, 10))
    assert h.value("training_speedup_best") == 51.91


def test_thin_data_says_so_instead_of_failing():
    h = headline(dt.date(2023, 6, 30))
    assert h.text("training_speedup_doubling_days") == "not enough data before 2023-06-30"
    assert h.value("training_speedup_models") == 0 and h.tables["speedups"].empty
    two = headline(dt.date(2025, 9, 1))
    assert two.value("training_speedup_models") == 2 and two["training_speedup_doubling_days"].value is None


def test_the_finding_does_not_claim_a_pass_that_did_not_happen():
    import pandas as pd

    assert k.passed(pd.DataFrame({"speedup_x": [2.8, 2.5]}), 4.0) == "is still below the expert's 4×"
    assert "passed the expert's 4×" in headline().text("speedup_finding")
    # Two models set a new high by mid-October 2025 (Opus 4 at 2.8x, Sonnet 4.5 at 5.5x): too few for a trend.
    early = headline(dt.date(2025, 10, 15))
    assert early.value("training_speedup_frontier_models") == 2 and early["training_speedup_doubling_days"].value is None


def test_corrections_are_shown_as_corrections():
    table = headline().tables["corrections"].set_index("model")
    assert table.loc["Claude Mythos Preview", ["speedup_x_first", "speedup_x"]].tolist() == [51.91, 61.79]


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError, match="'first' or 'latest'"):
        k.speedups(load("training_speedup", ROOT), "median")


def test_other_chapters_read_the_counted_values():
    out = headline().outputs["counted_speedups"].set_index("model")
    assert out.loc["Claude Mythos Preview", ["speedup_x", "first_reported_x"]].tolist() == [61.79, 51.91]
    assert out.loc["Claude Opus 4", ["speedup_x", "first_reported_x"]].tolist() == [2.8, 2.993]


def test_other_chapters_read_the_frontier_and_the_trend_replicates():
    h = headline()
    front = h.outputs["speedup_frontier"]
    # The frontier under the latest-report rule, typed from the cards (see the doubling-time test).
    assert front.speedup_x.tolist() == [2.8, 5.5, 16.53, 34, 61.79]
    assert front.release.tolist()[0] == "2025-05-22" and front.model.tolist()[-1] == "Claude Mythos Preview"
    reps = h.outputs["speedup_trend_replicates"]
    assert len(reps) == 501 and reps.replicate.min() == -1
    central = reps[reps.replicate == -1].iloc[0]
    assert np.log(2) / central.slope_per_day == pytest.approx(h.value("training_speedup_doubling_days"), abs=0.05)


def test_with_too_few_models_the_replicates_are_empty_not_missing():
    h = headline(dt.date(2025, 9, 1))
    assert h.outputs["speedup_trend_replicates"].empty and len(h.outputs["speedup_frontier"]) == 1
    assert list(h.outputs["speedup_trend_replicates"].columns) == ["replicate", "slope_per_day", "intercept"]
