"""The forecast ledger and the backtests: tamper-evidence, resolution from the data, scores, honesty, contracts."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import json
import math
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, git, run_build
from mosaic.analyses import backtest as bt
from mosaic.analyses import forecasts as fc
from mosaic.analyses import growth, ledger, scoring
from mosaic.book.context import Context
from mosaic.catalogue import BY_NAME, tables
from mosaic.catalogue.forecasts import BOOK, LEDGER, chain_hash
from mosaic.catalogue.schema import check_file, read_rows
from mosaic.pipeline import chapters as chapter_sources
from mosaic.pipeline import release as releases
from mosaic.pipeline.validate import sources_table, validate_all, write_table

SOURCE = chapter_sources.read(ROOT / "chapters" / "forecasts.md")
PARAMS = {**SOURCE.defaults, "as_of": None}
LEDGER_CSV = ROOT / "data" / "forecasts" / "ledger.csv"
CACHE = Path(tempfile.mkdtemp(prefix="mosaic-test-forecasts-"))
D = dt.date


@functools.lru_cache(maxsize=1)
def validated():
    return validate_all(ROOT)


@functools.lru_cache(maxsize=8)
def frames(as_of: dt.date | None = None) -> dict:
    """The chapter's frames as the build hands them: through the same context (vintages included)."""
    v = validated()
    handed = {name: str(write_table(v, name, CACHE)) for name in SOURCE.datasets}
    handed["sources"] = str(sources_table(v, v.cited_sources(SOURCE.datasets), CACHE)[0])
    return Context("forecasts", PARAMS, SOURCE.defaults, "test", as_of, handed, {}, CACHE).frames()


@functools.lru_cache(maxsize=8)
def headline(as_of: dt.date | None = None):
    return fc.headline(dict(frames(as_of)), {**PARAMS, "as_of": as_of})


def ledger_rows(path: Path = LEDGER_CSV) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return list(reader.fieldnames), list(reader)


def write_ledger(path: Path, header: list[str], rows: list[dict]) -> None:
    out = io.StringIO()
    w = csv.DictWriter(out, header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def problems(path: Path) -> list[str]:
    sources = {r["source_id"] for r in read_rows(ROOT / "data" / "sources.csv")}
    return check_file(LEDGER, path, "data/forecasts/ledger.csv", sources)[0]


# -- The ledger as data ------------------------------------------------------------------------------
def test_the_committed_ledger_is_valid_and_chained():
    assert problems(LEDGER_CSV) == []
    _, rows = ledger_rows()
    prev = ""
    for r in rows:
        assert r["prev_hash"] == prev
        assert r["hash"] == chain_hash(prev, r)
        prev = r["hash"]


def test_every_public_forecast_is_in_the_ledger_as_written():
    """Each row of data/alignment/forecasts.csv is a ledger row of the same date, in the forecaster's words."""
    _, led = ledger_rows()
    public = [r for r in led if r["who"] != BOOK]
    assert len(public) >= 18 and all(r["source_id"] for r in public)
    for r in csv.DictReader(open(ROOT / "data" / "alignment" / "forecasts.csv", encoding="utf-8")):
        words = r["target_as_written"].split(" (i.e.")[0]  # the pack's own gloss is not the forecaster's
        same = [x for x in public if x["made_at"] == r["date_made"]
                and (words in x["as_written"] or r["probability_or_value"] in x["as_written"])]
        assert same, (r["date_made"], r["forecaster"])


def test_a_vague_forecast_is_recorded_as_written_and_the_books_reading_marked():
    _, led = ledger_rows()
    clark = next(r for r in led if r["id"] == "clark-2026-05-proof-of-concept")
    assert clark["as_written"] == "'within a year or two'"
    assert clark["reading"].startswith("By 2028-05-04, two years after the essay")
    assert clark["resolve_by"] == "2028-05-04" and clark["kind"] == "deadline" and clark["probability"] == ""
    shown = headline().tables["ledger"].set_index("id").loc["clark-2026-05-proof-of-concept"]
    assert shown.as_written == "As written: 'within a year or two'"
    assert shown.reading.startswith("The book's reading: By 2028-05-04")
    assert shown.forecast == "by 2028-05-04 (no probability)"


def test_editing_a_past_forecast_fails_validation_with_file_row_and_reason(tmp_path):
    header, rows = ledger_rows()
    i = next(k for k, r in enumerate(rows) if r["id"] == "cotra-2026-01-horizon-end-2026")
    edited = [dict(r) for r in rows]
    edited[i]["quantiles"] = "q50=1500; q80=2400"
    write_ledger(tmp_path / "ledger.csv", header, edited)
    assert problems(tmp_path / "ledger.csv") == [
        f"data/forecasts/ledger.csv:{i + 2}: column 'hash': does not match this row's forecast fields: a recorded "
        "forecast was edited (only a release may write its outcome columns)"]
    # Writing 0.3 as 0.30 is an edit too: the hash is over the cells as written.
    edited = [dict(r) for r in rows]
    j = next(k for k, r in enumerate(rows) if r["probability"] == "0.3")
    edited[j]["probability"] = "0.30"
    write_ledger(tmp_path / "ledger.csv", header, edited)
    assert problems(tmp_path / "ledger.csv")[0].startswith(f"data/forecasts/ledger.csv:{j + 2}: column 'hash'")


def test_deleting_or_moving_a_row_fails_validation(tmp_path):
    header, rows = ledger_rows()
    write_ledger(tmp_path / "ledger.csv", header, rows[:4] + rows[5:])
    assert problems(tmp_path / "ledger.csv") == [
        "data/forecasts/ledger.csv:6: column 'prev_hash': does not name the row above it: a recorded row above was "
        "deleted, moved or inserted (the ledger is append-only)"]
    write_ledger(tmp_path / "ledger.csv", header, rows[:2] + [rows[3], rows[2]] + rows[4:])
    assert all("column 'prev_hash'" in p for p in problems(tmp_path / "ledger.csv"))


def test_the_outcome_columns_are_outside_the_hash_but_must_be_whole(tmp_path):
    header, rows = ledger_rows()
    filled = [dict(r) for r in rows]
    filled[0].update(outcome="2026-10-01", resolved_at="2026-11-01", evidence="data/x.csv: k=v",
                     evidence_hash="0123456789abcdef", recorded="2026-11-27")
    write_ledger(tmp_path / "ledger.csv", header, filled)
    assert problems(tmp_path / "ledger.csv") == []
    filled[0]["recorded"] = ""
    write_ledger(tmp_path / "ledger.csv", header, filled)
    assert problems(tmp_path / "ledger.csv") == [
        "data/forecasts/ledger.csv:2: column 'recorded': is empty: a recorded outcome carries outcome, resolved_at, "
        "evidence, evidence_hash, recorded (make release writes them from the data; they are never typed)"]


def test_a_new_row_is_told_the_hashes_to_write(tmp_path):
    header, rows = ledger_rows()
    new = {h: "" for h in header}
    new.update(id="test-new", who="A forecaster", source_id="import-ai-455", made_at="2026-11-01", entered="by hand",
               target="something", as_written="by 2027", rule="a rule", resolver="event", kind="deadline",
               resolve_by="2027-12-31")
    write_ledger(tmp_path / "ledger.csv", header, rows + [new])
    expected = chain_hash(rows[-1]["hash"], new)  # the hash, from its definition
    assert problems(tmp_path / "ledger.csv") == [
        f"data/forecasts/ledger.csv:{len(rows) + 2}: column 'hash': is empty: a new row is chained to the row above; "
        f"write prev_hash {rows[-1]['hash']!r} and hash {expected!r}"]
    import hashlib
    text = "\x1f".join([rows[-1]["hash"]] + [new[c] for c in header[: header.index("resolve_by") + 1]])
    assert expected == hashlib.sha256(text.encode()).hexdigest()[:16]


def test_a_rewritten_ledger_stops_make_book(project):
    path = project / "data" / "forecasts" / "ledger.csv"
    header, rows = ledger_rows(path)
    i = next(k for k, r in enumerate(rows) if r["id"] == "clark-2026-05-successor-2027")
    rows[i]["probability"] = "0.5"
    write_ledger(path, header, rows)
    proc = run_build(project)
    assert proc.returncode == 1
    assert (f"data/forecasts/ledger.csv:{i + 2}: column 'hash': does not match this row's forecast fields"
            in proc.stderr)


# -- Scores, by hand --------------------------------------------------------------------------------
def test_scores_agree_with_their_definitions():
    assert scoring.brier(0.3, False) == pytest.approx(0.09)
    assert scoring.brier(0.6, True) == pytest.approx(0.16)
    assert scoring.log_binary(0.3, False) == pytest.approx(-math.log(0.7))
    assert scoring.log_binary(0.1, True) == pytest.approx(-math.log(0.1))
    # Interval score of a 90% interval [10, 20]: its width inside it, plus 2/0.1 per unit of a miss.
    assert scoring.interval(15, 10, 20) == pytest.approx(10)
    assert scoring.interval(23, 10, 20) == pytest.approx(10 + 20 * 3)
    assert scoring.interval(8, 10, 20) == pytest.approx(10 + 20 * 2)
    # Quantile CRPS: twice the mean pinball loss over the levels stated.
    pinball = [0.05 * (25 - 10), 0.5 * (25 - 20), (1 - 0.95) * (30 - 25)]  # below, below, above the outcome
    assert scoring.quantile_crps(25, {0.05: 10, 0.5: 20, 0.95: 30}) == pytest.approx(2 * sum(pinball) / 3)
    # Student-t log score: -ln of the density (df 3, at 0.5 from a centre of 0, scale 2).
    dens = math.gamma(2) / (math.sqrt(3 * math.pi) * math.gamma(1.5)) * (1 + 0.25 ** 2 / 3) ** -2 / 2
    assert scoring.t_log(0.5, 3, 0.0, 2.0) == pytest.approx(-math.log(dens))


# -- The backtest's 2024-06-30 origin, by hand ------------------------------------------------------
FRONTIER_2024_06_30 = [  # TH1.1, released 2023-01-01..2024-06-30, as METR later published them (2026-03-03)
    (D(2023, 3, 14), 3.987428), (D(2023, 11, 6), 4.044959), (D(2024, 5, 13), 6.991195), (D(2024, 6, 20), 11.395377)]


def by_hand_fit():
    x = [d.toordinal() for d, _ in FRONTIER_2024_06_30]
    y = [math.log(v) for _, v in FRONTIER_2024_06_30]
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    b = sum((a - mx) * (c - my) for a, c in zip(x, y)) / sxx
    a = my - b * mx
    s2 = sum((c - a - b * q) ** 2 for q, c in zip(x, y)) / (n - 2)
    return a, b, s2, n, mx, sxx


def test_the_2024_06_30_origin_against_a_hand_computation():
    a, b, s2, n, mx, sxx = by_hand_fit()
    h = headline()
    window = h.tables["windows"].set_index("origin").loc["2024-06-30"]
    assert window.models == 4 and window.fitted_through == "2024-06-20"
    assert window.doubling_days == pytest.approx(round(math.log(2) / b, 1))
    p = h.tables["predictions"]
    at = p[(p.origin == "2024-06-30") & (p.form == "exponential") & (p["mode"] == bt.LATER)
           & (p.method == "horizons")]
    # The first later frontier model, o1-preview, released 2024-09-12 with a horizon of 20.326586 minutes.
    t_90 = 2.919985580355516  # Student t, 2 degrees of freedom, 95th percentile
    x = D(2024, 9, 12).toordinal()
    mid = math.exp(a + b * x)
    half = t_90 * math.sqrt(s2 * (1 + 1 / n + (x - mx) ** 2 / sxx))
    row = at[(at.interval == bt.PREDICTION) & (at.target == "o1-preview")].iloc[0]
    assert row.predicted == pytest.approx(mid, rel=1e-6)
    assert (row.low, row.high) == (pytest.approx(mid * math.exp(-half), rel=1e-6),
                                   pytest.approx(mid * math.exp(half), rel=1e-6))
    assert row.actual == 20.326586 and row.ratio == pytest.approx(20.326586 / mid)
    assert row.lead_months == pytest.approx(round((x - D(2024, 6, 30).toordinal()) / (365.25 / 12), 2))
    # The book's band has the same centre (the same OLS), with the bootstrap's ends.
    band = at[(at.interval == bt.BAND) & (at.target == "o1-preview")].iloc[0]
    assert band.predicted == pytest.approx(mid, rel=1e-6) and band.low < mid < band.high
    # The work-week date: where the line reaches 2,400 minutes.
    week = p[(p.origin == "2024-06-30") & (p.form == "exponential") & (p["mode"] == bt.LATER)
             & (p.interval == bt.PREDICTION) & (p.target == "a work-week (40 hours)")].iloc[0]
    when = D.fromordinal(round((math.log(2400) - a) / b))
    assert abs((D.fromisoformat(week.predicted) - when).days) <= 4  # the search steps a week at a time
    # Nothing METR had published by 2024-06-30 could be refitted.
    published = h.tables["predictions"]
    assert published[(published.origin == "2024-06-30") & (published["mode"] == bt.PUBLISHED)].empty


def test_the_as_published_view_at_2024_06_30_holds_no_dated_metr_value():
    view = frames(D(2024, 6, 30))["metr_horizons"]
    # Only the three carried TH1.0 values, which no source dates, are there: by their 2019-2022 release dates.
    assert sorted(view.model) == ["GPT-2", "davinci-002 (GPT-3)", "gpt-3.5-turbo-instruct (GPT-3.5)"]
    assert view.published.isna().all()
    assert frames(D(2024, 6, 30))["metr_horizons:vintages"].published.isna().all()


# -- Honesty rules -----------------------------------------------------------------------------------
def test_an_as_of_build_never_sees_data_published_after_its_date():
    """A METR row published after the date changes nothing in a build as of that date."""
    as_of = D(2026, 3, 31)
    base = headline(as_of)
    d = BY_NAME["metr_horizons"]
    problems_, table = check_file(d, ROOT / "data" / d.path, d.path, None)
    full = tables.frame(d, table)
    future = full.iloc[[0]].copy()
    future["model"], future["suite"], future["origin"] = "A future model", "TH1.1", "METR blog"
    future["release_date"], future["published"] = pd.Timestamp("2025-06-01"), pd.Timestamp("2026-10-01")
    future["p50_minutes"] = 50_000.0
    grown = pd.concat([full, future], ignore_index=True)
    f = dict(frames(as_of))
    f["metr_horizons"] = tables.as_of_view(d, grown, as_of).frame
    f["metr_horizons:vintages"] = tables.as_of_view(dataclasses.replace(d, vintage_key=()), grown, as_of).frame
    again = fc.headline(f, {**PARAMS, "as_of": as_of})
    assert [(x.key, x.text) for x in again.figures] == [(x.key, x.text) for x in base.figures]
    assert "A future model" not in set(again.tables["predictions"].target)
    # And the build as of the date sees no forecast made after it, and no METR value published after it.
    from mosaic.catalogue.schema import period_end
    assert all(period_end(m) <= as_of for m in frames(as_of)["forecast_ledger"].made_at)
    assert "Claude Mythos Preview (early)" not in set(base.tables["predictions"].target)


def test_vintages_reach_the_chapter_as_published_on_the_date():
    first = frames(D(2026, 2, 25))["metr_horizons:vintages"]
    opus = first[first.model == "Claude Opus 4.6"]
    assert opus.p50_minutes.tolist() == [870.03]  # the first posting, before METR's fix of 2026-03-03
    later = frames(None)["metr_horizons:vintages"]
    assert sorted(later[later.model == "Claude Opus 4.6"].p50_minutes) == [718.80683, 870.03]


def _resolvable(extra_rows=(), corrected=None):
    """A book forecast of the first model at 20 hours, the data to settle it, and the ledger with it recorded."""
    f = dict(frames(None))
    d = BY_NAME["metr_horizons"]
    _, table = check_file(d, ROOT / "data" / d.path, d.path, None)
    full = tables.frame(d, table)
    rows = []
    for name, released, published, minutes in (("Settler", "2026-09-01", "2026-10-01", 1300.0), *extra_rows):
        r = full.iloc[[0]].copy()
        r["model"], r["suite"], r["origin"] = name, "TH1.1", "METR blog"
        r["release_date"], r["published"] = pd.Timestamp(released), pd.Timestamp(published)
        r["p50_minutes"], r["p50_ci_low_minutes"], r["p50_ci_high_minutes"] = minutes, np.nan, np.nan
        rows.append(r)
    grown = pd.concat([full, *rows], ignore_index=True)
    if corrected is not None:
        grown.loc[grown.model == "Settler", "p50_minutes"] = corrected
    f["metr_horizons"] = tables.as_of_view(d, grown, None).frame
    f["metr_horizons:vintages"] = tables.as_of_view(dataclasses.replace(d, vintage_key=()), grown, None).frame
    return f


def _with_forecast(f, outcome="", evidence_hash=""):
    led = f["forecast_ledger"]
    row = led.iloc[[0]].copy()
    row["id"], row["who"], row["entered"], row["kind"] = "test-forecast", BOOK, "at release", "quantiles"
    row["resolver"], row["resolver_args"] = "metr first reaches", "suite=TH1.1; minutes=1200"
    row["quantiles"], row["unit"] = "q05=2026-06-01; q50=2026-10-01; q95=2027-03-01", "date"
    row["probability"], row["resolve_by"] = np.nan, pd.Timestamp("2027-06-01")
    row["outcome"], row["evidence_hash"] = outcome or pd.NA, evidence_hash or pd.NA
    row["resolved_at"] = pd.Timestamp("2026-10-01") if outcome else pd.NaT
    row["evidence"] = "recorded evidence" if outcome else pd.NA
    row["recorded"] = "2026-11-27" if outcome else pd.NA
    return pd.concat([led, row], ignore_index=True)


def _assess(f, led):
    data = ledger.Data(f["metr_horizons"], f["metr_horizons:vintages"], {n: f[n] for n in fc.REPLICATION},
                       D(2026, 11, 27))
    judged, history = ledger.assess(led, data)
    return judged.set_index("id").loc["test-forecast"], history


def test_a_settling_row_resolves_a_forecast_and_scores_it():
    f = _resolvable()
    judged, _ = _assess(f, _with_forecast(f))
    assert (judged.status, judged.outcome, judged.resolved_at) == ("hit", "2026-09-01", "2026-10-01")
    width = (D(2027, 3, 1) - D(2026, 6, 1)).days  # inside its interval: the score is the width
    assert judged.interval_score == pytest.approx(width)
    assert judged.evidence == "data/coding/metr_time_horizons.csv: suite=TH1.1, model=Settler, published=2026-10-01"


def test_a_resolved_score_never_changes_unless_its_evidence_row_is_corrected():
    f = _resolvable()
    first, _ = _assess(f, _with_forecast(f))
    recorded = _with_forecast(f, first.outcome, first.evidence_hash)
    # A model released earlier but published later cannot move the resolution.
    late = _resolvable(extra_rows=[("Earlier, published later", "2026-08-01", "2026-11-20", 1500.0)])
    again, history = _assess(late, _with_forecast(late, first.outcome, first.evidence_hash))
    assert (again.outcome, again.interval_score, again.note) == (first.outcome, first.interval_score, "")
    assert history.empty
    # A corrected evidence row re-scores it, and the history shows the outcome it replaces.
    fixed = _resolvable(corrected=1250.0)
    rescored, history = _assess(fixed, _with_forecast(fixed, first.outcome, first.evidence_hash))
    assert rescored.evidence_hash != first.evidence_hash
    assert rescored.note.startswith("re-scored: recorded as 2026-09-01 in release 2026-11-27")
    assert history.set_index("id").loc["test-forecast"].why == (
        "its evidence row was corrected after the outcome was recorded")
    # The same evidence giving another outcome than the one recorded stops the build, naming the row.
    with pytest.raises(ledger.LedgerError, match=r"data/forecasts/ledger.csv:\d+: column 'outcome': forecast "
                                                 r"'test-forecast' was recorded as '2026-08-15'"):
        _assess(f, _with_forecast(f, "2026-08-15", first.evidence_hash))
    assert recorded is not None


def test_a_forecast_past_its_date_with_no_evidence_is_overdue_not_a_miss():
    judged = headline().tables["ledger"].set_index("id")
    assert judged.loc["openai-2025-10-research-intern"].status == "overdue"
    assert judged.loc["anthropic-2025-03-powerful-ai"].status == "unresolvable as stated"
    before = headline(D(2026, 9, 1)).tables["ledger"].set_index("id")
    assert before.loc["openai-2025-10-research-intern"].status == "open"
    assert headline().value("forecast_overdue") == 1


def test_the_pace_of_cotras_forecasts_by_hand():
    pace = headline().tables["pace"].set_index("id")
    # Best TH1.1 horizon of a model released by 2026-01-14: GPT-5.2, 352.249302 minutes; measured on 2026-05-08
    # (the newest TH1.1 publication): Claude Mythos Preview, 1044.780145; her path: 1,440 minutes by 2026-12-31.
    jan = math.log(1044.780145 / 352.249302) / (math.log(1440 / 352.249302) * 114 / 351)
    assert pace.loc["cotra-2026-01-horizon-end-2026"].pace == pytest.approx(jan)
    # March: from Claude Opus 4.6 (718.80683 minutes) to 6,000 minutes by 2026-12-31.
    mar = math.log(1044.780145 / 718.80683) / (math.log(6000 / 718.80683) * 64 / 301)
    assert pace.loc["cotra-2026-03-horizon-end-2026"].pace == pytest.approx(mar)
    assert pace.loc["anthropic-institute-2026-06-days-or-weeks"].why == (
        "no METR measurement has been published since it was made")


# -- Growth forms --------------------------------------------------------------------------------------
def test_each_growth_form_recovers_a_curve_of_its_own_shape():
    x = np.array([D(2020, 1, 1).toordinal() + 120 * k for k in range(9)], dtype=float)
    t = (x - x.mean()) / 365.25
    noise = np.array([0.02, -0.01, 0.015, -0.02, 0.01, -0.015, 0.02, -0.01, 0.005])
    exp_fit = growth.fit("exponential", x, np.exp(1 + 0.9 * t + noise))
    assert exp_fit.theta[1] == pytest.approx(0.9, abs=0.05)
    bent = np.where(t < 0, 0.4 * t, 1.6 * t)  # a break at the middle date
    pw = growth.fit("piecewise", x, np.exp(2 + bent + noise))
    assert pw.note == f"break at {D.fromordinal(int(x[4])).isoformat()}"
    quad = growth.fit("bounded superexponential", x, np.exp(1 + 0.5 * t + 0.3 * t ** 2 + noise))
    assert quad.theta[2] == pytest.approx(0.3, abs=0.05)
    down = growth.fit("bounded superexponential", x, np.exp(1 + 0.5 * t - 0.3 * t ** 2 + noise))
    assert "c = 0" in down.note and len(down.theta) == 2
    logistic = growth.fit("logistic", x, 100 / (1 + np.exp(-2.0 * t)) * np.exp(noise))
    assert np.exp(logistic.theta[0]) == pytest.approx(100, rel=0.1)
    assert growth.fit("piecewise", x[:4], np.exp(t[:4])) is None  # too few points for a break


def test_the_growth_form_scores_are_the_contract_the_mosaic_reads():
    out = headline().outputs["growth_form_scores"]
    assert list(out.columns) == ["form", "log_score", "weight", "n"]
    assert out.form.tolist() == ["exponential", "piecewise", "bounded superexponential", "logistic"]
    assert out.weight.sum() == pytest.approx(1) and (out.n == out.n.iloc[0]).all() and out.n.iloc[0] > 10
    p = headline().tables["predictions"]
    common = p[(p.method == "horizons") & (p["mode"] == bt.LATER) & (p.interval == bt.PREDICTION)]
    wide = common.assign(log_score=common.log_score.astype(float)).pivot_table(
        index=["origin", "target"], columns="form", values="log_score").dropna()
    for r in out.itertuples():
        assert r.log_score == pytest.approx(wide[r.form].mean())
    # The weights are exp(-S) normalised, S summing each later model's score averaged over its origins.
    s = wide.groupby(level="target").mean().sum()
    w = np.exp(-(s - s.min()))
    assert out.set_index("form").weight.to_dict() == pytest.approx((w / w.sum()).to_dict())


def test_the_objections_are_open_forecasts_of_the_ledger():
    out = headline().outputs["objection_observations"]
    assert list(out.columns) == ["objection", "observation", "resolve_by", "forecast_id", "status"]
    assert out.objection.tolist() == [
        "research taste", "compute and power as the binding constraint",
        "agents degrading over long iterative work (SlopCodeBench)", "gains from better data rather than automation",
        "eval design as the bottleneck", 'what "automating a job" means']
    _, led = ledger_rows()
    by_id = {r["id"]: r for r in led}
    for r in out.itertuples():
        row = by_id[r.forecast_id]
        assert row["kind"] == "observation" and row["rule"] and row["resolve_by"] == r.resolve_by
        assert r.status == "open"


def test_the_headline_figures_are_the_backtests_counts():
    h = headline()
    p = h.tables["predictions"]
    band = p[(p.method == "horizons") & (p.form == "exponential") & (p["mode"] == bt.LATER) & (p.interval == bt.BAND)]
    six = band[(band.lead_months >= 3) & (band.lead_months < 9)]
    twelve = band[(band.lead_months >= 9) & (band.lead_months < 15)]
    assert h.text("backtest_metr_coverage_6m") == (f"{six.covered.mean():.0%} ({int(six.covered.sum())} of "
                                                    f"{len(six)})")
    assert h.value("backtest_metr_coverage_12m") == round(100 * twelve.covered.mean(), 1)
    assert h.value("backtest_metr_ratio_12m") == round(float((twelve.actual / twelve.predicted).median()), 2)
    assert h.value("forecast_ledger_forecasts") == len(ledger_rows()[1])
    assert h.value("forecast_resolved") == 0


def test_thin_data_says_so_instead_of_failing():
    for as_of in (D(2023, 6, 30), D(2024, 6, 30)):
        h = headline(as_of)
        assert h.text("backtest_metr_coverage_6m") == f"not enough data before {as_of.isoformat()}"
        assert h.text("forecast_ledger_forecasts") == f"not enough data before {as_of.isoformat()}"
        assert h.tables["method_points"].empty and h.tables["ledger"].empty


@pytest.mark.parametrize("as_of", ["2023-06-30", "2024-06-30"])
def test_the_chapter_builds_on_an_early_date(project, as_of):
    (project / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n- file: chapters/forecasts\n")
    (project / "index.md").write_text("# Mosaic\n\n[Forecasts](chapters/forecasts)\n")
    proc = run_build(project, "--as-of", as_of)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (project / "_build" / "html" / "chapters" / "forecasts.html").read_text()
    assert f"not enough data before {as_of}" in page
    assert "No forecast in the ledger had been made by this date" in page


# -- The release hook ---------------------------------------------------------------------------------
def test_a_release_enters_the_books_forecasts_with_their_version(released):
    root = released["root"]
    header, rows = ledger_rows(root / "data" / "forecasts" / "ledger.csv")
    book = [r for r in rows if r["entered"] == "at release"]
    assert {r["id"] for r in book} == {"coding-metr-reaches-2400-minutes-v1", "coding-metr-reaches-10020-minutes-v1",
                                       "replication-core-auto-reaches-90-v1", "replication-mle-reaches-90-v1"}
    entries = json.loads((root / "releases" / "ledger.json").read_text())["releases"]
    coding = next(v for v in entries[0]["versions"] if v["chapter"] == "coding")
    week = next(r for r in book if r["id"] == "coding-metr-reaches-2400-minutes-v1")
    assert (week["chapter"], week["chapter_version"], week["data_hash"]) == ("coding", "1", coding["data_hash"])
    assert week["made_at"] == entries[0]["date"] and week["target"].endswith("(figure metr_workweek_date)")
    # The anchor: the release saw every row, up to this last hash; the second release (kernels) added none.
    assert entries[0]["forecast_ledger"] == {"rows": len(rows), "head": rows[-1]["hash"]}
    assert entries[1]["forecast_ledger"] == entries[0]["forecast_ledger"]
    # The forecasts chapter released with them already shows them.
    page = (root / "releases" / "v" / "forecasts" / "1" / "index.html").read_text()
    assert "(figure metr_workweek_date)" in page
    assert git(root, "status", "--porcelain") == ""


def test_a_ledger_rewritten_and_rehashed_whole_is_caught_by_the_release_anchor(released, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(released["root"], root, symlinks=True)
    path = root / "data" / "forecasts" / "ledger.csv"
    header, rows = ledger_rows(path)
    rows[0]["target"] = rows[0]["target"] + " (edited)"
    prev = ""
    for r in rows:  # a forger recomputes every hash
        r["prev_hash"], r["hash"] = prev, chain_hash(prev, r)
        prev = r["hash"]
    write_ledger(path, header, rows)
    git(root, "commit", "--quiet", "-am", "Rewrite the ledger")
    found = validate_all(root).problems
    n = len(rows)
    assert found == [f"data/forecasts/ledger.csv:{n + 1}: column 'hash': release "
                     f"{json.loads((root / 'releases' / 'ledger.json').read_text())['releases'][0]['id']} recorded "
                     f"this row's hash as {released_head(released)!r}: the ledger up to here was rewritten",
                     f"data/forecasts/ledger.csv:{n + 1}: column 'hash': release "
                     f"{json.loads((root / 'releases' / 'ledger.json').read_text())['releases'][1]['id']} recorded "
                     f"this row's hash as {released_head(released)!r}: the ledger up to here was rewritten"]


def released_head(released) -> str:
    return json.loads((released["root"] / "releases" / "ledger.json").read_text())["releases"][0]["forecast_ledger"][
        "head"]


def test_a_settling_row_resolves_a_book_forecast_and_moves_the_figures(released, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(released["root"], root, symlinks=True)
    before = {f["key"]: f for f in json.loads((root / "_build" / "html" / "figures.json").read_text())
              if f["chapter"] == "forecasts"}
    _, rows = ledger_rows(root / "data" / "forecasts" / "ledger.csv")
    week = next(r for r in rows if r["id"] == "coding-metr-reaches-2400-minutes-v1")
    q = dict(part.split("=") for part in week["quantiles"].split("; "))
    released_on = D.fromisoformat(q["q05"]) + dt.timedelta(days=1)  # just inside its interval
    assert released_on < D(2026, 11, 20)  # released before the value is published
    with open(root / "data" / "coding" / "metr_time_horizons.csv", "a", encoding="utf-8") as f:
        f.write(f"A work-week model,,Test lab,{released_on.isoformat()},TH1.1,METR blog,,2026-11-20,2500,,,,,,,"
                "metr-gpt-5-6-sol,A test row\n")
    proc = run_build(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after = {f["key"]: f for f in json.loads((root / "_build" / "html" / "figures.json").read_text())
             if f["chapter"] == "forecasts"}
    # The work-week forecast is a hit; so is the Anthropic Institute's 'days or weeks' (24 hours, 2026-2027).
    assert (before["forecast_resolved"]["value"], after["forecast_resolved"]["value"]) == (0, 2)
    assert (before["forecast_hits"]["value"], after["forecast_hits"]["value"]) == (0, 2)
    page = (root / "_build" / "html" / "chapters" / "forecasts.html").read_text()
    width = (D.fromisoformat(q["q95"]) - D.fromisoformat(q["q05"])).days  # inside the interval: its width
    assert f"{released_on.isoformat()}; interval score {width:.3g}" in page


def test_a_release_enters_forecasts_once_and_keeps_a_replaced_outcome(tmp_path):
    """The release step on its own: a version's forecasts enter with its version and data hash, an outcome the
    data settle is recorded, and a later one from a corrected evidence row keeps the first in `superseded`."""
    from mosaic.pipeline.ledger import Version

    root = tmp_path / "book"
    (root / "data" / "forecasts").mkdir(parents=True)
    shutil.copy(LEDGER_CSV, root / "data" / "forecasts" / "ledger.csv")
    executed = tmp_path / "executed"
    (executed / "coding" / "outputs").mkdir(parents=True)
    (executed / "forecasts" / "outputs").mkdir(parents=True)
    made = pd.DataFrame([{"key": "metr_workweek_date", "figure": "", "target": "A work-week", "rule": "A rule",
                          "resolver": "metr first reaches", "resolver_args": "suite=TH1.1; minutes=2400",
                          "kind": "quantiles", "probability": None,
                          "quantiles": "q05=2026-07-01; q50=2026-12-01; q95=2027-06-01", "unit": "date",
                          "resolve_by": "2027-08-31", "as_of": "2026-03-03"}])
    made.to_csv(executed / "coding" / "outputs" / "forecasts.csv", index=False)

    def release(rid):
        version = Version("coding", 3, rid, rid, "Coding", "c", "sha256:abc", "0" * 40, "")
        return releases.Release(rid, rid, "0" * 40, versions=[version])

    def settle(outcome, digest):
        pd.DataFrame([{"id": "coding-metr-workweek-date-v3", "status": "hit", "outcome": outcome,
                       "resolved_at": "2026-11-01", "evidence": "data/coding/metr_time_horizons.csv: model=X",
                       "evidence_hash": digest}]).to_csv(executed / "forecasts" / "outputs" / "resolutions.csv",
                                                         index=False)

    settle("2026-10-01", "aaaa")
    first = release("2026-11-27")
    said = releases.record_forecasts(root, first, executed)
    assert said == ["coding v3: 1 forecast entered", "1 outcome recorded from the data"]
    _, rows = ledger_rows(root / "data" / "forecasts" / "ledger.csv")
    row = rows[-1]
    assert (row["id"], row["chapter"], row["chapter_version"], row["data_hash"], row["made_at"]) == (
        "coding-metr-workweek-date-v3", "coding", "3", "sha256:abc", "2026-11-27")
    assert (row["outcome"], row["recorded"], row["superseded"]) == ("2026-10-01", "2026-11-27", "")
    assert first.forecast_anchor == {"rows": len(rows), "head": row["hash"]}
    assert problems(root / "data" / "forecasts" / "ledger.csv") == []
    # The same forecast is not entered again; the same outcome is not recorded again.
    assert releases.record_forecasts(root, release("2026-11-28"), executed) == []
    # A corrected evidence row: the new outcome is recorded and the first kept.
    settle("2026-10-02", "bbbb")
    assert releases.record_forecasts(root, release("2026-11-29"), executed) == ["1 outcome recorded from the data"]
    row = ledger_rows(root / "data" / "forecasts" / "ledger.csv")[1][-1]
    assert (row["outcome"], row["recorded"]) == ("2026-10-02", "2026-11-29")
    assert row["superseded"] == ("2026-10-01 (resolved 2026-11-01, evidence data/coding/metr_time_horizons.csv: "
                                 "model=X, recorded in release 2026-11-27)")
    assert problems(root / "data" / "forecasts" / "ledger.csv") == []
    releases.undo_forecasts(root, first)  # a failed release puts the ledger back as it found it
    assert (root / "data" / "forecasts" / "ledger.csv").read_bytes() == LEDGER_CSV.read_bytes()
