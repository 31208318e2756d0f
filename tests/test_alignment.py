"""The alignment-clock model against the essay's arithmetic and its edge cases."""
from __future__ import annotations

import datetime as dt
import math

import pytest

from mosaic.analyses import alignment as a


def test_the_essays_fifty_and_five_hundred_generations():
    assert round(a.reliability(0.999, 50) * 100, 2) == 95.12
    assert round(a.reliability(0.999, 500) * 100, 2) == 60.64  # the essay's 60.5% is a rounding slip
    assert round(a.reliability(0.999, 500) * 100, 1) != 60.5
    assert a.reliability(0.999, 500) == pytest.approx(math.exp(500 * math.log(0.999)))


def test_a_perfect_technique_never_decays():
    assert a.reliability(1.0, 10_000) == 1.0
    assert a.reliability(0.5, 0) == 1.0


def test_generations_to_threshold():
    # 0.999^n < 0.5 first at n = 693 (ln 0.5 / ln 0.999 = 692.8).
    assert a.generations_to_threshold(0.999, 0.5) == 693
    assert a.reliability(0.999, 692) >= 0.5 > a.reliability(0.999, 693)
    assert a.generations_to_threshold(1.0, 0.5) is None
    assert a.generations_to_threshold(0.0, 0.5) == 1


def test_required_p_keeps_the_threshold():
    p = a.required_p(0.9, 500)
    assert a.reliability(p, 500) == pytest.approx(0.9)


def test_cadence_and_shrinking_cadence():
    assert a.months_until(10, 6) == 60
    # Halving each generation: 6 + 3 + 1.5 = 10.5 months for three generations.
    assert a.months_until(3, 6, 0.5) == pytest.approx(10.5)
    assert a.crossing_date(dt.date(2026, 1, 1), None, 6) is None


@pytest.mark.parametrize("call, message", [
    (lambda: a.reliability(1.5, 3), "p must lie in"),
    (lambda: a.reliability(0.9, -1), "generations must be >= 0"),
    (lambda: a.generations_to_threshold(0.9, 1.0), "threshold must lie"),
    (lambda: a.months_until(3, 0), "cadence must be a positive"),
    (lambda: a.months_until(3, 6, 1.0), "shrink must lie"),
])
def test_invalid_inputs_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_clock_table_matches_the_model():
    start = dt.date(2026, 2, 5)
    curve = a.clock_curve(0.999, start, 2.0, 0.05, 600).set_index("generation")
    assert curve.loc[50, "reliability_pct"] == pytest.approx(95.1206, abs=1e-4)
    assert curve.loc[106, "date"] == a.crossing_date(start, 106, 2.0, 0.05).isoformat()
    # A shrinking cadence can never take longer than cadence / shrink months in all.
    assert dt.date.fromisoformat(curve.loc[600, "date"]) <= start + dt.timedelta(days=40 * 30.4375 + 1)


def test_awareness_panels_hold_awareness_only():
    from conftest import ROOT
    from mosaic.catalogue.tables import load

    rows = a.awareness(load("alignment_signals", ROOT))
    assert not rows.signal.str.contains("blackmail").any()
    assert {"Anthropic", "UK AI Security Institute", "Apollo Research"} <= set(rows.measurer)


def test_clarks_forecasts_are_on_the_timeline():
    from conftest import ROOT
    from mosaic.catalogue.tables import load

    points = a.forecast_points(load("forecasts", ROOT))
    clark = points[points.who == "Jack Clark"].set_index("target_year")
    assert clark.loc[2027, "probability_or_value"] == "30%"
    assert clark.loc[2028, "probability_or_value"].startswith("60%")
