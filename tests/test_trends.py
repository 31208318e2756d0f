"""The trend module reproduces METR's published doubling times from METR's own data."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import ROOT
from mosaic.analyses import coding, trends
from mosaic.catalogue.tables import load

RAW = ROOT / "data" / "coding" / "raw"
FILES = {"TH1.1": "metr_benchmark_results_1_1__IAPS-AI_c59c78b.yaml",
         "TH1.0": "metr_benchmark_results_1_0__IAPS-AI_c59c78b.yaml"}
WINDOWS = {"from_2023_on": dt.date(2023, 1, 1), "all_time": dt.date(2019, 1, 1),
           "all_time_stitched": dt.date(2019, 1, 1)}
SIXTEEN_HOURS = 16 * 60


def metr_file(suite: str) -> dict:
    return yaml.safe_load((RAW / FILES[suite]).read_text())


def published() -> list[tuple[str, str, float]]:
    """(suite, series, doubling days) exactly as METR's data files state them."""
    return [(suite, series, block["point_estimate"])
            for suite in FILES for series, block in metr_file(suite)["doubling_time_in_days"].items()]


def yaml_points(suite: str) -> pd.DataFrame:
    results = metr_file(suite)["results"]
    return pd.DataFrame([{"release_date": pd.Timestamp(v["release_date"]),
                          "p50_minutes": v["metrics"]["p50_horizon_length"]["estimate"]} for v in results.values()])


def point_doubling(points: pd.DataFrame, start: dt.date) -> float:
    front = trends.frontier(points, start, cap=SIXTEEN_HOURS)
    slope, _ = trends.ols_log(trends.days(front.release_date), front.p50_minutes.to_numpy())
    return np.log(2) / slope


def test_the_published_series_are_the_four_expected():
    assert sorted((s, n) for s, n, _ in published()) == [
        ("TH1.0", "all_time"), ("TH1.0", "from_2023_on"), ("TH1.1", "all_time_stitched"), ("TH1.1", "from_2023_on")]


@pytest.mark.parametrize("suite, series, metr_days", published())
def test_reproduces_metr_from_its_yaml(suite, series, metr_days):
    assert point_doubling(yaml_points(suite), WINDOWS[series]) == pytest.approx(metr_days, abs=0.01)


@pytest.mark.parametrize("suite, series, metr_days", published())
def test_reproduces_metr_from_the_books_csv(suite, series, metr_days):
    horizons = load("metr_horizons", ROOT)
    _, trend = coding.fit(horizons, suite, WINDOWS[series], 16, level=0.95, n_boot=200, seed=1)
    assert trend.doubling_days == pytest.approx(metr_days, abs=0.01)


def test_the_books_csv_matches_metrs_files():
    """Every row the CSV takes from METR's data file carries the value in that file under the same key."""
    horizons = load("metr_horizons", ROOT)
    for suite in FILES:
        results = metr_file(suite)["results"]
        rows = horizons[(horizons.suite == suite) & (horizons.origin == "METR data file")]
        assert len(rows) == len(results)
        for r in rows.itertuples():
            m = results[r.metr_model_key]["metrics"]["p50_horizon_length"]
            assert (r.p50_minutes, r.p50_ci_low_minutes, r.p50_ci_high_minutes) == pytest.approx(
                (m["estimate"], m["ci_low"], m["ci_high"]), abs=1e-5)


def test_metr_published_table_matches_the_yaml():
    table = load("metr_doubling", ROOT)
    current = table[table.excludes_above_minutes.notna()].set_index(["suite", "series"]).doubling_days
    assert {(s, n): d for s, n, d in published()} == current.to_dict()


def synthetic(doubling: float, n: int = 12, noise: float = 0.0, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.to_datetime("2023-01-01") + pd.to_timedelta(np.sort(rng.uniform(0, 1200, n)).round(), unit="D")
    t = (dates - dates[0]).days.to_numpy()
    value = 5 * 2 ** (t / doubling) * np.exp(rng.normal(0, noise, n))
    return pd.DataFrame({"release_date": dates, "p50_minutes": value,
                         "p50_ci_low_minutes": value / 2, "p50_ci_high_minutes": value * 2})


def test_known_doubling_time_is_recovered_exactly():
    trend = trends.fit_exponential(synthetic(150.0), n_boot=300)
    assert trend.doubling_days == pytest.approx(150.0, rel=1e-9)
    assert trend.growth_per_year == pytest.approx(2 ** (365.25 / 150.0), rel=1e-9)


def test_interval_covers_the_truth_and_narrows_with_precision():
    noisy = trends.fit_exponential(synthetic(150.0, n=15, noise=0.3), n_boot=1000)
    lo, hi = noisy.doubling_interval()
    assert lo < 150.0 < hi
    tight = synthetic(150.0, n=15)
    tight["p50_ci_low_minutes"] = tight.p50_minutes * 0.95
    tight["p50_ci_high_minutes"] = tight.p50_minutes * 1.05
    tlo, thi = trends.fit_exponential(tight, n_boot=1000).doubling_interval()
    assert thi - tlo < hi - lo


def test_time_to_threshold_on_a_known_trend():
    data = synthetic(100.0)
    trend = trends.fit_exponential(data, n_boot=300)
    first = data.release_date.iloc[0].date()
    # 5 minutes at the first date, doubling every 100 days: 40 minutes is 3 doublings later.
    when, lo, hi = trend.reaches(40.0)
    assert when == first + dt.timedelta(days=300)
    assert lo <= when <= hi


def test_the_frontier_rule():
    d = pd.to_datetime
    points = pd.DataFrame({
        "release_date": d(["2023-01-01", "2023-06-01", "2023-06-01", "2023-09-01", "2024-01-01", "2024-02-01"]),
        "p50_minutes": [10.0, 8.0, 12.0, 11.0, 20.0, 2000.0],
    })
    front = trends.frontier(points, dt.date(2023, 1, 1), cap=SIXTEEN_HOURS)
    # 8 is below the best so far (10); 11 is below 12; 2000 is above the 16-hour cap.
    assert front.p50_minutes.tolist() == [10.0, 12.0, 20.0]
    assert trends.frontier(points, dt.date(2023, 6, 1)).p50_minutes.tolist() == [12.0, 20.0, 2000.0]


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="at least 3 points"):
        trends.fit_exponential(synthetic(100.0, n=2))
    with pytest.raises(ValueError, match="level must lie"):
        trends.fit_exponential(synthetic(100.0), level=1.5)
    with pytest.raises(ValueError, match="not a positive horizon"):
        coding.thresholds(trends.fit_exponential(synthetic(100.0), n_boot=50), {"never": 0})


def test_same_inputs_same_outputs():
    a = trends.fit_exponential(synthetic(120.0, noise=0.2), n_boot=200, seed=7)
    b = trends.fit_exponential(synthetic(120.0, noise=0.2), n_boot=200, seed=7)
    assert a.doubling_interval() == b.doubling_interval()


def test_a_flat_or_falling_trend_has_no_date_for_a_threshold():
    falling = synthetic(100.0).assign(p50_minutes=lambda d: d.p50_minutes.iloc[::-1].to_numpy())
    trend = trends.fit_exponential(falling, low=None, high=None, n_boot=50)
    assert trend.slope < 0 and trend.reaches(1e6) == (None, None, None)
    # A trend so slow it would cross after the end of the calendar gives no date rather than an error.
    slow = synthetic(1e9)
    assert trends.fit_exponential(slow, low=None, high=None, n_boot=50).reaches(1e6)[0] is None


def test_a_trend_needs_two_different_dates():
    same_day = synthetic(100.0).assign(release_date=pd.Timestamp("2024-01-01"))
    with pytest.raises(ValueError, match="two different dates"):
        trends.fit_exponential(same_day)


def test_replicates_are_the_central_fit_then_each_bootstrap_draw():
    trend = trends.fit_exponential(synthetic(150.0, noise=0.2), n_boot=30, seed=2)
    reps = trend.replicates()
    assert reps.replicate.tolist() == list(range(-1, 30))
    assert (reps.slope_per_day.iloc[0], reps.intercept.iloc[0]) == (trend.slope, trend.intercept)
    assert reps.slope_per_day.iloc[1:].tolist() == trend.slopes.tolist()
