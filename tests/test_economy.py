"""The economy chapter's models against worked values, and its reading of the data."""
from __future__ import annotations

import itertools
import math

import pytest

from mosaic.analyses import economy as e
from mosaic.catalogue.tables import load


# Worked values from the chapter's model notes (data/economy sources: Amdahl 1967, restated).
@pytest.mark.parametrize("f, s, expected", [
    (0.5, math.inf, 2.0),
    (0.9, 10, 5.26),
    (0.9, math.inf, 10.0),
    (0.3, 10, 1.37),
])
def test_amdahl_worked_values(f, s, expected):
    assert round(e.amdahl(f, s), 2) == expected


def test_amdahl_edges():
    assert e.amdahl(0, 1000) == 1.0  # nothing automated: nothing gained
    assert e.amdahl(0.7, 1) == 1.0  # automated but not faster: nothing gained
    assert e.amdahl(1, 10) == pytest.approx(10.0)  # everything automated: the full speedup
    assert e.amdahl(1, math.inf) == math.inf
    assert e.amdahl(0.5, 0.5) == pytest.approx(1 / 1.5)  # a slowdown is allowed and slows the whole
    assert e.amdahl_cap(0.75) == pytest.approx(4.0)


@pytest.mark.parametrize("f, s, message", [
    (1.2, 10, "automatable share f must lie in"),
    (-0.1, 10, "automatable share f must lie in"),
    (float("nan"), 10, "automatable share f must lie in"),
    ("half", 10, "automatable share f must lie in"),
    (0.5, 0, "speedup s must be a positive number"),
    (0.5, -3, "speedup s must be a positive number"),
    (0.5, float("nan"), "speedup s must be a positive number"),
])
def test_amdahl_refuses_invalid_inputs(f, s, message):
    with pytest.raises(ValueError, match=message):
        e.amdahl(f, s)


def test_time_saving_as_speedup():
    assert e.speedup_from_time_saving(0.8) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="time saving must lie in"):
        e.speedup_from_time_saving(1.0)


def test_kremer_ten_tasks_at_095():
    # Kremer's example: ten tasks at 0.95 give 0.95^10, about 60% of a flawless product.
    assert round(e.oring_output(10, 10, 0.95, 30), 3) == 0.599


def test_oring_toy_matches_the_model_notes():
    # The illustrative spec (n = 10, lambda = 30): Y(0) = 0.600; barriers 0.832, 0.872, ...; with
    # omega = 0.95 output peaks at 0.782 with four tasks automated.
    assert round(e.oring_output(0, 10, 0.95, 30), 3) == 0.600
    assert [round(e.oring_barrier(k, 10, 30), 3) for k in range(7)] == [0.832, 0.872, 0.911, 0.945, 0.972,
                                                                          0.990, 0.998]
    outputs = [e.oring_output(k, 10, 0.95, 30) for k in range(11)]
    assert outputs.index(max(outputs)) == 4
    assert round(max(outputs), 3) == 0.782


def test_the_barrier_is_where_automating_stops_paying():
    w = e.oring_barrier(2, 10, 30)
    assert e.oring_output(3, 10, w + 1e-6, 30) > e.oring_output(2, 10, w + 1e-6, 30)
    assert e.oring_output(3, 10, w - 1e-6, 30) < e.oring_output(2, 10, w - 1e-6, 30)


@pytest.mark.parametrize("call, message", [
    (lambda: e.oring_output(11, 10, 0.9, 30), "automated tasks k must be"),
    (lambda: e.oring_output(2, 0, 0.9, 30), "number of tasks n must be"),
    (lambda: e.oring_output(2, 10, 1.5, 30), "automation quality omega"),
    (lambda: e.oring_barrier(10, 10, 30), "every task is already automated"),
    (lambda: e.manual_quality(0.1, 0), "skill > 0"),
])
def test_oring_refuses_invalid_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.fixture(scope="module")
def data():
    from conftest import ROOT

    return {name: load(name, ROOT) for name in ("economic_index", "researcher_uplift", "labor_market")}


def test_metr_trial_is_nineteen_percent_slower(data):
    effects = e.time_effects(data["researcher_uplift"]).set_index("label")
    metr = effects.loc["METR RCT"]
    assert (metr.change_pct, metr.ci_from, metr.ci_to) == (19, 2, 39)
    # Peng et al. report 55.8% faster (CI 21-89%): on the time axis that is -55.8 (-89 to -21).
    peng = effects[effects.index.str.startswith("Peng")].iloc[0]
    assert (peng.change_pct, peng.ci_from, peng.ci_to) == (-55.8, -89, -21)
    assert set(effects.evidence) >= {"randomised trial", "forecast or perception"}
    measured, believed = e.metr_trial(e.time_effects(data["researcher_uplift"]))
    assert measured.change_pct == 19 and believed.change_pct == -20  # believed 20% faster, measured 19% slower


def test_automation_lines_never_cross_a_change_of_sample(data):
    shares = e.automation_shares(data["economic_index"])
    assert set(shares.base) == {"all conversations", "classified conversations only"}
    assert (shares.groupby("series").platform.nunique() == 1).all()
    breaks = e.sample_changes(shares)
    runs = [k for k, _ in itertools.groupby(shares[shares.base == "all conversations"].platform)]
    assert len(breaks) == len(runs) - 1
    assert (breaks.last_release < breaks.date).all() and (breaks.date < breaks.first_release).all()


def test_census_question_change_is_a_break(data):
    assert e.question_change(data["labor_market"]) == "2025-11-17"
    firms = e.btos(data["labor_market"])
    assert firms.question.nunique() == 2
    old = firms[firms.question.str.contains("producing")]
    assert (old.ref_end < "2025-11-17").all()
