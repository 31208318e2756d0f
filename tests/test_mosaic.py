"""The landing chapter: strands on one scale, the model of 'could build its own successor', the growth forms,
the common capability scale, the tables, thin data, and a one-row change moving its figures end to end.

Expected values are worked out here from literal numbers or from the rows of the data files, never by
calling the code under test to produce them.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib
import io
import json
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_build
from mosaic.analyses import capability as cap
from mosaic.analyses import growth
from mosaic.analyses import mosaic as M
from mosaic.analyses.strands import Strand
from mosaic.book.context import Context
from mosaic.book.plots import mosaic as plot
from mosaic.catalogue.tables import load
from mosaic.pipeline import chapters as chapter_sources
from mosaic.pipeline.validate import sources_table, validate_all, write_table

D = dt.date
MONTH = 365.25 / 12
UPSTREAM = ("coding", "replication", "kernels", "economy", "alignment_clock", "forecasts")  # each after those it reads
OWN = ("mosaic_thresholds", "mosaic_strands", "mosaic_systems", "mosaic_eras", "mosaic_objections")
CACHE = Path(tempfile.mkdtemp(prefix="mosaic-test-mosaic-"))


def defaults(chapter: str) -> dict:
    return chapter_sources.read(ROOT / "chapters" / f"{chapter}.md").defaults


@functools.lru_cache(maxsize=1)
def _validated():
    return validate_all(ROOT)


def _datasets(source, as_of: D | None) -> dict:
    """A chapter's datasets (and their vintages) as the build hands them, through the same context."""
    v = _validated()
    handed = {name: str(write_table(v, name, CACHE)) for name in source.datasets}
    handed["sources"] = str(sources_table(v, v.cited_sources(source.datasets) | set(source.extra_sources), CACHE)[0])
    return Context(source.name, {}, source.defaults, "test", as_of, handed, {}, CACHE).frames()


@functools.lru_cache(maxsize=None)
def _upstream(as_of: D | None) -> dict:
    """What the chapters the mosaic reads publish, computed here as the build would (figures and outputs)."""
    frames = {}
    for ch in UPSTREAM:
        source = chapter_sources.read(ROOT / "chapters" / f"{ch}.md")
        fr = _datasets(source, as_of)
        fr.update({k: v for k, v in frames.items() if k.split(":")[0] in source.depends_on})
        h = importlib.import_module(f"mosaic.analyses.{ch}").headline(
            fr, {**source.defaults, "as_of": as_of, "n_boot": 300})
        frames[f"{ch}:figures"] = pd.DataFrame(json.loads(json.dumps(
            [{"chapter": ch, **f.record()} for f in h.figures if f.publish])))
        for name, out in h.outputs.items():  # through CSV, as the build hands them over
            frames[f"{ch}:{name}"] = pd.read_csv(io.StringIO(out.to_csv(index=False)))
    return frames


def frames(as_of: D | None = None, **extra) -> dict:
    out = {k: v.copy() for k, v in _upstream(as_of).items()}
    out.update({n: load(n, ROOT, as_of) for n in OWN})
    out["sources"] = load("sources", ROOT)
    out.update(extra)
    return out


def params(as_of=None, **changes) -> dict:
    return {**defaults("mosaic"), "as_of": as_of, **changes}


@pytest.fixture(scope="module")
def latest():
    return M.headline(frames(), params())


# -- The strands on one scale ------------------------------------------------------------------
def test_a_bounded_strand_is_a_share_of_its_ceiling():
    # PostTrainBench v1: 23.2 against the official instruct models' 51.1.
    tracks = pd.DataFrame({"track": ["PostTrainBench v1"], "date": ["2026-03-09"], "value": [23.2],
                           "ceiling": [51.1], "ceiling_basis": ["the official instruct models (51.1)"],
                           "introduced": ["2026-02-22"]})
    s = M.build_strands(frames(**{"replication:tracks": tracks}), params())["ptb"]
    assert s.progress([23.2])[0] == pytest.approx(23.2 / 51.1)
    assert s.target(0.9) == pytest.approx(0.9 * 51.1)
    assert s.reach(0.9 * 51.1).kind == "cannot project"  # one record-setting date


def test_an_unbounded_strand_is_the_share_of_the_log_distance_to_its_threshold():
    models = pd.DataFrame({"model": ["a", "b", "c"], "release_date": ["2020-01-01", "2022-01-01", "2024-01-01"],
                           "p50_minutes": [0.6, 6.0, 60.0]})
    s = M.build_strands(frames(**{"coding:metr_models": models}), params())["metr"]
    # The threshold is 167 working hours (data/mosaic/thresholds.csv), in minutes.
    assert s.threshold == 167 * 60
    assert s.progress([60.0])[0] == pytest.approx(math.log(60 / 0.6) / math.log(10020 / 0.6))
    assert s.progress([0.6])[0] == 0 and s.progress([10020])[0] == pytest.approx(1)


def test_a_projected_date_is_read_from_the_replicates_and_never_before_the_newest_result():
    models = pd.DataFrame({"model": ["a", "b"], "release_date": ["2024-01-01", "2025-01-01"],
                           "p50_minutes": [10.0, 60.0]})
    x0 = D(2025, 1, 1).toordinal()
    slope = math.log(2) / 100  # doubling every 100 days from 60 minutes on 2025-01-01
    reps = pd.DataFrame({"replicate": [-1, 0, 1, 2], "slope_per_day": [slope, slope, slope / 2, slope * 2],
                         "intercept": [math.log(60) - slope * x0, math.log(60) - slope * x0,
                                       math.log(60) - slope / 2 * x0, math.log(60) - 2 * slope * x0]})
    s = M.build_strands(frames(**{"coding:metr_models": models, "coding:metr_trend_replicates": reps}),
                        params())["metr"]
    r = s.reach(60 * 16)  # four doublings: 400 days at the central slope
    assert r.kind == "projected" and r.date == D(2025, 1, 1) + dt.timedelta(days=400)
    assert sorted(r.draws) == pytest.approx([x0 + 200, x0 + 400, x0 + 800])
    # A level already passed on the fitted line but not by the record is not dated before the newest result.
    early = s.reach(61.0)
    assert early.kind == "projected" and early.date >= D(2025, 1, 1)


def test_a_logistic_strand_reaches_a_share_by_hand_and_a_crossed_level_is_observed():
    tracks = pd.DataFrame({"track": ["MLE-bench, all competitions"] * 3,
                           "date": ["2024-10-08", "2025-05-15", "2026-02-23"], "value": [17.12, 31.6, 64.44],
                           "ceiling": [100.0] * 3, "ceiling_basis": ["100%"] * 3, "introduced": ["2024-10-08"] * 3})
    reps = pd.DataFrame({"track": ["MLE-bench, all competitions"] * 2, "replicate": [-1, 0],
                         "a": [-1.5, -1.5], "b": [0.005, 0.005]})
    s = M.build_strands(frames(**{"replication:tracks": tracks, "replication:track_replicates": reps}),
                        params())["mle"]
    days = (math.log(0.9 / 0.1) + 1.5) / 0.005  # logit(0.9) = a + b t
    r = s.reach(90.0)
    assert r.date == D(2024, 10, 8) + dt.timedelta(days=round(days))
    seen = s.reach(30.0)
    assert (seen.kind, seen.date) == ("observed", D(2025, 5, 15))


def test_months_to_the_threshold_reproduce_the_records(latest):
    # CORE-Bench Hard, hand-checked: 95.5% on 2025-12-03, 14.5 months after its launch on 2024-09-17.
    assert latest.value("mosaic_months_core_manual") == round((D(2025, 12, 3) - D(2024, 9, 17)).days / MONTH, 1)
    # Training speedup: Sonnet 4.5 (released 2025-09-29) passed 90% of the expert's 4x (5.5x);
    # the series began with Opus 4 (2025-05-22).
    assert latest.value("mosaic_months_training_speedup") == round((D(2025, 9, 29) - D(2025, 5, 22)).days / MONTH, 1)
    assert "observed" in latest.text("mosaic_months_training_speedup")


def test_the_metr_projection_is_the_coding_chapters_trend_by_hand(latest):
    reps = _upstream(None)["coding:metr_trend_replicates"]
    c = reps[reps.replicate == -1].iloc[0]
    when = D.fromordinal(round((math.log(0.9 * 167 * 60) - c.intercept) / c.slope_per_day))
    first = D(2019, 2, 14)  # GPT-2, the first model in METR's TH1.1 file
    f = latest["mosaic_months_metr"]
    assert f.value == pytest.approx((when - first).days / MONTH, abs=0.1)
    assert f.ci[0] < f.value < f.ci[1]


# -- The model ----------------------------------------------------------------------------------
def hand_model(a_days: list[int], b_days: list[int], unknown: bool = False):
    """Two thresholds whose strands are projected from hand-made replicates (day offsets from 2026-01-01)."""
    base = D(2026, 1, 1).toordinal()

    def strand(key, days, kind):
        s = Strand(key, key, "x", "", kind, "model", "log", "minutes",
                   points=pd.DataFrame({"date": pd.to_datetime(["2025-01-01"]), "value": [1.0], "system": [""]}),
                   threshold=100.0, introduced=D(2025, 1, 1), today=D(2025, 1, 1))
        # ln(v) = slope * (x - origin): reaches ln(100) on origin + day
        slopes = [math.log(100) / (base + d - D(2025, 1, 1).toordinal()) for d in days]
        s.replicates = pd.DataFrame({"replicate": [-1, *range(len(days))], "slope_per_day": [slopes[0], *slopes],
                                     "intercept": [-slopes[0] * D(2025, 1, 1).toordinal(),
                                                   *(-sl * D(2025, 1, 1).toordinal() for sl in slopes)]})
        return s

    rows = [("a", "engineering", strand("a", a_days, "engineering")),
            ("b", "research", strand("b", b_days, "research"))]
    needs = []
    for key, kind, s in rows:
        row = pd.Series({"threshold": key, "capability": f"capability {key}", "kind": kind, "strand": key,
                         "level": None, "unit": "x", "figure": None, "role": "default", "why": "", "source_id": "s"})
        needs.append(M.Need(row, s, 100.0, "100", None))
    if unknown:
        row = pd.Series({"threshold": "c", "capability": "capability c", "kind": "research", "strand": "c",
                         "unit": "x", "figure": None, "source_id": "s", "why": ""})
        needs.append(M.Need(row, None, None, "", None))
    return needs


ENDS = {2027: D(2027, 12, 31), 2028: D(2028, 12, 31)}


def test_every_threshold_must_be_met_and_the_draws_count_it():
    # a: always in 2027; b: always in 2028. Both met by the end of 2027 never; by the end of 2028 always.
    res = M.joint(hand_model([400, 500], [800, 900]), ENDS, 2000, 0)
    assert res["p"] == {2027: 0.0, 2028: 1.0} and res["unknown"] == []
    # a: half its replicates in 2027, half in 2029; b always in 2026. P(2027) = P(2028) = 1/2 (sampling only).
    res = M.joint(hand_model([400, 1200], [100, 200]), ENDS, 4000, 0)
    assert res["p"][2027] == pytest.approx(0.5, abs=0.03) and res["p"][2028] == pytest.approx(0.5, abs=0.03)


def test_a_threshold_that_cannot_be_projected_makes_the_probability_an_upper_bound():
    res = M.joint(hand_model([100], [200], unknown=True), ENDS, 500, 0)
    assert res["p"][2027] == 1.0 and [x.capability for x in res["unknown"]] == ["capability c"]
    assert M.p_text(res, 2027) == "over 99% (an upper bound)"
    res = M.joint(hand_model([400, 1200], [100], unknown=True), ENDS, 500, 0)
    assert M.p_text(res, 2027).startswith("at most ")


def test_the_published_probabilities_have_the_form_range_as_interval(latest):
    for y in (2027, 2028):
        f = latest[f"mosaic_p_{y}"]
        assert 0 <= f.value <= 100 and f.unit == "%"
        forms = latest.tables["forms"]
        shown = latest.text(f"p_{y}_range")
        if f.ci:
            assert f.ci[0] <= f.value <= f.ci[1] and "across growth forms" in shown
    # PostTrainBench has one record-setting date: the model says it is a bound, and why.
    assert "post-training at the human baseline" in latest.text("model_unknown")
    assert latest.text("mosaic_p_2027").startswith("at most") or "upper bound" in latest.text("mosaic_p_2027")
    assert set(forms.key) == set(growth.FORMS)


def test_engineering_and_research_are_kept_apart(latest):
    # The research thresholds include post-training, which cannot be projected: an upper bound.
    assert "at most" in latest.text("mosaic_p_research_2027") or "upper bound" in latest.text("mosaic_p_research_2027")
    eng = latest["mosaic_p_engineering_2027"]
    assert "upper bound" not in eng.text and "at most" not in eng.text


def test_the_optimisation_threshold_is_the_figure_the_kernels_chapter_publishes():
    f = frames()
    figs = f["kernels:figures"].copy()
    figs.loc[figs.key == "training_speedup_expert_x", ["value", "text"]] = [70.0, "70×"]
    s = M.build_strands({**f, "kernels:figures": figs}, params())["training_speedup"]
    assert s.threshold == 70.0 and s.threshold_text == "70×"
    assert s.reach(0.9 * 70).kind == "projected"  # the best reported speedup, 61.79x, is below 63x


def test_the_thresholds_table_is_the_books_with_sources():
    rows = list(csv.DictReader((ROOT / "data" / "mosaic" / "thresholds.csv").open()))
    default = [r for r in rows if r["role"] == "default"]
    assert {r["capability"] for r in default} == {"long-horizon engineering", "research replication near the ceiling",
                                                 "post-training at the human baseline",
                                                 "optimisation beyond the expert reference"}
    assert {r["kind"] for r in default} == {"engineering", "research"}
    sources = {r["source_id"] for r in csv.DictReader((ROOT / "data" / "sources.csv").open())}
    assert all(r["source_id"] in sources and r["why"] for r in rows)


def test_the_sensitivity_table_moves_with_the_thresholds(latest):
    table = latest.tables["sensitivity"].set_index("change")
    base = table.loc["The book's thresholds"]
    longer = table.loc["long-horizon engineering at 330 hours (2×)"]  # 2 x 167 h, shown to two figures
    pct = lambda t: float(t.replace("at most ", "").rstrip("%")) if t[-1] == "%" and "over" not in t else 100.0
    assert pct(longer.p_first) <= pct(base.p_first)
    assert "Without long-horizon engineering" in table.index


# -- Growth forms ---------------------------------------------------------------------------------
START = D(2023, 1, 1).toordinal()


def fitted(form: str, days: list[float], ln_values: list[float]) -> growth.FormFit:
    return growth.fit(form, [START + d for d in days], np.exp(ln_values))


def first_dates_date_by_date(f: growth.FormFit, threshold: float, start: float, levels) -> np.ndarray:
    """`FormFit.reaches` as its definition reads: every level's quantile compared with the threshold at every date
    of the search grid, the first date at or above it interpolated with the one before."""
    grid = start + np.arange(0, growth.SEARCH_YEARS * growth.DAYS_PER_YEAR, growth.SEARCH_STEP_DAYS)
    loc, scale = f.predict(grid)
    target = math.log(threshold)
    out = []
    for z in np.atleast_1d(growth.t_quantile(1 - np.asarray(levels, dtype=float), f.df)):
        y = loc + z * scale
        at = np.flatnonzero(y >= target)
        if not len(at):
            out.append(math.nan)
        elif at[0] == 0:
            out.append(grid[0])
        else:
            j = at[0]
            out.append(grid[j - 1] + (target - y[j - 1]) / (y[j] - y[j - 1]) * (grid[j] - grid[j - 1]))
    return np.array(out)


@settings(max_examples=150, deadline=None)
@given(form=st.sampled_from(growth.FORMS), n=st.integers(4, 14), slope=st.floats(-0.5, 1.5),
       noise=st.sampled_from([0.0, 0.01, 0.3, 1.0]), seed=st.integers(0, 2 ** 16),
       above=st.floats(0.5, 50), lead=st.floats(-200, 200),
       levels=st.sampled_from(["draws", "band", "ends", "none"]), s=st.sampled_from(["fitted", 0.0, math.nan]))
def test_crossing_dates_are_those_of_comparing_every_level_with_every_date(form, n, slope, noise, seed, above, lead,
                                                                           levels, s):
    # The landing page draws 2,000 crossing dates from each fit; they are found by bisection, and must be
    # exactly the dates the definition gives, also for levels of 0 and 1 and for a fit with no spread.
    rng = np.random.default_rng(seed)
    days = np.sort(rng.choice(np.arange(0, 2200), n, replace=False)).astype(float)
    ln = 0.3 + slope * days / 365.25 + rng.normal(0, noise, n) if noise else 0.3 + slope * days / 365.25
    f = fitted(form, list(days), list(ln))
    if f is None:
        return
    if s != "fitted":
        f.s = s
    q = {"draws": (np.arange(2000) + 0.5) / 2000, "band": (0.025, 0.5, 0.975), "ends": (0.0, 0.3, 1.0),
         "none": ()}[levels]
    threshold, start = math.exp(max(ln)) * above, START + days[-1] + lead
    with np.errstate(invalid="ignore"):
        got, want = f._first_dates(threshold, start, q), first_dates_date_by_date(f, threshold, start, q)
    assert np.array_equal(got, want, equal_nan=True)


def test_the_piecewise_form_finds_the_break_and_follows_the_slope_after_it():
    days = [0, 100, 200, 300, 400, 500, 600, 700]
    ln = [0.001 * d if d <= 300 else 0.3 + 0.004 * (d - 300) for d in days]  # break at day 300
    f = fitted("piecewise", days, ln)
    assert f.note == "break at 2023-10-28"  # 2023-01-01 + 300 days
    # ln v = 0.3 + 0.004 (d - 300) reaches 0.3 + 0.004 * 1000 on day 1300: the median crossing, the line being exact.
    (mid,) = f.reaches(math.exp(0.3 + 0.004 * 1000), START + 700, (0.5,))
    assert mid - START == pytest.approx(1300, abs=0.5)


def test_the_bounded_superexponential_is_finite_and_its_date_moves_with_the_threshold():
    days = list(range(0, 800, 100))
    ln = [0.002 * d + 2e-6 * d * d for d in days]  # speeding up
    f = fitted("bounded superexponential", days, ln)
    # ln v = 5 where 2e-6 d^2 + 0.002 d - 5 = 0, and 50 where 2e-6 d^2 + 0.002 d - 50 = 0
    d5 = (-0.002 + math.sqrt(0.002 ** 2 + 4 * 2e-6 * 5)) / (2 * 2e-6)
    d50 = (-0.002 + math.sqrt(0.002 ** 2 + 4 * 2e-6 * 50)) / (2 * 2e-6)
    (near,), (far,) = f.reaches(math.exp(5), START + 700, (0.5,)), f.reaches(math.exp(50), START + 700, (0.5,))
    assert near - START == pytest.approx(d5, abs=1) and far - START == pytest.approx(d50, abs=1)
    assert far > near + 2000  # no infinite horizon in finite time: a higher threshold is reached later


def test_the_logistic_form_never_reaches_a_threshold_above_its_ceiling():
    days = list(range(0, 1400, 100))
    lnK = math.log(1000)
    f = fitted("logistic", days, [lnK - math.log1p(math.exp(-0.01 * (d - 600))) for d in days])
    assert f.theta[0] == pytest.approx(lnK, abs=0.05)
    assert f.reaches(5000, START + 1300, (0.5,)) == [None]
    assert np.isnan(f.crossings(5000, START + 1300, 20)).all()


def test_the_crossing_dates_are_the_prediction_band_reaching_the_threshold_by_hand():
    # Three points a year apart about 2024-01-01, ln v = 0, 1.5, 2: OLS a = 3.5 / 3, b = 1 a year,
    # residuals -1/6, 1/3, -1/6, s^2 = (1/36 + 1/9 + 1/36) / 1, one degree of freedom.
    ref = D(2024, 1, 1).toordinal()
    f = growth.fit("exponential", [ref - 365.25, ref, ref + 365.25], np.exp([0.0, 1.5, 2.0]))
    a, b, s = 3.5 / 3, 1.0, math.sqrt(1 / 36 + 1 / 9 + 1 / 36)
    # The search starts at the newest point (t = 1). The median crosses ln v = 8 where a + b t = 8; the 5% date
    # is where the 95% quantile of a new model does: a + b t + t_95(1 df) s sqrt(1 + 1/3 + t^2 / 2) = 8, with
    # t_95(1 df) = tan(0.45 pi); at t = 1 that quantile is about 5.7, still below 8.
    t_mid = (8 - a) / b
    lo, hi = 1.0, t_mid
    for _ in range(60):  # bisection on the formula above
        m = (lo + hi) / 2
        over = a + b * m + math.tan(0.45 * math.pi) * s * math.sqrt(1 + 1 / 3 + m * m / 2) >= 8
        lo, hi = (lo, m) if over else (m, hi)
    assert 1.5 < lo < t_mid - 1
    early, mid = f.reaches(math.exp(8), ref + 365.25, (0.05, 0.5))
    assert mid == pytest.approx(ref + t_mid * 365.25, abs=0.5)
    assert early == pytest.approx(ref + lo * 365.25, abs=1)
    # a date never falls before the search's start: here the top of the band is above the threshold at once
    assert f.reaches(math.exp(2.5), ref + 365.25, (0.05,)) == [ref + 365.25]
    # n draws are the crossings at the levels (i + 0.5) / n
    assert list(f.crossings(math.exp(8), ref + 365.25, 2)) == pytest.approx(
        f.reaches(math.exp(8), ref + 365.25, (0.25, 0.75)))


def test_the_curve_coefficients_draw_the_same_curve():
    days = [0, 100, 200, 300, 400, 500, 600, 700]
    ln = [0.001 * d + (0.003 * (d - 300) if d > 300 else 0) + 1e-3 * (-1) ** (d // 100) for d in days]
    x = START + np.array([0.0, 250.0, 650.0, 900.0])
    for form in growth.FORMS:
        f = fitted(form, days, ln)
        assert growth.from_coefficients(f.coefficients(START), x - START) == pytest.approx(np.log(f.central(x)),
                                                                                           abs=1e-9)


def test_the_forms_mix_in_proportion_to_their_weights():
    draws = {"exponential": np.full(10, 1.0), "piecewise": np.full(10, 2.0), "logistic": np.array([])}
    mix = growth.mixture(draws, {"exponential": 0.25, "piecewise": 0.5, "logistic": 0.25}, 6000,
                         np.random.default_rng(0))
    # the logistic has no draws: the others keep their 1 : 2 proportion
    assert np.mean(mix == 1.0) == pytest.approx(1 / 3, abs=0.02) and set(mix) == {1.0, 2.0}
    assert np.isnan(growth.mixture(draws, {"logistic": 1.0}, 5, np.random.default_rng(0))).all()


def test_without_backtests_each_form_is_shown_apart_and_the_model_uses_the_parameter():
    assert growth.weights(None) is None
    fr = frames()
    del fr["forecasts:growth_form_scores"]
    h = M.headline(fr, params())
    assert h.text("forms_weighted").startswith("shown apart")
    assert "exponential form" in h.text("model_growth")
    table = h.tables["forms"].set_index("key")
    assert table.loc["exponential", "p_first"] == h.text("p_first")


def test_backtest_scores_from_the_forecast_ledger_weight_the_forms():
    scores = pd.DataFrame({"form": ["exponential", "piecewise", "logistic", "not a form"],
                           "log_score": [-1.0, -0.5, -2.0, -0.1], "weight": [0.0, 3.0, 1.0, 5.0], "n": [4, 4, 4, 4]})
    assert growth.weights(scores) == {"piecewise": 0.75, "logistic": 0.25}
    # All the weight on one form: the model's probability is that form's, and the page says so.
    only = pd.DataFrame({"form": ["piecewise"], "log_score": [-0.5], "weight": [1.0], "n": [6]})
    h = M.headline(frames(**{"forecasts:growth_form_scores": only}), params())
    assert h.text("forms_weighted") == "weighted by the forecasts chapter's backtests"
    assert h.text("p_first") == h.tables["forms"].set_index("key").loc["piecewise", "p_first"]
    # the thresholds table dates the time horizon's threshold by the model's draws, not the coding chapter's trend
    metr = h.tables["thresholds"].set_index("strand").loc["METR 50% time horizon"]
    assert metr.when == h.tables["forms"].set_index("key").loc["piecewise", "reaches"]
    assert h.text("forms_weight_finding") == (
        "The backtests give the piecewise form 100% of the weight, so the model's "
        "probabilities below are that form's alone, to the precision shown; the range in brackets after each is "
        "what the forms give one at a time. That form takes its fitted break as known: its dates leave out the "
        "doubt about when the break came, so probabilities that lean on it are surer than the data alone warrant, "
        "and the range across forms is the better guide")


def test_the_page_uses_the_forecasts_chapters_weights_and_says_how_sharp_they_are(latest):
    scores = _upstream(None)["forecasts:growth_form_scores"]
    top = scores.loc[scores.weight.idxmax()]
    share = top.weight / scores.weight.sum()
    assert latest.text("forms_weighted") == "weighted by the forecasts chapter's backtests"
    assert latest.text("forms_weight_finding").startswith(
        f"The backtests give the {top.form} form {100 * share:.1f}% of the weight (")
    assert latest.text("model_growth").startswith("the growth forms mixed by how well each would have forecast")
    # the range across the forms is still shown
    assert latest.tables["forms"].p_first.str.len().min() > 0
    for y in (2027, 2028):
        assert "across growth forms" in latest.text(f"p_{y}_range") or "every growth form" in latest.text(f"p_{y}_range")
    if top.form == "piecewise":  # what that form cannot see is said, and the first screen gives the range
        assert "takes its fitted break as known" in latest.text("forms_weight_finding")
    if latest.text("p_first_range").endswith("across growth forms"):
        assert latest.text("lede_probabilities").endswith(
            f"taken one at a time, give {latest.text('p_first_range').split(' across')[0]} for 2027")


def test_an_unknown_growth_form_is_refused():
    with pytest.raises(ValueError, match="growth_form must be one of"):
        M.headline(frames(), params(growth_form="cubic"))


# -- The common capability scale ------------------------------------------------------------------
def exact_data(seed: int = 0):
    """Scores generated from known capabilities (no noise), many tasks, and METR horizons on a known line."""
    rng = np.random.default_rng(seed)
    C = dict(zip([f"m{i}" for i in range(12)], np.linspace(-2, 2, 12)))
    bench = {"anchor": (0.0, 1.0, 0.0), "hard": (1.0, 1.5, 0.1), "easy": (-1.0, 0.8, 0.0)}
    rows = []
    for m, c in C.items():
        for b, (d, a, f) in bench.items():
            if rng.random() < 0.85:
                rows.append({"base_model": m, "benchmark": b, "share": f + (1 - f) / (1 + math.exp(-a * (c - d))),
                             "tasks": 5000.0, "floor": f})
    noise = rng.normal(0, 0.3, len(C))  # METR's horizons scatter about the line
    horizons = pd.DataFrame({"base_model": list(C), "minutes": np.exp(2.0 * np.array(list(C.values())) + 3.0 + noise)})
    return cap.Data(pd.DataFrame(rows), horizons), C


def test_the_fit_recovers_known_capabilities_and_the_horizon_mapping():
    data, truth = exact_data()
    fit = cap.fit(data, anchor="anchor", ridge=1e-6)
    got = dict(zip(fit.models, fit.C))
    assert max(abs(got[m] - c) for m, c in truth.items()) < 0.05  # the scores, with many tasks, pin C
    assert (fit.a, fit.c) == (pytest.approx(2.0, abs=0.3), pytest.approx(3.0, abs=0.3))
    assert fit.sigma == pytest.approx(0.3, abs=0.15)
    hard = fit.benchmarks.index("hard")
    assert (fit.D[hard], fit.alpha[hard]) == (pytest.approx(1.0, abs=0.05), pytest.approx(1.5, abs=0.05))
    lobo = cap.leave_one_out(data, fit, anchor="anchor", ridge=1e-6, min_benchmarks=2)
    assert (lobo.rmse_points < 1).all()  # exact data: each benchmark is predicted from the others


def test_the_informative_range_is_where_the_expected_score_lies_between_2_and_98_percent():
    data, _ = exact_data()
    fit = cap.fit(data, anchor="anchor", ridge=1e-6)
    r = fit.informative({"anchor": 0.0}).set_index("benchmark").loc["anchor"]
    # sigma(C) = 0.02 and 0.98 at C = -ln(49) and ln(49), anchor D = 0 and alpha = 1.
    assert (r.capability_low, r.capability_high) == (pytest.approx(-math.log(49)), pytest.approx(math.log(49)))


def test_thin_overlap_shows_the_matrix_and_says_so():
    data = cap.Data(pd.DataFrame({"base_model": ["a", "b", "c", "d"], "benchmark": ["x", "x", "y", "y"],
                                  "share": [0.1, 0.2, 0.3, 0.4], "tasks": [10.0] * 4, "floor": [0.0] * 4}),
                    pd.DataFrame({"base_model": ["a"], "minutes": [10.0]}))
    matrix = cap.overlap(data)
    assert matrix.loc["x", "y"] == 0 and matrix.loc["x", "metr"] == 1 and matrix.loc["x", "x"] == 2
    keep, dropped = cap.usable(data, 3)
    assert keep == [] and len(dropped) == 3


def test_the_page_fits_the_scale_only_where_benchmarks_overlap(latest):
    matrix = latest.tables["overlap"]
    assert (matrix.values == matrix.values.T).all()
    if latest["mosaic_capability_benchmarks"].value is None:
        assert "too thin" in latest.text("eci_verdict")
    else:
        assert latest.value("mosaic_capability_benchmarks") >= 3
        assert latest.value("mosaic_capability_lobo_points") > 0
        models = latest.tables["capability_models"].set_index("base_model")
        # The scale orders models as METR's horizons do at the ends: GPT-4o below Claude Opus 4.6.
        assert models.loc["GPT-4o", "capability"] < models.loc["Claude Opus 4.6", "capability"]


def test_systems_map_to_base_models_in_one_table():
    rows = {r["system"]: r["base_model"] for r in csv.DictReader((ROOT / "data" / "mosaic" / "systems.csv").open())}
    assert rows["CORE-Agent + Claude Opus 4.1 High (August 2025)"] == "Claude Opus 4.1"
    assert rows["Claude Code + Opus 4.6"] == rows["Claude Code + Claude Opus 4.6"] == "Claude Opus 4.6"
    assert rows["AIDE + gpt-4o-2024-08-06 (24h budget)"] == "GPT-4o (2024-08-06)" != rows["GPT-4o"]
    assert rows["BasicAgent + claude-3.5-sonnet"] == ""  # which Claude 3.5 Sonnet is not stated
    assert rows["R&D-Agent + o3 + GPT-4.1 (24h budget)"] == ""  # two models
    assert rows["HAL Generalist Agent + DeepSeek R1 (May 2025)"] != rows["CORE-Agent + DeepSeek R1 (January 2025)"]
    # Every name the common scale reads is in the table (mapped, or mapped to nothing on purpose).
    up = _upstream(None)
    entries = up["replication:entries"]
    tracks = {"CORE-Bench Hard, automated grading", "MLE-bench, all competitions", "PaperBench, 20-paper launch set"}
    read = set(entries[entries.track.isin(tracks) & entries.status.isin(["counted", "set a record"])].system)
    read |= set(up["coding:metr_models"].model)
    swe = up["coding:swe_scores"]
    read |= set(swe[swe.split == "Verified"].model.dropna())
    assert read - set(rows) == set()


# -- Tables and words ----------------------------------------------------------------------------
def test_clark_is_read_from_the_forecasts_data(latest):
    rows = load("forecasts", ROOT)
    found = M.clark_forecasts(rows)
    assert {y: f["value"] for y, f in found.items()} == {2027: "30%", 2028: "60%+"}
    assert found[2027]["made"] == "2026-05-04"
    # the page reads them as the alignment clock publishes them, never the data file
    assert (latest.text("clark_first"), latest.text("clark_last"), latest.text("clark_made")) == \
        ("30%", "60%+", "2026-05-04")
    assert "forecasts" not in chapter_sources.read(ROOT / "chapters" / "mosaic.md").datasets


def test_each_public_forecast_keeps_its_own_event(latest):
    table = latest.tables["comparison"]
    assert table.who.iloc[0] == "This page's model"
    lifland = table[table.who == "Eli Lifland (AI 2027 Timelines Forecast)"].iloc[0]
    assert (lifland.event, lifland.value) == ("superhuman coder (SC) - all-things-considered", "median year")
    forecasters = set(load("forecasts", ROOT).forecaster)
    missing = [w for w in defaults("mosaic")["compare"] if not any(w in f for f in forecasters)]
    assert latest.text("comparison_missing") == ("Every forecaster listed has a row in the forecasts data" if not missing
                                                 else "No row yet in the forecasts data for: " + "; ".join(missing))


def test_the_scoreboard_has_a_row_per_strand_with_its_view_and_link(latest):
    board = latest.tables["scoreboard"].set_index("strand")
    strands = list(csv.DictReader((ROOT / "data" / "mosaic" / "strands.csv").open()))
    assert list(board.index) == [r["label"] for r in strands]
    for r in strands:
        row = board.loc[r["label"]]
        assert row.view == r["view"] and row.href == f"{r['chapter']}.html#{r['section']}"
    assert board.loc["RE-Bench", "status"].startswith("no series: one dated comparison (2024-11-22): the best agents "
                                                      "scored 4×")
    assert "vendor-reported only" in board.loc["Training-code speedup", "status"]
    assert board.loc["METR 50% time horizon", "threshold"] == "167 hours"
    assert board.loc["METR 50% time horizon", "threshold_source"] == "Kwa et al. (METR)"
    assert board.loc["PostTrainBench v1", "threshold_source"] == "Rank et al. (arXiv 2603.08640)"


def test_the_four_views_say_where_evidence_is_missing(latest):
    views = latest.tables["views"].set_index("view")
    assert list(views.index) == ["model", "researcher", "lab", "economy"]
    # METR's 2025 trial: 19% more time with AI, believed to have saved 20% (data/economy/researcher_uplift.csv).
    assert "19% more time" in views.loc["researcher", "says"] and "20% less" in views.loc["researcher", "says"]
    assert "vendor-reported only" in views.loc["lab", "says"]
    early = M.headline(frames(D(2024, 6, 30)), params(D(2024, 6, 30))).tables["views"].set_index("view")
    assert early.loc["lab", "says"] == "no public evidence in the book"


def test_every_objection_names_evidence_and_what_would_settle_it(latest):
    table = latest.tables["objections"]
    assert len(table) == len(load("mosaic_objections", ROOT)) == 6
    assert table.evidence.str.len().min() > 20 and table.settles.str.len().min() > 20
    # Each objection's settling observation is the forecast ledger's row named in data/mosaic/objections.csv.
    ledger = {r["id"]: r for r in csv.DictReader((ROOT / "data" / "forecasts" / "ledger.csv").open())}
    own = {r["title"]: r for r in csv.DictReader((ROOT / "data" / "mosaic" / "objections.csv").open())}
    for row in table.itertuples():
        recorded = ledger[own[row.objection]["forecast_id"]]
        assert (row.settles, row.resolve_by) == (recorded["target"], recorded["resolve_by"])
        assert row.status == "open"  # none resolves before 2027
    assert latest.text("objections_ledger") == "The settling observations come from the forecast ledger, which scores them"
    slop = table[table.objection == "Agents degrade over long iterative work"].iloc[0]
    assert "80% horizon" in slop.evidence


def test_the_forecast_ledgers_observations_replace_the_pages_own():
    ledger = pd.DataFrame({"objection": ["compute"], "observation": ["A dated compute series"],
                           "resolve_by": ["2027-12-31"], "forecast_id": ["objection-compute-and-power"],
                           "status": ["open"]})
    h = M.headline(frames(**{"forecasts:objection_observations": ledger}), params())
    table = h.tables["objections"].set_index("objection")
    row = table.loc["Compute and power as the binding constraint"]
    assert (row.settles, row.resolve_by, row.status) == ("A dated compute series", "2027-12-31", "open")
    own = {r["title"]: r for r in csv.DictReader((ROOT / "data" / "mosaic" / "objections.csv").open())}
    taste = table.loc["Research taste"]  # not in this ledger: the page's own words, and it says so
    assert (taste.settles, taste.status) == (own["Research taste"]["settles"], "not yet in the forecast ledger")
    assert h.text("objections_ledger").startswith("The settling observations of 1 of the 6 objections come from")


def test_an_unknown_evidence_key_is_refused():
    with pytest.raises(ValueError, match="unknown evidence key 'nope'"):
        M.evidence_text("nope", frames(), M.Headline())


# -- Figures, thin data -------------------------------------------------------------------------
def test_published_figures_are_the_mosaics_own(latest):
    published = [f for f in latest.figures if f.publish]
    assert all(f.key.startswith("mosaic_") for f in published)
    for key in ("mosaic_p_2027", "mosaic_p_2028", "mosaic_on_course_2027", "mosaic_on_course_2028",
                "mosaic_months_metr", "mosaic_months_core_auto", "mosaic_newest_data"):
        assert latest[key].publish
    assert latest.value("mosaic_on_course_2027") <= latest.value("mosaic_on_course_2028") <= \
        latest.value("mosaic_strands_with_threshold")


@pytest.mark.parametrize("as_of", [D(2023, 6, 30), D(2024, 6, 30)])
def test_thin_data_says_so_instead_of_failing(as_of):
    h = M.headline(frames(as_of), params(as_of))
    assert h.text("mosaic_p_2027") == f"not enough data before {as_of.isoformat()}"
    assert h.text("lede_probabilities").startswith("Too few strands can be projected yet")
    assert h.text("clark_first") == "no forecast yet"
    assert all(f.as_of is None or f.as_of <= as_of for f in h.figures)
    assert plot.forms(h).empty and plot.capability(h).empty
    assert not plot.progress(h).empty or h.tables["progress"].empty


# -- Charts ---------------------------------------------------------------------------------------
def spec(c):
    return c.chart.to_dict()


def test_the_shared_scale_chart_switches_its_axis_and_draws_bands(latest):
    c = plot.progress(latest)
    s = json.dumps(spec(c))
    assert '"name": "axis_mode"' in s and '"options": ["date", "months"]' in s
    assert "axis_mode == 'date' ? datum.year : 12 * (datum.year - datum.began)" in s
    assert set(c.data) == {"mosaic-progress", "mosaic-projections", "mosaic-eras"}
    points = c.data["mosaic-progress"]
    assert {"value", "date", "system", "source"} <= set(points.columns)
    metr = points[points.key == "metr"].iloc[-1]
    assert metr.threshold == "167 hours" and metr.value == "17 hours"
    assert c.finding == latest.text("progress_finding")


def test_each_chart_names_its_finding_and_sources(latest):
    for c in (plot.progress(latest), plot.forms(latest), plot.capability(latest), plot.ranges(latest)):
        if c.empty:
            continue
        assert c.finding and c.description and c.sources and c.data
        assert "tooltip" in json.dumps(spec(c))


# -- One new row, end to end ------------------------------------------------------------------------
CORE_ROW = ('2026-01-20,2026-01-20,CORE-Bench,"Hard, HAL leaderboard",CORE-Agent + Some model,'
            "agent: Princeton; model: Some lab,\"CORE-Bench Hard accuracy (HAL leaderboard)\",91.11,% of tasks solved,"
            ",none reported,leaderboard (HAL),,trace upload date,hal-corebench-hard,A row added by the test\n")


def test_a_new_core_bench_row_reexecutes_replication_forecasts_and_the_mosaic_only_and_moves_its_figures(built_copy):
    figures = lambda: {f["key"]: f for f in json.loads((built_copy / "_build" / "html" / "figures.json").read_text())}
    before = figures()
    assert "projected" in before["mosaic_months_core_auto"]["text"]
    with (built_copy / "data" / "replication" / "core_bench.csv").open("a") as f:
        f.write(CORE_ROW)
    proc = run_build(built_copy)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    plan = proc.stdout.split("Plan:")[1].split("Executed")[0]
    # The forecasts chapter reads CORE-Bench itself (its saturation backtest), and the mosaic reads both.
    assert "replication: execute (data/replication/core_bench.csv changed)" in plan
    assert "forecasts: execute (data/replication/core_bench.csv changed)" in plan
    assert "mosaic: after replication, forecasts, if what they publish changes" in plan
    for other in ("coding", "kernels", "economy", "claims", "alignment_clock"):
        assert f"{other}: up to date" in plan
    ran = [line.split("] ")[1].split(":")[0] for line in proc.stdout.splitlines() if line.strip().startswith("[")]
    assert ran == ["replication", "forecasts", "mosaic"]
    after = figures()
    # 91.11% on 2026-01-20 passes 90% of CORE-Bench Hard's ceiling: reached, 16 months after 2024-09-17.
    assert after["mosaic_months_core_auto"]["value"] == round((D(2026, 1, 20) - D(2024, 9, 17)).days / MONTH, 1)
    assert after["mosaic_months_core_auto"]["text"].endswith("(observed)")
    assert after["mosaic_newest_data"]["value"] == before["mosaic_newest_data"]["value"]  # a June 2026 row stays newest
    page = (built_copy / "_build" / "html" / "chapters" / "mosaic.html").read_text()
    assert "16 (observed, January 2026)" in page  # the scoreboard's row for CORE-Bench Hard, automated grading


def test_the_strand_keys_the_data_may_use_are_the_ones_the_chapter_reads():
    from mosaic.analyses.replication import TRACKS
    from mosaic.catalogue.mosaic import EVIDENCE, STRAND_KEYS

    assert {t.key for t in TRACKS} <= set(STRAND_KEYS)
    assert {r["strand"] for r in csv.DictReader((ROOT / "data" / "mosaic" / "strands.csv").open())} == set(STRAND_KEYS)
    for key in EVIDENCE:  # each has its words (an unknown key would raise)
        assert M.evidence_text(key, frames(), M.headline(frames(), params()))


def test_the_landing_chapter_builds_at_early_dates(tmp_path):
    """`--as-of 2023-06-30` and `2024-06-30` build the landing chapter and the chapters it reads end to end.

    The alignment clock is left out of this copy (with the strand that reads it): it cannot yet build before
    2026, which is its own matter, and the landing page must not hide its own thin-data behaviour behind it.
    """
    import os
    import subprocess
    import sys

    from mosaic.pipeline.project import copy_project

    root = copy_project(ROOT, tmp_path / "book")
    keep = ["coding", "replication", "kernels", "economy", "forecasts"]
    (root / "_toc.yml").write_text("format: jb-book\nroot: chapters/mosaic\nchapters:\n"
                                   + "".join(f"- file: chapters/{c}\n" for c in keep))
    md = root / "chapters" / "mosaic.md"
    md.write_text(md.read_text().replace("chapters: [coding, replication, kernels, economy, alignment_clock, forecasts]",
                                         "chapters: [coding, replication, kernels, economy, forecasts]")
                  .replace("[The claims, checked](claims) · ", "").replace(" · [The alignment clock](alignment_clock)", ""))
    env = dict(os.environ, PYTHONPATH=str(root / "scripts"))
    for as_of in ("2023-06-30", "2024-06-30"):
        proc = subprocess.run([sys.executable, "-m", "mosaic", "build", "--as-of", as_of], cwd=root, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        page = (root / "_build" / "html" / "chapters" / "mosaic.html").read_text()
        assert "Too few strands can be projected yet" in page and f"As of <strong>{as_of}</strong>" in page
        figures = [f for f in json.loads((root / "_build" / "html" / "figures.json").read_text())
                   if f["chapter"] == "mosaic"]
        assert figures and all(f["as_of"] is None or f["as_of"] <= as_of for f in figures)
        assert {f["key"]: f["value"] for f in figures}["mosaic_p_2027"] is None


def test_a_probabilitys_value_lies_in_its_range_across_forms(latest):
    for y in (2027, 2028):
        f = latest[f"mosaic_p_{y}"]
        if f.ci:
            assert f.ci[0] <= f.value <= f.ci[1]
        if "at most" in f.text:  # an upper bound is rounded up, never down
            assert float(f.text.removeprefix("at most ").rstrip("%")) >= f.value
