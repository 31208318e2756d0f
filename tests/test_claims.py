"""The claims chapter's headline: one stated rule for every claim, claims counted once, the kernels chapter's values.

Expected statuses are worked out by hand below, from the numbers in data/claims/claims.csv and the
cards behind the kernels chapter, never by the code under test.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pandas as pd
import pytest

from conftest import ROOT
from mosaic.analyses import claims as c
from mosaic.analyses import kernels as k
from mosaic.book.plots import claims as plot
from mosaic.catalogue.claims import CLAIMS
from mosaic.catalogue.tables import load
from mosaic.pipeline import chapters as chapter_sources

KERNEL_PARAMS = {"ci_level": 0.95, "speedup_values": "latest", "n_boot": 200, "seed": 0}
ESSAY = dt.date(2026, 5, 4)  # Import AI 455's publication date, data/sources.csv

# Each essay claim's status under the rule, by hand: round the value as the essay rounds it.
EXPECTED = {
    "swe_start": "confirmed",          # 1.96 -> 2, the essay's "2%"
    "swe_end": "vendor-reported",      # 93.9 = 93.9, read in Anthropic's own card (self-reported)
    "metr_start": "discrepant",        # 0.599247 min = 35.95 s -> 36 s, not "~30 seconds"
    "metr_end": "confirmed",           # 718.80683 min = 11.98 h -> 12 h, "~12 hours"
    "metr_forecast": "forecast",
    "core_start": "superseded",        # 19.26 -> 19.3, not 21.5; first reported 21.48 -> 21.5
    "core_end": "confirmed",           # 95.5 = 95.5 (HAL, the measurer)
    "mle_start": "superseded",         # 17.12 -> 17.1, not 16.9; first reported 16.9
    "mle_end": "confirmed",            # 64.44 -> 64.4
    "ptb_ai": "discrepant",            # 23.2 -> 23 and 20.2 -> 20, both outside 25-28
    "ptb_human": "confirmed",          # 51.1 -> 51
    "speed_start": "discrepant",       # counted 2.8 (Sonnet 4.5 card), first 2.993 -> 3.0; the essay's 2.9 is neither
    "speed_mid": "discrepant",         # 34, not 30
    "speed_end": "superseded",         # counted 61.79 -> 62; first reported 51.91 -> 52
    "speed_human": "vendor-reported",  # 4 = 4, Anthropic's card
    "compound_50": "confirmed",        # 0.999 ** 50 = 0.951206 -> 95.12%
    "compound_500": "discrepant",      # 0.999 ** 500 = 0.606379 -> 60.6%, not 60.5%
    "clark_2027": "forecast",
    "clark_2028": "forecast",
    "aar": "confirmed",                # 0.97 above the human baseline's 0.23; a secondary source
}
# The evidence pack's statuses (its claims.csv has one row per claim; PostTrainBench is one row, ptb_ai).
EVIDENCE_PACK = {"confirmed": 9, "confirmed with caveat": 4, "vendor-reported": 1, "discrepant": 3, "forecast": 3}


def raw_rows() -> list[dict]:
    with (ROOT / "data" / "claims" / "claims.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def chapter_sources_frame() -> pd.DataFrame:
    """The sources the build hands the chapter: those its rows cite and those its front matter lists."""
    listed = set(chapter_sources.read(ROOT / "chapters" / "claims.md").extra_sources)
    cited = {r[col] for r in raw_rows() for col in CLAIMS.source_columns if r[col]}
    sources = load("sources", ROOT)
    return sources[sources.source_id.isin(listed | cited)].reset_index(drop=True)


def counted(as_of=None, which="latest") -> pd.DataFrame:
    """The kernels chapter's counted speedups, as the pipeline hands them over: written to CSV and read back."""
    frames = {n: load(n, ROOT, as_of) for n in ("training_speedup", "kernelbench", "sources")}
    out = k.headline(frames, {**KERNEL_PARAMS, "as_of": as_of, "speedup_values": which}).outputs["counted_speedups"]
    return pd.read_csv(io.StringIO(out.to_csv(index=False)))


def arithmetic(claims: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """The alignment clock's computed examples, as the pipeline hands them over: written to CSV and read back."""
    from mosaic.analyses import alignment_clock as a

    out = a.essay_output(a.essay_examples(claims, load("sources", ROOT), as_of))
    return pd.read_csv(io.StringIO(out.to_csv(index=False)))


def frames(as_of=None, claims=None, which="latest", sources=None) -> dict:
    claims = load("claims", ROOT, as_of) if claims is None else claims
    return {"claims": claims, "sources": chapter_sources_frame() if sources is None else sources,
            c.KERNELS: counted(as_of, which), c.ARITHMETIC: arithmetic(claims, as_of)}


def headline(as_of=None, **kw):
    return c.headline(frames(as_of, **kw), {"as_of": as_of})


@pytest.fixture(scope="module")
def latest():
    return headline()


# -- The rule ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value, written, low, high, holds", [
    (2.85, "2.9x", 2.9, 2.9, True),            # half up: 2.85 -> 2.9
    (2.8499, "2.9x", 2.9, 2.9, False),         # 2.8
    (2.95, "2.9x", 2.9, 2.9, False),           # 3.0
    (24.5, "25-28%", 25, 28, True),            # 25, the low end of the range
    (24.49, "25-28%", 25, 28, False),          # 24
    (28.49, "25-28%", 25, 28, True),           # 28
    (28.5, "25-28%", 25, 28, False),           # 29
    (718.80683, "~12 hours", 720, 720, True),  # 11.98 hours -> 12
    (689.9, "~12 hours", 720, 720, False),     # 11.498 hours -> 11
    (0.599247, "~30 seconds", 0.5, 0.5, False),  # 35.95 seconds -> 36: +20% is not a match
    (0.5083, "~30 seconds", 0.5, 0.5, True),   # 30.498 seconds -> 30
    (60.6379, "60.5%", 60.5, 60.5, False),     # 60.6: a 0.2% difference the essay's precision still shows
    (60.54, "60.5%", 60.5, 60.5, True),        # 60.5
    (59.5, "60%+", 60, None, True),            # at least 60
    (1000.0, "60%+", 60, math.nan, True),
    (59.49, "60%+", 60, None, False),
    (0.97, "", 0.23, None, True),              # no number written: the value against the bound itself
    (0.2, "", 0.23, None, False),
    (1.96, "2%", 2, 2, True),
])
def test_the_rule_on_edge_cases(value, written, low, high, holds):
    assert c.holds(value, written, low, high) is holds


def test_a_value_is_shown_as_the_essay_would_write_it():
    assert c.shown(0.599247, "~30 seconds", 0.5) == "36 seconds"
    assert c.shown(718.80683, "~12 hours", 720) == "12 hours"
    assert c.shown(2.993, "2.9x", 2.9) == "3.0×"
    assert c.shown(100 * 0.999 ** 500, "60.5%", 60.5) == "60.6%"


@pytest.mark.parametrize("args, expected", [
    (("source", 19.26, 21.48, "primary", "~21.5%", 21.5, 21.5), "superseded"),
    (("source", 93.9, math.nan, "self-reported", "93.9%", 93.9, 93.9), "vendor-reported"),
    (("source", 93.9, math.nan, "secondary", "93.9%", 93.9, 93.9), "confirmed"),
    (("source", 34.0, 34.0, "self-reported", "30x", 30, 30), "discrepant"),
    (("not yet checkable", math.nan, math.nan, None, "30%", 30, 30), "forecast"),
    (("kernels chapter", math.nan, math.nan, None, "52x", 52, 52), "unchecked"),
])
def test_one_status_per_number(args, expected):
    assert c.status(*args) == expected


def test_a_claim_of_several_numbers_is_as_good_as_its_weakest():
    assert c.weakest(["confirmed", "discrepant"]) == "discrepant"
    assert c.weakest(["confirmed", "superseded", "vendor-reported"]) == "superseded"
    assert c.weakest(["forecast", "forecast"]) == "forecast"


# -- The tally, by hand ------------------------------------------------------------------------
def test_the_hand_statuses_rest_on_the_numbers_in_the_data():
    rows = {r["claim_id"]: r for r in raw_rows()}
    assert round(0.599247 * 60) == 36 and float(rows["metr_start"]["checked_value"]) == 0.599247
    assert round(718.80683 / 60) == 12 and float(rows["metr_end"]["checked_value"]) == 718.80683
    assert (rows["core_start"]["first_reported_value"], rows["core_start"]["checked_value"]) == ("21.48", "19.26")
    assert (rows["mle_start"]["first_reported_value"], rows["mle_start"]["checked_value"]) == ("16.9", "17.12")
    assert f"{100 * 0.999 ** 50:.2f}" == "95.12" and f"{100 * 0.999 ** 500:.1f}" == "60.6"
    assert (rows["compound_500"]["stated_rate"], rows["compound_500"]["stated_steps"]) == ("99.9", "500")
    assert {r["essay_claim"] for r in rows.values()} == set(EXPECTED)


def test_headline_counts_claims_not_rows(latest):
    rows = raw_rows()
    claims = {r["essay_claim"] for r in rows}
    assert (len(rows), len(claims)) == (21, 20)  # PostTrainBench's two agents are one claim
    forecasts = {r["essay_claim"] for r in rows if r["check_method"] == "not yet checkable"}
    by_status = pd.Series(EXPECTED).value_counts()
    assert latest.value("claims_total") == len(claims)
    assert latest.value("claims_forecast") == len(forecasts) == by_status["forecast"]
    assert latest.value("claims_checked") == len(claims) - len(forecasts)
    assert latest.value("claims_confirmed") == by_status["confirmed"] == 7
    assert latest.value("claims_vendor") == by_status["vendor-reported"] == 2
    assert latest.value("claims_match") == 9
    assert latest.value("claims_superseded") == by_status["superseded"] == 3
    assert latest.value("claims_discrepant") == by_status["discrepant"] == 5
    table = latest.tables["claims"].set_index("essay_claim")
    assert table.status.to_dict() == EXPECTED
    assert table.loc["ptb_ai", "numbers"] == 2
    assert latest.text("claims_numbers") == "21 numbers"


def test_published_counts_carry_the_date_of_the_claims(latest):
    published = [f for f in latest.figures if f.publish]
    assert {f.key for f in published} >= {"claims_total", "claims_checked", "claims_discrepant", "claims_forecast"}
    assert all(f.as_of == ESSAY for f in published if f.value)


def test_the_counts_are_compared_with_the_evidence_pack(latest):
    rows = raw_rows()
    pack = pd.Series({r["essay_claim"]: r["evidence_status"] for r in rows}).value_counts().to_dict()
    assert pack == EVIDENCE_PACK
    tally = latest.tables["tally"].set_index("status")
    assert tally.evidence_pack.to_dict() == {s: EVIDENCE_PACK.get(s, 0) for s in tally.index}
    assert tally.this_page.to_dict() == {s: int(pd.Series(EXPECTED).value_counts().get(s, 0)) for s in tally.index}
    assert latest.text("evidence_tally") == ("9 confirmed, 4 confirmed with caveat, 1 vendor-reported, 3 discrepant "
                                             "and 3 forecasts")
    assert latest.text("page_tally") == "7 confirmed, 2 vendor-reported, 3 superseded, 5 discrepant and 3 forecasts"
    differ = latest.tables["differences"].set_index("essay_claim")
    changed = {r["essay_claim"] for r in rows if EXPECTED[r["essay_claim"]] != r["evidence_status"]}
    assert set(differ.index) == changed == {"metr_start", "core_start", "core_end", "mle_start", "speed_start",
                                            "speed_end", "speed_human", "aar"}
    assert latest.value("claims_status_changed") == len(changed)
    # Each difference is explained from the numbers behind it.
    assert "36 seconds" in differ.loc["metr_start", "why"] and "~30 seconds" in differ.loc["metr_start", "why"]
    assert "21.48%" in differ.loc["core_start", "why"] and "19.26%" in differ.loc["core_start", "why"]
    assert "2.8×" in differ.loc["speed_start", "why"] and "3.0×" in differ.loc["speed_start", "why"]
    assert "self-reported" in differ.loc["speed_human", "why"]
    assert "with caveat" in differ.loc["aar", "why"]


# -- One value per quantity: the kernels chapter's --------------------------------------------
def test_the_claims_page_quotes_the_values_the_kernels_chapter_counts(latest):
    kernels = counted().set_index("model")
    parts = latest.tables["parts"].set_index("claim_id")
    for claim_id, model in (("speed_start", "Claude Opus 4"), ("speed_mid", "Claude Opus 4.6"),
                            ("speed_end", "Claude Mythos Preview")):
        assert parts.loc[claim_id, "latest"] == kernels.loc[model, "speedup_x"]
    # The kernels chapter's rule, from the cards: Opus 4 = 2.8x (Sonnet 4.5 card), Mythos Preview = 61.79x.
    assert parts.loc["speed_start", ["latest", "first"]].tolist() == [2.8, 2.993]
    assert parts.loc["speed_end", ["latest", "first"]].tolist() == [61.79, 51.91]
    assert math.isnan(parts.loc["speed_mid", "first"])  # 34x in every card: no correction
    assert parts.loc["speed_end", "source_id"] == "opus-4-7-card"


def test_the_kernels_figures_and_the_claims_page_agree():
    kframes = {n: load(n, ROOT) for n in ("training_speedup", "kernelbench", "sources")}
    kh = k.headline(kframes, {**KERNEL_PARAMS, "as_of": None})
    h = headline()
    parts = h.tables["parts"].set_index("claim_id")
    assert kh.value("training_speedup_best") == parts.loc["speed_end", "latest"] == 61.79
    assert kh.value("training_speedup_expert_x") == parts.loc["speed_human", "latest"] == 4
    assert h.text("speed_end_found") == "61.79×" and h.text("speed_end_first") == "51.91×"


def test_a_claim_right_as_first_reported_is_shown_as_corrected(latest):
    row = latest.tables["claims"].set_index("essay_claim").loc["speed_end"]
    assert (row.essay_says, row.first_reported, row.sources_say, row.status) == ("52×", "51.91×", "61.79×",
                                                                                 "superseded")
    why = latest.tables["differences"].set_index("essay_claim").loc["speed_end", "why"]
    assert why == ("The essay's 52× matches 51.91× as first reported; the latest report corrects it to 61.79× "
                   "(System Card: Claude Opus 4.7, 2026-04-16, before the essay).")
    assert latest.text("corrections_timing").startswith("All 3 corrections behind a superseded claim were published "
                                                        "before the essay")


def test_the_claims_page_follows_the_kernels_rule_not_a_copy():
    # Had the kernels chapter counted first reports, Mythos Preview's 52x would hold: the claims page has no
    # second copy of the speedups to disagree with.
    h = headline(which="first")
    assert h.tables["claims"].set_index("essay_claim").loc["speed_end", "status"] == "vendor-reported"


# -- No constant typed into code ---------------------------------------------------------------
def test_the_compounding_example_takes_its_inputs_from_the_data(latest):
    assert (latest.text("compound_500_rate"), latest.text("compound_500_steps")) == ("99.9%", "500")
    assert (latest.text("compound_500_found"), latest.text("compound_500_essay")) == ("60.6%", "60.5%")
    claims = load("claims", ROOT)
    claims.loc[claims.claim_id == "compound_500", "stated_steps"] = 400.0
    changed = headline(claims=claims)
    assert changed.text("compound_500_steps") == "400"
    assert changed.text("compound_500_found") == f"{100 * 0.999 ** 400:.1f}%" == "67.0%"


# -- Provenance --------------------------------------------------------------------------------
def test_every_cited_source_exists_and_dates_its_claim():
    sources = load("sources", ROOT).set_index("source_id")
    for r in raw_rows():
        for column in CLAIMS.source_columns:
            assert not r[column] or r[column] in sources.index, (r["claim_id"], column)
        assert pd.Timestamp(sources.loc[r["claim_source_id"], "published"]).date() == ESSAY
        # A check published after its claim would need an as-of view of the check; none exists yet.
        for column in ("check_source_id", "first_source_id"):
            if r[column] and r["check_method"] == "source" and pd.notna(sources.loc[r[column], "published"]):
                assert pd.Timestamp(sources.loc[r[column], "published"]).date() <= ESSAY, r["claim_id"]


def test_a_source_has_one_tier_and_the_status_follows_it(latest):
    sources = load("sources", ROOT).set_index("source_id")
    parts = latest.tables["parts"]
    checked = parts[parts.source_id.notna()]
    assert (checked.source_tier == checked.source_id.map(sources.source_type)).all()
    # Every number the page calls vendor-reported rests on a self-reported source, and only those.
    vendor = parts.status == "vendor-reported"
    assert (parts[vendor].source_tier == "self-reported").all()
    assert not ((parts.status == "confirmed") & (parts.source_tier == "self-reported")).any()


def test_every_source_the_kernels_chapter_may_count_is_one_this_chapter_cites():
    # At every date the kernels chapter changes its counted values, the claims page can cite its source.
    for day in ("2025-08-31", "2025-09-30", "2025-11-30", "2026-02-28", "2026-04-10", "2026-04-20", None):
        as_of = dt.date.fromisoformat(day) if day else None
        ids = set(counted(as_of).source_id)
        assert ids <= set(chapter_sources_frame().source_id), (day, ids)


def test_a_source_missing_from_the_chapter_is_a_clear_error():
    sources = chapter_sources_frame()
    with pytest.raises(ValueError, match=r"claims\.csv:.*'opus-4-7-card' is not among this chapter's sources"):
        c.headline(frames(sources=sources[sources.source_id != "opus-4-7-card"]), {"as_of": None})


def test_the_rows_of_one_claim_must_agree():
    claims = load("claims", ROOT)
    claims.loc[claims.claim_id == "ptb_ai_gpt", "evidence_status"] = "confirmed"
    with pytest.raises(ValueError, match=r"rows of claim 'ptb_ai' \(ptb_ai_opus, ptb_ai_gpt\) disagree on column "
                                         r"'evidence_status'"):
        headline(claims=claims)


@pytest.mark.parametrize("change, message", [
    ({"claimed_low": "3", "claimed_high": "3"}, "column 'claimed_low': 3 does not match '2.9x' as written (allowed "
                                                "conversions: the same unit, hours stored as minutes, seconds stored "
                                                "as minutes)"),
    ({"claimed_high": "3"}, "column 'claimed_high': 3 does not match '2.9x' as written"),
    ({"claimed_as_written": "~3 hours"}, "column 'claimed_low': 2.9 does not match '~3 hours' as written (allowed "
                                         "conversions: the same unit, hours stored as minutes, seconds stored as "
                                         "minutes)"),
    ({"check_method": "source", "check_source_id": "sonnet-4-5-card"},
     "column 'checked_value': is empty (a claim checked against a source gives the value found)"),
])
def test_the_essays_words_and_the_stored_claim_agree(project, change, message):
    from mosaic.pipeline.validate import validate_all

    path = project / "data" / "claims" / "claims.csv"
    rows = list(csv.DictReader(path.open(newline="")))
    line = next(i for i, r in enumerate(rows) if r["claim_id"] == "speed_start") + 2
    rows[line - 2].update(change)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())
    assert validate_all(project).problems == [f"data/claims/claims.csv:{line}: {message}"]


def test_a_computed_value_is_never_typed(project):
    from mosaic.pipeline.validate import validate_all

    path = project / "data" / "claims" / "claims.csv"
    text = path.read_text()
    lines = text.splitlines()
    line = next(i for i, l in enumerate(lines) if l.startswith("compound_500,")) + 1
    fields = next(csv.reader([lines[line - 1]]))
    fields[list(csv.reader([lines[0]]))[0].index("checked_value")] = "60.6379"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    lines[line - 1] = out.getvalue()
    path.write_text("\n".join(lines) + "\n")
    assert validate_all(project).problems == [
        f"data/claims/claims.csv:{line}: column 'checked_value': must be empty (computed from the stated inputs or "
        "read from the kernels chapter, never typed)"]


# -- Thin data ---------------------------------------------------------------------------------
@pytest.mark.parametrize("day", ["2023-06-30", "2024-06-30", "2026-04-20"])
def test_before_the_essay_the_page_says_so(day):
    as_of = dt.date.fromisoformat(day)
    h = headline(as_of)
    assert h.text("lead") == (f"Import AI 455 was published on 2026-05-04, after this edition's date ({day}): "
                              "it had made no claim to check yet.")
    assert all(f.value == 0 and f.as_of is None for f in h.figures if f.publish)
    assert h.tables["claims"].empty and h.tables["chart"].empty and h.tables["differences"].empty
    assert "21 claims are made in sources published after this edition's date" in h.notes[0]
    assert plot.comparison(h).empty == h.text("lead")
    assert h.text("speed_end_found") == "not yet claimed (the essay appeared on 2026-05-04)"


def test_every_glued_key_exists_at_every_date(latest):
    import re

    keys = {f.key for f in latest.figures}
    assert keys == {f.key for f in headline(dt.date(2023, 6, 30)).figures}
    text = (ROOT / "chapters" / "claims.md").read_text()
    assert set(re.findall(r"\{glue:text\}`(\w+)`", text)) <= keys


def test_after_the_essay_an_as_of_build_sees_every_claim():
    h = headline(dt.date(2026, 5, 10))
    assert h.value("claims_total") == 20 and h.notes == []
    assert h.tables["claims"].set_index("essay_claim").status.to_dict() == EXPECTED


# -- The chart's rows --------------------------------------------------------------------------
def test_the_chart_draws_every_checked_number_with_its_first_report(latest):
    rows = latest.tables["chart"].set_index("claim_id")
    assert len(rows) == 21 - 3  # every number but the three forecasts
    assert rows.loc["metr_start", "gap_percent"] == round((0.599247 - 0.5) / 0.5 * 100, 2) == 19.85
    assert rows.loc["compound_500", "gap_percent"] == round((100 * 0.999 ** 500 - 60.5) / 60.5 * 100, 2)
    assert rows.loc["compound_500", "status"] == "discrepant"
    assert rows.loc["swe_start", "status"] == "confirmed" and rows.loc["swe_start", "gap_percent"] == -2.0
    assert rows.loc["speed_end", "first_gap_percent"] == round((51.91 - 52) / 52 * 100, 2)
    assert rows.loc["ptb_ai_gpt", "claim"].endswith("(Codex CLI + GPT 5.4 High)")
    assert rows.first_gap_percent.notna().sum() == 4  # CORE-Bench, MLE-bench, Opus 4 and Mythos Preview


# -- The status table --------------------------------------------------------------------------
def test_the_status_table_draws_badges_and_notes_and_escapes_the_rest(latest):
    from mosaic.book import palette
    from mosaic.book.charts import table_html

    args = plot.claims_table(latest)
    frame = args["frame"].copy()
    frame.loc[0, "claim"] = "A <b>claim</b> & more"
    out = table_html(frame, args["columns"], badges=args["badges"], notes=args["notes"])
    assert "A &lt;b&gt;claim&lt;/b&gt; &amp; more<div class='mosaic-note'>Full SWE-bench (2,294 tasks)" in out
    colour = palette.STATUS["superseded"]
    assert f"<span class='mosaic-status' style='--status:{colour}'>superseded</span>" in out
    assert out.count("class='mosaic-status'") == len(frame)
    assert "<th>Sources say (latest report)</th>" in out and "<th>note</th>" not in out


def test_the_essays_arithmetic_is_the_alignment_clocks_value(latest):
    """One value per quantity: the claims page quotes the alignment clock's 0.999^500, not a second computation."""
    parts = latest.tables["parts"].set_index("claim_id")
    computed = arithmetic(load("claims", ROOT)).set_index("claim_id").found_pct
    assert computed["compound_500"] == pytest.approx(0.999 ** 500 * 100)
    without = c.headline({**frames(), c.ARITHMETIC: computed.iloc[0:0].reset_index()}, {"as_of": None})
    assert without.value("claims_checked") == latest.value("claims_checked") - 2  # 50 and 500 generations
    assert parts.loc["compound_500", "latest"] == pytest.approx(computed["compound_500"])
