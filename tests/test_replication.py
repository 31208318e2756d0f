"""The research-replication chapter's headline: records, ceilings, the "today" rule, task sets kept apart,
the leakage filter, the outputs other chapters read, and thin data. Expected values are typed from the CSVs."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from mosaic.analyses import replication as rep
from mosaic.analyses.trends import DAYS_PER_MONTH
from mosaic.book.plots import replication as plot
from mosaic.catalogue import BY_NAME
from mosaic.catalogue.schema import check_file
from mosaic.catalogue.tables import load
from mosaic.pipeline.project import copy_project

PARAMS = {"as_of": None, "ceiling": "human", "ci_level": 0.95, "low_share": 0.3, "saturated_share": 0.9,
          "window_months": 18, "n_boot": 500, "seed": 0}
D = dt.date

# MLE-bench, All split, counted leaderboard entries that set a new record (data/replication/mle_bench.csv).
MLE_RECORDS = [(D(2024, 10, 8), 17.12), (D(2025, 5, 14), 22.40), (D(2025, 5, 15), 31.60), (D(2025, 7, 28), 34.22),
               (D(2025, 9, 12), 36.44), (D(2025, 10, 6), 39.56), (D(2025, 10, 10), 43.56), (D(2025, 11, 10), 48.44),
               (D(2025, 12, 7), 50.67), (D(2025, 12, 16), 56.44), (D(2025, 12, 27), 59.56), (D(2026, 1, 5), 61.33),
               (D(2026, 2, 17), 62.67), (D(2026, 2, 23), 64.44)]
# CORE-Bench Hard: the launch paper re-scored (19.26), HAL records, then Claude Code + Opus 4.5.
CORE_AUTO = [(D(2024, 9, 17), 19.26), (D(2025, 4, 19), 35.56), (D(2025, 8, 6), 51.11), (D(2025, 12, 3), 77.78)]
CORE_MANUAL = CORE_AUTO[:-1] + [(D(2025, 12, 3), 95.5)]


def frames(as_of=None):
    return {n: load(n, ROOT, as_of) for n in (*rep.DATASETS, "sources")}


def headline(as_of=None, data=None, **params):
    return rep.headline(data or frames(as_of), {**PARAMS, "as_of": as_of, **params})


def records(h, track):
    rows = h.outputs["tracks"]
    rows = rows[rows.track == track]
    return [(D.fromisoformat(d), v) for d, v in zip(rows.date, rows.value)]


def saturation(h, track):
    return h.tables["saturation"].set_index("benchmark").loc[track]


def logit(p):
    return np.log(p / (1 - p))


@pytest.fixture(scope="module")
def latest():
    return headline()


# -- Records and figures, by hand -------------------------------------------------------------
def test_records_are_the_new_highs_typed_from_the_csv(latest):
    assert records(latest, "MLE-bench, all competitions") == MLE_RECORDS
    assert records(latest, "CORE-Bench Hard, automated grading") == CORE_AUTO
    assert records(latest, "CORE-Bench Hard, manual validation") == CORE_MANUAL
    assert records(latest, "PostTrainBench v1") == [(D(2026, 2, 22), 23.2)]
    assert records(latest, "PaperBench, 20-paper launch set") == [(D(2025, 4, 2), 26.0)]


def test_headline_figures_match_the_rows(latest):
    assert latest.value("core_launch") == 19.26 and latest.text("core_launch") == "19.26%"
    assert latest.text("core_launch_revision") == "first published as 21.48% on 2024-09-17, re-scored on 2024-12-19"
    assert latest.value("core_best_auto") == 77.78 and latest.value("core_best") == 95.5
    assert latest.value("mle_launch") == 17.12 and latest.value("mle_bench_latest_any_medal") == 64.44
    assert latest.text("mle_launch_revision") == "first published as 16.9% on 2024-10-08, re-scored on 2025-11-27"
    assert latest.value("ptb_best") == 23.2 and latest.value("ptb_reference") == 51.1
    assert latest.value("post_train_bench_gap_to_human") == 27.9 and latest.text("post_train_bench_gap_to_human") \
        == "27.9 points"
    assert latest.value("re_bench_ai_over_human_2h") == 4 and latest.text("re_bench_human_over_ai_32h") == "2×"


def test_months_to_90_with_manual_validation_is_observed(latest):
    f = latest["core_bench_months_to_90"]
    months = (D(2025, 12, 3) - D(2024, 9, 17)).days / (365.25 / 12)  # 442 days
    assert f.value == round(months, 1) == 14.5 and f.ci is None
    assert f.text == "14.5 months (observed)"
    assert latest.text("core_manual_verdict") == "yes: 90% reached after 14.5 months"


def test_the_logistic_fit_is_least_squares_on_the_records_by_hand(latest):
    t = [(d - D(2024, 10, 8)).days for d, _ in MLE_RECORDS]
    y = logit(np.array([v for _, v in MLE_RECORDS]) / 100)
    b, a = np.polyfit(t, y, 1)
    reps = latest.outputs["track_replicates"]
    central = reps[(reps.track == "MLE-bench, all competitions") & (reps.replicate == -1)]
    assert central.a.iloc[0] == pytest.approx(a, abs=1e-9) and central.b.iloc[0] == pytest.approx(b, abs=1e-12)
    f = latest["mle_bench_months_to_90"]
    assert f.value == round((logit(0.9) - a) / b / DAYS_PER_MONTH, 1)
    assert f.ci[0] < f.value < f.ci[1]
    assert f.value == 28.5 and f.text == "29 months (24 to 32, projected)"  # two figures, like its interval


def test_the_verdict_count(latest):
    table = latest.tables["saturation"]
    assert latest.value("verdict_n") == len(table) == 5
    assert (latest.value("verdict_yes"), latest.value("verdict_no"), latest.value("verdict_open")) == (1, 1, 3)
    yes = table[table.verdict.str.startswith("yes")].benchmark.tolist()
    assert yes == ["CORE-Bench Hard, manual validation"]
    # PostTrainBench launched at 23.2 of the instruct models' 51.1: 45%, not low.
    assert saturation(latest, "PostTrainBench v1").verdict == "no: introduced at 45% of the ceiling, not low"
    assert latest.text("records_finding") == "1 of 5 benchmark series went from low to 90% of the ceiling " \
                                              "within 18 months"


# -- "Today" is the newest result used, or the as-of date --------------------------------------
def test_today_is_the_newest_result_used_not_the_newest_row_in_the_file(latest):
    # The newest row in mle_bench.csv is Orze's unmerged self-report (2026-05-14), and Gome's paper claim
    # (2026-03-02) is in the same split; the newest counted entry is AIBuildAI's, 2026-03-06.
    assert frames()["mle_bench"].date.max().date() == D(2026, 5, 14)
    mle = saturation(latest, "MLE-bench, all competitions")
    assert mle.today == "2026-03-06"
    age = (D(2026, 3, 6) - D(2024, 10, 8)).days / (365.25 / 12)  # 16.9 months: still inside the window
    assert age < 18 and mle.verdict.startswith("open: 17 months in;")
    core = saturation(latest, "CORE-Bench Hard, automated grading")
    assert core.today == "2025-12-03" and core.verdict.startswith("open: 15 months in;")


def test_a_later_flagged_row_never_ages_a_benchmark():
    data = frames()
    late = data["mle_bench"].iloc[[0]].assign(date=pd.Timestamp("2027-06-01"), published=pd.Timestamp("2027-06-01"),
                                             series="All, leaderboard", value=10.0, flag="self-reported, not merged")
    data["mle_bench"] = pd.concat([data["mle_bench"], late], ignore_index=True)
    assert saturation(headline(data=data), "MLE-bench, all competitions").today == "2026-03-06"


def test_with_an_as_of_date_today_is_that_date():
    h = headline(D(2025, 6, 30))
    table = h.tables["saturation"]
    assert set(table.today) == {"2025-06-30"}
    # MLE-bench then: 16.9 (the launch value as first published), 22.40, 31.60; 8.7 months old.
    assert records(h, "MLE-bench, all competitions") == [(D(2024, 10, 8), 16.9)] + MLE_RECORDS[1:3]
    assert saturation(h, "MLE-bench, all competitions").verdict.startswith("open: 8.7 months in;")


# -- Task sets, ceilings, intervals ------------------------------------------------------------
def test_paperbench_task_sets_are_never_one_series(latest):
    entries = latest.tables["entries"]
    paper = entries[entries.track.str.startswith("PaperBench")]
    # Only the 20-paper launch set is a series; the AiScientist paper's own set (33.73) and the 3-paper
    # subset with the human baseline (41.4) never enter its record, its line or a fit.
    assert set(paper.series) == {"full (20 papers)"} and 33.73 not in set(paper.value)
    assert set(latest.tables["records"].query("track.str.startswith('PaperBench')", engine="python").record) == {26.0}
    assert "PaperBench, 20-paper launch set" not in set(latest.outputs["track_replicates"].track)
    row = saturation(latest, "PaperBench, 20-paper launch set")
    assert row.ceiling.startswith("100%") and "41.4" not in row.ceiling
    assert latest["paperbench_months_to_90"].value is None and latest["paperbench_months_to_90"].ci is None
    other = latest.tables["paperbench_other"]
    assert set(other.series) == {"3-paper subset", "full, AiScientist's paper set"}
    assert latest.value("paperbench_human_3_papers") == 41.4 and latest.value("paperbench_o1_3_papers") == 26.6
    assert latest.value("paperbench_other_set_best") == 33.73


def test_the_post_train_bench_ceiling_is_stated_beside_every_figure_that_depends_on_it(latest):
    human = latest
    full = headline(ceiling="100")
    assert human.value("ptb_share_of_ceiling") == round(100 * 23.2 / 51.1) == 45
    assert human.text("ptb_share_of_ceiling") == "45% of the ceiling, the official instruct models (51.1)"
    assert full.value("ptb_share_of_ceiling") == 23
    assert full.text("ptb_share_of_ceiling") == "23% of the ceiling, 100% (the full score)"
    assert human.text("ptb_ceiling") == "the official instruct models (51.1)"
    assert full.text("ptb_ceiling") == "100% (the full score)"
    for h, words in ((human, "official instruct models (51.1)"), (full, "100% (the full score)")):
        assert words in saturation(h, "PostTrainBench v1").ceiling
        for key in ("ptb_best", "ptb_months_to_90"):
            assert words in h[key].note
        assert words in h["verdict_yes"].note
    assert full.value("post_train_bench_gap_to_human") == 27.9  # always against the instruct models
    assert saturation(full, "PostTrainBench v1").verdict.startswith("open:")


def test_no_interval_without_width_and_no_scientific_notation(latest):
    for h in (latest, headline(D(2025, 6, 30)), headline(ceiling="100")):
        for f in h.figures:
            if f.ci is not None:
                assert f.ci[0] < f.ci[1], f.key
            assert not re.search(r"\d[eE][+-]?\d", f.text), f.key
            for lo, hi in re.findall(r"([\d.,]+) to ([\d.,]+)", f.text):
                assert lo != hi, f.text
        text = h.tables["saturation"].to_string()
        assert not re.search(r"\d[eE][+-]?\d", text)
        assert not [m for m in re.findall(r"([\d.]+) to ([\d.]+)", text) if m[0] == m[1]]


def test_two_record_dates_give_no_projection():
    # PaperBench used to be fitted through two points (26 then 33.73), giving "22 (22-22)".
    h = headline(D(2025, 6, 30))
    row = saturation(h, "CORE-Bench Hard, automated grading")  # records on 2024-09-17 and 2025-04-19
    assert row.months_to_90 == "too few records to project"
    assert h["core_auto_months_to_90"].value is None and h["core_auto_months_to_90"].ci is None


# -- The leakage filter ------------------------------------------------------------------------
def test_flagged_entries_are_shown_but_never_counted(latest):
    entries = latest.tables["entries"]
    mle = entries[entries.track == "MLE-bench, all competitions"].set_index("system")
    assert mle.loc["Disarray + Ensemble (Claude-Opus-4.5, Claude-Sonnet-4.5, GPT-5.2-Codex, Gemini-3-Pro-Preview) "
                   "(24h budget)", "status"] == "test-label leakage flagged"
    assert mle.loc["Gome (gradient-based MLE agent, Microsoft Research Asia)", "status"] == \
        "paper claim, not on the leaderboard"
    # LoongFlow's 62.66 on 2026-02-09 would be a new record (above 61.33) if leakage-flagged rows counted.
    values = [v for _, v in records(latest, "MLE-bench, all competitions")]
    assert 77.78 not in values and 62.66 not in values and 35.1 not in values
    assert latest.value("mle_left_out_best") == 77.78
    assert latest.text("mle_left_out_why") == "test-label leakage flagged (Disarray + Ensemble)"


@pytest.mark.parametrize("flag", ["test-label leakage flagged", "self-reported, not merged",
                                  "paper claim, not on the leaderboard"])
def test_no_flagged_entry_enters_a_record_or_a_fit(latest, flag):
    data = frames()
    row = data["mle_bench"][data["mle_bench"].series == "All, leaderboard"].iloc[[-1]]
    data["mle_bench"] = pd.concat([data["mle_bench"], row.assign(value=99.0, flag=flag, system="Injected")],
                                  ignore_index=True)
    h = headline(data=data)
    assert records(h, "MLE-bench, all competitions") == MLE_RECORDS
    pd.testing.assert_frame_equal(h.outputs["track_replicates"], latest.outputs["track_replicates"])
    assert h.value("mle_bench_latest_any_medal") == 64.44 and h.value("mle_left_out_best") == 99.0


def test_an_unflagged_entry_does_enter_the_record():
    # The same injection without a flag moves the record: the tests above can fail.
    data = frames()
    row = data["mle_bench"][data["mle_bench"].series == "All, leaderboard"].iloc[[-1]]
    data["mle_bench"] = pd.concat([data["mle_bench"], row.assign(value=99.0, system="Injected")], ignore_index=True)
    assert headline(data=data).value("mle_bench_latest_any_medal") == 99.0


# -- Vintages: an as-of build sees the value public then --------------------------------------
def test_an_early_build_sees_the_values_as_first_published():
    h = headline(D(2024, 11, 30))
    assert h.value("core_launch") == 21.48 and h.text("core_launch_revision") == "as first published"
    assert h.value("mle_launch") == 16.9
    assert h.tables["revisions"].empty
    later = headline(D(2025, 6, 30))
    assert later.value("core_launch") == 19.26 and later.value("mle_launch") == 16.9


def test_revisions_are_shown_and_unchanged_republications_are_not(latest):
    rev = latest.tables["revisions"].set_index("system")
    assert rev.loc["CORE-Agent + GPT-4o", ["first", "now", "now_published"]].tolist() == [21.48, 19.26, "2024-12-19"]
    assert rev.loc["AIDE + o1-preview (24h budget)", ["first", "now"]].tolist() == [16.9, 17.12]
    assert rev.loc["OpenCode + Gemini 3.1 Pro", ["first", "now"]].tolist() == [22.3, 21.6]
    assert "OpenCode + GLM 5" not in rev.index  # 13.9 in the README and in the paper


def test_published_figures_state_the_newest_row_they_used(latest):
    assert latest["core_launch"].as_of == D(2024, 12, 19)  # the re-scored value became public then
    assert latest["mle_bench_latest_any_medal"].as_of == D(2026, 3, 6)
    assert latest["core_best"].as_of == D(2025, 12, 3)
    assert latest["ptb_share_of_ceiling"].as_of == D(2026, 3, 9)
    for f in latest.figures:
        if f.publish and f.value not in (None, 0):
            assert f.as_of is not None and f.as_of <= D(2026, 5, 14), f.key


# -- Outputs other chapters read ---------------------------------------------------------------
def test_the_contract_outputs(latest):
    tracks, reps = latest.outputs["tracks"], latest.outputs["track_replicates"]
    assert list(tracks.columns) == ["track", "date", "value", "ceiling", "ceiling_basis", "introduced"]
    assert list(reps.columns) == ["track", "replicate", "a", "b"]
    assert len(tracks) == len(MLE_RECORDS) + 2 * len(CORE_AUTO) + 2
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in (*tracks.date, *tracks.introduced))
    ptb = tracks[tracks.track == "PostTrainBench v1"].iloc[0]
    assert (ptb.ceiling, ptb.ceiling_basis, ptb.introduced) == (51.1, "the official instruct models (51.1)",
                                                                "2026-02-22")
    fitted = {"CORE-Bench Hard, automated grading", "CORE-Bench Hard, manual validation",
              "MLE-bench, all competitions"}
    assert set(reps.track) == fitted
    for track in fitted:
        rows = reps[reps.track == track]
        assert (rows.replicate == -1).sum() == 1 and 0 < len(rows) - 1 <= PARAMS["n_boot"]
        assert sorted(rows.replicate)[1:] == list(range(len(rows) - 1))


def test_other_chapters_read_every_entry_with_its_status(latest):
    """The landing chapter's common capability scale reads every entry, not only the records."""
    entries = latest.outputs["entries"]
    assert list(entries.columns) == ["track", "system", "date", "value", "share", "status"]
    ptb = entries[(entries.track == "PostTrainBench v1") & (entries.system == "Codex CLI + GPT 5.4 (High)")].iloc[0]
    # 20.2 against the official instruct models' 51.1: 39.5% of the ceiling.
    assert (ptb.value, ptb.share, ptb.status) == (20.2, round(100 * 20.2 / 51.1, 1), "counted")
    leak = entries[entries.system.str.startswith("Disarray")].iloc[0]
    assert (leak.value, leak.status) == (77.78, "test-label leakage flagged")
    records = entries[(entries.track == "MLE-bench, all competitions") & (entries.status == "set a record")]
    assert [(D.fromisoformat(d), v) for d, v in zip(records.date, records.value)] == MLE_RECORDS


# -- Thin data ---------------------------------------------------------------------------------
@pytest.mark.parametrize("as_of", [D(2023, 6, 30), D(2024, 6, 30)])
def test_thin_data_says_so_instead_of_failing(as_of):
    h = headline(as_of)
    before = f"not enough data before {as_of.isoformat()}"
    for key in ("core_launch", "core_best", "core_bench_months_to_90", "mle_bench_latest_any_medal",
                "ptb_best", "ptb_share_of_ceiling", "post_train_bench_gap_to_human", "paperbench_launch",
                "re_bench_ai_over_human_2h"):
        assert h.text(key) == before, key
    assert h.value("verdict_n") == 0 and h.tables["saturation"].empty
    assert list(h.outputs["tracks"].columns) == rep.TRACK_COLUMNS and h.outputs["tracks"].empty
    assert list(h.outputs["track_replicates"].columns) == rep.REPLICATE_COLUMNS
    assert h.outputs["entries"].empty and "share" in h.outputs["entries"].columns
    assert plot.records(h).empty == "No replication benchmark had published a result by this date."


def test_a_chapter_at_each_early_date_builds(tmp_path):
    """`--as-of 2023-06-30` and `2024-06-30` build this chapter end to end (alone, so other chapters'
    thin-data behaviour cannot hide its own)."""
    root = copy_project(ROOT, tmp_path / "book")
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n- file: chapters/replication\n")
    for p in (root / "chapters").glob("*.md"):
        if p.stem != "replication":
            p.unlink()
    (root / "index.md").write_text("# Mosaic\n\n[Research replication](chapters/replication)\n")
    env = dict(os.environ, PYTHONPATH=str(root / "scripts"))
    for as_of in ("2023-06-30", "2024-06-30"):
        proc = subprocess.run([sys.executable, "-m", "mosaic", "build", "--as-of", as_of], cwd=root, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        page = (root / "_build" / "html" / "chapters" / "replication.html").read_text()
        assert f"not enough data before {as_of}" in page
        assert "No replication benchmark had published a result by this date." in page
        figures = json.loads((root / "_build" / "html" / "figures.json").read_text())
        assert all(f["value"] in (None, 0) and f["as_of"] is None for f in figures if f["chapter"] == "replication")


# -- The chart and bad input -------------------------------------------------------------------
def test_the_chart_draws_the_rows_of_the_headline(latest):
    chart = plot.records(latest)
    assert chart.name == "replication-records" and chart.finding == latest.text("records_finding")
    entries = chart.data["replication-entries"]
    last = entries.iloc[-1]  # the newest result, drawn last: the browser test hovers it
    assert (last.system, last.date, last.value, last.share) == ("Claude Code + Claude Opus 4.6", "2026-03-09",
                                                                 23.2, 45.4)
    assert last.ceiling == "the official instruct models (51.1)"
    assert set(chart.sources) <= set(frames()["sources"].source_id)
    assert "{" not in chart.description and "mark 90% and 30% of the ceiling and 18 months" in chart.description


def test_an_unknown_ceiling_is_refused():
    with pytest.raises(ValueError, match="ceiling must be 'human' or '100'"):
        headline(ceiling="max")


def test_bad_rows_are_named_by_file_line_and_column(tmp_path):
    d = BY_NAME["mle_bench"]
    lines = (ROOT / "data" / d.path).read_text().splitlines()
    header = lines[0].split(",")
    row = next(csv_row for csv_row in __import__("csv").reader([lines[1]]))
    row[header.index("flag")] = "leakage"
    row[header.index("published")] = "2024-01-01"
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, row])
    path = tmp_path / "mle_bench.csv"
    path.write_text(buf.getvalue())
    problems, _ = check_file(d, path, "data/replication/mle_bench.csv", None)
    assert problems == [
        "data/replication/mle_bench.csv:2: column 'flag': 'leakage' is not one of: test-label leakage flagged, "
        "self-reported, not merged, paper claim, not on the leaderboard, reference model, human baseline",
    ]
    row[header.index("flag")] = ""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, row])
    path.write_text(buf.getvalue())
    problems, _ = check_file(d, path, "data/replication/mle_bench.csv", None)
    assert problems == ["data/replication/mle_bench.csv:2: column 'published': 2024-01-01 is before the result's "
                        "date 2024-10-08"]


def test_the_forecasts_output_holds_each_projected_90_percent_date_for_the_ledger():
    """What make release enters into the forecast ledger: for each track the fit projects, the date of 90% of the
    ceiling (central fit) and the 5% and 95% quantiles of its replicates, computed here from the published ones."""
    h = headline()
    out = h.outputs["forecasts"].set_index("key")
    assert sorted(out.index) == ["core_auto_reaches_90", "mle_reaches_90"]  # only the projected tracks
    reps = h.outputs["track_replicates"]
    for key, track, intro, today in (("core_auto_reaches_90", "CORE-Bench Hard, automated grading", D(2024, 9, 17),
                                      D(2025, 12, 3)),
                                     ("mle_reaches_90", "MLE-bench, all competitions", D(2024, 10, 8),
                                      D(2026, 2, 23))):
        r = reps[reps.track == track]
        central, rest = r[r.replicate == -1].iloc[0], r[(r.replicate >= 0) & (r.b > 0)]
        t = (logit(0.9) - rest.a) / rest.b  # days from introduction to 90% of the ceiling, per replicate
        lo, hi = np.quantile(t, [0.05, 0.95])
        mid = (logit(0.9) - central.a) / central.b
        days = [max(D.fromordinal(int(round(intro.toordinal() + v))), today) for v in (lo, mid, hi)]
        assert out.loc[key].quantiles == f"q05={days[0]}; q50={days[1]}; q95={days[2]}"
        assert out.loc[key].resolver_args == f"track={track}; share=0.9; ceiling=human"
    assert out.figure.to_dict() == {"core_auto_reaches_90": "core_auto_months_to_90",
                                    "mle_reaches_90": "mle_bench_months_to_90"}
