"""The forecasts chapter: the ledger scored against the data, and backtests of the book's own trend methods.

Wrangle (the ledger's rows, resolved in mosaic.analyses.ledger), fit (the rolling-origin backtests
in mosaic.analyses.backtest, the growth forms in mosaic.analyses.growth) and headline (every
figure, table and chart row the page shows) are kept apart; the charts are in
mosaic.book.plots.forecasts.

Rules the page states:
- Forecasts and postdictions are kept apart. The ledger holds forecasts recorded before their
  outcome; every backtest row is a postdiction, computed after its outcome was known.
- Statuses are as of the build's date, or, for the latest build, the newest date in the data
  the chapter reads (so a page never depends on the day it happened to be built).
- The METR backtest's headline figures come from the exponential form (the book's trend), fitted
  on the models released by each origin with their values as METR later published them, because
  METR's earliest dated values in this book's data are from December 2025; the as-published
  backtest, which uses only what was public at each origin, is shown apart.
- A ratio is actual / predicted: above 1, reality ran ahead of a horizon or score forecast (and
  behind a forecast of a time).

Outputs for other chapters: `growth_form_scores` (form, log_score, weight, n: each growth form's
mean log score on the later models every form predicted, and its weight), `objection_observations`
(objection, observation, resolve_by, forecast_id, status) and `resolutions` (what make release
records in the ledger's outcome columns).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import backtest as bt
from . import growth, ledger
from ..catalogue.forecasts import BOOK, parse_quantiles
from ..catalogue.schema import period_end
from .figures import Figure, Headline, missing, newest, parameter, sentence, sig
from .provenance import cite

MINUTES_PER_HOUR = 60
REPLICATION = ("core_bench", "mle_bench", "post_train_bench", "paperbench")


# -- Words --------------------------------------------------------------------------------------------
def share(hits: int, n: int) -> str:
    return f"{hits / n:.0%} ({hits} of {n})"


def times(x: float) -> str:
    return f"{sig(x)}×"


def hours(minutes: float) -> str:
    return f"{sig(minutes / MINUTES_PER_HOUR)} hours" if minutes >= MINUTES_PER_HOUR else f"{sig(minutes)} minutes"


def forecast_text(row: pd.Series) -> str:
    """A ledger row's forecast as a reader reads it: '30%', '5%: 2026-07-15, 50%: ...', 'a deadline'."""
    if row.kind == "probability":
        return f"{row.probability:.0%} chance"
    if row.kind == "quantiles" and isinstance(row.quantiles, str):
        qs = parse_quantiles(row.quantiles)
        return ", ".join(f"{round(q * 100)}%: {hours(float(v)) if row.unit == 'minutes' else v}" for q, v in qs.items())
    if row.kind == "observation":
        return "an observation to watch (no probability)"
    return f"by {row.resolve_by.date().isoformat()} (no probability)"


def score_text(r: pd.Series) -> str:
    parts = []
    if pd.notna(r.brier):
        parts.append(f"Brier {r.brier:.3f}, log {r.log:.3f}")
    if pd.notna(r.interval_score):
        parts.append(f"interval score {r.interval_score:.3g}")
    if pd.notna(r.crps):
        parts.append(f"CRPS {r.crps:.3g}")
    return "; ".join(parts)


# -- The status date ------------------------------------------------------------------------------------
def status_date(frames: dict, as_of: dt.date | None) -> dt.date | None:
    """The build's as_of, or the newest date in the data the chapter reads."""
    if as_of is not None:
        return as_of
    dates = [newest(frames["forecast_ledger"].made_at)]
    metr = frames["metr_horizons:vintages"]
    if len(metr):
        dates.append(newest(bt.known_on(metr)))
    for name in REPLICATION:
        f = frames[name]
        if len(f):
            dates.append(newest(f.published.fillna(f.date)))
    return newest(*dates)


# -- The ledger ----------------------------------------------------------------------------------------
def ledger_table(rows: pd.DataFrame, judged: pd.DataFrame) -> pd.DataFrame:
    """The ledger as the page shows it: one row per forecast with its status, outcome and score, and the
    forecaster's words, the book's reading and the resolution rule beside it."""
    cols = ["id", "who", "made", "target", "as_written", "forecast", "reading", "rule", "resolve_by", "status",
            "result", "note", "source", "chapter", "chapter_version"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    j = judged.set_index("id")
    out = pd.DataFrame({
        "id": rows.id, "who": rows.who, "made": "made " + rows.made_at.astype(str),
        "target": rows.target,
        "as_written": rows.as_written.fillna("").map(lambda t: f"As written: {t}" if t else ""),
        "forecast": [forecast_text(r) for _, r in rows.iterrows()],
        "reading": rows.reading.fillna("").map(lambda t: f"The book's reading: {t}" if t else ""),
        "rule": rows.rule,
        "resolve_by": rows.resolve_by.dt.date.astype(str),
        "status": [j.status[i] for i in rows.id],
        "result": ["; ".join(x for x in (_text(j.outcome[i]), score_text(j.loc[i]), _text(j.note[i])) if x)
                   for i in rows.id],
        "note": [_text(j.note[i]) for i in rows.id],
        "source": rows.source_title.fillna("") if "source_title" in rows else "",
        "chapter": rows.chapter.fillna(""),
        "chapter_version": rows.chapter_version,
    })
    return out[cols].reset_index(drop=True)


def _text(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def objections(rows: pd.DataFrame, judged: pd.DataFrame) -> pd.DataFrame:
    """The observation that would settle each objection, as an open forecast of the ledger (the mosaic reads it)."""
    obs = rows[(rows.kind == "observation") & rows.topic.notna()]
    status = judged.set_index("id").status
    return pd.DataFrame({"objection": obs.topic.astype(str), "observation": obs.target.astype(str),
                         "rule": obs.rule.astype(str), "resolve_by": obs.resolve_by.dt.date.astype(str),
                         "forecast_id": obs.id.astype(str), "status": [status[i] for i in obs.id]},
                        columns=["objection", "observation", "rule", "resolve_by", "forecast_id",
                                 "status"]).reset_index(drop=True)


def calibration(rows: pd.DataFrame, judged: pd.DataFrame) -> pd.DataFrame:
    """For resolved forecasts with quantiles: for each stated level, whether the outcome fell below it."""
    out = []
    j = judged.set_index("id")
    for _, r in rows.iterrows():
        res = j.loc[r.id]
        if res.status not in ledger.RESOLVED or not isinstance(r.quantiles, str) or not _text(res.outcome):
            continue
        try:
            y = (dt.date.fromisoformat(res.outcome).toordinal() if r.unit == "date" else float(res.outcome))
        except ValueError:
            continue
        for level, text in parse_quantiles(r.quantiles).items():
            v = dt.date.fromisoformat(text).toordinal() if r.unit == "date" else float(text)
            out.append({"id": r.id, "level": level, "below": y <= v})
    return pd.DataFrame(out, columns=["id", "level", "below"])


# -- The backtests -------------------------------------------------------------------------------------
def metr_setup(params: dict, window_start: str | None = None) -> bt.Metr:
    return bt.Metr(params["suite"], dt.date.fromisoformat(window_start or params["window_start"]),
                   float(params["cap_hours"]) * MINUTES_PER_HOUR,
                   {name: float(h) * MINUTES_PER_HOUR for name, h in params["thresholds_hours"].items()},
                   float(params["level"]), int(params["n_boot"]), int(params["seed"]))


def window_table(preds: pd.DataFrame, windows: pd.DataFrame) -> pd.DataFrame:
    """Each fit window (the window start to an origin) of the book's trend: what it was fitted on and its error."""
    w = windows[(windows.form == "exponential") & (windows["mode"] == bt.LATER)]
    p = preds[(preds.method == "horizons") & (preds.form == "exponential") & (preds["mode"] == bt.LATER)]
    band, pred = p[p.interval == bt.BAND], p[p.interval == bt.PREDICTION]
    rows = []
    for r in w.itertuples():
        g, t = band[band.origin == r.origin], pred[pred.origin == r.origin]
        rows.append({"origin": r.origin, "models": r.models, "fitted_through": r.fitted_through,
                     "doubling_days": r.doubling_days, "predictions": len(g),
                     "median_ratio": round(float(g.ratio.median()), 2) if len(g) else None,
                     "coverage": f"{g.covered.astype(bool).mean():.0%}" if len(g) else None,
                     "coverage_prediction": f"{t.covered.astype(bool).mean():.0%}" if len(t) else None,
                     "log_score": round(float(t.log_score.mean()), 2) if len(t) else None,
                     "note": r.note if not len(g) or r.note else ""})
    return pd.DataFrame(rows, columns=["origin", "models", "fitted_through", "doubling_days", "predictions",
                                       "median_ratio", "coverage", "coverage_prediction", "log_score", "note"])


def at_lead(summary: pd.DataFrame, method: str, form: str, lead: int, mode: str = bt.LATER,
            interval: str = bt.BAND) -> pd.Series | None:
    hit = summary[(summary.method == method) & (summary.form == form) & (summary.lead == lead)
                  & (summary["mode"] == mode) & (summary.interval == interval)]
    return hit.iloc[0] if len(hit) else None


def form_table(preds: pd.DataFrame, scores: pd.DataFrame, summary: pd.DataFrame, leads: list[int]) -> pd.DataFrame:
    rows = []
    for s in scores.itertuples():
        p = preds[(preds.method == "horizons") & (preds.form == s.form) & (preds["mode"] == bt.LATER)
                  & (preds.interval == bt.PREDICTION)]
        k = int(p.covered.astype(bool).sum())
        row = {"form": s.form, "log_score": None if pd.isna(s.log_score) else round(float(s.log_score), 2),
               "weight": None if pd.isna(s.weight) else f"{s.weight:.1%}", "n": s.n, "predictions": len(p),
               "coverage": share(k, len(p)) if len(p) else None,
               "median_ratio": times(p.ratio.median()) if len(p) else None}
        for i, lead in enumerate(leads):
            at = at_lead(summary, "horizons", s.form, lead, interval=bt.PREDICTION)
            name = "short" if i == 0 else "long"
            row[f"coverage_{name}"] = share(int(round(at.coverage * at.n)), int(at.n)) if at is not None else None
            row[f"ratio_{name}"] = times(at.median_ratio) if at is not None else None
        rows.append(row)
    return pd.DataFrame(rows)


def compare_windows(view, vintages, params, data_date, origins, leads) -> pd.DataFrame:
    """The book's trend backtested from other window starts, beside its own."""
    rows = []
    for start in params["compare_window_starts"]:
        preds, _ = bt.metr(vintages, view, metr_setup(params, start), origins, data_date, forms=("exponential",),
                           modes=(bt.LATER,), thresholds=False)
        p = preds[(preds.method == "horizons") & (preds["mode"] == bt.LATER) & (preds.interval == bt.BAND)]
        summary = bt.by_lead(p, params["lead_step_months"])
        k = int(p.covered.astype(bool).sum())
        row = {"window_start": start + (" (this page)" if start == params["window_start"] else ""),
               "predictions": len(p), "coverage": share(k, len(p)) if len(p) else None,
               "median_ratio": times(p.ratio.median()) if len(p) else None}
        for i, lead in enumerate(leads):
            at = at_lead(summary, "horizons", "exponential", lead)
            name = "short" if i == 0 else "long"
            row[f"coverage_{name}"] = share(int(round(at.coverage * at.n)), int(at.n)) if at is not None else None
            row[f"ratio_{name}"] = times(at.median_ratio) if at is not None else None
        rows.append(row)
    return pd.DataFrame(rows)


# -- The headline --------------------------------------------------------------------------------------
def headline(frames: dict, params: dict) -> Headline:
    """Every figure, table and chart row of the forecasts chapter."""
    as_of, level = params["as_of"], float(params["level"])
    sources = frames["sources"]
    today = status_date(frames, as_of)
    h = Headline()
    leads = [int(x) for x in params["headline_leads_months"]]
    h.add(parameter("level", level, f"{level:.0%}", "Central interval scored"),
          parameter("suite", params["suite"], params["suite"], "METR task suite backtested"),
          parameter("window_start", params["window_start"], params["window_start"], "Start of the trend's window"),
          parameter("first_origin", params["first_origin"], params["first_origin"], "First backtest origin"),
          parameter("lead_step_months", params["lead_step_months"], f"{params['lead_step_months']:g} months",
                    "Lead-time bins"),
          parameter("min_resolved", params["min_resolved_for_calibration"],
                    str(params["min_resolved_for_calibration"]), "Resolved forecasts a calibration plot needs"),
          sentence("status_date", today.isoformat() if today else "no data"))

    # The ledger.
    rows = cite(frames["forecast_ledger"], sources).reset_index(drop=True)
    view = frames["metr_horizons"]
    vintages = frames["metr_horizons:vintages"]
    data = ledger.Data(view, vintages, {n: frames[n] for n in REPLICATION}, today or dt.date.min)
    judged, history = ledger.assess(rows, data) if len(rows) else (
        pd.DataFrame(columns=["id", "status", "brier", "log", "interval_score", "crps", "covered", "outcome",
                              "resolved_at", "evidence", "evidence_hash", "note"]),
        pd.DataFrame(columns=["id", "outcome", "resolved_at", "evidence", "recorded", "now", "why"]))
    _ledger_figures(h, rows, judged, as_of)
    h.tables["ledger"] = ledger_table(rows, judged)
    h.tables["history"] = history
    h.tables["calibration"] = calibration(rows, judged)
    n_cal = h.tables["calibration"].id.nunique()
    h.add(sentence("calibration_finding",
                   f"{n_cal} resolved forecasts with quantiles, against the diagonal of perfect calibration"
                   if n_cal >= params["min_resolved_for_calibration"] else
                   f"{n_cal} of the {params['min_resolved_for_calibration']} resolved forecasts with quantiles a "
                   "calibration plot needs"))
    paces = [p for p in (ledger.pace(r, data) for _, r in rows.iterrows()) if p is not None] if len(rows) else []
    h.tables["pace"] = pd.DataFrame(paces, columns=["id", "who", "made_at", "target_minutes", "target_date", "suite",
                                                    "start_model", "start_minutes", "measured_on", "latest_model",
                                                    "latest_minutes", "path_minutes", "pace", "why"])
    _pace_sentence(h, h.tables["pace"])
    h.outputs["objection_observations"] = objections(rows, judged)[["objection", "observation", "resolve_by",
                                                                    "forecast_id", "status"]]
    h.tables["objections"] = objections(rows, judged)
    h.outputs["resolutions"] = judged[judged.outcome.notna()][["id", "status", "outcome", "resolved_at", "evidence",
                                                               "evidence_hash"]].reset_index(drop=True)

    # The backtests.
    first = dt.date.fromisoformat(params["first_origin"])
    origins = bt.quarter_ends(first, today) if today and today >= first else []
    suite_rows = bt.suite_rows(view, params["suite"])
    metr_date = newest(bt.known_on(suite_rows)) if len(suite_rows) else None
    dated = vintages[vintages.published.notna()]
    h.add(sentence("metr_first_published", dated.published.min().date().isoformat() if len(dated) else
                   "after this date"),
          sentence("metr_newest", metr_date.isoformat() if metr_date else "none yet"))
    m = metr_setup(params)
    if origins and metr_date:
        preds, windows = bt.metr(vintages, view, m, origins, metr_date)
    else:
        preds, windows = (pd.DataFrame(columns=bt.PREDICTION_COLUMNS), pd.DataFrame(columns=bt.WINDOW_COLUMNS))
    sat_params = {"saturated_share": params["saturated_share"], "ceiling": params["ceiling"],
                  "n_boot": params["n_boot"], "seed": params["seed"], "as_of": as_of}
    if origins:
        spreds, swindows = bt.saturation({n: frames[n] for n in REPLICATION}, origins, sat_params, level)
    else:
        spreds, swindows = (pd.DataFrame(columns=bt.PREDICTION_COLUMNS), pd.DataFrame(columns=bt.WINDOW_COLUMNS))
    step = float(params["lead_step_months"])
    allp = pd.concat([preds, spreds], ignore_index=True) if len(spreds) else preds
    summary = bt.by_lead(allp, step)
    h.tables["predictions"] = allp
    h.tables["summary"] = summary
    h.tables["windows"] = window_table(preds, windows)
    h.tables["saturation_windows"] = swindows
    scores = bt.form_scores(preds)
    h.tables["forms"] = form_table(preds, scores, summary, leads)
    h.outputs["growth_form_scores"] = scores[["form", "log_score", "weight", "n"]]
    used_as_of = newest(bt.known_on(suite_rows)) if len(suite_rows) else None
    _backtest_figures(h, preds, spreds, summary, scores, leads, level, as_of, used_as_of, params)
    h.tables["compare"] = (compare_windows(view, vintages, params, metr_date, origins, leads)
                           if origins and metr_date else pd.DataFrame())
    h.tables["published"] = published_table(preds)
    h.tables["workweek"] = preds[(preds.method == "thresholds") & (preds["mode"] == bt.LATER)
                                 & (preds.interval == bt.BAND) & (preds.target == _workweek(params))] \
        .reset_index(drop=True)
    h.tables["sources"] = pd.DataFrame(
        [{"source_id": s, "data": "metr"} for s in sorted(set(suite_rows.source_id))]
        + [{"source_id": s, "data": "replication"} for s in sorted({s for n in REPLICATION for s in frames[n].source_id})],
        columns=["source_id", "data"])
    points, bins = method_rows(allp, step)
    h.tables["method_points"], h.tables["method_bins"] = points, bins
    h.tables["form_bins"] = form_bins(summary)
    _prose(h, leads, level, params)
    _chart_findings(h, bins, level, params)
    return h


def published_table(preds: pd.DataFrame) -> pd.DataFrame:
    """The book's trend refitted on what METR had published at each origin: what it said, and what came."""
    rows = preds[(preds["mode"] == bt.PUBLISHED) & (preds.form == "exponential") & (preds.interval == bt.BAND)]

    def shown(v, unit):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        return hours(float(v)) if unit == "minutes" else str(v)

    return pd.DataFrame({
        "origin": rows.origin, "target": rows.target,
        "predicted": [shown(v, u) for v, u in zip(rows.predicted, rows.unit)],
        "interval": [f"{shown(lo, u) or 'open'} to {shown(hi, u) or 'open'}"
                     for lo, hi, u in zip(rows.low, rows.high, rows.unit)],
        "actual": [shown(v, u) for v, u in zip(rows.actual, rows.unit)],
        "status": rows.status}).reset_index(drop=True)


BOOK_METHODS = {  # the book's own methods, as the charts name them
    ("horizons", "exponential"): "METR trend: horizons",
    ("thresholds", "exponential"): "METR trend: threshold dates",
    ("records", None): "Saturation: later records",
    ("saturation", None): "Saturation: months to 90%",
}


def method_rows(preds: pd.DataFrame, step: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The book's own methods' scored postdictions (the trend's METR rows use the values as later published),
    and per method and lead: how many, the coverage and the median ratio."""
    parts = []
    for (method, form), label in BOOK_METHODS.items():
        rows = preds[(preds.method == method) & ((preds.form == form) if form else True)
                     & (preds.interval == bt.BAND)
                     & ((preds["mode"] == bt.LATER) if method in ("horizons", "thresholds") else True)
                     & preds.covered.notna() & preds.lead_months.notna()]
        if len(rows):
            parts.append(rows.assign(method_label=label, track=rows.form if form is None else ""))
    cols = ["method_label", "origin", "target", "track", "target_date", "lead_months", "predicted", "low", "high",
            "actual", "ratio", "covered", "status", "unit", "source_id"]
    if not parts:
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=["method_label", "lead", "n", "coverage",
                                                                 "median_ratio", "n_ratio"])
    points = pd.concat(parts, ignore_index=True)
    points["covered"] = points.covered.astype(bool)
    points["lead"] = bt.lead_bin(points.lead_months.astype(float), step)
    bins = []
    for (label, lead), g in points.groupby(["method_label", "lead"], sort=True):
        ratios = g.ratio.dropna().astype(float)
        bins.append({"method_label": label, "lead": int(lead), "n": len(g),
                     "coverage": round(100 * float(g.covered.mean()), 1),
                     "median_ratio": round(float(ratios.median()), 3) if len(ratios) else None,
                     "n_ratio": len(ratios)})
    points = points.assign(ratio=points.ratio.astype(float).round(3), lead_months=points.lead_months.astype(float))
    for c in ("predicted", "low", "high", "actual"):
        points[c] = [round(v, 3) if isinstance(v, float) else v for v in points[c]]
    return points[cols], pd.DataFrame(bins)


def form_bins(summary: pd.DataFrame) -> pd.DataFrame:
    rows = summary[(summary.method == "horizons") & (summary["mode"] == bt.LATER)
                   & (summary.interval == bt.PREDICTION)]
    return pd.DataFrame({"form": rows.form, "lead": rows.lead, "n": rows.n,
                         "coverage": (100 * rows.coverage).round(1), "median_ratio": rows.median_ratio.round(3)})


def _chart_findings(h: Headline, bins: pd.DataFrame, level: float, params: dict) -> None:
    trend = bins[bins.method_label == BOOK_METHODS[("horizons", "exponential")]]
    lead = int(params["headline_leads_months"][-1])
    if len(trend):
        far = trend[trend.lead == lead].iloc[0] if (trend.lead == lead).any() else trend.iloc[-1]
        h.add(sentence("ratio_finding",
                       f"The later the model, the further it ran ahead of the METR trend: {times(far.median_ratio)} "
                       f"the predicted horizon at {far.lead} months' lead (median, actual/predicted)"
                       if far.median_ratio and far.median_ratio > 1 else
                       f"At {far.lead} months' lead later models reached {times(far.median_ratio)} the horizon the "
                       "METR trend predicted (median, actual/predicted)"),
              sentence("coverage_finding",
                       f"The METR trend's {level:.0%} interval held {far.coverage:.0f}% of later models at "
                       f"{far.lead} months' lead, against the {level:.0%} it claims"))
    else:
        h.add(sentence("ratio_finding", "No postdiction could be scored yet"),
              sentence("coverage_finding", "No postdiction could be scored yet"))
    forms = h.tables["forms"]
    scored = forms[forms.log_score.notna()].sort_values("log_score") if len(forms) else forms
    h.add(sentence("forms_finding",
                   f"Backtested on METR's later models, the {scored.iloc[0].form} form erred least "
                   f"(log score {scored.iloc[0].log_score:.2f}); the median model is shown as actual/predicted by "
                   "lead time" if len(scored) else "No growth form could be scored yet"))
    ww = h.tables["workweek"]
    ww = ww[ww.form == "exponential"]
    if len(ww):
        first, last = ww.iloc[0], ww.iloc[-1]
        h.add(sentence("workweek_finding",
                       f"Each quarter's refit moved the trend's date for {_workweek(params)}: from "
                       f"{_month(first.predicted)} (fitted at {first.origin}) to {_month(last.predicted)} "
                       f"(at {last.origin})"))
    else:
        h.add(sentence("workweek_finding", "No trend had been fitted yet"))


def _month(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%B %Y") if iso else "beyond the search"


def _workweek(params: dict) -> str:
    """The label of the last (longest) threshold, the one no model has reached: the book's work-week."""
    name, hrs = list(params["thresholds_hours"].items())[-1]
    return bt.threshold_label(name, hrs * MINUTES_PER_HOUR)


def _ledger_figures(h: Headline, rows: pd.DataFrame, judged: pd.DataFrame, as_of) -> None:
    when = newest(rows.made_at) if len(rows) else None
    counts = judged.status.value_counts() if len(judged) else pd.Series(dtype=int)
    n = len(rows)
    book = int((rows.who == BOOK).sum()) if n else 0
    resolved = int(sum(counts.get(s, 0) for s in ledger.RESOLVED))
    if not n:
        for key, label, unit in (("forecast_ledger_forecasts", "Forecasts in the ledger", "forecasts"),
                                 ("forecast_resolved", "Forecasts resolved", "forecasts")):
            h.add(missing(key, label, unit, as_of, "no forecast in the ledger had been made by this date"))
    else:
        h.add(Figure("forecast_ledger_forecasts", n, str(n), "forecasts", "Forecasts in the ledger", as_of=when),
              Figure("forecast_resolved", resolved, str(resolved), "forecasts",
                     "Forecasts in the ledger resolved from the data (hit, miss, resolved or settled)", as_of=when))
    for key, status, label in (("forecast_open", "open", "Forecasts open"),
                               ("forecast_overdue", "overdue", "Forecasts past their resolve-by date, unsettled"),
                               ("forecast_unresolvable", "unresolvable as stated",
                                "Forecasts that cannot be settled as stated"),
                               ("forecast_hits", "hit", "Forecasts resolved as hits"),
                               ("forecast_misses", "miss", "Forecasts resolved as misses")):
        k = int(counts.get(status, 0))
        h.add(Figure(key, k, str(k), "forecasts", label, as_of=when))  # a count of none is as of the ledger too
    public = n - book
    def are(k: int) -> str:
        return f"{k} {'is' if k == 1 else 'are'}"

    hits, misses = int(counts.get("hit", 0)), int(counts.get("miss", 0))
    settled = (f"{resolved} {'has' if resolved == 1 else 'have'} resolved from the data ({hits} hit, {misses} "
               "missed), " if resolved else "none has resolved from the data yet; ")
    said = (f"The ledger holds {n} forecast{'s' if n != 1 else ''}: {book} of the book's own and {public} by public "
            f"forecasters. {settled[0].upper() + settled[1:]}{are(int(counts.get('open', 0)))} open, "
            f"{are(int(counts.get('overdue', 0)))} overdue and {int(counts.get('unresolvable as stated', 0))} cannot "
            "be settled as stated")
    h.add(sentence("ledger_book", str(book)), sentence("ledger_public", str(public)),
          sentence("ledger_sentence", said if n else "No forecast in the ledger had been made by this date"))


def _pace_sentence(h: Headline, pace: pd.DataFrame) -> None:
    measured = pace[pace.pace.notna()]
    if measured.empty:
        h.add(sentence("pace_sentence", "No public forecast with a measurable path had a measurement after it yet."))
        return
    parts = [f"{r.who.split(' (')[0]}'s forecast of {r.made_at} ({hours(r.target_minutes)} by {r.target_date}): "
             f"{times(r.pace)}" for r in measured.itertuples()]
    h.add(sentence("pace_sentence", "Reality's pace against each path, in doublings of the best horizon: "
                   + "; ".join(parts) + "."))


def _backtest_figures(h, preds, spreds, summary, scores, leads, level, as_of, used_as_of, params) -> None:
    """Coverage and error of the book's METR trend (its own band, and a prediction interval), of its
    threshold dates and saturation fits, and each growth form's log score."""
    trend = preds[(preds.method == "horizons") & (preds.form == "exponential") & (preds["mode"] == bt.LATER)]
    band, pred = trend[trend.interval == bt.BAND], trend[trend.interval == bt.PREDICTION]
    note = ("Rolling-origin postdiction: refitted at each quarter-end on the models released by then, with METR's "
            "values as later published")
    for lead in leads:
        at = at_lead(summary, "horizons", "exponential", lead)
        at_p = at_lead(summary, "horizons", "exponential", lead, interval=bt.PREDICTION)
        keys = (f"backtest_metr_coverage_{lead}m", f"backtest_metr_ratio_{lead}m",
                f"backtest_metr_prediction_coverage_{lead}m", f"backtest_metr_band_width_{lead}m")
        if at is None:
            why = f"no later model was released {lead} months (± {params['lead_step_months'] / 2:g}) after an origin"
            h.add(missing(keys[0], f"METR trend: its {level:.0%} band's coverage at {lead} months' lead", "%", as_of,
                          why),
                  missing(keys[1], f"METR trend: median actual/predicted horizon at {lead} months' lead", "x", as_of,
                          why),
                  missing(keys[2], f"METR trend: {level:.0%} prediction interval's coverage at {lead} months' lead",
                          "%", as_of, why),
                  missing(keys[3], f"METR trend: width of its {level:.0%} band at {lead} months' lead", "x", as_of,
                          why))
            continue
        rows = band[bt.lead_bin(band.lead_months.astype(float), params["lead_step_months"]) == lead]
        width = float((rows.high / rows.low).median())
        hits = int(round(at.coverage * at.n))
        h.add(Figure(keys[0], round(100 * at.coverage, 1), share(hits, int(at.n)), "%",
                     f"METR trend: share of later models inside the {level:.0%} band the book draws, at {lead} "
                     "months' lead (postdiction)", as_of=used_as_of, note=note),
              Figure(keys[1], round(float(at.median_ratio), 2), times(at.median_ratio), "x",
                     f"METR trend: median actual/predicted horizon at {lead} months' lead (postdiction)",
                     as_of=used_as_of, note=note),
              Figure(keys[3], round(width, 1), times(width), "x",
                     f"METR trend: median width of its {level:.0%} band at {lead} months' lead (high end / low end)",
                     as_of=used_as_of))
        if at_p is None:
            h.add(missing(keys[2], f"METR trend: {level:.0%} prediction interval's coverage at {lead} months' lead",
                          "%", as_of, "no later model to score"))
        else:
            k = int(round(at_p.coverage * at_p.n))
            h.add(Figure(keys[2], round(100 * at_p.coverage, 1), share(k, int(at_p.n)), "%",
                         f"METR trend: share of later models inside a {level:.0%} regression prediction interval, at "
                         f"{lead} months' lead (postdiction)", as_of=used_as_of, note=note))
    if band.empty:
        for key, label, unit in (("backtest_metr_coverage", "METR trend: its band's coverage at every lead", "%"),
                                 ("backtest_metr_prediction_coverage", "METR trend: prediction interval's coverage",
                                  "%"),
                                 ("backtest_metr_ratio", "METR trend: median actual/predicted horizon", "x")):
            h.add(missing(key, label, unit, as_of, "no later model to score"))
    else:
        hits, k = int(band.covered.astype(bool).sum()), int(pred.covered.astype(bool).sum())
        h.add(Figure("backtest_metr_coverage", round(100 * hits / len(band), 1), share(hits, len(band)), "%",
                     f"METR trend: share of later models inside the {level:.0%} band the book draws, every lead "
                     "(postdiction)", as_of=used_as_of, note=note),
              Figure("backtest_metr_prediction_coverage", round(100 * k / len(pred), 1), share(k, len(pred)), "%",
                     f"METR trend: share of later models inside a {level:.0%} regression prediction interval, every "
                     "lead (postdiction)", as_of=used_as_of, note=note),
              Figure("backtest_metr_ratio", round(float(band.ratio.median()), 2), times(band.ratio.median()), "x",
                     "METR trend: median actual/predicted horizon, every lead (postdiction)", as_of=used_as_of))
    scored = int(preds.covered.notna().sum() + spreds.covered.notna().sum())
    h.add(Figure("backtest_postdictions", scored, str(scored), "postdictions",
                 "Backtest postdictions scored (every method, form and interval)",
                 as_of=used_as_of if scored else None))
    thresholds = preds[(preds.method == "thresholds") & (preds.form == "exponential") & (preds["mode"] == bt.LATER)
                       & (preds.interval == bt.BAND) & preds.covered.notna()]
    if thresholds.empty:
        h.add(missing("backtest_threshold_coverage", "METR trend: threshold dates inside its band", "%", as_of,
                      "no threshold was reached after an origin"))
    else:
        k = int(thresholds.covered.astype(bool).sum())
        h.add(Figure("backtest_threshold_coverage", round(100 * k / len(thresholds), 1), share(k, len(thresholds)),
                     "%", f"METR trend: dates a horizon was first reached inside its {level:.0%} band (postdiction)",
                     as_of=used_as_of))
    sat_scored = spreds[spreds.covered.notna()]
    if sat_scored.empty:
        h.add(missing("backtest_saturation_coverage", "Saturation fits: outcomes inside their band", "%", as_of,
                      "no saturation fit had a later result to score"))
    else:
        k = int(sat_scored.covered.astype(bool).sum())
        h.add(Figure("backtest_saturation_coverage", round(100 * k / len(sat_scored), 1), share(k, len(sat_scored)),
                     "%", f"Saturation fits: later records and 90% dates inside their {level:.0%} band "
                          "(postdiction, as published)",
                     as_of=newest(pd.to_datetime(sat_scored.target_date.dropna())) if sat_scored.target_date.notna().any()
                     else used_as_of))
    for s in scores.itertuples():
        key = "growth_form_log_score_" + s.form.replace(" ", "_")
        if pd.isna(s.log_score):
            h.add(missing(key, f"Log score of the {s.form} form", "nats", as_of,
                          "too few later models predicted by every form"))
        else:
            h.add(Figure(key, round(float(s.log_score), 3), f"{s.log_score:.2f}", "nats",
                         f"Mean log score of the {s.form} growth form on METR's later models (lower is better; "
                         f"{s.n} predictions)", as_of=used_as_of,
                         note=f"Weight {s.weight:.3f} (pseudo-BMA over the later models)"))


def _prose(h: Headline, leads: list[int], level: float, params: dict) -> None:
    cov = [h[f"backtest_metr_coverage_{lead}m"] for lead in leads]
    if all(c.value is not None for c in cov):
        ratio = [h[f"backtest_metr_ratio_{lead}m"] for lead in leads]
        width = h[f"backtest_metr_band_width_{leads[-1]}m"]
        lede = (f"Refitted at each quarter-end on the models released by then, the book's METR trend put the next "
                f"models inside the {level:.0%} band it draws {cov[0].text} of the time {leads[0]} months ahead and "
                f"{cov[-1].text} {leads[-1]} months ahead, and they came in at a median {ratio[0].text} and "
                f"{ratio[-1].text} the horizon its central line predicted.")
        holds = ("holds about as often as it claims" if cov[-1].value >= 100 * level - 10 else
                 "holds less often than it claims")
        r = ratio[-1].value
        centre = (f"its central line has fallen short by a factor of {ratio[-1].text}, so its dates for a longer "
                  "horizon have come late: read them as the late side of what is likely" if r > 1.2 else
                  f"its central line has run ahead of the models by a factor of {times(1 / r)}, so its dates for a "
                  "longer horizon have come early" if r < 1 / 1.2 else
                  "its central line has kept close to the models")
        trust = (f"The band {holds}, but at {leads[-1]} months' lead its high end is {width.text} its low end; "
                 f"{centre}.")
    else:
        lede = ("Too few later models had been measured to backtest the book's METR trend at "
                f"{' and '.join(str(x) for x in leads)} months' lead by this date.")
        trust = "With so few outcomes the book cannot yet say how far its extrapolations deserve trust."
    h.add(sentence("backtest_lede", lede), sentence("trust_sentence", trust))
    a, b = leads[0], leads[-1]
    h.add(sentence("leads_text", f"{a} and {b} months, each with a bin {params['lead_step_months']:g} months wide"))

    def at(key_stem: str, lead: int) -> str:
        return h.text(f"{key_stem}_{lead}m")

    h.add(sentence("glance_coverage", f"it held {at('backtest_metr_coverage', a)} of later models at {a} months' "
                                      f"lead and {at('backtest_metr_coverage', b)} at {b}"),
          sentence("glance_ratio", f"{at('backtest_metr_ratio', a)} at {a} months, {at('backtest_metr_ratio', b)} "
                                   f"at {b}"),
          sentence("band_sentence",
                   f"its high end is {at('backtest_metr_band_width', a)} its low end at {a} months' lead and "
                   f"{at('backtest_metr_band_width', b)} at {b}"),
          sentence("prediction_sentence",
                   f"{at('backtest_metr_prediction_coverage', a)} at {a} months and "
                   f"{at('backtest_metr_prediction_coverage', b)} at {b}"))
    forms = h.tables["forms"]
    scored = forms[forms.log_score.notna()].sort_values("log_score") if len(forms) else forms
    if len(scored):
        best = scored.iloc[0]  # weights are shown as text, rounded
        order = ", ".join(f"{r.form} {r.log_score:.2f}" for r in scored.itertuples())
        h.add(sentence("forms_sentence",
                       f"On the {int(best.n)} predictions every form made, the {best.form} form scored best "
                       f"(mean log score, lower is better: {order}); weighted by those scores it carries "
                       f"{best.weight} of the weight."))
    else:
        h.add(sentence("forms_sentence", "No later model had been predicted by every growth form yet."))
