"""The alignment clock: the essay's arithmetic, the floor that lets p move the date, one METR doubling time.

Expected values are worked out by hand below from literal numbers: the essay's 99.9% over 50 and 500
generations, and the frontier models' release dates in the coding chapter's fit of METR's TH1.1 data
(data/coding/metr_time_horizons.csv), never by the code under test.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import json
import math

import pandas as pd
import pytest

from conftest import ROOT
from mosaic.analyses import alignment_clock as a
from mosaic.analyses import coding as c
from mosaic.book.plots import alignment_clock as plot
from mosaic.catalogue.tables import load
from mosaic.pipeline import chapters as chapter_sources

D = dt.date
DEFAULTS = {k: v for k, v in chapter_sources.read(ROOT / "chapters" / "alignment_clock.md").defaults.items()
            if k != "as_of"}
CODING = {**chapter_sources.read(ROOT / "chapters" / "coding.md").defaults, "n_boot": 300}

# The release dates of the 14 frontier models of the coding chapter's TH1.1 fit from 2023-01-01, by hand from
# data/coding/metr_time_horizons.csv: GPT-4 (0314) 2023-03-14 ... Claude Opus 4.6 2026-02-05. The gaps between
# them, in days, sorted: 6, 17, 38, 40, 44, 51, 56, 81, 84, 103, 113, 189, 237; the median is 56, the
# shortest 6 (Gemini 3 Pro, 2025-11-18, to Claude Opus 4.5, 2025-11-24).
START = D(2026, 2, 5)
CADENCE_DAYS = 56
FLOOR_DAYS = 6
MONTH = 365.25 / 12


@functools.lru_cache(maxsize=None)
def upstream(as_of: dt.date | None) -> dict:
    """The coding chapter's published figures and outputs, as the pipeline hands them over (JSON and CSV)."""
    frames = {n: load(n, ROOT, as_of) for n in ("metr_horizons", "metr_doubling", "metr_revisions", "swe_bench",
                                                 "claims", "sources")}
    h = c.headline(frames, {**CODING, "as_of": as_of})
    records = [{"chapter": "coding", **f.record()} for f in h.figures if f.publish]
    out = {"coding:figures": pd.DataFrame(json.loads(json.dumps(records)))}
    for name, frame in h.outputs.items():
        out[f"coding:{name}"] = pd.read_csv(io.StringIO(frame.to_csv(index=False)))
    return out


def frames(as_of=None, **replace) -> dict:
    out = {n: load(n, ROOT, as_of) for n in ("alignment_signals", "forecasts", "claims", "sources")}
    out.update(upstream(as_of))
    out.update(replace)
    return out


def headline(as_of=None, frames_=None, **params):
    return a.headline(frames_ if frames_ is not None else frames(as_of), {**DEFAULTS, "as_of": as_of, **params})


@pytest.fixture(scope="module")
def latest():
    return headline()


def by_hand_days(n: int, cadence: float, shrink: float, floor: float) -> float:
    """Generation k lasts max(cadence * (1 - shrink) ** (k - 1), floor) days; the sum over n generations."""
    return sum(max(cadence * (1 - shrink) ** (k - 1), floor) for k in range(1, n + 1))


# -- The model ----------------------------------------------------------------------------------
def test_the_essays_fifty_and_five_hundred_generations():
    assert round(a.reliability(0.999, 50) * 100, 2) == 95.12
    assert round(a.reliability(0.999, 500) * 100, 2) == 60.64  # the essay's 60.5% is a rounding slip
    assert round(a.reliability(0.999, 500) * 100, 1) != 60.5
    assert a.reliability(0.999, 500) == pytest.approx(math.exp(500 * math.log(0.999)))


def test_a_perfect_technique_never_decays():
    assert a.reliability(1.0, 10_000) == 1.0
    assert a.reliability(0.5, 0) == 1.0


def test_generations_to_threshold():
    # 0.999^n < 0.5 first at n = 693 (ln 0.5 / ln 0.999 = 692.8); below 0.9 first at 106 (105.3).
    assert a.generations_to_threshold(0.999, 0.5) == 693
    assert a.reliability(0.999, 692) >= 0.5 > a.reliability(0.999, 693)
    assert a.generations_to_threshold(0.999, 0.9) == 106
    assert a.generations_to_threshold(1.0, 0.5) is None
    assert a.generations_to_threshold(0.0, 0.5) == 1


def test_required_p_keeps_the_threshold():
    assert a.reliability(a.required_p(0.9, 500), 500) == pytest.approx(0.9)


def test_pace_with_and_without_a_floor():
    assert a.months_until(10, 6) == 60
    # Halving each generation: 6 + 3 + 1.5 + 0.75 + 0.375 months; with a floor of 1: 6 + 3 + 1.5 + 1 + 1.
    assert a.months_until(5, 6, 0.5) == pytest.approx(11.625)
    assert a.months_until(5, 6, 0.5, 1) == pytest.approx(12.5)
    assert a.months_until(3, 6, 0.0, 8) == 24  # a floor above the cadence sets the pace
    assert a.months_until(0, 6, 0.5, 1) == 0
    assert a.crossing_date(D(2026, 1, 1), None, 6) is None
    for n in (1, 44, 45, 106, 1054):  # the closed form against the sum, around where the floor starts to bind
        assert a.months_until(n, CADENCE_DAYS / MONTH, 0.05, FLOOR_DAYS / MONTH) * MONTH == pytest.approx(
            by_hand_days(n, CADENCE_DAYS, 0.05, FLOOR_DAYS))


def test_without_a_floor_every_generation_fits_within_cadence_over_shrink():
    cadence = CADENCE_DAYS / MONTH  # 1.84 months
    assert a.span_limit(cadence, 0.05) == pytest.approx(36.8, abs=0.05)
    assert a.months_until(200, cadence, 0.05) < a.span_limit(cadence, 0.05)
    assert a.months_until(10_000, cadence, 0.05) <= a.span_limit(cadence, 0.05)
    # So p barely matters: 106 generations (p = 0.999) and 1,054 (p = 0.9999) end within days of each other.
    apart = (a.months_until(1054, cadence, 0.05) - a.months_until(106, cadence, 0.05)) * MONTH
    assert apart < 7


@pytest.mark.parametrize("call, message", [
    (lambda: a.reliability(1.5, 3), "p must lie in"),
    (lambda: a.reliability(0.9, -1), "generations must be >= 0"),
    (lambda: a.generations_to_threshold(0.9, 1.0), "threshold must lie"),
    (lambda: a.months_until(3, 0), "cadence must be a positive"),
    (lambda: a.months_until(3, 6, 1.0), "shrink must lie"),
    (lambda: a.months_until(3, 6, 0.1, -1), "floor must be zero or a positive"),
    (lambda: headline(frames_={}, cadence_days=-3), "parameter cadence_days"),
    (lambda: headline(frames_={}, floor_days="shortest"), "parameter floor_days"),
    (lambda: headline(frames_={}, p_sensitivity=[0.9, 1.2]), "parameter p_sensitivity"),
])
def test_invalid_inputs_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- The essay's example, from the claims data ---------------------------------------------------
def test_the_essays_example_is_read_from_the_claims_data(latest):
    assert round(latest.value("compound_50_reliability"), 2) == 95.12
    assert round(latest.value("compound_500_reliability"), 2) == 60.64
    # Rounded as the essay rounds: 95.12% to two decimals, 60.5% to one (so 60.6%, not the essay's 60.5%).
    assert latest.text("compound_50_reliability") == "95.12%" and latest.text("compound_500_reliability") == "60.6%"
    assert (latest.text("compound_500_rate"), latest.text("compound_500_steps")) == ("99.9%", "500")
    assert latest.text("compound_500_essay") == "60.5%"
    assert latest["compound_500_reliability"].as_of == D(2026, 5, 4)  # Import AI 455's publication
    assert "keeps 95.12% after 50 generations and 60.6% after 500" in latest.text("essay_lede")
    assert "as 60.5%: a rounding slip" in latest.text("essay_lede")

    claims = load("claims", ROOT)
    claims.loc[claims.claim_id == "compound_500", "stated_steps"] = 400.0
    claims.loc[claims.claim_id == "compound_500", "stated_rate"] = 99.8
    changed = headline(frames_=frames(claims=claims))
    assert changed.value("compound_500_reliability") == round(100 * 0.998 ** 400, 4)  # 44.9%
    assert changed.text("compound_500_steps") == "400" and changed.text("compound_500_rate") == "99.8%"


def test_the_essays_example_waits_for_the_essay():
    before = headline(D(2026, 5, 3))
    assert before.value("compound_500_reliability") is None
    assert "was published on 2026-05-04, after this edition's date" in before.text("essay_lede")
    assert headline(D(2026, 5, 4)).value("compound_500_reliability") == round(100 * 0.999 ** 500, 4)


def test_rounding_follows_the_essays_own_digits():
    assert a.at_precision_of(60.6379, "60.5%") == "60.6%"
    assert a.at_precision_of(95.1206, "95.12%") == "95.12%"
    assert a.at_precision_of(60.65, "60.5%") == "60.7%"  # half up, as the claims chapter rounds


# -- The clock: pace, floor and start from the coding chapter -------------------------------------
def test_the_pace_floor_and_start_come_from_the_coding_chapters_frontier(latest):
    assert latest.value("clock_cadence_days") == CADENCE_DAYS and latest.text("clock_cadence_days") == "56 days"
    assert latest.value("clock_floor_days") == FLOOR_DAYS
    assert latest.text("clock_floor_pair") == ("between Gemini 3 Pro (18 November 2025) and Claude Opus 4.5 "
                                               "(24 November 2025)")
    assert latest.value("clock_start") == START.isoformat() and latest.text("clock_start_model") == "Claude Opus 4.6"
    assert latest.text("metr_frontier_models") == "14"
    # Each is as of METR's fix of 2026-03-03, the newest publication among the fitted values.
    assert {latest[k].as_of for k in ("clock_cadence_days", "clock_floor_days", "clock_start")} == {D(2026, 3, 3)}


def test_the_floor_default_is_the_shortest_gap_in_the_data():
    frontier = pd.DataFrame({"model": ["A", "B", "C", "D"],
                             "release_date": ["2025-01-01", "2025-03-01", "2025-03-11", "2025-06-01"]})
    figs = pd.DataFrame([{"key": "metr_frontier_models", "value": 4, "text": "4", "as_of": "2025-07-01"}])
    h = headline(frames_=frames(**{"coding:metr_frontier": frontier, "coding:figures": figs}))
    # Gaps of 59, 10 and 82 days: the floor is 10 (B to C), the pace the median, 59.
    assert h.value("clock_floor_days") == 10 and h.value("clock_cadence_days") == 59
    assert h.text("clock_floor_pair") == "between B (1 March 2025) and C (11 March 2025)"
    assert h["clock_floor_days"].as_of == D(2025, 7, 1)
    # A floor set by parameter replaces it, and is not published as a finding.
    set_ = headline(frames_=frames(**{"coding:metr_frontier": frontier, "coding:figures": figs}), floor_days=20)
    assert set_.value("clock_floor_days") == 20 and not set_["clock_floor_days"].publish


def test_the_crossing_dates_by_hand(latest):
    assert latest.value("clock_generations") == 106
    steady = START + dt.timedelta(days=106 * CADENCE_DAYS)
    assert latest.value("clock_crossing_date") == steady.isoformat() == "2042-05-08"
    faster = START + dt.timedelta(days=by_hand_days(106, CADENCE_DAYS, 0.05, FLOOR_DAYS))
    assert abs(dt.date.fromisoformat(latest.value("clock_crossing_accelerating_date")) - faster).days <= 1
    assert latest.text("clock_crossing_accelerating_date") == faster.strftime("%B %Y") == "November 2029"
    # Without the floor, every generation fits within 56 / 0.05 = 1,120 days = 36.8 months.
    assert latest.value("clock_span_limit_months") == round(CADENCE_DAYS / 0.05 / MONTH, 1) == 36.8


def test_p_moves_the_date_under_the_default_parameters(latest):
    better = headline(p=0.9999)  # a technique ten times less likely to fail per generation
    moved = (dt.date.fromisoformat(better.value("clock_crossing_accelerating_date"))
             - dt.date.fromisoformat(latest.value("clock_crossing_accelerating_date"))).days
    expected = by_hand_days(1054, CADENCE_DAYS, 0.05, FLOOR_DAYS) - by_hand_days(106, CADENCE_DAYS, 0.05, FLOOR_DAYS)
    assert moved == pytest.approx(expected, abs=1) and moved > 10 * 365
    assert latest.value("clock_p_shift_floored_days") == pytest.approx(expected, abs=1)
    # The artefact the floor removes: without it the same change moves the date by days.
    unfloored = by_hand_days(1054, CADENCE_DAYS, 0.05, 0) - by_hand_days(106, CADENCE_DAYS, 0.05, 0)
    assert latest.value("clock_p_shift_unfloored_days") == pytest.approx(unfloored, abs=1) and unfloored < 7
    nofloor = [headline(p=p, floor_days=0) for p in (0.999, 0.9999)]
    dates = [dt.date.fromisoformat(h.value("clock_crossing_accelerating_date")) for h in nofloor]
    assert (dates[1] - dates[0]).days < 7
    table = latest.tables["p_sensitivity"].set_index("p")
    assert table.loc[0.9999, "floored_text"] != table.loc[0.999, "floored_text"]


def test_the_page_states_the_limit(latest):
    text = latest.text("limit_sentence")
    assert "fits within 36.8 months (the cadence divided by the shrink)" in text
    assert "a floor of 6 days, between Gemini 3 Pro" in text and "with the floor, the date moves with p" in text
    assert latest.text("p_shift_sentence").startswith("Raising p from 99.9% to 99.99%, 10 times less likely to fail")


# -- One METR doubling time ------------------------------------------------------------------------
def test_the_doubling_time_is_the_coding_chapters(latest):
    coding = upstream(None)["coding:figures"].set_index("key").loc["metr_doubling_days"]
    assert latest.text("metr_doubling_days") == coding.text
    lo, hi = coding.ci_low, coding.ci_high
    assert latest.text("metr_doubling_interval") == f"{lo:,.0f} to {hi:,.0f} days"
    assert not any(f.key.startswith("metr_doubling") and f.publish for f in latest.figures)  # quoted, not published
    years = latest.value("clock_crossing_accelerating_years")
    assert latest.value("clock_horizon_doublings") == pytest.approx(years * 365.25 / coding.value, abs=0.1)


def test_the_built_pages_give_one_doubling_time(built):
    from test_book import glued

    figs = json.loads((built / "_build" / "html" / "figures.json").read_text())
    coding = next(f for f in figs if f["key"] == "metr_doubling_days")
    assert coding["chapter"] == "coding"
    assert [f for f in figs if f["key"].startswith("metr_doubling") and f["chapter"] != "coding"] == []
    shown = glued(built, "alignment_clock")
    assert shown["metr_doubling_days"] == coding["text"]
    interval = f"{coding['ci_low']:,.0f} to {coding['ci_high']:,.0f} days"
    assert shown["metr_doubling_interval"] == glued(built, "coding")["metr_doubling_interval"] == interval
    for page in ("alignment_clock", "coding"):
        assert interval in (built / "_build" / "html" / "chapters" / f"{page}.html").read_text(), page


# -- Thin data ----------------------------------------------------------------------------------
@pytest.mark.parametrize("as_of", [D(2023, 6, 30), D(2024, 6, 30)])
def test_early_dates_give_no_dates_and_no_errors(as_of):
    h = headline(as_of)
    assert h.value("clock_generations") == 106  # the arithmetic needs no data
    for key in ("clock_cadence_days", "clock_floor_days", "clock_start", "clock_crossing_date",
                "clock_crossing_accelerating_date", "clock_horizon_doublings", "compound_500_reliability"):
        assert h.value(key) is None and h.text(key) == f"not enough data before {as_of.isoformat()}", key
    assert all(f.as_of is None or f.as_of <= as_of for f in h.figures)
    assert h.text("metr_doubling_days") == f"not enough data before {as_of.isoformat()}"
    assert plot.awareness(h).empty and plot.forecasts(h).empty and plot.reward_hacking(h).empty
    chart = plot.clock(h)
    assert {p["name"] for p in chart.chart.to_dict()["params"]} == {"p", "T", "H"}  # no pace: no date sliders
    assert not chart.empty and "date" not in chart.data["alignment-clock"]


def test_thin_or_missing_coding_outputs_do_not_break_the_page():
    one = pd.DataFrame({"model": ["A"], "release_date": ["2025-01-01"], "p50_minutes": [10.0],
                        "p50_ci_low_minutes": [5.0], "p50_ci_high_minutes": [20.0]})
    for replace in ({"coding:metr_frontier": one, "coding:figures": pd.DataFrame()},
                    {"coding:metr_frontier": one.iloc[:0], "coding:figures": pd.DataFrame()}):
        h = headline(frames_=frames(**replace))
        assert h.value("clock_cadence_days") is None and h.value("clock_crossing_date") is None
        assert h.text("metr_doubling_days") == "not published by the coding chapter"
    bare = {k: v for k, v in frames().items() if not k.startswith("coding:")}
    assert headline(frames_=bare).value("clock_start") is None


def test_an_early_frontier_dates_the_clock_from_what_was_public():
    h = headline(D(2026, 2, 1))  # TH1.1 launched 2026-01-29 with six frontier models since 2023
    assert h.value("clock_start") == "2025-11-24" and h.text("clock_start_model") == "Claude Opus 4.5"
    assert h["clock_start"].as_of == D(2026, 1, 29)
    assert h.value("compound_500_reliability") is None


# -- Signals and forecasts -------------------------------------------------------------------------
def test_awareness_panels_hold_awareness_only(latest):
    rows = latest.tables["awareness"]
    assert set(rows.signal.str.contains("blackmail")) == {False}
    assert set(rows.measurer) == {"Anthropic", "UK AI Security Institute", "Apollo Research"}
    assert latest.value("awareness_measurers") == 3
    text = latest.text("awareness_paragraph")
    assert "blackmailed in 55.1% of samples, against 6.5% when it said it was being evaluated" in text


def test_signals_count_from_their_sources_publication():
    # Claude Sonnet 4's 3.5% (released 2025-05-22) was published in the Sonnet 4.5 card on 2025-09-29.
    before = headline(D(2025, 9, 28)).tables["awareness"]
    after = headline(D(2025, 9, 29)).tables["awareness"]
    assert "Claude Sonnet 4" not in set(before.model_or_study) and "Claude Sonnet 4" in set(after.model_or_study)


def test_reward_hacking_finding_reads_the_rates(latest):
    # Claude Sonnet 3.7 (2025-02-24): 41, 85 and 85%; Claude Opus 4.6 (2026-02-05): 0, 50 and 23%.
    assert latest.text("reward_hacking_finding") == (
        "On Anthropic's reward-hacking evaluations, Claude Opus 4.6 hacked 0% to 50% of problems or tasks, against "
        "41% to 85% for Claude Sonnet 3.7: less often, not never")


def test_clarks_forecasts_are_on_the_timeline(latest):
    points = latest.tables["forecast_points"]
    clark = points[points.who == "Jack Clark"].set_index("target_year")
    assert clark.loc[2027, "probability_or_value"] == "30%"
    assert clark.loc[2028, "probability_or_value"].startswith("60%")


def test_the_two_new_forecasts_are_transcribed_and_shown(latest):
    points = latest.tables["forecast_points"]
    kwa = points[points.forecaster == "Thomas Kwa (METR research note, 8-parameter model)"].iloc[0]
    assert (kwa.target_year, kwa.date_made_as_written, kwa.source_id, kwa.source_type) == (
        2032, "2026-02-10", "metr-simpler-timelines-2026", "primary")
    assert kwa.source_url == "https://metr.org/notes/2026-02-10-simpler-ai-timelines-model/"
    daniel = points[points.forecaster == "AI Futures Model (Dec 2025 version), Daniel Kokotajlo's parameter medians"]
    assert dict(zip(daniel.target_as_written, daniel.target_year)) == {"AC 03/2030": 2030, "ASI 07/2031": 2031}
    assert set(daniel.date_made_as_written) == {"2025-12"}  # a month is shown as the month, not 2025-12-31
    table = latest.tables["forecasts"]
    assert {"metr-simpler-timelines-2026", "ai-futures-model"} <= set(table.source_id)
    assert latest.value("forecasts_total") == 22 and latest.value("forecasts_charted") == 18
    assert headline(D(2026, 2, 9)).tables["forecast_points"].forecaster.str.startswith("Thomas Kwa").sum() == 0


def test_every_row_names_a_known_source_with_one_tier():
    sources = load("sources", ROOT).set_index("source_id")
    for name in ("alignment_signals", "forecasts"):
        rows = load(name, ROOT)
        assert "source_url" not in rows and "source_type" not in rows
        assert set(rows.source_id) <= set(sources.index), name


def test_published_keys_are_the_chapters_own(latest):
    published = [f for f in latest.figures if f.publish]
    assert not {f.key for f in published} & {"n_frontier", "ci_level", "p", "threshold", "metr_doubling_days"}
    assert all(f.as_of is not None for f in published if f.value not in (None, 0))


# -- The slider chart ------------------------------------------------------------------------------
def test_the_clock_chart_starts_from_the_pages_settings(latest):
    chart = plot.clock(latest)
    spec = chart.chart.to_dict()
    params = {p["name"]: p["value"] for p in spec["params"] if "bind" in p}  # the sliders
    assert params == {"p": 0.999, "T": 0.9, "H": 500, "cadence_days": CADENCE_DAYS, "shrink": 0.0,
                      "floor_days": FLOOR_DAYS}
    assert chart.finding == "A technique 99.9% reliable per generation falls below 90% after 106 generations, " \
                            "around May 2042 at today's pace"
    curve = chart.data["alignment-clock"].set_index("generation")
    assert curve.loc[50, "reliability_pct"] == pytest.approx(95.1206, abs=1e-4)
    assert curve.loc[106, "date"] == latest.value("clock_crossing_date")


@pytest.mark.parametrize("rel, line, column, value, message", [
    ("data/alignment/alignment_signals.csv", 3, "topic", "blackmail",
     "data/alignment/alignment_signals.csv:3: column 'topic': 'blackmail' is not one of: evaluation awareness, "
     "misaligned behaviour, reward hacking, sabotage, refusing safety research, automated alignment research"),
    ("data/alignment/forecasts.csv", 21, "source_id", "metr-note",
     "data/alignment/forecasts.csv:21: column 'source_id': 'metr-note' is not a source_id in data/sources.csv"),
    ("data/alignment/forecasts.csv", 22, "date_made", "Dec 2025",
     "data/alignment/forecasts.csv:22: column 'date_made': 'Dec 2025' is not an ISO date or period "
     "(YYYY, YYYY-MM or YYYY-MM-DD)"),
])
def test_a_bad_alignment_row_is_named(project, rel, line, column, value, message):
    from test_validation import set_field
    from mosaic.pipeline.validate import validate_all

    set_field(project, rel, line, column, value)
    assert validate_all(project).problems == [message]


def test_the_finding_says_whose_pace_dates_the_crossing(latest):
    assert latest.text("clock_finding").endswith("around May 2042 at today's pace")
    # A pace set by the parameters is not today's: one generation a year, 106 of them from 5 February 2026.
    yearly = headline(cadence_days=365)
    when = START + dt.timedelta(days=106 * 365)
    assert yearly.text("clock_finding") == ("A technique 99.9% reliable per generation falls below 90% after 106 "
                                            f"generations, around {when.strftime('%B %Y')} at the pace this "
                                            "edition sets")
    assert when.strftime("%B %Y") == "January 2132"
    assert headline(cadence_shrink=0.05).text("clock_finding").endswith("at the pace this edition sets")
    # Past the year 9999 a date has no calendar: 99.999% falls below 5% after 299,572 generations
    # (ln 0.05 / ln 0.99999 = 299,571.6), which at two years each is some 600,000 years away.
    assert math.floor(math.log(0.05) / math.log(0.99999)) + 1 == 299_572
    far = headline(p=0.99999, threshold=0.05, cadence_days=730)
    assert far.text("clock_finding") == ("A technique 99.999% reliable per generation falls below 5% after 299,572 "
                                         "generations, beyond the calendar at the pace this edition sets")


def test_forecasters_are_named_short_from_the_data():
    assert a.short_name("AI Futures Project (Kokotajlo, Alexander, Larsen, Lifland, Dean) - AI 2027 scenario") == (
        "AI Futures Project: AI 2027 scenario")
    assert a.short_name("AI Futures Model (Dec 2025 version), Daniel Kokotajlo's parameter medians") == (
        "AI Futures Model, Daniel Kokotajlo's parameter medians")
    assert a.short_name("FutureSearch aggregate, n=3 (AI 2027 Timelines Forecast)") == "FutureSearch aggregate, n=3"
    assert a.short_name("Jack Clark (Anthropic co-founder; Import AI 455)") == "Jack Clark"
    assert a.short_name("Self-reported – a lab") == "Self-reported: a lab"  # a hyphen inside a word stays


# -- What each chart's description says the data show ---------------------------------------------
def test_the_descriptions_state_the_datas_numbers(latest):
    # The clock at the page's settings: 106 generations (above), 56 days each from Claude Opus 4.6's February 2026;
    # staying above 90% for 500 generations needs 0.9 ** (1 / 500) = exp(ln 0.9 / 500) = 0.999789 per generation.
    assert round(math.exp(math.log(0.9) / 500), 6) == 0.999789
    clock = plot.clock(latest).description
    assert ("falls below 90% after 106 generations, around May 2042 at today's pace, counting one generation every "
            "56 days from February 2026; staying above 90% for 500 generations needs 99.9789% per generation") in clock
    # Evaluation awareness, by hand from data/alignment/alignment_signals.csv: Apollo Research 33%, 22% and 58% on two
    # metrics; Anthropic 13%, 7.6% and 0.3% on three; the UK AISI 3.5%, 1.6%, 16.6%, 2.3%, 80% and 45.5% on four;
    # from 17 March 2025 to 7 April 2026.
    assert ("12 measurements from 3 organisations, March 2025 to April 2026: Apollo Research, 3 measurements on 2 "
            "metrics, 22% to 58%; Anthropic, 3 measurements on 3 metrics, 0.3% to 13%; UK AI Security Institute, "
            "6 measurements on 4 metrics, 1.6% to 80%") in plot.awareness(latest).description
    hacking = plot.reward_hacking(latest).description
    assert "7 Claude models on 3 evaluations" in hacking
    assert ("reward-hack-prone coding tasks: hidden-test hack rate, 41% for Claude Sonnet 3.7 (February 2025), then "
            "0% for Claude Opus 4.6 (February 2026)") in hacking
    assert "WITH explicit anti-hack prompt, 85% for Claude Sonnet 3.7 (February 2025), then 23% for Claude Opus 4.6" \
        in hacking
    # The 18 charted forecasts: medians from Lifland (twice), Jurkovic, FutureSearch, Kokotajlo and Kwa; dates from
    # the AI 2027 scenario and the AI Futures Model (four); Clark's two and Cotra's one probability; OpenAI's two
    # targets; Cotra's two horizons in hours. Primary: Clark (2), the AI 2027 forecast (3), the model (4), Kwa.
    assert ("18 of the 22 statements on record name a single year and are drawn, in 11 rows, one per forecaster or "
            "model run; by kind of statement: median 6, date 5, probability 3, target date 2, value (hours) 2; by "
            "source tier: primary 10, secondary 8") in plot.forecasts(latest).description


# -- The charts fit any screen, in the palette's colours --------------------------------------------
def units(spec) -> list[dict]:
    """Every single view of a spec (a layer's and a concatenation's members)."""
    if not isinstance(spec, dict):
        return []
    out = [spec] if "mark" in spec else []
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for member in spec.get(key, []):
            out += units(member)
    return out


def colours(node) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(colours(v) for k, v in node.items() if k != "datasets"))
    if isinstance(node, list):
        return set().union(*(colours(v) for v in node))
    return {node.upper()} if isinstance(node, str) and len(node) == 7 and node.startswith("#") else set()


def test_the_charts_use_the_palettes_colours_only(latest):
    from mosaic.book import palette

    known = {v.upper() for v in vars(palette).values() if isinstance(v, str) and v.startswith("#")}
    for make in (plot.clock, plot.awareness, plot.reward_hacking, plot.forecasts):
        spec = make(latest).chart.to_dict()
        assert colours(spec) <= known, make.__name__
        for unit in units(spec):
            mark = unit["mark"] if isinstance(unit["mark"], dict) else {"type": unit["mark"]}
            if mark["type"] != "text":  # text takes the theme's ink
                assert "color" in mark or "color" in unit.get("encoding", {}), (make.__name__, mark)


def test_no_label_or_read_out_is_cut_short(latest):
    clock = plot.clock(latest)
    assert clock.live_title and clock.finding == latest.text("clock_finding")
    for unit in units(clock.chart.to_dict()):
        assert "limit" not in (unit["mark"] if isinstance(unit["mark"], dict) else {})
    # The forecasters' names wrap instead of being cut at a label limit (0: none).
    y = plot.forecasts(latest).chart.to_dict()["encoding"]["y"]["axis"]
    assert y["labelLimit"] == 0 and "split(" in y["labelExpr"]
    # Panels take the width of their box, not a fixed one wider than a phone.
    panels = plot.awareness(latest).chart.to_dict()
    assert {m["width"] for m in panels["vconcat"]} == {"container"}
    assert panels["autosize"] == {"type": "fit-x", "contains": "padding"}
