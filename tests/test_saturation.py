"""The saturation module on synthetic curves with known parameters, and its verdicts."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from mosaic.analyses import saturation as sat
from mosaic.analyses.trends import DAYS_PER_MONTH

START = dt.date(2024, 1, 1)


def logistic_points(a: float, b: float, ceiling: float, days: list[int]) -> pd.DataFrame:
    t = np.array(days, dtype=float)
    value = ceiling / (1 + np.exp(-(a + b * t)))
    return pd.DataFrame({"date": pd.to_datetime([START + dt.timedelta(days=d) for d in days]), "value": value})


def test_records_keep_only_new_highs():
    pts = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-01", "2024-03-01", "2024-04-01"]),
                        "value": [10.0, 8.0, 15.0, 15.0, 30.0]})
    assert sat.records(pts).value.tolist() == [10.0, 15.0, 30.0]


def test_known_logistic_is_recovered_and_months_follow():
    # a = -2, b = 0.01/day: 50% of the ceiling at t = 200 days; 90% at t = (ln 9 + 2) / 0.01.
    pts = logistic_points(-2.0, 0.01, 100.0, [0, 30, 60, 90, 120])
    fit = sat.fit_logistic(pts, START, 100.0, n_boot=500)
    assert fit.a == pytest.approx(-2.0, abs=1e-9) and fit.b == pytest.approx(0.01, abs=1e-12)
    half = fit.months_to(0.5)
    assert half["kind"] == "projected"
    assert half["months"] == pytest.approx(200 / DAYS_PER_MONTH, rel=1e-9)
    assert fit.months_to(0.9)["months"] == pytest.approx((np.log(9) + 2) / 0.01 / DAYS_PER_MONTH, rel=1e-9)


def test_a_human_ceiling_scales_the_curve():
    pts = logistic_points(-1.0, 0.02, 50.0, [0, 10, 20, 40])  # below half the ceiling throughout
    fit = sat.fit_logistic(pts, START, 50.0, n_boot=300)
    assert fit.months_to(0.5)["months"] == pytest.approx(50 / DAYS_PER_MONTH, rel=1e-9)


def test_crossed_shares_are_observed_not_projected():
    pts = logistic_points(-2.0, 0.02, 100.0, [0, 50, 100, 150, 200])
    fit = sat.fit_logistic(pts, START, 100.0, n_boot=300)
    half = fit.months_to(0.5)
    # 50% is first reached by the record at day 100 (value at day 100 is exactly 50%).
    assert half["kind"] == "observed" and half["months"] == pytest.approx(100 / DAYS_PER_MONTH)


def test_interval_contains_the_projection_with_noise():
    rng = np.random.default_rng(1)
    pts = logistic_points(-3.0, 0.008, 100.0, list(range(0, 400, 40)))
    pts["value"] = pts.value * np.exp(rng.normal(0, 0.05, len(pts)))
    fit = sat.fit_logistic(sat.records(pts), START, 100.0, n_boot=1000)
    m = fit.months_to(0.9)
    assert m["kind"] == "projected" and m["low"] < m["months"] < m["high"]


def test_flat_records_have_no_projection():
    pts = pd.DataFrame({"date": pd.to_datetime(["2026-02-22"]), "value": [23.2]})
    fit = sat.fit_logistic(pts, dt.date(2026, 2, 22), 51.1, n_boot=100)
    assert fit.months_to(0.9)["kind"] == "no upward trend"


@pytest.mark.parametrize("values, days, expected", [
    ([20.0, 50.0, 95.0], [0, 200, 400], "yes: 90% reached after 13.1 months"),     # 400 days
    ([20.0, 50.0, 95.0], [0, 300, 700], "no: 90% reached after 23.0 months"),      # 700 days
    ([60.0, 70.0, 80.0], [0, 100, 200], "no: introduced at 60% of the ceiling, not low"),
])
def test_verdicts(values, days, expected):
    pts = pd.DataFrame({"date": pd.to_datetime([START + dt.timedelta(days=d) for d in days]), "value": values})
    fit = sat.fit_logistic(pts, START, 100.0, n_boot=200)
    assert sat.verdict(fit, low_share=0.3, saturated_share=0.9, window_months=18, as_of=dt.date(2026, 6, 1)) == expected


def test_bad_inputs():
    pts = logistic_points(-2.0, 0.01, 100.0, [0, 30, 60])
    with pytest.raises(ValueError, match="ceiling must be positive"):
        sat.fit_logistic(pts, START, 0.0)
    with pytest.raises(ValueError, match="share must lie"):
        sat.fit_logistic(pts, START, 100.0, n_boot=10).months_to(1.0)


def test_two_record_dates_are_too_few_to_project():
    # Through two points the line is exact and every resample gives it again: the interval would have no
    # width ("22 (22-22)"). Two dates give no projection; a third gives one with width.
    two = pd.DataFrame({"date": pd.to_datetime(["2025-04-02", "2026-04-14"]), "value": [26.0, 33.73]})
    fit = sat.fit_logistic(two, dt.date(2025, 4, 2), 41.4, n_boot=300)
    assert fit.b > 0 and fit.months_to(0.9)["kind"] == "too few records to project"
    assert sat.verdict(fit, low_share=0.3, saturated_share=0.9, window_months=18, as_of=dt.date(2026, 4, 14)) == \
        "no: introduced at 63% of the ceiling, not low"
    three = logistic_points(-2.0, 0.01, 100.0, [0, 30, 75])
    m = sat.fit_logistic(three, START, 100.0, n_boot=300).months_to(0.9)
    assert m["kind"] == "projected" and m["low"] < m["high"]


def test_no_projection_or_bound_falls_before_a_date_the_record_had_not_crossed():
    rng = np.random.default_rng(3)
    pts = logistic_points(-3.0, 0.01, 100.0, [0, 40, 80, 120, 160])
    pts["value"] = pts.value * np.exp(rng.normal(0, 0.2, len(pts)))
    fit = sat.fit_logistic(sat.records(pts), START, 100.0, n_boot=1000)
    free = fit.months_to(0.9)
    floor = START + dt.timedelta(days=round(free["low"] * DAYS_PER_MONTH) + 20)  # after the free lower bound
    held = fit.months_to(0.9, not_before=floor)
    assert held["months"] == free["months"] and held["high"] == free["high"]
    assert held["low"] == pytest.approx((floor - START).days / DAYS_PER_MONTH)
    late = START + dt.timedelta(days=round(free["months"] * DAYS_PER_MONTH) + 30)  # past the central projection
    assert fit.months_to(0.9, not_before=late)["kind"] == "later than the fit projects"


def test_replicates_are_the_central_fit_then_the_bootstrap():
    pts = logistic_points(-2.0, 0.01, 100.0, [0, 30, 60, 90])
    fit = sat.fit_logistic(pts, START, 100.0, n_boot=50)
    reps = fit.replicates()
    assert list(reps.columns) == ["replicate", "a", "b"] and reps.replicate.tolist() == list(range(-1, len(reps) - 1))
    assert (reps.a.iloc[0], reps.b.iloc[0]) == (fit.a, fit.b) and len(reps) - 1 == len(fit.b_reps) <= 50


@pytest.mark.parametrize("days, as_of, expected", [
    ([0], START, "open: no result after launch yet"),
    ([0], dt.date(2024, 7, 1), "open: 6.0 months in, no result above the launch best yet"),
    ([0, 100], dt.date(2024, 7, 1), "open: 6.0 months in; 2 record-setting dates, too few to project"),
])
def test_open_verdicts_say_why(days, as_of, expected):
    pts = pd.DataFrame({"date": pd.to_datetime([START + dt.timedelta(days=d) for d in days]),
                        "value": [10.0, 20.0][:len(days)]})
    fit = sat.fit_logistic(pts, START, 100.0, n_boot=100)
    assert sat.verdict(fit, low_share=0.3, saturated_share=0.9, window_months=18, as_of=as_of) == expected


def test_an_interval_without_width_is_never_reported():
    # Replicates that all agree (as through two exact points) would print "22 (22-22)": the value stands alone.
    pts = logistic_points(-2.0, 0.01, 100.0, [0, 30, 60])
    same = np.full(10, 0.01)
    fit = sat.Fit(START, 100.0, -2.0, 0.01, np.full(10, -2.0), same, 0.95, pts)
    m = fit.months_to(0.9)
    assert m["kind"] == "projected" and (m["low"], m["high"]) == (None, None)
    assert m["months"] == pytest.approx((np.log(9) + 2) / 0.01 / DAYS_PER_MONTH)
