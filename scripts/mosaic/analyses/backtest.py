"""Rolling-origin backtests of the book's trend methods: refit at each quarter-end on what was known then,
and compare with what happened after.

Every row here is a postdiction: computed after its outcome was known, and kept apart from the
forecasts in the ledger, which were recorded before theirs. Two kinds of origin data:

- "as published": the fit uses only the values public at the origin (the catalogue's as-of view,
  vintages included). METR's first horizons are not in this book's data (the earliest dated value
  here is from December 2025), so for earlier origins there is nothing to fit; the backtest says so.
- "later values": the fit uses the models released by the origin, with their values as METR
  published them later (the latest vintage public on the build's date). This is what a backtest
  of METR's trend can do before METR published anything: it tests the method, not what a reader
  could have known, and it is labelled as such.

Methods, each with its own comparison (`METHODS`): the horizon the METR trend predicts for every
later frontier model (ratio = actual / predicted horizon); the date it predicts a threshold is
first reached (ratio = actual / predicted time from the origin); each later record of a
saturating benchmark (actual / predicted score); and months to 90% of the ceiling (actual /
predicted months from introduction). A ratio above 1 means reality ran ahead of the forecast
for horizons and scores, and behind it for times.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import growth, replication, trends
from . import saturation as sat
from ..catalogue import BY_NAME
from ..catalogue.tables import as_of_view

LATER = "later values"
PUBLISHED = "as published"
METHODS = {
    "horizons": "METR trend: each later frontier model's horizon",
    "thresholds": "METR trend: date a horizon is first reached",
    "records": "Saturation fit: each later record",
    "saturation": "Saturation fit: months to 90% of the ceiling",
}
DAYS_PER_MONTH = trends.DAYS_PER_MONTH
PREDICTION_COLUMNS = ["mode", "method", "form", "interval", "origin", "target", "target_date", "lead_months",
                      "predicted", "low", "high", "actual", "ratio", "covered", "log_score", "status", "unit",
                      "source_id"]
# Two kinds of interval are scored. "band" is the book's own: the bootstrap band its chapters draw (for
# METR's trend, resampling the models and drawing each from its published interval; for a saturation
# fit, resampling the record points). "prediction" is a regression's prediction interval for the next
# point (see growth.py), which every growth form has, so that the forms are scored alike.
BAND, PREDICTION = "band", "prediction"
WINDOW_COLUMNS = ["mode", "form", "origin", "models", "fitted_through", "doubling_days", "note"]


def quarter_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every quarter-end from `first` (itself a quarter-end or the one after it) to `last`, inclusive."""
    out = []
    year, q = first.year, (first.month - 1) // 3 + 1
    while True:
        month = 3 * q
        end = dt.date(year, month, 31 if month in (3, 12) else 30)
        if end > last:
            return out
        if end >= first:
            out.append(end)
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)


def months_between(a: dt.date, b: dt.date) -> float:
    return (b - a).days / DAYS_PER_MONTH


@dataclass
class Metr:
    """What the METR backtest fits: one suite, from a window start, METR's frontier rule under its ceiling."""

    suite: str
    window_start: dt.date
    cap_minutes: float
    thresholds: dict  # name -> minutes
    level: float  # central interval scored, e.g. 0.9
    n_boot: int
    seed: int


def suite_rows(rows: pd.DataFrame, suite: str) -> pd.DataFrame:
    return rows[rows.suite.eq(suite).fillna(False).astype(bool)]


def known_on(rows: pd.DataFrame) -> pd.Series:
    """When each row's value became public: its publication date, or its release date where undated."""
    return rows.published.fillna(rows.release_date)


def fit_points(rows: pd.DataFrame, m: Metr, origin: dt.date) -> pd.DataFrame:
    """The frontier the trend is fitted on at an origin: models of the suite released in the window by then."""
    rows = suite_rows(rows, m.suite)
    rows = rows[rows.release_date.dt.date <= origin]
    return trends.frontier(rows, m.window_start, cap=m.cap_minutes)


def targets(view: pd.DataFrame, m: Metr, origin: dt.date) -> pd.DataFrame:
    """Later frontier models: released after the origin and as good as any before them (no ceiling)."""
    front = trends.frontier(suite_rows(view, m.suite), m.window_start)
    return front[front.release_date.dt.date > origin]


def metr(vintages: pd.DataFrame, view: pd.DataFrame, m: Metr, origins: list[dt.date], data_date: dt.date,
         forms=growth.FORMS, modes=(LATER, PUBLISHED), thresholds: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Predictions and fit windows of every growth form, both kinds of origin data, at every origin."""
    lo_q, hi_q = (1 - m.level) / 2, (1 + m.level) / 2
    dataset = BY_NAME["metr_horizons"]
    preds, windows = [], []
    ours = suite_rows(view, m.suite)
    released = np.array([d.toordinal() for d in ours.release_date.dt.date], dtype=float)
    minutes_now = ours.p50_minutes.to_numpy(float)
    everything = trends.frontier(ours, m.window_start)
    # The frontier rule looks only at models released on or before each model's date, so the frontier of the
    # models released by an origin is the whole frontier cut at the origin: computed once for the later values.
    fitted_later = trends.frontier(ours, m.window_start, cap=m.cap_minutes)
    fitted_days = fitted_later.release_date.dt.date
    dated = vintages[vintages.published.notna()]
    first_public = dated.published.min().date() if len(dated) else None
    empty = view.iloc[0:0]
    for origin in origins:
        later = everything[everything.release_date.dt.date > origin]
        after = (released > origin.toordinal()) & (released >= m.window_start.toordinal())
        first = {name: (dt.date.fromordinal(int(released[after & (minutes_now >= mins)].min()))
                        if (after & (minutes_now >= mins)).any() else None) for name, mins in m.thresholds.items()}
        for mode in modes:
            if mode == LATER:
                known = view
            elif first_public is None or origin < first_public:
                known = empty  # nothing dated had been published: no need to take the view
            else:  # an undated value cannot be shown to have been public at the origin, so it is left out
                known = as_of_view(dataset, vintages, origin).frame
                known = known[known.published.notna()]
            if mode == LATER:
                front = fitted_later[fitted_days <= origin]
                mask = released <= origin.toordinal()
                reached = minutes_now[mask].max() if mask.any() else np.nan
            else:
                front = fit_points(known, m, origin)
                reached = suite_rows(known, m.suite)
                reached = reached[reached.release_date.dt.date <= origin].p50_minutes.max()
            x = trends.days(front.release_date) if len(front) else np.array([])
            todo = [(name, mins) for name, mins in (m.thresholds.items() if thresholds else ())
                    if not (pd.notna(reached) and reached >= mins)]  # already reached at the origin: no forecast
            for form in forms:
                f = growth.fit(form, x, front.p50_minutes.to_numpy(float)) if len(front) else None
                if f is not None:
                    note = f.note
                elif mode == PUBLISHED and pd.isna(reached):
                    note = f"no dated {m.suite} value had been published by then"
                else:
                    note = (f"{len(front)} frontier model{'' if len(front) == 1 else 's'} in the window by then; "
                            f"this form needs {growth.MIN_POINTS[form]}")
                windows.append({"mode": mode, "form": form, "origin": origin.isoformat(), "models": len(front),
                                "fitted_through": front.release_date.max().date().isoformat() if len(front) else "",
                                "doubling_days": round(float(np.log(2) / f.theta[1] * growth.DAYS_PER_YEAR), 1)
                                if f is not None and form == "exponential" and f.theta[1] > 0 else None,
                                "note": note})
                if f is None:
                    continue
                base = {"mode": mode, "form": form, "interval": PREDICTION, "origin": origin.isoformat()}
                if len(later):
                    lx = trends.days(later.release_date)
                    actual = later.p50_minutes.to_numpy(float)
                    mid, low, high = f.quantile(lx, 0.5), f.quantile(lx, lo_q), f.quantile(lx, hi_q)
                    scores = f.log_score(lx, actual)
                    for i, r in enumerate(later.itertuples()):
                        preds.append(horizon_row(base, origin, r, mid[i], low[i], high[i], actual[i], scores[i]))
                for name, minutes in todo:
                    early, mid, late = (None if o is None else dt.date.fromordinal(int(round(o)))
                                        for o in f.reaches(minutes, origin.toordinal(), levels=(lo_q, 0.5, hi_q)))
                    preds.append(threshold_row(base, origin, name, minutes, (early, mid, late), first[name],
                                               data_date))
            if "exponential" in forms and len(front) >= 3 and front.release_date.nunique() >= 2:
                # The book's own band: the coding chapter's bootstrap, at this backtest's level.
                pts = front.assign(p50_ci_low_minutes=front.p50_ci_low_minutes.fillna(front.p50_minutes),
                                   p50_ci_high_minutes=front.p50_ci_high_minutes.fillna(front.p50_minutes))
                trend = trends.fit_exponential(pts, level=m.level, n_boot=m.n_boot, seed=m.seed)
                base = {"mode": mode, "form": "exponential", "interval": BAND, "origin": origin.isoformat()}
                if len(later):
                    drawn = trend.predict(later.release_date)
                    for i, r in enumerate(later.itertuples()):
                        preds.append(horizon_row(base, origin, r, drawn.trend.iloc[i], drawn.low.iloc[i],
                                                 drawn.high.iloc[i], float(r.p50_minutes), None))
                for name, minutes in todo:
                    mid, early, late = trend.reaches(minutes)
                    preds.append(threshold_row(base, origin, name, minutes, (early, mid, late), first[name],
                                               data_date))
    out = pd.DataFrame(preds, columns=PREDICTION_COLUMNS)
    return out, pd.DataFrame(windows, columns=WINDOW_COLUMNS)


def threshold_label(name: str, minutes: float) -> str:
    """'a work-week (40 hours)'; a name that already says its hours stays as it is ('16 hours')."""
    return name if "hour" in name else f"{name} ({minutes / 60:g} hours)"


def horizon_row(base: dict, origin: dt.date, model, mid: float, low: float, high: float, actual: float,
                score) -> dict:
    """One later model's horizon against what a fit at `origin` predicted for it."""
    return {**base, "method": "horizons", "target": model.model, "target_date": model.release_date.date().isoformat(),
            "lead_months": round(months_between(origin, model.release_date.date()), 2), "predicted": float(mid),
            "low": float(low), "high": float(high), "actual": float(actual), "ratio": float(actual / mid),
            "covered": bool(low <= actual <= high), "log_score": None if score is None else float(score),
            "status": "observed", "unit": "minutes", "source_id": model.source_id}


def threshold_row(base: dict, origin: dt.date, name: str, minutes: float, dates: tuple, when: dt.date | None,
                  data_date: dt.date) -> dict:
    """When a fit at `origin` says the frontier first reaches `minutes` (early end, central, late end; None where
    it never does within the search), against `when` it did: the release date of the first later model at or
    above it, or None."""
    early, mid, late = dates
    row = {**base, "method": "thresholds", "target": threshold_label(name, minutes), "predicted": mid,
           "low": early, "high": late, "log_score": None, "unit": "date"}
    if when is not None:
        lead = months_between(origin, when)
        ratio = lead / months_between(origin, mid) if mid and mid > origin else None
        row.update(target_date=when.isoformat(), lead_months=round(lead, 2), actual=when, ratio=ratio,
                   covered=(early is None or when >= early) and (late is None or when <= late), status="observed")
    elif late is not None and data_date > late:
        row.update(target_date=None, lead_months=round(months_between(origin, data_date), 2), actual=None,
                   ratio=None, covered=False, status=f"not reached by {data_date.isoformat()}, after the interval")
    else:
        row.update(target_date=None, lead_months=None, actual=None, ratio=None, covered=None,
                   status=f"open: not reached by {data_date.isoformat()}")
    for k in ("predicted", "low", "high", "actual"):
        row[k] = row[k].isoformat() if isinstance(row[k], dt.date) else row[k]
    return row


# -- Saturating benchmarks ---------------------------------------------------------------------
def saturation(frames: dict, origins: list[dt.date], params: dict, level: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each replication track refitted at every origin on the results public then: its later records, and its
    months to the saturated share, against what happened."""
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    q = params["saturated_share"]
    base = {"ceiling": params["ceiling"], "ci_level": level, "n_boot": params["n_boot"], "seed": params["seed"]}
    preds, windows = [], []
    # The view of a file without vintages only grows with the date: an origin that adds no row to the
    # previous one's view has the same fit, so each fit is computed once per distinct view.
    known = {name: frames[name].published.fillna(frames[name].date) for name in replication.DATASETS if name in frames}
    cache: dict = {}
    for track in replication.TRACKS:
        if track.dataset not in frames:
            continue
        now = replication.analyse(frames, track, {**base, "as_of": params["as_of"]})
        if now is None:
            continue
        data_date = now.today
        crossed = now.fit.months_to(q, not_before=now.today)
        for origin in origins:
            n = int((known[track.dataset] <= pd.Timestamp(origin)).sum())
            if (track.key, n) not in cache:
                view = {track.dataset: as_of_view(BY_NAME[track.dataset], frames[track.dataset], origin).frame}
                cache[(track.key, n)] = replication.analyse(view, track, {**base, "as_of": origin}) if n else None
            then = cache[(track.key, n)]
            if then is None:
                continue
            windows.append({"mode": PUBLISHED, "form": "logistic (saturation)", "origin": origin.isoformat(),
                            "models": then.fit.n_dates, "fitted_through": then.records.date.max().date().isoformat(),
                            "doubling_days": None, "note": track.name if then.fit.projectable else
                            f"{track.name}: {then.fit.n_dates} record date{'s' if then.fit.n_dates > 1 else ''}, "
                            f"a projection needs {sat.MIN_POINTS}"})
            if not then.fit.projectable:
                continue
            fit = then.fit
            for r in now.records[now.records.date.dt.date > origin].itertuples():
                t = (r.date.date() - fit.introduced).days
                reps = 1 / (1 + np.exp(-(fit.a_reps + fit.b_reps * t)))
                low, high = np.quantile(reps, [lo_q, hi_q]) * fit.ceiling
                mid = fit.share(r.date.date()) * fit.ceiling
                preds.append({"mode": PUBLISHED, "method": "records", "form": track.name, "interval": BAND,
                              "origin": origin.isoformat(),
                              "target": r.system, "target_date": r.date.date().isoformat(),
                              "lead_months": round(months_between(origin, r.date.date()), 2), "predicted": mid,
                              "low": float(low), "high": float(high), "actual": float(r.value),
                              "ratio": float(r.value / mid), "covered": bool(low <= r.value <= high),
                              "log_score": None, "status": "observed", "unit": "%", "source_id": r.source_id})
            then_m = fit.months_to(q, not_before=origin)
            if then_m["kind"] != "projected":
                continue
            row = {"mode": PUBLISHED, "method": "saturation", "form": track.name, "interval": BAND,
                   "origin": origin.isoformat(), "target": f"{q:.0%} of the ceiling", "predicted": then_m["months"],
                   "low": then_m["low"], "high": then_m["high"], "log_score": None, "unit": "months"}
            if crossed["kind"] == "observed":
                row.update(target_date=crossed["date"].isoformat(), actual=crossed["months"],
                           lead_months=round(months_between(origin, crossed["date"]), 2),
                           ratio=crossed["months"] / then_m["months"],
                           covered=then_m["low"] is not None and then_m["low"] <= crossed["months"] <= then_m["high"],
                           status="observed")
            else:
                age = months_between(now.introduced, data_date)
                late = then_m["high"] is not None and age > then_m["high"]
                row.update(target_date=None, actual=None, ratio=None,
                           lead_months=round(months_between(origin, data_date), 2) if late else None,
                           covered=False if late else None,
                           status=(f"not reached by {data_date.isoformat()}, after the interval" if late
                                   else f"open: not reached by {data_date.isoformat()}"))
            preds.append(row)
    return pd.DataFrame(preds, columns=PREDICTION_COLUMNS), pd.DataFrame(windows, columns=WINDOW_COLUMNS)


# -- Summaries ------------------------------------------------------------------------------------
def lead_bin(lead_months: pd.Series, step: float) -> pd.Series:
    """Leads grouped around multiples of `step` months: with step 6, '6' holds leads from 3 to 9 months."""
    return (np.floor(lead_months / step + 0.5) * step).astype("Int64")


def by_lead(preds: pd.DataFrame, step: float) -> pd.DataFrame:
    """Coverage, median ratio and counts per method and lead bin (scored rows only)."""
    scored = preds[preds.covered.notna() & preds.lead_months.notna()].copy()
    if scored.empty:
        return pd.DataFrame(columns=["mode", "method", "form", "interval", "lead", "n", "coverage", "median_ratio",
                                     "n_ratio"])
    scored["lead"] = lead_bin(scored.lead_months.astype(float), step)
    rows = []
    for (mode, method, form, interval, lead), g in scored.groupby(["mode", "method", "form", "interval", "lead"],
                                                                  sort=True):
        ratios = g.ratio.dropna().astype(float)
        rows.append({"mode": mode, "method": method, "form": form, "interval": interval, "lead": int(lead),
                     "n": len(g),
                     "coverage": float(g.covered.astype(bool).mean()),
                     "median_ratio": float(ratios.median()) if len(ratios) else None, "n_ratio": len(ratios)})
    return pd.DataFrame(rows)


def form_scores(preds: pd.DataFrame) -> pd.DataFrame:
    """Each growth form's mean log score on the later models every form predicted, and its weight.

    The weight is a pseudo-Bayesian-model-average weight: proportional to exp(-S), where S sums, over
    the later models scored, each model's log score averaged over the origins that predicted it, so a
    model predicted from many origins counts once.
    """
    rows = preds[(preds.method == "horizons") & (preds["mode"] == LATER) & (preds.interval == PREDICTION)]
    forms = list(growth.FORMS)
    if rows.empty:
        return pd.DataFrame({"form": forms, "log_score": None, "weight": None, "n": 0})
    rows = rows.assign(log_score=rows.log_score.astype(float))
    wide = rows.pivot_table(index=["origin", "target"], columns="form", values="log_score", aggfunc="first")
    wide = wide.reindex(columns=forms).dropna()
    if wide.empty:
        return pd.DataFrame({"form": forms, "log_score": None, "weight": None, "n": 0})
    per_model = wide.groupby(level="target").mean()
    total = per_model.sum()
    w = np.exp(-(total - total.min()))
    return pd.DataFrame({"form": forms, "log_score": [float(wide[f].mean()) for f in forms],
                         "weight": [float(w[f] / w.sum()) for f in forms], "n": len(wide)})
