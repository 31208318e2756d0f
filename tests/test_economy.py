"""The economy chapter: its models against worked values, and headline() against the data read by hand."""
from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import math
import re

import pandas as pd
import pytest

from conftest import ROOT
from mosaic.analyses import economy as e
from mosaic.book import charts
from mosaic.book.plots import economy as plot
from mosaic.catalogue.tables import load
from mosaic.pipeline.chapters import read

# The chapter's parameters, written out: every expected value below is worked from these by hand.
PARAMS = {
    "f": 0.5, "s": 10,
    "scenarios": {"Half the work, ten times faster": [0.5, 10], "Nine tenths of the work, ten times faster": [0.9, 10],
                  "Nine tenths of the work, no limit on speed": [0.9, None]},
    "oring_tasks": 10, "oring_quality": 0.95, "oring_skill": 30, "featured_trial": "metr-uplift-2025",
}
DATASETS = ("economic_index", "researcher_uplift", "labor_market", "ai_investment")
EARLY = (dt.date(2023, 6, 30), dt.date(2024, 6, 30))


def frames(as_of=None):
    return {n: load(n, ROOT, as_of) for n in (*DATASETS, "sources")}


def headline(as_of=None, **params):
    return e.headline(frames(as_of), {**PARAMS, "as_of": as_of, **params})


@pytest.fixture(scope="module")
def latest():
    return headline()


def raw(name):
    """A CSV under data/economy/ as the file has it: strings, no parsing."""
    with (ROOT / "data" / "economy" / f"{name}.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def test_the_worked_values_use_the_chapters_own_parameters():
    defaults = read(ROOT / "chapters" / "economy.md").defaults
    assert {k: v for k, v in defaults.items() if k != "as_of"} == PARAMS


# -- Amdahl's law --------------------------------------------------------------------------
# Worked values from the chapter's model notes (Amdahl 1967, restated).
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
    (True, 10, "automatable share f must lie in"),
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


def test_the_amdahl_figures_and_scenarios_table(latest):
    # f = 0.5, s = 10: 1 / (0.5 + 0.05) = 1.818...; the cap 1 / 0.5 = 2.
    assert latest.text("amdahl_speedup_default") == "1.82×" and latest.text("amdahl_cap_default") == "2.0×"
    assert latest.text("f") == "50%" and latest.text("s") == "10×" and latest.text("slow_share") == "50%"
    table = latest.tables["scenarios"]
    # 0.9 of the work ten times faster: 1 / (0.1 + 0.09) = 5.263; with no limit the whole reaches its cap, 10.
    assert table.overall_shown.tolist() == ["1.82×", "5.26×", "10.0×"]
    assert table.cap_shown.tolist() == ["2.0×", "10.0×", "10.0×"]
    assert table.s_shown.tolist() == ["10×", "10×", "no limit"]
    # The chart's download holds the default and the scenarios as numbers; 'no limit' is an empty cell.
    download = latest.tables["amdahl"]
    assert download.overall.round(2).tolist() == [1.82, 1.82, 5.26, 10.0] and download.s.isna().tolist()[-1]
    # The model's numbers are glued, not published: no data row stands behind them.
    assert not any(latest[k].publish for k in ("amdahl_speedup_default", "amdahl_cap_default", "oring_peak_output"))


def test_a_parameter_moves_the_figures():
    h = headline(f=0.9, s=10)
    assert h.text("amdahl_speedup_default") == "5.26×" and h.text("amdahl_cap_default") == "10.0×"
    assert "90% of the work 10×" in h.text("amdahl_finding")


# -- The O-ring toy ------------------------------------------------------------------------
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


def test_the_oring_figures(latest):
    assert latest.text("oring_output_manual") == "0.600" and latest.text("oring_manual_quality") == "0.95"
    assert latest.text("oring_peak_k") == "4" and latest.text("oring_peak_output") == "0.782"
    assert latest.text("oring_barrier_first") == "0.832"
    # With two manual tasks left: (1 - e^-15)^2 / (1 - e^-30) = 0.99999939, which is not '1.000'.
    late = (1 - math.exp(-15)) ** 2 / (1 - math.exp(-30))
    assert latest.text("oring_barrier_late") == "0.999999" and late < 1 and f"{late:.6f}" == "0.999999"
    assert latest.tables["oring"].output.round(3).tolist()[:5] == [0.600, 0.685, 0.746, 0.778, 0.782]


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
    (lambda: headline(oring_tasks=1), "oring_tasks must be at least 2"),
])
def test_oring_refuses_invalid_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- Productivity ------------------------------------------------------------------------------
def test_metr_trial_is_nineteen_percent_more_time_as_the_csv_says(latest):
    row = next(r for r in raw("researcher_uplift")
               if r["source_id"] == "metr-uplift-2025" and r["evidence"] == "randomised trial")
    assert (row["effect"], row["ci_low"], row["ci_high"], row["published"]) == ("19", "2", "39", "2025-07-10")
    assert "positive = more time" in row["unit"]
    f = latest["featured_trial_effect"]
    assert (f.value, f.ci, f.ci_level, f.as_of) == (19, (2, 39), 0.95, dt.date(2025, 7, 10))
    assert f.text == "19% more time" and f.publish
    believed = latest["featured_trial_perceived"]  # the developers' own estimate afterwards: -20% time
    assert (believed.value, believed.text) == (20, "20% less time")
    assert "took 19% more time per task with AI (95% interval: 2% to 39% more time)" in latest.text(
        "featured_trial_summary")
    assert "cut their time by 20%" in latest.text("featured_trial_summary")


def test_time_saved_is_shown_as_less_time_never_as_a_speed(latest):
    effects = latest.outputs["uplift_effects"].set_index("label")
    # Peng et al. publish 55.8% of the time saved (interval 21% to 89%): on the time axis -55.8 (-89 to -21).
    peng = effects.loc["Peng et al.: GitHub Copilot experiment"]
    assert (peng.change_pct, peng.ci_from, peng.ci_to) == (-55.8, -89, -21)
    assert e.more_or_less(-55.8) == "55.8% less time" and e.more_or_less(19) == "19% more time"
    assert latest.text("productivity_finding").startswith(
        "In randomised trials, developers with AI took from 55.8% less to 19% more time per task")


def test_outputs_the_mosaic_reads_keep_their_names_and_columns(latest):
    shares, effects = latest.outputs["automation_shares"], latest.outputs["uplift_effects"]
    assert list(shares.columns) == ["date", "base", "segment", "value"]
    assert list(effects.columns) == ["published", "label", "evidence", "change_pct", "ci_from", "ci_to"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in shares.date)
    assert set(effects.published) >= {"2023-02", "2024-10", "2025-07-10"}  # periods as published, not padded


def test_forecasts_and_perceptions_are_kept_apart_from_trials(latest):
    effects = latest.tables["productivity"]
    assert set(effects.evidence) == {"randomised trial", "randomised trial, called unreliable by its authors",
                                     "forecast", "perception"}
    assert latest.value("time_trials") == 3  # Peng et al., Paradis et al., METR 2025
    assert "2 later estimates by METR point the other way" in latest.text("trials_sentence")


# -- Adoption ------------------------------------------------------------------------------
def test_the_latest_automation_share_is_the_newest_all_conversation_row(latest):
    rows = [r for r in raw("economic_index")
            if r["fixed_base"] == "all conversations" and r["platform"].startswith("Claude.ai")]
    newest = max(rows, key=lambda r: r["date"])
    assert (newest["date"], newest["value"]) == ("2026-06-26", "47.35")
    f = latest["automation_share_latest"]
    assert (f.value, f.text, f.as_of) == (47.35, "47%", dt.date(2026, 6, 26))
    assert latest.text("automation_share_latest_date") == "June 2026"


def test_automation_lines_never_cross_a_change_of_sample(latest):
    shares = latest.tables["automation"]
    assert set(shares.base) == {"all conversations", "classified conversations only"}
    assert (shares.groupby("series").platform.nunique() == 1).all()
    breaks = latest.tables["sample_changes"]
    runs = [k for k, _ in itertools.groupby(shares[shares.base == "all conversations"].platform)]
    assert len(breaks) == len(runs) - 1 == latest.value("sample_breaks") == 3
    assert (breaks.last_release < breaks.date).all() and (breaks.date < breaks.first_release).all()


def test_the_api_is_compared_on_the_same_base_and_release(latest):
    # September 2025, all seven patterns (every conversation): API 77.3723%, Claude.ai 49.098%.
    assert latest.value("api_automation_share") == 77.3723
    assert "77% of transcripts in the September 2025 release, against 49% of Claude.ai conversations on the same " \
           "base" in latest.text("adoption_sentence")


# -- Jobs ----------------------------------------------------------------------------------
def test_census_question_change_is_a_break(latest):
    firms = latest.tables["firm_adoption"]
    assert firms.question.nunique() == 2
    old = firms[firms.question.str.contains("producing")]
    assert (old.ref_end < "2025-11-17").all()
    assert latest.tables["question_change"].date.tolist() == ["2025-11-17"]
    assert latest.value("firm_ai_use_latest") == 9.7 and latest["firm_ai_use_latest"].as_of == dt.date(2025, 9, 15)
    assert "so the series are not joined (the revised question gives 17% to 20%)" in latest.text(
        "firm_adoption_finding")


def test_the_labour_summary_counts_studies_not_rows(latest):
    # Canaries (2 rows), Anthropic's labour-market paper and the Dallas Fed's January note; the null results
    # come from Humlum and Vestergaard and from Anthropic's paper.
    assert latest.text("labour_summary").startswith(
        "By this date, 4 figures from 3 studies concern young workers in the most AI-exposed occupations, while "
        "2 studies found no measurable effect on unemployment, earnings or hours.")
    assert "model, not a measurement" in latest.text("labour_summary")


# -- Tables: no scientific notation, values as published -------------------------------------
def shown_tables(h):
    return {name: charts.table_html(h.tables[name], columns) for name, columns in plot.HEADINGS.items()}


@pytest.mark.parametrize("as_of", [None, *EARLY])
def test_no_table_the_chapter_shows_has_scientific_notation(as_of):
    for name, page in shown_tables(headline(as_of)).items():
        assert not re.search(r"\d[eE][+-]?\d", page), name


def test_training_compute_is_written_out_at_its_published_precision(latest):
    flop = {r["entity"]: r["value"] for r in raw("ai_investment") if r["unit"] == "FLOP"}
    assert flop["Epoch AI (GPT-4)"] == "2.1e+25" and flop["Epoch AI (Grok 4)"] == "5e+26"
    table = latest.tables["investment"].set_index("entity")
    # 2.1e25 FLOP = 2.1e10 petaFLOP = 21 billion; 5e26 FLOP = 500 billion petaFLOP.
    assert table.loc["Epoch AI (GPT-4)", "value"] == "21 billion"
    assert table.loc["Epoch AI (Grok 4)", "value"] == "500 billion"
    assert table.loc["Epoch AI (GPT-4)", "unit"].startswith("petaFLOP")
    capex = table[table.metric == "purchases of property and equipment (capex)"]
    assert capex.value.tolist() == ["91.447"]  # three decimals, as the filing gives it
    assert e.as_published(4867.0) == "4,867" and e.as_published(-0.6) == "-0.6" and e.in_words(3.8e11) == "380 billion"


def test_a_year_only_period_is_shown_as_the_year():
    assert e.period_text("2024") == "2024" and e.period_text("2023-02") == "February 2023"
    assert e.period_text("2025-07-10") == "10 July 2025"


def test_the_page_header_shows_a_year_only_row_as_the_year():
    from mosaic.book.chapter import Chapter

    class Stub:  # the little of a build context the header reads
        chapter, params, version, as_of, out = "economy", {}, "v", None, None

        def frames(self):
            return {"labor_market": pd.DataFrame({"published": ["2026-09", "2026", "2025-05"]})}

    ch = Chapter(Stub())
    assert ch.data_as_of == dt.date(2026, 12, 31) and ch.written(ch.data_as_of) == "2026"


# -- Wording ---------------------------------------------------------------------------------
SPEED_OF_TIME = re.compile(r"\d+(\.\d+)?\s*% (faster|slower)", re.I)


def test_a_share_of_time_is_never_called_a_speed(latest):
    for f in latest.figures:
        assert not SPEED_OF_TIME.search(f.text), f.key
        assert "faster" not in f.unit and "slower" not in f.unit, f.key
    for r in raw("researcher_uplift"):
        if r["time_measure"]:
            assert "time" in r["unit"] and not re.search(r"faster|slower", r["unit"]), r["label"]
    for make in (plot.amdahl, plot.oring, plot.automation, plot.productivity, plot.firm_adoption):
        c = make(latest)
        text = json.dumps(c.chart.to_dict()) + c.finding + c.description
        assert not SPEED_OF_TIME.search(text) and "negative = faster" not in text, c.name
    prose = (ROOT / "chapters" / "economy.md").read_text()
    assert not SPEED_OF_TIME.search(prose) and "faster with AI" not in prose


# -- Thin data -------------------------------------------------------------------------------
@pytest.mark.parametrize("as_of", EARLY)
def test_thin_data_says_not_yet_published_instead_of_failing(as_of):
    h = headline(as_of)
    when = as_of.isoformat()
    for key in ("automation_share_latest", "featured_trial_effect", "featured_trial_perceived", "api_automation_share"):
        assert h[key].value is None and h.text(key) == f"not yet published by {when}", key
    assert h.text("featured_trial_summary").endswith(f"had not been published by {when}")
    assert h.outputs["automation_shares"].empty and plot.automation(h).empty
    # Peng et al. (February 2023) is the one trial public on both dates: 55.8% less time.
    assert h.outputs["uplift_effects"].label.tolist() == ["Peng et al.: GitHub Copilot experiment"]
    assert h.value("time_trials") == 1 and h["time_trials"].as_of == dt.date(2023, 2, 28)
    assert h.text("productivity_finding") == ("In the one randomised trial so far, developers with AI took "
                                              "55.8% less time per task")
    for f in h.figures:
        if f.publish and f.as_of is not None:
            assert f.as_of <= as_of, f.key
    assert h.tables["other_labour"].iloc[0, 0] == f"No labour-market study had been published by {when}."
    # Money: only Epoch's record training runs published by then (GPT-4 2023-03-15, Gemini 1.0 Ultra 2023-12-06).
    # A period counts as public at its end: '2024' (Epoch's growth rate) only from 2024-12-31.
    end = {4: "-12-31", 7: "-31", 10: ""}
    expected = [r["entity"] for r in raw("ai_investment") if r["published"] + end[len(r["published"])] <= when]
    assert h.tables["investment"].entity.tolist() == expected
    by_hand = {2023: ["Epoch AI (GPT-4)"], 2024: ["Epoch AI (GPT-4)", "Epoch AI (Gemini 1.0 Ultra)"]}
    assert expected == by_hand[as_of.year]


def test_mid_2024_sees_the_census_series_as_it_then_stood():
    h = headline(dt.date(2024, 6, 30))
    # Bonney et al. (CES working paper, February 2024): 3.7% (Sept 2023) and 5.4% (Feb 2024); no revised question yet.
    assert h.value("firm_ai_use_latest") == 5.4 and h["firm_ai_use_latest"].as_of == dt.date(2024, 2, 29)
    assert h.text("firm_adoption_finding") == ("US firms using AI went from 3.7% (Sept 2023) to 5.4% (Feb 2024) on the "
                                               "Census question about producing goods or services")
    assert h.tables["question_change"].empty and not plot.firm_adoption(h).empty
    assert plot.firm_adoption(headline(dt.date(2023, 6, 30))).empty


def test_every_published_figure_states_the_newest_row_it_used(latest):
    published = [f for f in latest.figures if f.publish and f.value not in (None, 0)]
    assert published and all(f.as_of is not None and f.as_of <= dt.date.today() for f in published)


# -- Provenance ------------------------------------------------------------------------------
def test_every_row_names_a_source_with_one_tier():
    with (ROOT / "data" / "sources.csv").open(newline="") as f:
        sources = list(csv.DictReader(f))
    tier = {s["source_id"]: s["source_type"] for s in sources}
    tiers_by_url = {}
    for s in sources:
        tiers_by_url.setdefault(s["url"], set()).add(s["source_type"])
    for name in DATASETS:
        rows = raw(name)
        assert not {"source_url", "source_type", "source_tier"} & set(rows[0]), name
        for r in rows:
            assert r["source_id"] in tier and r["source_note"], (name, r["source_id"])
            assert len(tiers_by_url[next(s["url"] for s in sources if s["source_id"] == r["source_id"])]) == 1
    chart_sources = {"amdahl-1967", "jones-w34779", "kremer-1993", "gans-goldfarb-w34639"}
    assert chart_sources <= set(tier)
    assert set(read(ROOT / "chapters" / "economy.md").extra_sources) == chart_sources
