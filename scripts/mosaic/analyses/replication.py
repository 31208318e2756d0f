"""The research-replication chapter: does a benchmark go from "introduced low" to saturated within 18 months?

Wrangle (which rows make each benchmark's record), fit (the logistic curve of the record,
in mosaic.analyses.saturation) and headline (every figure, table and chart row the page
shows) are kept apart; plotting is in mosaic.book.plots.replication.

The rules, each stated on the page:

- A track is one series of comparable results (same tasks, same grading, same version).
  PaperBench's 20-paper launch set, its 3-paper subset with the human baseline and a later
  paper's own set are different tracks and never share a record line or a fit.
- Where a source re-scored a result (CORE-Bench's bug fix, MLE-bench's re-aggregation,
  PostTrainBench's re-runs) the latest value public on the book's date counts, and the
  earlier one is shown as a revision.
- Entries flagged for test-label leakage, unmerged self-reports and paper-only claims are
  shown but never enter a record or a fit; references (instruct models, human baselines)
  are ceilings, never entries.
- A track's "today" is the newest result its record was built from, or the book's as-of
  date when one is set; a later row that was left out never ages a benchmark.
- The ceiling is 100% of the score, or, with `ceiling = "human"`, the human reference
  measured on the same tasks where one exists (PostTrainBench's official instruct models).

Outputs for other chapters: `tracks` (one row per record point: track, date, value,
ceiling, ceiling_basis, introduced), `track_replicates` (track, replicate, a, b: the
logistic fit logit(value / ceiling) = a + b * days since introduced, replicate -1 the
central fit, the others its bootstrap replicates), per track with a fit, and `entries`
(every entry of every track: system, date, value, share of the ceiling, and whether it
set a record, counted, or why it was left out).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from . import forecast_rows
from . import saturation as sat
from .figures import Figure, Headline, missing, newest, parameter, sentence, sig
from .provenance import CITED, cite
from ..catalogue.replication import LEFT_OUT, REFERENCES

DATASETS = ("core_bench", "mle_bench", "post_train_bench", "paperbench", "re_bench")
SHARES = (0.5, 0.8, 0.9)  # the shares of the ceiling whose months the table gives
TRACK_COLUMNS = ["track", "date", "value", "ceiling", "ceiling_basis", "introduced"]
REPLICATE_COLUMNS = ["track", "replicate", "a", "b"]


@dataclass(frozen=True)
class Reference:
    """The human (or human-made) reference measured on a track's own tasks."""

    series: str
    flag: str
    system: str  # a word the reference row's system name contains
    basis: str  # how the page names it


@dataclass(frozen=True)
class Track:
    """One series of comparable results whose record is tested against the essay's pattern."""

    key: str  # figure keys: <key>_best, <key>_months_to_90
    name: str
    dataset: str
    series: tuple[str, ...]
    full: str  # what 100% means here
    reference: Reference | None = None
    launch_key: str | None = None  # the figure for the benchmark's launch best, where this track gives it


CORE_SERIES = ("Hard, paper", "Hard, HAL leaderboard", "Hard, Claude Code (automated grading)")
TRACKS = (
    Track("core_auto", "CORE-Bench Hard, automated grading", "core_bench", CORE_SERIES, "all tasks",
          launch_key="core_launch"),
    Track("core_manual", "CORE-Bench Hard, manual validation", "core_bench",
          CORE_SERIES + ("Hard, manually validated",), "all tasks"),
    Track("mle", "MLE-bench, all competitions", "mle_bench", ("All, leaderboard", "All, paper claim"),
          "a medal in every competition", launch_key="mle_launch"),
    Track("ptb", "PostTrainBench v1", "post_train_bench", ("v1 weighted average",), "the full score",
          Reference("v1 weighted average", "reference model", "Instruct", "the official instruct models"),
          launch_key="ptb_launch"),
    Track("paperbench", "PaperBench, 20-paper launch set", "paperbench", ("full (20 papers)",),
          "the whole rubric", launch_key="paperbench_launch"),
)
# Figure keys for each track's best and months to the saturated share (kept from earlier editions).
BEST_KEY = {"core_auto": "core_best_auto", "core_manual": "core_best", "mle": "mle_bench_latest_any_medal",
            "ptb": "ptb_best", "paperbench": "paperbench_best"}
MONTHS_KEY = {"core_auto": "core_auto_months_to_90", "core_manual": "core_bench_months_to_90",
              "mle": "mle_bench_months_to_90", "ptb": "ptb_months_to_90", "paperbench": "paperbench_months_to_90"}
LEFT_OUT_GROUP = "left out of every record"  # how the chart groups flagged entries, whatever their series
PAPERBENCH_OTHER = ("3-paper subset", "full, AiScientist's paper set")


# -- Wrangle ----------------------------------------------------------------------------------
def known(rows: pd.DataFrame) -> pd.Series:
    """When each row's value became public: its publication date, or its event date where none is given."""
    return rows.published.fillna(rows.date)


def vintages(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The latest public value of each system in each series, and the earlier values it replaced."""
    if rows.empty:
        return rows, rows
    ordered = rows.assign(_known=known(rows)).sort_values(["series", "system", "_known"], kind="stable")
    latest = ordered.groupby(["series", "system"], sort=False).tail(1)
    earlier = ordered.drop(index=latest.index)
    return latest.drop(columns="_known").sort_index(), earlier.drop(columns="_known").sort_index()


def split(frame: pd.DataFrame, track: Track) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every scored row of a track's series except references: the latest vintages, and the values they replaced."""
    return vintages(frame[frame.series.isin(track.series) & frame.value.notna() & ~frame.flag.isin(REFERENCES)])


def candidates(frame: pd.DataFrame, track: Track) -> pd.DataFrame:
    """Every scored row of a track's series except references, latest vintage only."""
    return split(frame, track)[0]


def counted(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows a record is built from: no flag at all (leakage, self-reports and paper claims never count)."""
    return rows[rows.flag.isna()]


def reference(frame: pd.DataFrame, track: Track) -> pd.Series | None:
    """The track's reference row (the latest published), if the track has one and it was public."""
    ref = track.reference
    if ref is None:
        return None
    rows = frame[(frame.series == ref.series) & (frame.flag == ref.flag)
                 & frame.system.str.contains(ref.system, regex=False) & frame.value.notna()]
    if rows.empty:
        return None
    return rows.loc[known(rows).sort_values(kind="stable").index[-1]]


@dataclass
class Result:
    """One track, wrangled and fitted."""

    track: Track
    entries: pd.DataFrame  # every candidate row, counted or left out
    used: pd.DataFrame  # the counted rows the record is built from
    records: pd.DataFrame
    ceiling: float
    ceiling_basis: str
    reference: pd.Series | None
    introduced: dt.date
    today: dt.date  # the newest result used, or the as-of date
    fit: sat.Fit

    @property
    def launch(self) -> pd.Series:
        return self.records.iloc[0]

    @property
    def best(self) -> pd.Series:
        return self.records.iloc[-1]


def ceiling_for(track: Track, ref: pd.Series | None, choice: str) -> tuple[float, str]:
    """The ceiling a track is measured against, and the words that say which."""
    if choice == "human" and ref is not None:
        return float(ref.value), f"{track.reference.basis} ({ref.value:g})"
    if choice == "human" and track.reference is None:
        return 100.0, f"100% ({track.full}; no human reference on these tasks)"
    return 100.0, f"100% ({track.full})"


def share_text(share: float, basis: str) -> str:
    """A share of the ceiling with the ceiling named: '45% of the ceiling, the official instruct models (51.1)'."""
    return f"{share:.0%} of the ceiling, {basis}"


def analyse(frames: dict, track: Track, params: dict) -> Result | None:
    """A track's record, ceiling, introduction, today and logistic fit (None when it has no results)."""
    frame = frames[track.dataset]
    entries = candidates(frame, track)
    used = counted(entries)
    if used.empty:
        return None
    ref = reference(frame, track)
    top, basis = ceiling_for(track, ref, params["ceiling"])
    introduced = used.date.min().date()
    today = params["as_of"] or newest(used.date)
    recs = sat.records(used)
    fit = sat.fit_logistic(recs, introduced, top, level=params["ci_level"], n_boot=params["n_boot"],
                           seed=params["seed"])
    return Result(track, entries, used, recs, top, basis, ref, introduced, today, fit)


# -- Words ------------------------------------------------------------------------------------
def pct(x: float) -> str:
    """A score as the source prints it: 21.48%, 26%."""
    return f"{x:g}%"


def months_text(m: dict) -> str:
    """Months to a share: observed to a tenth (dates are days), projected to two figures with its interval."""
    if m["kind"] == "observed":
        return f"{m['months']:.1f} months (observed)"
    if m["kind"] == "projected":
        if m["low"] is None:
            return f"{sig(m['months'])} months (projected; no interval)"
        return f"{sig(m['months'])} months ({sig(m['low'])} to {sig(m['high'])}, projected)"
    return m["kind"]


def verdict(r: Result, params: dict) -> str:
    return sat.verdict(r.fit, low_share=params["low_share"], saturated_share=params["saturated_share"],
                       window_months=params["window_months"], as_of=r.today)


def revision_text(r: Result, earlier: pd.DataFrame) -> str:
    """How the launch record was revised, if it was: 'first published as 21.48% (2024-09-17), re-scored ...'."""
    launch = r.launch
    before = earlier[(earlier.series == launch.series) & (earlier.system == launch.system)]
    if before.empty:
        return "as first published"
    first = before.iloc[0]
    return (f"first published as {pct(first.value)} on {known(before).iloc[0].date().isoformat()}, "
            f"re-scored on {known(r.records.loc[[launch.name]]).iloc[0].date().isoformat()}")


# -- Tables -----------------------------------------------------------------------------------
def saturation_row(r: Result, params: dict) -> dict:
    best = r.best
    row = {"benchmark": r.track.name, "ceiling": r.ceiling_basis, "introduced": r.introduced.isoformat(),
           "launch_best": pct(r.launch.value),
           "latest_best": f"{pct(best.value)} ({best.date.date().isoformat()})",
           "today": r.today.isoformat()}
    for q in SHARES:
        row[f"months_to_{round(q * 100)}"] = months_text(r.fit.months_to(q, not_before=r.today))
    row["verdict"] = verdict(r, params)
    return row


def entry_rows(r: Result, sources: pd.DataFrame) -> pd.DataFrame:
    """Every entry of a track for the chart: counted or why not, score, share of the ceiling, months in."""
    rows = cite(r.entries, sources)
    record_ids = set(r.records.index)
    status = rows.flag.fillna("counted").astype(object)
    status[rows.index.isin(record_ids)] = "set a record"
    return pd.DataFrame({
        "track": r.track.name, "system": rows.system, "series": rows.series,
        "date": rows.date.dt.date.astype(str),
        "months": ((rows.date - pd.Timestamp(r.introduced)).dt.days / sat.DAYS_PER_MONTH).round(2),
        "value": rows.value, "unit": rows.unit, "share": (100 * rows.value / r.ceiling).round(1),
        "ceiling": r.ceiling_basis, "status": status,
        "group": [r.track.name if s in ("counted", "set a record") else LEFT_OUT_GROUP for s in status],
        "reported_by": rows.reported_by,
        "source_id": rows.source_id, **{c: rows[c] for c in CITED}})


def entries_table(results: list[Result], sources: pd.DataFrame) -> pd.DataFrame:
    """Every entry once (a row two series share is drawn with the first), oldest first, highest last on a day."""
    if not results:
        return pd.DataFrame()
    rows = []
    for r in results:
        e = entry_rows(r, sources)
        e.insert(0, "row", [f"{r.track.dataset}:{i}" for i in e.index])
        rows.append(e)
    out = pd.concat(rows, ignore_index=True).drop_duplicates("row", keep="first").drop(columns="row")
    return out.sort_values(["date", "value"], kind="stable").reset_index(drop=True)


def record_rows(r: Result) -> pd.DataFrame:
    """The record as a step line: each record point, then the record held until the track's today."""
    recs = r.records
    dates, values, systems = list(recs.date.dt.date), list(recs.value), list(recs.system)
    if r.today > dates[-1]:
        dates, values, systems = dates + [r.today], values + [values[-1]], systems + [f"{systems[-1]} (record held)"]
    return pd.DataFrame({
        "track": r.track.name, "date": [d.isoformat() for d in dates],
        "months": [round((d - r.introduced).days / sat.DAYS_PER_MONTH, 2) for d in dates],
        "record": values, "share": [round(100 * v / r.ceiling, 1) for v in values],
        "system": systems, "ceiling": r.ceiling_basis})


REVISION_COLUMNS = ["benchmark", "system", "first", "first_published", "now", "now_published"]


def revision_rows(frames: dict) -> pd.DataFrame:
    """Each re-scored result of a fitted series: its first published value beside the value that replaced it."""
    out = []
    for dataset in dict.fromkeys(t.dataset for t in TRACKS):
        series = {s for t in TRACKS if t.dataset == dataset for s in t.series}
        frame = frames[dataset]
        latest, earlier = vintages(frame[frame.series.isin(series) & frame.value.notna()])
        now = latest.set_index(["series", "system"])
        for i, row in earlier.iterrows():
            later = now.loc[(row.series, row.system)]
            if later.value == row.value:
                continue  # published again unchanged: not a revision
            out.append({"benchmark": row.benchmark, "system": row.system, "first": row.value,
                        "first_published": known(earlier.loc[[i]]).iloc[0].date().isoformat(), "now": later.value,
                        "now_published": (later.published if pd.notna(later.published) else later.date)
                        .date().isoformat()})
    return pd.DataFrame(out, columns=REVISION_COLUMNS)


def re_bench_rows(rows: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    rows = cite(rows, sources).sort_values(["date", "system"], kind="stable")
    return pd.DataFrame({"date": rows.date.dt.date.astype(str), "system": rows.system, "metric": rows.metric,
                         "value": rows.value, "unit": rows.unit, "source": rows.source_title,
                         "tier": rows.source_type})


def ratio(rows: pd.DataFrame, words: str, key: str, label: str, as_of) -> Figure:
    """One of RE-Bench's headline ratios, picked by the words of its metric."""
    hit = rows[rows.metric.str.contains(words, regex=False) & rows.value.notna()]
    if hit.empty:
        return missing(key, label, "x", as_of, "METR had not published this comparison by this date")
    row = hit.iloc[0]
    return Figure(key, float(row.value), f"{row.value:g}×", "x", label, as_of=newest(known(hit)))


# -- Headline ---------------------------------------------------------------------------------
def headline(frames: dict, params: dict) -> Headline:
    """Every figure, table and chart row of the research-replication chapter."""
    as_of, level = params["as_of"], params["ci_level"]
    if params["ceiling"] not in ("human", "100"):
        raise ValueError(f"ceiling must be 'human' or '100', got {params['ceiling']!r}")
    sources = frames["sources"]
    saturated, window = params["saturated_share"], params["window_months"]
    h = Headline()
    h.add(parameter("ci_level", level, f"{level:.0%}", "Interval level"),
          parameter("ceiling", params["ceiling"], params["ceiling"], "Ceiling: human reference or 100%"),
          parameter("saturated_share", saturated, f"{saturated:.0%}", "Share of the ceiling counted as saturated"),
          parameter("low_share", params["low_share"], f"{params['low_share']:.0%}",
                    "Launch share of the ceiling counted as low"),
          parameter("window_months", window, f"{window:g} months", "Window the essay gives"),
          parameter("min_record_dates", sat.MIN_POINTS, str(sat.MIN_POINTS), "Record dates a projection needs"))

    results: list[Result] = []
    for track in TRACKS:
        earlier = split(frames[track.dataset], track)[1]
        r = analyse(frames, track, params)
        if r is not None:
            results.append(r)
        track_figures(h, track, r, earlier, params)

    by_key = {r.track.key: r for r in results}
    ptb_figures(h, by_key.get("ptb"), frames["post_train_bench"], params)
    mle_left_out(h, frames["mle_bench"], as_of)
    paperbench_figures(h, frames["paperbench"], as_of)

    rows = [saturation_row(r, params) for r in results]
    verdicts = [row["verdict"] for row in rows]
    used_as_of = newest(*[known(r.used) for r in results]) if results else None
    counts = {kind: sum(v.startswith(kind) for v in verdicts) for kind in ("yes", "no", "open")}
    h.add(Figure("verdict_yes", counts["yes"], str(counts["yes"]), "benchmarks",
                 f"Benchmark series that went from low to {saturated:.0%} of the ceiling within {window:g} months",
                 as_of=used_as_of, note=f"Ceilings: {'; '.join(r.ceiling_basis for r in results)}"),
          Figure("verdict_no", counts["no"], str(counts["no"]), "benchmarks",
                 "Benchmark series that contradict the pattern", as_of=used_as_of),
          Figure("verdict_open", counts["open"], str(counts["open"]), "benchmarks",
                 "Benchmark series still inside the window or without enough results", as_of=used_as_of),
          Figure("verdict_n", len(rows), str(len(rows)), "benchmarks", "Benchmark series tested",
                 as_of=used_as_of))
    h.add(sentence("records_finding",
                   f"{counts['yes']} of {len(rows)} benchmark series went from low to {saturated:.0%} of the "
                   f"ceiling within {window:g} months" if rows else "No replication benchmark had results yet"))
    h.tables["saturation"] = pd.DataFrame(rows, columns=["benchmark", "ceiling", "introduced", "launch_best",
                                                         "latest_best", "today", "months_to_50", "months_to_80",
                                                         "months_to_90", "verdict"])
    h.tables["entries"] = entries_table(results, sources)
    h.tables["records"] = (pd.concat([record_rows(r) for r in results], ignore_index=True)
                           if results else pd.DataFrame())
    h.tables["revisions"] = revision_rows(frames)
    h.tables["re_bench"] = re_bench_rows(frames["re_bench"], sources)
    re = frames["re_bench"]
    h.add(ratio(re, "best-AI-agent score to human-expert score at 2h", "re_bench_ai_over_human_2h",
                "RE-Bench: best AI agents' score over human experts' at a 2-hour budget", as_of),
          ratio(re, "human-expert score to best-AI-agent score at 32h", "re_bench_human_over_ai_32h",
                "RE-Bench: human experts' score over the best AI agents' at a 32-hour budget", as_of))

    h.outputs["tracks"] = pd.DataFrame(
        [{"track": r.track.name, "date": d.date().isoformat(), "value": float(v), "ceiling": r.ceiling,
          "ceiling_basis": r.ceiling_basis, "introduced": r.introduced.isoformat()}
         for r in results for d, v in zip(r.records.date, r.records.value)], columns=TRACK_COLUMNS)
    h.outputs["forecasts"] = pd.DataFrame([f for f in (book_forecast(r, params) for r in results) if f],
                                          columns=forecast_rows.COLUMNS)
    entries = h.tables["entries"]
    h.outputs["entries"] = (entries[["track", "system", "date", "value", "share", "status"]] if len(entries)
                            else pd.DataFrame(columns=["track", "system", "date", "value", "share", "status"]))
    h.outputs["track_replicates"] = pd.concat(
        [r.fit.replicates().assign(track=r.track.name)[REPLICATE_COLUMNS] for r in results if r.fit.projectable]
        or [pd.DataFrame(columns=REPLICATE_COLUMNS)], ignore_index=True)
    return h


def book_forecast(r: Result, params: dict) -> dict | None:
    """The date a track's record reaches the saturated share, where the fit projects it: the forecast this
    chapter enters into the ledger when it is released (central fit, 5% and 95% of its bootstrap replicates)."""
    q = params["saturated_share"]
    m = r.fit.months_to(q, not_before=r.today)
    if m["kind"] != "projected":
        return None
    ok = r.fit.b_reps > 0
    t = (sat.logit(q) - r.fit.a_reps[ok]) / r.fit.b_reps[ok]
    start = r.introduced.toordinal()
    return forecast_rows.date_forecast(
        f"{r.track.key}_reaches_{round(q * 100)}",
        f"The date the {r.track.name} record first reaches {q:.0%} of the ceiling, {r.ceiling_basis}",
        f"The date of the first counted {r.track.name} result at or above {q:.0%} of the ceiling "
        f"({r.ceiling_basis}), settled when such a result is first published; a hit if it falls inside the 90% "
        "interval (5% to 95%). Overdue if none by {resolve_by}.",
        "benchmark first share", f"track={r.track.name}; share={q:g}; ceiling={params['ceiling']}",
        start + t, start + (sat.logit(q) - r.fit.a) / r.fit.b, r.today, not_before=r.today,
        figure=MONTHS_KEY[r.track.key])


def track_figures(h: Headline, track: Track, r: Result | None, earlier: pd.DataFrame, params: dict) -> None:
    """A track's launch best (with its revision), its best, and its months to the saturated share."""
    as_of, saturated = params["as_of"], params["saturated_share"]
    best_key, months_key = BEST_KEY[track.key], MONTHS_KEY[track.key]
    months_label = f"{track.name}: months from introduction to {saturated:.0%} of the ceiling"
    if r is None:
        why = f"no {track.name} result had been published"
        if track.launch_key:
            h.add(missing(track.launch_key, f"{track.name}: best score at launch", "%", as_of, why),
                  sentence(f"{track.launch_key}_revision", "no result yet"))
        h.add(missing(best_key, f"{track.name}: best score", "%", as_of, why),
              missing(months_key, months_label, "months", as_of, why),
              sentence(f"{track.key}_verdict", "no results yet"))
        return
    if track.launch_key:
        launch = r.launch
        h.add(Figure(track.launch_key, float(launch.value), pct(launch.value), launch.unit,
                     f"{track.name}: best score at launch ({launch.system})",
                     as_of=newest(known(r.records.loc[[launch.name]]))),
              sentence(f"{track.launch_key}_revision", revision_text(r, earlier)))
    best = r.best
    h.add(Figure(best_key, float(best.value), pct(best.value), best.unit, f"{track.name}: best score ({best.system})",
                 as_of=newest(known(r.used)), note=f"Ceiling: {r.ceiling_basis}"))
    m = r.fit.months_to(saturated, not_before=r.today)
    value = None if m["months"] is None else round(float(m["months"]), 1)
    ci = None if m["low"] is None else (round(float(m["low"]), 1), round(float(m["high"]), 1))
    if ci is not None and not ci[0] < ci[1]:
        ci = None
    why = "no result after launch" if r.today <= r.introduced else m["kind"]
    h.add(Figure(months_key, value, months_text(m) if value is not None else f"not reached ({why})", "months",
                 months_label, ci=ci, ci_level=params["ci_level"] if ci else None, as_of=newest(known(r.used)),
                 note=f"Ceiling: {r.ceiling_basis}; {m['kind']}"),
          sentence(f"{track.key}_verdict", verdict(r, params)))


def ptb_figures(h: Headline, r: Result | None, frame: pd.DataFrame, params: dict) -> None:
    """PostTrainBench: the best agent against the official instruct models, with the ceiling stated."""
    as_of = params["as_of"]
    track = next(t for t in TRACKS if t.key == "ptb")
    ref = reference(frame, track)
    if ref is None:
        h.add(missing("ptb_reference", "PostTrainBench v1: official instruct models", "%", as_of,
                      "PostTrainBench v1 had not been published by this date"))
    else:
        h.add(Figure("ptb_reference", float(ref.value), pct(ref.value), ref.unit,
                     "PostTrainBench v1: official instruct models (trained with far more than the agents' budget)",
                     as_of=newest(known(frame.loc[[ref.name]]))))
    if r is None or ref is None:
        why = "PostTrainBench v1 had not been published by this date"
        h.add(missing("post_train_bench_gap_to_human", "PostTrainBench v1: official instruct models minus the best "
                      "agent", "points", as_of, why),
              missing("ptb_share_of_ceiling", "PostTrainBench v1: best agent as a share of the ceiling", "%",
                      as_of, why),
              sentence("ptb_ceiling", "not yet chosen: no PostTrainBench v1 results"))
        return
    gap = float(ref.value) - float(r.best.value)
    share = float(r.best.value) / r.ceiling
    when = newest(known(r.used), known(frame.loc[[ref.name]]))
    h.add(Figure("post_train_bench_gap_to_human", round(gap, 1), f"{gap:.1f} points", "points",
                 "PostTrainBench v1: official instruct models minus the best agent", as_of=when,
                 note="Measured against the official instruct models whichever ceiling is chosen"),
          Figure("ptb_share_of_ceiling", round(100 * share), share_text(share, r.ceiling_basis), "%",
                 f"PostTrainBench v1: best agent as a share of the ceiling, {r.ceiling_basis}", as_of=when,
                 note=f"Ceiling: {r.ceiling_basis} (the ceiling parameter is {params['ceiling']!r})"),
          sentence("ptb_ceiling", r.ceiling_basis))


def mle_left_out(h: Headline, frame: pd.DataFrame, as_of) -> None:
    """The highest MLE-bench entry that is shown but not counted, and why."""
    track = next(t for t in TRACKS if t.key == "mle")
    rows = candidates(frame, track)
    out = rows[rows.flag.isin(LEFT_OUT)]
    if out.empty:
        h.add(missing("mle_left_out_best", "MLE-bench: highest entry left out of the record", "%", as_of,
                      "no entry had been flagged by this date"),
              sentence("mle_left_out_why", "none"))
        return
    top = out.loc[out.value.idxmax()]
    h.add(Figure("mle_left_out_best", float(top.value), pct(top.value), top.unit,
                 f"MLE-bench: highest entry left out of the record ({top.system}: {top.flag})",
                 as_of=newest(known(out.loc[[top.name]]))),
          sentence("mle_left_out_why", f"{top.flag} ({top.system.split(' (')[0]})"))


def paperbench_figures(h: Headline, frame: pd.DataFrame, as_of) -> None:
    """PaperBench's other task sets: the human baseline on its 3-paper subset, and a later paper's own set."""
    sub = frame[frame.series == PAPERBENCH_OTHER[0]]
    human = sub[sub.flag == "human baseline"]
    agent = sub[sub.flag.isna() & sub.value.notna()]
    for key, rows, label in (("paperbench_human_3_papers", human, "PaperBench, 3-paper subset: ML PhDs, best of 3 "
                                                                   "attempts in 48 hours"),
                             ("paperbench_o1_3_papers", agent, "PaperBench, 3-paper subset: o1")):
        if rows.empty:
            h.add(missing(key, label, "%", as_of, "not published by this date"))
        else:
            h.add(Figure(key, float(rows.value.iloc[0]), pct(rows.value.iloc[0]), rows.unit.iloc[0], label,
                         as_of=newest(known(rows))))
    other = frame[(frame.series == PAPERBENCH_OTHER[1]) & frame.value.notna() & frame.flag.isna()]
    if other.empty:
        h.add(missing("paperbench_other_set_best", "PaperBench on a later paper's own task set", "%", as_of,
                      "no result on another task set had been published by this date"))
    else:
        top = other.loc[other.value.idxmax()]
        h.add(Figure("paperbench_other_set_best", float(top.value), pct(top.value), top.unit,
                     f"PaperBench on a later paper's own task set, described as 23 papers ({top.system}; "
                     "secondary)", as_of=newest(known(other))))
    shown = frame[frame.series.isin(PAPERBENCH_OTHER) & frame.value.notna()]
    h.tables["paperbench_other"] = pd.DataFrame({
        "series": shown.series, "system": shown.system, "value": shown.value,
        "date": shown.date.dt.date.astype(str), "flag": shown.flag.fillna("")}).reset_index(drop=True)
