"""The coding chapter's headline: METR's trend and its caveats, vintages, thin data, and SWE-bench like with like."""
from __future__ import annotations

import csv
import datetime as dt
import re
import statistics

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import ROOT, run_build
from mosaic.analyses import coding as c
from mosaic.analyses import trends
from mosaic.book.plots import coding as plot
from mosaic.catalogue.schema import ValidationError
from mosaic.catalogue.tables import load
from mosaic.pipeline.validate import validate_all

PARAMS = {"as_of": None, "suite": "TH1.1", "window_start": "2023-01-01", "ci_level": 0.95, "cap_hours": 16,
          "thresholds_hours": {"a work-week": 40, "a work-month": 167},
          "sensitivity_starts": ["2019-01-01", "2023-01-01", "2024-01-01", "2025-01-01"], "swe_split": "Verified",
          "n_boot": 400, "seed": 0}
DATASETS = ("metr_horizons", "metr_doubling", "metr_revisions", "swe_bench", "claims", "sources")
D = dt.date
CSV = ROOT / "data" / "coding"
RAW = CSV / "raw" / "metr_benchmark_results_1_1__IAPS-AI_c59c78b.yaml"


def frames(as_of=None):
    return {n: load(n, ROOT, as_of) for n in DATASETS}


def headline(as_of=None, **params):
    return c.headline(frames(as_of), {**PARAMS, "as_of": as_of, **params})


@pytest.fixture(scope="module")
def latest():
    return headline()


def raw_rows(name):
    with (CSV / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def by_hand_frontier(points, start, cap=960.0):
    """METR's frontier rule written out: (date, minutes) pairs at least as long as any released on or before."""
    kept, best = [], -1.0
    for day in sorted({d for d, _ in points if d >= start}):
        today = [v for d, v in points if d == day and v <= cap]
        if not today:
            continue
        best = max(best, max(today))
        kept += [(day, v) for v in today if v >= best]
    return kept


def yaml_points():
    results = yaml.safe_load(RAW.read_text())["results"]
    return [(v["release_date"], v["metrics"]["p50_horizon_length"]["estimate"]) for v in results.values()]


# -- The one METR doubling time, and what other chapters read --------------------------------------------------
def test_the_books_doubling_time_is_metrs_own_fit(latest):
    f = latest["metr_doubling_days"]
    assert f.value == pytest.approx(128.744, abs=0.05)  # METR's data file: doubling_time_in_days.from_2023_on
    assert f.ci[0] < f.value < f.ci[1] and f.ci_level == 0.95
    assert f.text == "129 days" and latest.text("metr_doubling_interval") == f"{f.ci[0]:.0f} to {f.ci[1]:.0f} days"
    assert f.as_of == D(2026, 3, 3)  # the newest publication among the fitted models (METR's fix)


def test_metrs_published_interval_is_shown_beside_ours(latest):
    metr = latest["metr_published_doubling_days"]
    assert (metr.value, metr.ci) == (128.744, (104.428, 158.012))  # as in METR's data file
    assert metr.as_of == D(2026, 5, 8) and latest.text("metr_published_interval") == "104 to 158 days"


def test_the_frontier_output_is_the_contract_other_chapters_read(latest):
    out = latest.outputs["metr_frontier"]
    assert list(out.columns) == ["model", "release_date", "p50_minutes", "p50_ci_low_minutes", "p50_ci_high_minutes"]
    assert out.release_date.tolist() == sorted(out.release_date)
    expected = by_hand_frontier([(r[0], r[1]) for r in yaml_points()], D(2023, 1, 1))
    assert [(dt.date.fromisoformat(d), v) for d, v in zip(out.release_date, out.p50_minutes)] == sorted(expected)
    # METR flags the same fourteen models as its frontier.
    flagged = [r["model"] for r in raw_rows("metr_time_horizons.csv")
               if r["suite"] == "TH1.1" and r["metr_frontier_p50"] == "yes" and r["release_date"] >= "2023"
               and float(r["p50_minutes"]) <= 960]
    assert sorted(out.model) == sorted(flagged) and len(out) == 14


def test_the_replicates_output_is_the_central_fit_then_every_replicate(latest):
    out = latest.outputs["metr_trend_replicates"]
    assert list(out.columns) == ["replicate", "slope_per_day", "intercept"]
    assert out.replicate.tolist() == list(range(-1, PARAMS["n_boot"]))
    front = sorted(by_hand_frontier([(r[0], r[1]) for r in yaml_points()], D(2023, 1, 1)))
    slope, intercept = np.polyfit([d.toordinal() for d, _ in front], np.log([v for _, v in front]), 1)
    assert out.iloc[0].slope_per_day == pytest.approx(slope, rel=1e-9)
    assert out.iloc[0].intercept == pytest.approx(intercept, rel=1e-9)
    # A reader of the replicates gets the page's interval back.
    reps = out[out.replicate >= 0].slope_per_day
    lo, hi = np.quantile(np.log(2) / reps[reps > 0], [0.025, 0.975])
    assert (round(lo, 1), round(hi, 1)) == latest["metr_doubling_days"].ci


def test_one_published_value_of_the_doubling_time(latest):
    published = [f for f in latest.figures if f.publish and "doubling_days" in f.key]
    assert sorted(f.key for f in published) == ["metr_doubling_days", "metr_published_doubling_days"]


# -- METR's caveats, computed ---------------------------------------------------------------------------------
def test_thresholds_beyond_the_ceiling_are_labelled_extrapolations(latest):
    marks = latest.tables["thresholds"].set_index("threshold")
    assert marks.loc["a work-week", "beyond_ceiling"] and "extrapolation" in marks.loc["a work-week", "reading"]
    assert latest["metr_workweek_date"].note.startswith("extrapolation")
    trend = trends.fit_exponential(synthetic(100.0), n_boot=50)
    flags = c.thresholds(trend, {"an hour": 1, "a day": 24}, cap_hours=16).beyond_ceiling.tolist()
    assert flags == [False, True]


def test_cotras_threshold_comes_from_the_claims_data(latest):
    marks = latest.tables["thresholds"].set_index("threshold")
    assert marks.loc["Cotra's forecast", "hours"] == 100  # claims.csv metr_forecast: 6000 minutes
    f = frames()
    f["claims"] = f["claims"].copy()
    f["claims"].loc[f["claims"].claim_id == "metr_forecast", "claimed_low"] = 3000.0
    moved = c.headline(f, PARAMS).tables["thresholds"].set_index("threshold")
    assert moved.loc["Cotra's forecast", "hours"] == 50
    # Cotra wrote it on 2026-03-05: a page as of the day before has no such threshold.
    before = headline(D(2026, 3, 4)).tables["thresholds"]
    assert "Cotra's forecast" not in set(before.threshold)
    assert headline(D(2026, 3, 4)).text("metr_trend_at_cotra_date") == "not enough data before 2026-03-04"


def test_the_sensitivity_table_varies_the_window(latest):
    table = latest.tables["sensitivity"].set_index("window_start")
    points = [(r[0], r[1]) for r in yaml_points()]
    for start in PARAMS["sensitivity_starts"]:
        assert table.loc[start, "models"] == len(by_hand_frontier(points, dt.date.fromisoformat(start)))
    assert table.loc["2023-01-01", "doubling_days"] == latest.value("metr_doubling_days")
    assert table.loc["2019-01-01", "doubling_days"] == pytest.approx(187.778, abs=0.05)  # METR's stitched series
    assert "stitched: 3 TH1.0 values" in table.loc["2019-01-01", "note"]
    assert table.loc["2024-01-01", "doubling_days"] == pytest.approx(102.2, abs=0.05)  # evidence pack's 102.2


def test_80_percent_horizons_stand_beside_the_50_percent_ones(latest):
    table = latest.tables["frontier"].set_index("model")
    assert table.loc["Claude Opus 4.6", ["p50", "p80"]].tolist() == ["12 hours", "1.2 hours"]  # 718.8 and 69.9 min
    assert latest.value("metr_latest_p80_minutes") == 185.9  # Mythos Preview: 3.0985 h quoted, 185.91 min
    assert latest.value("metr_latest_p50_minutes") == 1044.8
    assert latest.text("metr_latest_reading") == "above METR's 16-hour ceiling, so outside the fit"


def test_the_reproduction_table_matches_metrs_data_file(latest):
    table = latest.tables["against_metr"]
    current = table[table.from_the_file].set_index(["suite", "series"])
    assert current.metr_doubling_days.to_dict() == {
        ("TH1.0", "all_time"): 201.15, ("TH1.0", "from_2023_on"): 175.603,
        ("TH1.1", "all_time_stitched"): 187.778, ("TH1.1", "from_2023_on"): 128.744}
    assert (current.doubling_days - current.metr_doubling_days).abs().max() < 0.001


# -- Vintages: what was public on the date ---------------------------------------------------------------------
def test_between_the_first_posting_and_the_fix_the_page_uses_the_first_posting():
    h = headline(D(2026, 2, 25))
    assert h.text("metr_latest_model") == "Claude Opus 4.6"
    assert h.value("metr_latest_p50_minutes") == 870.0  # 870.03 min, first posted 2026-02-20
    assert h["metr_latest_p50_minutes"].as_of == D(2026, 2, 20)
    assert 870.03 in set(h.outputs["metr_frontier"].p50_minutes)
    # METR's own figure then was its launch post's, before the fix.
    assert (h.value("metr_published_doubling_days"), h["metr_published_doubling_days"].ci) == (130.8, (107.0, 161.0))
    assert h.text("revision_example") == "None of the values held here had been revised by this date"


def test_after_the_fix_the_page_uses_the_corrected_value():
    h = headline(D(2026, 3, 5))
    assert h.value("metr_latest_p50_minutes") == 718.8
    assert h.text("revision_example").startswith("Claude Opus 4.6 was first posted at ~14.5 h")


def test_a_model_released_before_the_date_but_published_after_it_is_not_seen():
    h = headline(D(2026, 4, 1))  # GPT-5.4: released 2026-03-05, added to METR's page 2026-04-10
    assert "GPT-5.4" not in set(h.tables["horizons"].model)
    assert "GPT-5.4" in set(headline(D(2026, 4, 10)).tables["horizons"].model)


def test_the_revision_log_agrees_with_the_vintages_of_the_horizons():
    horizons = raw_rows("metr_time_horizons.csv")
    for r in raw_rows("metr_revisions.csv"):
        match = [h for h in horizons if (h["model"], h["suite"], h["published"]) == (r["model"], r["suite"],
                                                                                     r["published"])]
        assert len(match) == 1, r
        assert float(match[0]["p50_minutes"]) == pytest.approx(float(r["p50_minutes"]), abs=0.005)


# -- New data addable as published ----------------------------------------------------------------------------
def test_rows_from_outside_the_data_file_are_marked_and_say_whether_the_fit_uses_them(latest):
    added = latest.tables["added"].set_index("model")
    assert added.loc["GPT-5.6 Sol", ["origin", "suite", "used"]].tolist() == [
        "METR blog", "not stated", "no: its source does not state the suite"]
    assert added.loc["Claude Mythos Preview (early)", "used"] == "no: above the 16-hour ceiling"
    early = headline(D(2026, 2, 25)).tables["added"]
    opus = early[early.model == "Claude Opus 4.6"].iloc[0]
    assert (opus.origin, opus.used) == ("METR page", "yes: on the frontier")


def append(project, name, line):
    with (project / "data" / "coding" / name).open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def test_a_blog_row_needs_only_what_a_blog_publishes(project):
    append(project, "metr_time_horizons.csv",
           "New model,,Some lab,2026-08-01,,METR blog,,2026-08-10,900,,,,,,,metr-gpt-5-6-sol,")
    assert validate_all(project).problems == []


def test_a_data_file_row_must_carry_the_files_columns(project):
    append(project, "metr_time_horizons.csv",
           "New model,new_key,Some lab,2026-08-01,TH1.1,METR data file,TH1.1 file,2026-08-10,900,500,1500,,,,yes,"
           "metr-th-1-1,")
    line = len(raw_rows("metr_time_horizons.csv")) + 2
    assert validate_all(project).problems == [
        f"data/coding/metr_time_horizons.csv:{line}: column 'p80_minutes': is empty (a value from METR's data file "
        "carries it)"]


def test_every_coding_csv_names_its_source_and_carries_no_urls():
    sources = {r["source_id"]: r for r in csv.DictReader((ROOT / "data" / "sources.csv").open())}
    for name in ("metr_time_horizons.csv", "metr_doubling_times.csv", "metr_revisions.csv", "swe_bench.csv"):
        rows = raw_rows(name)
        assert not {"source_url", "source_tier", "source_type"} & set(rows[0]), name
        assert all(r["source_id"] in sources for r in rows), name


# -- Thin data ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("as_of", [D(2023, 6, 30), D(2024, 6, 30), D(2025, 6, 30)])
def test_thin_data_says_so_instead_of_failing(as_of):
    h = headline(as_of)
    gone = f"not enough data before {as_of.isoformat()}"
    assert h.text("metr_doubling_days") == gone and h["metr_doubling_days"].note.endswith("a trend needs 3")
    assert h.text("metr_published_doubling_days") == gone and h.text("metr_workweek_date") == gone
    assert h.outputs["metr_trend_replicates"].empty and h.outputs["metr_frontier"].empty
    assert plot.horizons(h).empty == "" and plot.swe_gaps(h).empty  # the points still draw; no gap yet
    for f in h.figures:
        if f.publish and f.as_of is not None:
            assert f.as_of <= as_of, f.key


def test_thin_data_before_any_swe_bench_result():
    h = headline(D(2023, 6, 30))
    assert h.text("swe_vendor_gap") == "not enough data before 2023-06-30"
    assert plot.swe(h).empty and h.tables["swe_records"].empty


def test_no_interval_has_zero_width_and_numbers_are_rounded(latest):
    for f in latest.figures:
        if f.ci is not None:
            assert f.ci[0] < f.ci[1], f.key
        assert not re.search(r"\de[+-]?\d", f.text), f.key
    assert c.duration_interval(60.4, 60.6, 60.5) == "1.007 to 1.010 hours"
    assert c.days_interval(128.2, 128.4) == "128.2 to 128.4 days"


# -- SWE-bench: like with like ---------------------------------------------------------------------------------
def test_the_vendor_gap_is_taken_per_model(latest):
    # Each model's vendor score and its independent runs, from the rows of swe_bench.csv.
    pairs = {"Claude 3.7 Sonnet": (62.3, [60.95]), "Claude Opus 4": (72.5, [70.66]),
             "GPT-5": (74.9, [68.8, 71.49, 73.55]), "Claude Sonnet 4.5": (77.2, [71.28]),
             "Gemini 3 Pro": (76.2, [72.93]), "Claude Opus 4.5": (80.9, [76.65]), "GPT-5.2": (80.0, [73.76]),
             "Claude Opus 4.6": (80.8, [75.62, 78.72]), "Gemini 3.1 Pro": (80.6, [75.62])}
    gaps = {m: v - statistics.median(runs) for m, (v, runs) in pairs.items()}
    table = latest.tables["swe_gaps"].set_index("model")
    assert table.gap.to_dict() == pytest.approx(gaps, abs=0.005)
    assert latest.value("swe_vendor_gap") == round(statistics.median(gaps.values()), 1) == 3.6
    assert latest.value("swe_gap_models") == 9
    assert latest.text("swe_gap_range") == "from 1.4 points (Claude 3.7 Sonnet) to 6.2 points (GPT-5.2)"
    # The old figure subtracted different models: Mythos Preview's 93.9 (vendor) minus Opus 4.6's 78.72.
    assert latest.value("swe_vendor_gap") != pytest.approx(93.9 - 78.72, abs=0.1)


def test_the_gap_never_pairs_different_models():
    rows = pd.DataFrame({
        "date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]),
        "published": pd.to_datetime([None, None, None, None]),
        "model": ["A", "B", "B", "C"], "split": "Verified", "percent_resolved": [90.0, 80.0, 85.0, 70.0],
        "reported_by": ["vendor", "independent", "vendor", "independent"],
        "measured_by": [None, "Epoch AI", None, "Vals AI"], "source_id": ["s1", "s2", "s3", "s4"],
        "source_title": ["t1", "t2", "t3", "t4"]})
    gaps = c.vendor_gaps(rows, "Verified")
    assert gaps[["model", "gap"]].values.tolist() == [["B", 5.0]]  # not 90 - 80 (A's vendor minus B's run)


# -- The running record (best so far) --------------------------------------------------------------------------
def record_rows(rows):
    return pd.DataFrame({"date": pd.to_datetime([r[0] for r in rows]), "split": [r[1] for r in rows],
                         "percent_resolved": [r[2] for r in rows], "reported_by": [r[3] for r in rows],
                         "system": [f"s{i}" for i in range(len(rows))]})


def test_the_record_only_rises_and_ignores_what_is_not_a_leaderboard_result():
    rows = record_rows([
        ("2024-01-01", "Lite", 10.0, "leaderboard"),
        ("2024-02-01", "Lite", 8.0, "leaderboard"),     # lower: not a record
        ("2024-03-01", "Lite", 12.0, "leaderboard"),
        ("2024-03-01", "Lite", 15.0, "leaderboard"),     # same day, higher: the record
        ("2024-04-01", "Lite", 40.0, "vendor"),          # a vendor claim never sets the record
        ("2024-05-01", "Lite", 14.0, "leaderboard"),     # lower again
        ("2024-06-01", "Lite", 15.0, "leaderboard"),     # a tie is not a new record
        ("2024-07-01", "Lite", 20.0, "paper"),           # a paper counts
        ("2024-01-15", "Verified", 12.0, "leaderboard"),  # the same value on another split is its own record
        ("2024-02-15", "Verified", 15.0, "leaderboard"),
        ("2024-03-15", "Full subset", 99.0, "leaderboard"),  # a subset is not a split
    ])
    out = c.best_so_far(rows)
    assert out[["split", "date", "best"]].values.tolist() == [
        ["Lite", "2024-01-01", 10.0], ["Lite", "2024-03-01", 15.0], ["Lite", "2024-07-01", 20.0],
        ["Verified", "2024-01-15", 12.0], ["Verified", "2024-02-15", 15.0]]


def test_the_record_on_the_real_data_is_the_running_maximum():
    swe = load("swe_bench", ROOT)
    out = c.best_so_far(swe)
    for split in ("Full", "Lite", "Verified"):
        mine = out[out.split == split]
        assert mine.best.is_monotonic_increasing and mine.best.is_unique
        rows = [(r["date"], float(r["percent_resolved"])) for r in raw_rows("swe_bench.csv")
                if r["split"] == split and r["reported_by"] in ("leaderboard", "paper")]
        best, expected = -1.0, []
        for day in sorted({d for d, _ in rows}):
            top = max(v for d, v in rows if d == day)
            if top > best:
                best = top
                expected.append((day, top))
        assert list(zip(mine.date, mine.best)) == expected


def test_swe_bench_best_scores_come_from_the_right_rows(latest):
    rows = raw_rows("swe_bench.csv")
    vendor = max(float(r["percent_resolved"]) for r in rows if r["split"] == "Verified" and r["reported_by"] == "vendor")
    independent = max(float(r["percent_resolved"]) for r in rows
                      if r["split"] == "Verified" and r["reported_by"] == "independent")
    assert (latest.value("swe_verified_best_vendor"), latest.value("swe_verified_best_independent")) == (
        vendor, independent) == (93.9, 78.72)


# -- End to end: the chapter builds on thin data ---------------------------------------------------------------
def synthetic(doubling, n=12):
    dates = pd.date_range("2023-01-01", periods=n, freq="90D")
    value = 5 * 2 ** ((dates - dates[0]).days.to_numpy() / doubling)
    return pd.DataFrame({"release_date": dates, "p50_minutes": value, "p50_ci_low_minutes": value / 2,
                         "p50_ci_high_minutes": value * 2})


@pytest.mark.parametrize("as_of", ["2023-06-30", "2024-06-30"])
def test_the_chapter_builds_on_an_early_date(project, as_of):
    (project / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n- file: chapters/coding\n")
    (project / "index.md").write_text("# Mosaic\n\n[Coding](chapters/coding)\n")
    proc = run_build(project, "--as-of", as_of)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (project / "_build" / "html" / "chapters" / "coding.html").read_text()
    assert f"not enough data before {as_of}" in page
    assert "Some sources do not date when they published each value (METR time horizons: 3 rows" in page


def test_the_forecasts_output_holds_the_trends_threshold_dates_for_the_ledger(latest):
    """What make release enters into the forecast ledger: the central date and the 5% and 95% quantiles of the
    replicates' dates for each threshold, computed here from the published replicates."""
    out = latest.outputs["forecasts"]
    assert out.key.tolist() == ["metr_reaches_2400_minutes", "metr_reaches_10020_minutes"]
    assert out.figure.tolist() == ["metr_workweek_date", ""]  # the work-week date is a figure of the page
    reps = latest.outputs["metr_trend_replicates"]
    central, rest = reps[reps.replicate == -1].iloc[0], reps[(reps.replicate >= 0) & (reps.slope_per_day > 0)]
    floor = latest["metr_doubling_days"].as_of  # no date before the newest value the fit used
    for row, hours in zip(out.itertuples(), (40, 167)):
        at = (np.log(hours * 60) - rest.intercept) / rest.slope_per_day
        lo, hi = np.quantile(at, [0.05, 0.95])
        mid = (np.log(hours * 60) - central.intercept) / central.slope_per_day
        days = [max(D.fromordinal(int(round(v))), floor) for v in (lo, mid, hi)]
        assert row.quantiles == f"q05={days[0]}; q50={days[1]}; q95={days[2]}"
        assert row.resolve_by == (days[2] + dt.timedelta(days=91)).isoformat()
        assert (row.resolver, row.resolver_args, row.kind, row.unit) == (
            "metr first reaches", f"suite=TH1.1; minutes={hours * 60}", "quantiles", "date")
    assert out.quantiles.iloc[0].split("; ")[1] == f"q50={latest.value('metr_workweek_date')}"
    assert headline(D(2024, 6, 30)).outputs["forecasts"].empty  # no trend, no forecast


def test_other_chapters_read_every_model_and_every_swe_bench_score(latest):
    """The outputs the landing chapter reads: every TH1.1 model (not only the frontier), and SWE-bench as reported."""
    models = latest.outputs["metr_models"].set_index("model")
    # Claude 3 Opus is below the frontier, so only this output carries it; Opus 4.6 as corrected on 2026-03-03.
    assert "Claude 3 Opus" in models.index and "Claude 3 Opus" not in set(latest.outputs["metr_frontier"].model)
    assert models.loc["Claude Opus 4.6", "p50_minutes"] == pytest.approx(718.8, abs=0.05)
    th11 = {r["model"] for r in raw_rows("metr_time_horizons.csv") if r["suite"] == "TH1.1"}
    assert set(models.index) == th11
    scores = latest.outputs["swe_scores"]
    assert len(scores) == len(raw_rows("swe_bench.csv"))
    mythos = scores[(scores.model == "Claude Mythos Preview") & (scores.split == "Verified")]
    assert mythos.percent_resolved.tolist() == [93.9] and mythos.reported_by.tolist() == ["vendor"]
    records = latest.outputs["swe_records"]
    verified = records[records.split == "Verified"]
    assert list(verified.best) == sorted(verified.best) and verified.best.is_unique
