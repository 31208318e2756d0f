"""The coding chapter: METR time horizons and SWE-bench.

Wrangle (the rows of one suite, the frontier), fit (METR's exponential trend with a
bootstrap interval, in `trends`) and headline (every figure, table and chart row the
page shows) are kept apart; the charts are in mosaic.book.plots.coding.

Rules the page states:
- The trend is METR's recipe: models of one suite released since the window start that
  beat every earlier model, leaving out central estimates above METR's reliability
  ceiling, and OLS of the log horizon on release date. Rows of any origin take part if
  their suite is stated; a row whose source does not name its suite is shown, not fitted.
- As-of builds see each model's value as published on that date (the catalogue keeps
  the latest public vintage); a fitted figure's as_of is the newest publication it used.
- Dates the trend reaches a horizon longer than the ceiling are extrapolations beyond
  the tasks METR can measure, and are labelled so.
- The vendor-versus-independent SWE-bench gap is taken per model, between a vendor's own
  score and the middle of the independent runs of that same model, never between the
  best of each.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import forecast_rows, trends
from ..catalogue.schema import period_end
from .figures import Figure, Headline, missing, newest, parameter, sentence, sig
from .provenance import CITED, cite
from .saturation import records

MINUTES_PER_HOUR = 60
MIN_POINTS = 3  # an exponential trend needs at least three frontier models
FROM_THE_FILE = "METR data file"
CARRIED = "TH1.0 value carried into the TH1.1 file"
COTRA_CLAIM = "metr_forecast"  # the claims row holding Cotra's forecast horizon and date
PROJECT_YEARS = 3  # the trend line is drawn at most this far past its last model
COTRA_PENDING = "not yet forecast"
METR_CI_LEVEL = 0.95  # METR's intervals are the 2.5% and 97.5% quantiles of its bootstrap

IN_FIT = "in the trend fit"
ABOVE = "above the ceiling, not fitted"
OFF = "below the frontier or too early"
NO_SUITE = "no suite stated, not fitted"


# -- Formatting ---------------------------------------------------------------------------------
def duration(minutes: float) -> str:
    """A horizon in the unit a reader thinks in: '36 seconds', '4.0 minutes', '12 hours'."""
    if minutes < 1:
        return f"{sig(minutes * 60)} seconds"
    if minutes < MINUTES_PER_HOUR:
        return f"{sig(minutes)} minutes"
    return f"{sig(minutes / MINUTES_PER_HOUR)} hours"


def duration_interval(low: float, high: float, like: float) -> str:
    """An interval in the unit of its estimate `like`, never of zero width: '5.3 to 61 hours'."""
    scale, unit = ((1 / 60, "seconds") if like < 1 else (1, "minutes") if like < MINUTES_PER_HOUR
                   else (MINUTES_PER_HOUR, "hours"))
    for digits in (2, 3, 4):
        lo, hi = sig(low / scale, digits), sig(high / scale, digits)
        if lo != hi:
            return f"{lo} to {hi} {unit}"
    return f"{low / scale:g} to {high / scale:g} {unit}"


def days_text(x: float) -> str:
    """A doubling time in whole days: release dates carry no finer precision."""
    return f"{x:,.0f} days"


def days_interval(lo: float, hi: float) -> str:
    a, b = f"{lo:,.0f}", f"{hi:,.0f}"
    return f"{a} to {b} days" if a != b else f"{lo:,.1f} to {hi:,.1f} days"


def month(d: dt.date | None) -> str:
    return "beyond the calendar" if d is None else d.strftime("%B %Y")


def month_interval(lo: dt.date | None, hi: dt.date | None) -> str:
    if lo is not None and hi is not None and (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo.isoformat()} to {hi.isoformat()}"
    return f"{month(lo)} to {month(hi)}"


def points_text(x: float) -> str:
    return f"{x:.1f} points"


# -- METR: wrangle and fit ----------------------------------------------------------------------
def in_suite(horizons: pd.DataFrame, suite: str) -> pd.DataFrame:
    """The rows of one suite (rows whose source names no suite belong to none)."""
    return horizons[horizons.suite.eq(suite).fillna(False).astype(bool)]


def known_on(rows: pd.DataFrame) -> pd.Series:
    """When each row's value was known: its publication date, or its release date where undated."""
    return rows.published.fillna(rows.release_date)


def fit(horizons: pd.DataFrame, suite: str, start: dt.date, cap_hours: float, *, level: float,
        n_boot: int, seed: int) -> tuple[pd.DataFrame, trends.Trend | None]:
    """METR's frontier of one suite from `start`, and its exponential trend (None if too few models).

    A frontier model whose source gives no interval enters the bootstrap at its central value.
    """
    front = trends.frontier(in_suite(horizons, suite), start, cap=cap_hours * MINUTES_PER_HOUR)
    if len(front) < MIN_POINTS or front.release_date.nunique() < 2:
        return front, None
    points = front.assign(p50_ci_low_minutes=front.p50_ci_low_minutes.fillna(front.p50_minutes),
                          p50_ci_high_minutes=front.p50_ci_high_minutes.fillna(front.p50_minutes))
    return front, trends.fit_exponential(points, level=level, n_boot=n_boot, seed=seed)


def growing(trend: trends.Trend | None) -> bool:
    """Whether a trend has a doubling time at all: it rises, and so do some of its replicates."""
    return trend is not None and trend.slope > 0 and bool((trend.slopes > 0).any())


def too_few(front: pd.DataFrame, start: dt.date) -> str:
    n = len(front)
    return (f"{n} frontier model{'' if n == 1 else 's'} released since {start.isoformat()} had been published; "
            f"a trend needs {MIN_POINTS}")


def thresholds(trend: trends.Trend, hours: dict[str, float], cap_hours: float | None = None) -> pd.DataFrame:
    """When the trend reaches each threshold horizon, with its interval and whether that is an extrapolation."""
    rows = []
    for name, h in hours.items():
        if h <= 0:
            raise ValueError(f"threshold {name!r}: {h} hours is not a positive horizon")
        when, lo, hi = trend.reaches(h * MINUTES_PER_HOUR)
        beyond = cap_hours is not None and h > cap_hours
        rows.append({"threshold": name, "hours": h, "minutes": h * MINUTES_PER_HOUR,
                     "date": when.isoformat() if when else None, "low": lo.isoformat() if lo else None,
                     "high": hi.isoformat() if hi else None, "when": month(when), "interval": month_interval(lo, hi),
                     "beyond_ceiling": beyond,
                     "reading": (f"extrapolation: longer than the {cap_hours:g}-hour ceiling of what METR can measure"
                                 if beyond else "within the range METR measures")})
    return pd.DataFrame(rows)


def book_forecasts(trend: trends.Trend | None, hours: dict, suite: str, cap_hours: float,
                   as_of: dt.date | None) -> pd.DataFrame:
    """The dates the trend reaches each threshold, as the forecasts this chapter enters into the ledger when
    it is released: the central fit's date and the 5% and 95% quantiles of its bootstrap replicates."""
    rows = []
    if growing(trend):
        ok = trend.slopes > 0
        for i, (name, h) in enumerate(hours.items()):
            minutes = h * MINUTES_PER_HOUR
            beyond = (f" (beyond METR's {cap_hours:g}-hour reliability ceiling: an extrapolation)"
                      if h > cap_hours else "")
            row = forecast_rows.date_forecast(
                f"metr_reaches_{minutes:g}_minutes",
                f"The date a model's METR 50% time horizon on {suite} first reaches {name} ({h:g} hours){beyond}",
                f"The release date of the first model whose METR 50% horizon on the {suite} suite is at least "
                f"{minutes:g} minutes, settled when METR first publishes such a value; a hit if it falls inside "
                "the 90% interval (5% to 95%). Overdue if none by {resolve_by}.",
                "metr first reaches", f"suite={suite}; minutes={minutes:g}",
                (np.log(minutes) - trend.intercepts[ok]) / trend.slopes[ok],
                (np.log(minutes) - trend.intercept) / trend.slope, as_of, not_before=as_of,
                figure="metr_workweek_date" if i == 0 else "")
            if row is not None:
                rows.append(row)
    return pd.DataFrame(rows, columns=forecast_rows.COLUMNS)


def cotra(claims: pd.DataFrame, sources: pd.DataFrame, as_of: dt.date | None) -> pd.Series | None:
    """Cotra's forecast from the claims table, once public: its horizon (minutes) and date."""
    if "claim_id" not in claims or COTRA_CLAIM not in set(claims.claim_id):
        return None
    row = claims[claims.claim_id == COTRA_CLAIM].iloc[0]
    if pd.isna(row.claimed_low) or row.unit != "minutes":
        raise ValueError(f"claims row {COTRA_CLAIM!r}: expected a forecast horizon in minutes, got "
                         f"{row.claimed_low!r} {row.unit!r}")
    ids = [v for v in (row.claim_source_id, row.check_source_id) if pd.notna(v)]
    dates = sources[sources.source_id.isin(ids)].published.dropna()
    public = dates.min().date() if len(dates) else None
    if as_of is not None and public is not None and public > as_of:
        return None
    return pd.Series({"minutes": float(row.claimed_low), "period": str(row.claimed_period), "public": public})


def sensitivity(horizons: pd.DataFrame, suite: str, starts: list[str], window_start: dt.date, cap_hours: float,
                threshold: tuple[str, float], *, level: float, n_boot: int, seed: int) -> pd.DataFrame:
    """Doubling time and the first threshold's date for each fit window, with the number of models."""
    name, hours = threshold
    rows = []
    for s in starts:
        start = dt.date.fromisoformat(s)
        front, trend = fit(horizons, suite, start, cap_hours, level=level, n_boot=n_boot, seed=seed)
        carried = int((front.estimate_origin == CARRIED).sum()) if len(front) else 0
        row = {"window_start": s, "models": len(front), "doubling_days": None, "ci_low_days": None,
               "ci_high_days": None, "doubling": "", "threshold_date": None, "threshold_when": "",
               "note": ("this page's fit" if start == window_start else "")
               + ("; " if start == window_start and carried else "")
               + (f"stitched: {carried} TH1.0 values METR carries into {suite}" if carried else "")}
        if growing(trend):
            lo, hi = trend.doubling_interval()
            when, wlo, whi = trend.reaches(hours * MINUTES_PER_HOUR)
            row.update(doubling_days=round(trend.doubling_days, 1), ci_low_days=round(lo, 1), ci_high_days=round(hi, 1),
                       doubling=f"{days_text(trend.doubling_days)} ({days_interval(lo, hi)})",
                       threshold_date=when.isoformat() if when else None,
                       threshold_when=f"{month(when)} ({month_interval(wlo, whi)})")
        else:
            row.update(doubling="too few models" if trend is None else "no growth",
                       threshold_when="too few models" if trend is None else "never on this trend")
        rows.append(row)
    return pd.DataFrame(rows)


def metr_published(doubling: pd.DataFrame, suite: str, start: dt.date) -> pd.Series | None:
    """METR's own doubling time for this suite and window start: its latest publication by the date."""
    rows = doubling[(doubling.suite == suite) & (doubling.window_start.dt.date == start)]
    return rows.sort_values("published").iloc[-1] if len(rows) else None


def against_metr(horizons: pd.DataFrame, doubling: pd.DataFrame, cap_hours: float, *, level: float,
                 n_boot: int, seed: int) -> pd.DataFrame:
    """Every doubling time METR had published, beside this book's fit of the same suite and window."""
    rows = []
    for r in doubling.sort_values(["suite", "window_start", "series"]).itertuples():
        front, trend = fit(horizons, r.suite, r.window_start.date(), cap_hours, level=level, n_boot=n_boot, seed=seed)
        ours = growing(trend)
        lo, hi = trend.doubling_interval() if ours else (None, None)
        rows.append({
            "suite": r.suite, "series": r.series, "window_start": r.window_start.date().isoformat(),
            "vintage": r.vintage, "published": r.published.date().isoformat(),
            "from_the_file": pd.notna(r.excludes_above_minutes), "frontier_models": len(front),
            "doubling_days": round(trend.doubling_days, 3) if ours else None,
            "ci_low_days": round(lo, 1) if ours else None, "ci_high_days": round(hi, 1) if ours else None,
            "metr_doubling_days": r.doubling_days, "metr_ci_low_days": r.ci_low_days,
            "metr_ci_high_days": r.ci_high_days,
        })
    out = pd.DataFrame(rows, columns=["suite", "series", "window_start", "vintage", "published", "from_the_file",
                                      "frontier_models", "doubling_days", "ci_low_days", "ci_high_days",
                                      "metr_doubling_days", "metr_ci_low_days", "metr_ci_high_days"])
    return out


def revisions(rev: pd.DataFrame) -> pd.DataFrame:
    """Each revised model: its first posting beside its latest value, as published by the date."""
    out = []
    for (model, suite), g in rev.sort_values("published").groupby(["model", "suite"], sort=False):
        if len(g) < 2:
            continue
        first, last = g.iloc[0], g.iloc[-1]
        out.append({"model": model, "suite": suite, "first": first.p50_as_published,
                    "first_published": first.published.date().isoformat(), "first_minutes": first.p50_minutes,
                    "now": last.p50_as_published, "now_published": last.published.date().isoformat(),
                    "now_minutes": last.p50_minutes, "vintage": last.vintage})
    return pd.DataFrame(out, columns=["model", "suite", "first", "first_published", "first_minutes", "now",
                                      "now_published", "now_minutes", "vintage"])


def horizon_points(horizons: pd.DataFrame, suite: str, front: pd.DataFrame, cap_hours: float) -> pd.DataFrame:
    """The suite's rows and rows with no stated suite, for the chart and its download, with why each is or is not fitted."""
    suite_rows = in_suite(horizons, suite)
    rows = pd.concat([suite_rows, horizons[horizons.suite.isna()]]).copy()
    status = np.select(
        [rows.suite.isna().to_numpy(), rows.index.isin(front.index),
         (rows.p50_minutes > cap_hours * MINUTES_PER_HOUR).to_numpy()],
        [NO_SUITE, IN_FIT, ABOVE], OFF)
    rows["status"] = status
    rows["published_text"] = rows.published.dt.date.astype(str).where(rows.published.notna(), "not dated")
    rows["p50_hours"] = (rows.p50_minutes / MINUTES_PER_HOUR).round(2)
    rows["release_date"] = rows.release_date.dt.date.astype(str)
    rows["suite_text"] = rows.suite.fillna("not stated")
    cols = ["model", "developer", "release_date", "published_text", "suite_text", "origin", "p50_minutes",
            "p50_ci_low_minutes", "p50_ci_high_minutes", "p50_hours", "p80_minutes", "status", "source_id", *CITED]
    return rows.sort_values("release_date", kind="stable")[cols].reset_index(drop=True)


def trend_band(trend: trends.Trend, until: dt.date | None) -> pd.DataFrame:
    """Monthly trend values with their interval: fitted up to the last model, projected after it."""
    end = trend.last + dt.timedelta(days=round(PROJECT_YEARS * trends.DAYS_PER_YEAR))
    if until is not None:
        end = min(end, max(until, trend.last))
    dates = pd.date_range(trend.first, end, freq="MS")
    out = trend.predict(dates)
    out["part"] = np.where(out.date.dt.date <= trend.last, "fitted", "projected")
    out["date"] = out.date.dt.date.astype(str)
    return out.round({"trend": 3, "low": 3, "high": 3})


def frontier_table(front: pd.DataFrame) -> pd.DataFrame:
    """The fitted models with their 50% and 80% horizons side by side."""
    rows = front.sort_values("release_date", kind="stable")
    return pd.DataFrame({
        "model": rows.model, "release_date": rows.release_date.dt.date.astype(str),
        "published": rows.published.dt.date.astype(str).where(rows.published.notna(), "not dated"),
        "origin": rows.origin, "p50": [duration(v) for v in rows.p50_minutes],
        "p50_interval": [duration_interval(lo, hi, v) if pd.notna(lo) else "not published"
                         for v, lo, hi in zip(rows.p50_minutes, rows.p50_ci_low_minutes, rows.p50_ci_high_minutes)],
        "p80": [duration(v) if pd.notna(v) else "not published" for v in rows.p80_minutes],
        "p50_minutes": rows.p50_minutes.round(2), "p80_minutes": rows.p80_minutes.round(2),
    }).reset_index(drop=True)


def added_as_published(horizons: pd.DataFrame, suite: str, front: pd.DataFrame, cap_hours: float) -> pd.DataFrame:
    """Rows not read from METR's data file (a blog, a page, a quote): shown, and whether the fit uses them."""
    rows = horizons[horizons.origin != FROM_THE_FILE].sort_values("release_date", kind="stable")
    used = []
    for idx, r in rows.iterrows():
        if pd.isna(r.suite):
            used.append("no: its source does not state the suite")
        elif r.suite != suite:
            used.append(f"no: {r.suite}, not the {suite} suite fitted here")
        elif idx in front.index:
            used.append("yes: on the frontier")
        elif r.p50_minutes > cap_hours * MINUTES_PER_HOUR:
            used.append(f"no: above the {cap_hours:g}-hour ceiling")
        else:
            used.append("no: below the frontier or before the window")
    return pd.DataFrame({
        "model": rows.model, "origin": rows.origin,
        "published": rows.published.dt.date.astype(str).where(rows.published.notna(), "not dated"),
        "suite": rows.suite.fillna("not stated"), "p50": [duration(v) for v in rows.p50_minutes],
        "used": used, "source": rows.source_title if "source_title" in rows else rows.source_id,
    }).reset_index(drop=True)


# -- SWE-bench ------------------------------------------------------------------------------------
def best_so_far(swe: pd.DataFrame) -> pd.DataFrame:
    """Each split's leaderboard record over time: the rows of leaderboard and paper that set a new high."""
    rows = swe[swe.reported_by.isin(["leaderboard", "paper"]) & (swe.split != "Full subset")]
    out = [pd.DataFrame({"split": split, "date": rec.date.dt.date.astype(str), "best": rec.percent_resolved,
                         "system": rec.system})
           for split, g in rows.groupby("split", sort=True) if len(rec := records(g, "date", "percent_resolved"))]
    if not out:
        return pd.DataFrame(columns=["split", "date", "best", "system"])
    return pd.concat(out, ignore_index=True)


def swe_points(swe: pd.DataFrame) -> pd.DataFrame:
    rows = swe.copy()
    rows["date"] = rows.date.dt.date.astype(str)
    rows["reported"] = rows.reported_by.where(rows.measured_by.isna(), rows.reported_by + " (" + rows.measured_by + ")")
    return rows[["date", "system", "model", "developer", "split", "percent_resolved", "reported_by", "measured_by",
                 "reported", "row_type", "source_id", *CITED]].reset_index(drop=True)


def swe_scores(swe: pd.DataFrame) -> pd.DataFrame:
    """Every SWE-bench score for other chapters: the system, the model it names (if any), split and who reported it."""
    rows = swe.sort_values(["date", "system"], kind="stable")
    return pd.DataFrame({"date": rows.date.dt.date.astype(str), "system": rows.system, "model": rows.model,
                         "split": rows.split, "percent_resolved": rows.percent_resolved,
                         "reported_by": rows.reported_by}).reset_index(drop=True)


def metr_models(horizons: pd.DataFrame, suite: str) -> pd.DataFrame:
    """Every model of one suite with its 50% horizon as public on the book's date (frontier or not)."""
    rows = in_suite(horizons, suite).sort_values(["release_date", "model"], kind="stable")
    return pd.DataFrame({"model": rows.model, "release_date": rows.release_date.dt.date.astype(str),
                         "p50_minutes": rows.p50_minutes}).reset_index(drop=True)


def best_by(swe: pd.DataFrame, split: str, reported_by: str) -> pd.Series | None:
    """The highest score on `split` reported by `reported_by`, or None when there is none yet."""
    rows = swe[(swe.split == split) & (swe.reported_by == reported_by)]
    return rows.loc[rows.percent_resolved.idxmax()] if len(rows) else None


def score_text(row: pd.Series | None, name: bool = True) -> str:
    if row is None:
        return "none yet"
    system = row.system.split(" (")[0] if row.reported_by == "vendor" else row.system
    return f"{row.percent_resolved:g}% ({system})" if name else f"{row.percent_resolved:g}%"


def vendor_gaps(swe: pd.DataFrame, split: str) -> pd.DataFrame:
    """Per model with both: the vendor's own score minus the median of independent runs of that same model.

    A model reported by its vendor more than once counts its latest report.
    """
    rows = swe[(swe.split == split) & swe.model.notna()]
    vendor = rows[rows.reported_by == "vendor"].sort_values("date", kind="stable").groupby("model").tail(1)
    independent = rows[rows.reported_by == "independent"]
    out = []
    for r in vendor.itertuples():
        runs = independent[independent.model == r.model]
        if runs.empty:
            continue
        middle = float(runs.percent_resolved.median())
        out.append({"model": r.model, "vendor": r.percent_resolved, "vendor_date": r.date.date().isoformat(),
                    "vendor_source": r.source_title, "independent": round(middle, 2), "runs": len(runs),
                    "independent_low": runs.percent_resolved.min(), "independent_high": runs.percent_resolved.max(),
                    "evaluators": ", ".join(sorted(set(runs.measured_by))),
                    "gap": round(r.percent_resolved - middle, 2),
                    "source_ids": ";".join(dict.fromkeys([r.source_id, *runs.source_id])),
                    "as_of": newest(r.published if pd.notna(r.published) else r.date,
                                    runs.published.fillna(runs.date))})
    cols = ["model", "vendor", "vendor_date", "vendor_source", "independent", "runs", "independent_low",
            "independent_high", "evaluators", "gap", "source_ids", "as_of"]
    return pd.DataFrame(out, columns=cols).sort_values("gap", kind="stable").reset_index(drop=True)


# -- The headline -------------------------------------------------------------------------------
def headline(frames: dict, params: dict) -> Headline:
    """Every figure, table and chart row of the coding chapter."""
    as_of, level, suite = params["as_of"], params["ci_level"], params["suite"]
    start = dt.date.fromisoformat(params["window_start"])
    cap = float(params["cap_hours"])
    boot = dict(level=level, n_boot=params["n_boot"], seed=params["seed"])
    sources = frames["sources"]
    horizons = cite(frames["metr_horizons"], sources)
    h = Headline()
    h.add(parameter("ci_level", level, f"{level:.0%}", "Interval level"),
          parameter("suite", suite, suite, "Task suite fitted"),
          parameter("window_start", start.isoformat(), start.isoformat(), "Start of the fitted window"),
          parameter("cap_hours", cap, f"{cap:g} hours", "METR's reliability ceiling"))

    front, trend = fit(horizons, suite, start, cap, **boot)
    fitted_as_of = newest(known_on(front)) if len(front) else None
    h.add(Figure("metr_frontier_models", len(front), str(len(front)), "models",
                 f"Frontier models in the fit ({suite}, from {start.isoformat()})", as_of=fitted_as_of))
    _doubling(h, front, trend, start, suite, level, as_of, fitted_as_of)
    _thresholds(h, frames, trend, params, cap, as_of, fitted_as_of)
    _latest(h, horizons, suite, cap, as_of)
    _published(h, frames["metr_doubling"], trend, horizons, suite, start, cap, boot, as_of)
    _revisions(h, frames["metr_revisions"])

    h.tables["horizons"] = horizon_points(horizons, suite, front, cap)
    h.tables["frontier"] = frontier_table(front)
    added = added_as_published(horizons, suite, front, cap)
    h.tables["added"] = added
    fitted = sum(u.startswith("yes") for u in added.used)
    h.add(sentence("added_rows", f"{len(added)} value{'' if len(added) == 1 else 's'} here "
                   f"{'comes' if len(added) == 1 else 'come'} from outside METR's data file; the fit uses "
                   f"{fitted} of them" if len(added) else "Every value here comes from METR's data file"))
    first = next(iter(params["thresholds_hours"].items()))
    h.tables["sensitivity"] = sensitivity(horizons, suite, list(params["sensitivity_starts"]), start, cap, first,
                                          **boot)
    h.add(sentence("sensitivity_threshold", f"{first[0]} ({first[1]:g} hours)"))
    h.outputs["metr_frontier"] = pd.DataFrame({
        "model": front.model, "release_date": front.release_date.dt.date.astype(str),
        "p50_minutes": front.p50_minutes, "p50_ci_low_minutes": front.p50_ci_low_minutes,
        "p50_ci_high_minutes": front.p50_ci_high_minutes}).sort_values("release_date", kind="stable") \
        .reset_index(drop=True)
    h.outputs["metr_trend_replicates"] = (trend.replicates() if trend is not None else
                                          pd.DataFrame(columns=["replicate", "slope_per_day", "intercept"]))
    h.outputs["forecasts"] = book_forecasts(trend, params["thresholds_hours"], suite, cap, fitted_as_of)
    h.outputs["metr_models"] = metr_models(horizons, suite)
    _swe(h, cite(frames["swe_bench"], sources), params.get("swe_split", "Verified"), as_of)
    _prose(h, front, trend, suite, start, as_of)
    return h


def _prose(h: Headline, front, trend, suite: str, start: dt.date, as_of: dt.date | None) -> None:
    """Whole sentences for the prose, so that a page with too little data still reads as sentences."""
    t = h.text
    if growing(trend):
        lede = (f"The length of software task that the best AI systems complete half the time has doubled about "
                f"every {t('metr_doubling_days')} ({t('ci_level')} interval {t('metr_doubling_interval')}) on "
                f"METR's {suite} tasks since {start.isoformat()}: about {t('metr_growth_per_year')} a year.")
        week = (f"If the trend held, it would reach {t('workweek_name')} around {t('metr_workweek_date')} "
                f"({t('workweek_interval')}), {t('workweek_reading')}.")
        glance = (f"{t('metr_doubling_days')} ({t('metr_doubling_months')}), fitted on {t('metr_frontier_models')} "
                  f"frontier models")
    else:
        why = h["metr_doubling_days"].note
        when = f" by {as_of.isoformat()}" if as_of else ""
        lede = (f"Too few METR time horizons had been published{when} to fit a trend: {why}." if trend is None else
                f"METR's horizons did not grow across the {len(front)} frontier models published{when}.")
        week = ""
        glance = f"{t('metr_doubling_days')} ({why})"
    metr = h["metr_published_doubling_days"]
    if metr.value is None:
        published = f"METR had published no doubling time for this series{' by then' if as_of else ''}."
        glance += "; METR had published none"
    else:
        published = (f"METR's own figure for the same series is {metr.text} ({t('metr_published_interval')}), "
                     f"from its {t('metr_published_vintage')}.")
        glance += f"; METR's own is {metr.text}"
    latest = h["metr_latest_p50_minutes"]
    if latest.value is None:
        glance_latest = f"no {suite} horizon had been published"
        p80 = ""
    else:
        glance_latest = (f"{t('metr_latest_model')} at {latest.text} ({t('metr_latest_ci')}), "
                         f"{t('metr_latest_reading')}")
        p80_fig = h["metr_latest_p80_minutes"]
        if p80_fig.value is not None:
            glance_latest += f"; at 80% success its horizon is {p80_fig.text}"
            p80 = (f"A model that succeeds half the time on tasks of a given length succeeds four times in five "
                   f"only on much shorter ones: for {t('metr_latest_model')} the 80% horizon is "
                   f"{t('metr_latest_p80_ratio')} than the 50% one.")
        else:
            p80 = f"The source of {t('metr_latest_model')}'s horizon gives no 80% horizon."
    h.add(sentence("metr_lede", lede), sentence("metr_published_sentence", published),
          sentence("workweek_sentence", week), sentence("metr_glance_doubling", glance),
          sentence("metr_glance_latest", glance_latest), sentence("p80_sentence", p80))

    gap = h["metr_max_difference"]
    h.add(sentence("reproduction_sentence",
                   f"Applied to METR's published data file, it reproduces every doubling time METR publishes from "
                   f"that file to within {gap.text}" if gap.value is not None else
                   "METR had not yet published doubling times from its current data file; the table shows what it "
                   "had published, beside this book's fit on the values public then"))

    cotra = h["metr_trend_at_cotra_date"]
    if t("cotra_date") == COTRA_PENDING:
        says = "Cotra's forecast of the time horizon had not been made by this date."
    elif cotra.value is None:
        says = f"Cotra forecast a horizon of about {t('cotra_hours')} by {t('cotra_date')}; there is no trend yet to set it against."
    else:
        says = (f"Cotra forecast a horizon of about {t('cotra_hours')} by {t('cotra_date')}. On this trend the "
                f"horizon at that date would be {cotra.text} ({t('trend_at_cotra_interval')}); {t('cotra_reading')}.")
    h.add(sentence("cotra_sentence", says))


def _doubling(h, front, trend, start, suite, level, as_of, fitted_as_of):
    label = f"Doubling time of METR's 50% time horizon, {suite}, frontier models from {start.isoformat()}"
    if growing(trend):
        lo, hi = trend.doubling_interval()
        d = trend.doubling_days
        h.add(Figure("metr_doubling_days", round(d, 1), days_text(d), "days", label, ci=(round(lo, 1), round(hi, 1)),
                     ci_level=level, as_of=fitted_as_of,
                     note=f"OLS of ln(p50) on release date over {len(front)} frontier models; the interval resamples "
                          "the models and draws each from its own published interval."),
              Figure("metr_doubling_months", round(d / trends.DAYS_PER_MONTH, 1),
                     f"{sig(d / trends.DAYS_PER_MONTH)} months", "months", "Doubling time in months",
                     as_of=fitted_as_of),
              Figure("metr_growth_per_year", round(trend.growth_per_year, 1), f"{sig(trend.growth_per_year)}×",
                     "x per year", "Growth of the horizon per year on the fitted trend", as_of=fitted_as_of),
              sentence("metr_doubling_interval", days_interval(lo, hi)),
              sentence("metr_finding", f"The 50% time horizon doubles every {days_text(d)} "
                                       f"({suite}, {len(front)} frontier models since {start.year})"))
        return
    why = too_few(front, start) if trend is None else "the horizon did not grow across these models"
    for key, unit, what in (("metr_doubling_days", "days", label), ("metr_doubling_months", "months",
                                                                    "Doubling time in months"),
                            ("metr_growth_per_year", "x per year", "Growth of the horizon per year")):
        h.add(missing(key, what, unit, as_of, why))
    h.add(sentence("metr_doubling_interval", "none"),
          sentence("metr_finding", f"Not enough METR measurements for a trend yet: {why}"))


def _thresholds(h, frames, trend, params, cap, as_of, fitted_as_of):
    hours = dict(params["thresholds_hours"])
    forecast = cotra(frames["claims"], frames["sources"], as_of)
    cotra_name = None
    if forecast is not None:
        cotra_name = "Cotra's forecast"
        hours[cotra_name] = forecast.minutes / MINUTES_PER_HOUR
        hours = dict(sorted(hours.items(), key=lambda kv: kv[1]))
        h.add(sentence("cotra_hours", f"{forecast.minutes / MINUTES_PER_HOUR:g} hours"),
              sentence("cotra_date", forecast.period))
    else:
        h.add(sentence("cotra_hours", "none"), sentence("cotra_date", COTRA_PENDING))
    first_name, first_hours = next(iter(params["thresholds_hours"].items()))
    h.add(sentence("workweek_name", f"{first_name} ({first_hours:g} hours)"))
    if not growing(trend):
        why = "no trend to extrapolate by this date"
        h.tables["thresholds"] = pd.DataFrame(columns=["threshold", "hours", "minutes", "date", "low", "high", "when",
                                                       "interval", "beyond_ceiling", "reading"])
        h.add(sentence("thresholds_reading", "With no trend yet, no threshold date can be given"))
        h.add(missing("metr_workweek_date", f"Date the trend reaches {first_name}", "date", as_of, why),
              sentence("workweek_interval", "none"), sentence("workweek_reading", ""),
              missing("metr_trend_at_cotra_date", "The trend's horizon at the date of Cotra's forecast", "hours",
                      as_of, why),
              sentence("trend_at_cotra_interval", "none"), sentence("cotra_reading", ""))
        return
    marks = thresholds(trend, hours, cap)
    h.tables["thresholds"] = marks
    beyond = int(marks.beyond_ceiling.sum())
    h.add(sentence("thresholds_reading",
                   f"{'Every' if beyond == len(marks) else f'{beyond} of the {len(marks)}'} threshold"
                   f"{'' if beyond == 1 and len(marks) == 1 else 's'} here {'is' if beyond == 1 else 'are'} longer than "
                   f"METR's {cap:g}-hour ceiling, so {'its date extrapolates' if beyond == 1 else 'those dates extrapolate'}"
                   " the line past the tasks METR can measure" if beyond else
                   f"Every threshold here is within METR's {cap:g}-hour ceiling"))
    h.tables["trend"] = trend_band(trend, newest(*(dt.date.fromisoformat(d) for d in marks.date.dropna())))
    week = marks[marks.threshold == first_name].iloc[0]
    ci = (week.low, week.high) if week.low and week.high and week.low < week.high else None
    h.add(Figure("metr_workweek_date", week.date, week.when, "date",
                 f"Date the trend reaches {first_name} ({first_hours:g} h)", ci=ci, ci_level=trend.level if ci else None,
                 as_of=fitted_as_of,
                 note=week.reading if week.beyond_ceiling else ""),
          sentence("workweek_interval", week.interval),
          sentence("workweek_reading", "an extrapolation beyond the tasks METR can measure" if week.beyond_ceiling
                   else "within the range METR measures"))
    if forecast is None:
        h.add(missing("metr_trend_at_cotra_date", "The trend's horizon at the date of Cotra's forecast", "hours",
                      as_of, "Cotra had not made her forecast by this date"),
              sentence("trend_at_cotra_interval", "none"), sentence("cotra_reading", ""))
        return
    target = period_end(forecast.period)
    at = trend.predict([pd.Timestamp(target)]).iloc[0]
    hrs = [at.trend / MINUTES_PER_HOUR, at.low / MINUTES_PER_HOUR, at.high / MINUTES_PER_HOUR]
    cross = marks[marks.threshold == cotra_name].iloc[0]
    h.add(Figure("metr_trend_at_cotra_date", round(hrs[0], 1), duration(at.trend), "hours",
                 f"The trend's 50% horizon on {forecast.period}, the date of Cotra's forecast",
                 ci=(round(hrs[1], 1), round(hrs[2], 1)) if round(hrs[1], 1) < round(hrs[2], 1) else None,
                 ci_level=trend.level, as_of=fitted_as_of,
                 note="An extrapolation beyond the longest tasks METR can measure" if hrs[0] > float(params["cap_hours"])
                 else ""),
          sentence("trend_at_cotra_interval", duration_interval(at.low, at.high, at.trend)),
          sentence("cotra_reading", f"the trend reaches Cotra's {forecast.minutes / MINUTES_PER_HOUR:g} hours around "
                                    f"{cross.when} ({cross.interval})"))


def _latest(h, horizons, suite, cap, as_of):
    rows = in_suite(horizons, suite).sort_values(["release_date", "p50_minutes"], kind="stable")
    if rows.empty:
        for key, unit in (("metr_latest_p50_minutes", "minutes"), ("metr_latest_p80_minutes", "minutes")):
            h.add(missing(key, f"Latest {suite} horizon", unit, as_of, f"no {suite} horizon had been published"))
        h.add(sentence("metr_latest_model", "no model"), sentence("metr_latest_ci", "none"),
              sentence("metr_latest_source", "none"), sentence("metr_latest_reading", ""))
        return
    r = rows.iloc[-1]
    when = newest(r.published if pd.notna(r.published) else r.release_date)
    ci = ((round(float(r.p50_ci_low_minutes), 1), round(float(r.p50_ci_high_minutes), 1))
          if pd.notna(r.p50_ci_low_minutes) else None)
    h.add(Figure("metr_latest_p50_minutes", round(float(r.p50_minutes), 1), duration(r.p50_minutes), "minutes",
                 f"Latest 50% horizon ({r.model}, released {r.release_date.date().isoformat()})", ci=ci,
                 ci_level=METR_CI_LEVEL if ci else None, as_of=when, note=f"{r.origin}; {r.source_type} source"),
          sentence("metr_latest_model", str(r.model)),
          sentence("metr_latest_ci", duration_interval(r.p50_ci_low_minutes, r.p50_ci_high_minutes, r.p50_minutes)
                   if ci else "no interval published"),
          sentence("metr_latest_source", f"{r.source_type} source: {r.source_title}"),
          sentence("metr_latest_reading", f"above METR's {cap:g}-hour ceiling, so outside the fit"
                   if r.p50_minutes > cap * MINUTES_PER_HOUR else "within METR's reliability ceiling"))
    if pd.notna(r.p80_minutes):
        h.add(Figure("metr_latest_p80_minutes", round(float(r.p80_minutes), 1), duration(r.p80_minutes), "minutes",
                     f"Latest 80% horizon ({r.model})", as_of=when),
              sentence("metr_latest_p80_ratio", f"{sig(r.p50_minutes / r.p80_minutes)} times shorter"))
    else:
        h.add(missing("metr_latest_p80_minutes", f"Latest 80% horizon ({r.model})", "minutes", as_of,
                      "its source gives no 80% horizon"),
              sentence("metr_latest_p80_ratio", "not published"))


def _published(h, doubling, trend, horizons, suite, start, cap, boot, as_of):
    metr = metr_published(doubling, suite, start)
    if metr is None:
        h.add(missing("metr_published_doubling_days", f"METR's own doubling time, {suite} from {start.isoformat()}",
                      "days", as_of, "METR had published no doubling time for this suite and window"),
              sentence("metr_published_interval", "none"), sentence("metr_published_vintage", "none"))
    else:
        ci = ((float(metr.ci_low_days), float(metr.ci_high_days)) if pd.notna(metr.ci_low_days) else None)
        h.add(Figure("metr_published_doubling_days", float(metr.doubling_days), days_text(metr.doubling_days), "days",
                     f"METR's own doubling time, {suite} from {start.isoformat()} ({metr.vintage})", ci=ci,
                     ci_level=METR_CI_LEVEL if ci else None, as_of=metr.published.date(),
                     note="METR's interval bootstraps tasks and runs; this book's resamples the models"),
              sentence("metr_published_interval", days_interval(*ci) if ci else "no interval published"),
              sentence("metr_published_vintage", str(metr.vintage)))
    table = against_metr(horizons, doubling, cap, **boot)
    h.tables["against_metr"] = table
    current = table[table.from_the_file & table.doubling_days.notna()]
    if current.empty:
        h.add(missing("metr_max_difference", "Largest difference between this fit and METR's data-file doubling "
                      "times", "days", as_of, "METR's data-file doubling times were not yet published"))
    else:
        gap = float((current.doubling_days - current.metr_doubling_days).abs().max())
        h.add(Figure("metr_max_difference", round(gap, 3), "0.001 days" if gap < 0.001 else f"{gap:.3f} days", "days",
                     "Largest difference between this fit and METR's data-file doubling times",
                     as_of=newest(pd.to_datetime(current.published))))


def _revisions(h, rev):
    table = revisions(rev)
    h.tables["revisions"] = table
    if table.empty:
        h.add(sentence("revision_example", "None of the values held here had been revised by this date"))
        return
    r = table.sort_values("first_minutes", ascending=False).iloc[0]
    h.add(sentence("revision_example",
                   f"{r.model} was first posted at {r.first} on {r.first_published}, and has stood at {r.now} "
                   f"since METR's correction of {r.now_published}"))


def _swe(h, swe, split, as_of):
    h.tables["swe"] = swe_points(swe)
    rec = best_so_far(swe)
    h.tables["swe_records"] = rec
    h.outputs["swe_records"] = rec
    h.outputs["swe_scores"] = swe_scores(swe)
    top = rec[rec.split == split]
    h.add(sentence("swe_record_finding",
                   f"The SWE-bench {split} leaderboard record rose to {top.best.iloc[-1]:g}% by "
                   f"{dt.date.fromisoformat(top.date.iloc[-1]).strftime('%B %Y')}; vendors' own reports run higher"
                   if len(top) else f"SWE-bench results by split; no {split} leaderboard record yet"))
    for key, who in (("vendor", "vendor-reported"), ("independent", "independent")):
        row = best_by(swe, split, key)
        label = f"Best {who} SWE-bench {split} score" + ("" if row is None else f" ({row.system})")
        if row is None:
            h.add(missing(f"swe_verified_best_{key}", label, "% resolved", as_of, f"no {who} {split} score yet"))
        else:
            h.add(Figure(f"swe_verified_best_{key}", float(row.percent_resolved), score_text(row, name=False),
                         "% resolved", label, as_of=newest(row.published if pd.notna(row.published) else row.date)))
        h.add(sentence(f"swe_best_{key}", score_text(row)))
    gaps = vendor_gaps(swe, split)
    h.tables["swe_gaps"] = gaps
    top = best_by(swe, split, "vendor")
    if top is None:
        best = f"No vendor had reported a {split} score yet."
    elif pd.notna(top.model) and top.model in set(gaps.model):
        best = f"The best vendor-reported score, {score_text(top)}, is among the models compared."
    else:
        best = (f"The best vendor-reported score, {score_text(top)}, has no independent run of the same model, so "
                "it does not enter the gap.")
    other = best_by(swe, split, "independent")
    best += f" The best independent run is {score_text(other)}." if other is not None else ""
    h.add(sentence("swe_best_sentence", best))
    if gaps.empty:
        h.add(missing("swe_vendor_gap", f"Vendor minus independent SWE-bench {split} score, per model", "points",
                      as_of, "no model had both a vendor score and an independent run"),
              Figure("swe_gap_models", 0, "no", "models", "Models with both a vendor and an independent score"),
              sentence("swe_gap_range", "none"),
              sentence("swe_gap_finding", f"No model has both a vendor-reported and an independent {split} score yet"))
        return
    median = float(gaps.gap.median())
    when = newest(*gaps.as_of)
    lo, hi = gaps.iloc[0], gaps.iloc[-1]
    span = (f"from {points_text(lo.gap)} ({lo.model}) to {points_text(hi.gap)} ({hi.model})" if len(gaps) > 1
            else f"one model, {lo.model}")
    h.add(Figure("swe_vendor_gap", round(median, 1), points_text(median), "percentage points",
                 f"Vendor-reported minus independent SWE-bench {split} score, median over {len(gaps)} models",
                 as_of=when, note=f"Per model: the vendor's score minus the median independent run; {span}"),
          Figure("swe_gap_models", len(gaps), str(len(gaps)), "models",
                 "Models with both a vendor and an independent score", as_of=when),
          sentence("swe_gap_range", span),
          sentence("swe_gap_finding", f"For the same model, vendors report a median {points_text(median)} more on "
                                      f"SWE-bench {split} than independent evaluators measure ({len(gaps)} models)"))
