"""Saturating benchmarks: best-so-far records, a logistic fit, months to 50/80/90% of the ceiling.

A benchmark's record (the best score so far) is modelled as a logistic curve in
time: logit(record / ceiling) = a + b * days since the benchmark was introduced,
fitted by least squares on the record-setting points. The ceiling is 100% or, where
the question is "as good as people", the human reference. Months to a share q of
the ceiling are observed where a record has crossed it and projected from the fit
otherwise; the interval resamples the record points (a case bootstrap).

A projection needs at least MIN_POINTS record-setting dates: through two points the
line is exact, every resample that keeps both gives the same line, and the interval
would have no width. With fewer, months are reported only where a record crossed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .figures import sig
from .trends import DAYS_PER_MONTH

EDGE = 1e-3  # shares are kept inside (EDGE, 1 - EDGE) so that the logit is finite
MIN_POINTS = 3  # record-setting dates needed to project, with an interval that has width


def logit(p):
    p = np.clip(p, EDGE, 1 - EDGE)
    return np.log(p / (1 - p))


def records(points: pd.DataFrame, date: str = "date", value: str = "value") -> pd.DataFrame:
    """The rows that set a new best score: the first date on which each new high was reached."""
    rows = points.dropna(subset=[value]).sort_values([date, value], ascending=[True, False], kind="stable")
    best = -np.inf
    keep = []
    for idx, v in zip(rows.index, rows[value]):
        if v > best:
            keep.append(idx)
            best = v
    return rows.loc[keep]


@dataclass
class Fit:
    """A logistic fit of a benchmark's records against its ceiling."""

    introduced: dt.date
    ceiling: float
    a: float
    b: float  # per day
    a_reps: np.ndarray
    b_reps: np.ndarray
    level: float
    records: pd.DataFrame

    @property
    def n_dates(self) -> int:
        """How many distinct dates set a record."""
        return int(pd.to_datetime(self.records.date).nunique())

    @property
    def projectable(self) -> bool:
        """Enough record-setting dates to project beyond the records, with an interval."""
        return self.b > 0 and self.n_dates >= MIN_POINTS

    def replicates(self) -> pd.DataFrame:
        """The central fit (replicate -1) and every bootstrap replicate's intercept and slope (per day)."""
        return pd.DataFrame({"replicate": np.arange(-1, len(self.a_reps)),
                             "a": np.concatenate([[self.a], self.a_reps]),
                             "b": np.concatenate([[self.b], self.b_reps])})

    def share(self, when: dt.date) -> float:
        t = (when - self.introduced).days
        return float(1 / (1 + np.exp(-(self.a + self.b * t))))

    def months_to(self, q: float, not_before: dt.date | None = None) -> dict:
        """Months from introduction until the record reaches share q of the ceiling.

        `not_before` is a date by which the record is known not to have reached q (the
        benchmark's today): no projection, and no end of its interval, falls before it.
        """
        if not 0 < q < 1:
            raise ValueError(f"share must lie strictly between 0 and 1, got {q}")
        crossed = self.records[self.records.value >= q * self.ceiling]
        if len(crossed):
            when = crossed.date.iloc[0].date()
            return {"months": months(self.introduced, when), "low": None, "high": None, "kind": "observed",
                    "date": when}
        if self.b <= 0:
            return {"months": None, "low": None, "high": None, "kind": "no upward trend", "date": None}
        if self.n_dates < MIN_POINTS:
            return {"months": None, "low": None, "high": None, "kind": "too few records to project", "date": None}
        target = logit(q)
        ok = self.b_reps > 0
        t_reps = (target - self.a_reps[ok]) / self.b_reps[ok]
        lo, hi = np.quantile(t_reps, [(1 - self.level) / 2, (1 + self.level) / 2]) if ok.any() else (np.nan, np.nan)
        t = (target - self.a) / self.b
        if not_before is not None:
            floor = (not_before - self.introduced).days
            if t < floor:
                return {"months": None, "low": None, "high": None, "kind": "later than the fit projects",
                        "date": None}
            if not np.isnan(lo):
                lo, hi = max(lo, floor), max(hi, floor)
        if not lo < hi:  # never report an interval without width
            lo = hi = np.nan
        return {"months": t / DAYS_PER_MONTH,
                "low": None if np.isnan(lo) else lo / DAYS_PER_MONTH,
                "high": None if np.isnan(hi) else hi / DAYS_PER_MONTH,
                "kind": "projected", "date": self.introduced + dt.timedelta(days=float(t))}


def months(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_PER_MONTH


def fit_logistic(recs: pd.DataFrame, introduced: dt.date, ceiling: float, *, level: float = 0.95,
                 n_boot: int = 2000, seed: int = 0) -> Fit:
    """Least squares of logit(record / ceiling) on days since introduction, with a case bootstrap."""
    if ceiling <= 0:
        raise ValueError(f"ceiling must be positive, got {ceiling}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level}")
    t = np.array([(d.date() - introduced).days for d in pd.to_datetime(recs.date)], dtype=float)
    y = logit(recs.value.to_numpy(float) / ceiling)
    if len(set(t)) < 2:
        nan = np.full(n_boot, np.nan)
        return Fit(introduced, ceiling, float(y.mean()), 0.0, nan, nan, level, recs)
    b, a = np.polyfit(t, y, 1)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(t), (n_boot, len(t)))
    tt, yy = t[idx], y[idx]
    spread = tt.max(axis=1) > tt.min(axis=1)
    tm, ym = tt.mean(axis=1, keepdims=True), yy.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        b_reps = ((tt - tm) * (yy - ym)).sum(axis=1) / ((tt - tm) ** 2).sum(axis=1)
    a_reps = ym[:, 0] - b_reps * tm[:, 0]
    return Fit(introduced, ceiling, float(a), float(b), a_reps[spread], b_reps[spread], level, recs)


def verdict(fit: Fit, *, low_share: float, saturated_share: float, window_months: float,
            as_of: dt.date) -> str:
    """Does this benchmark bear out 'introduced low, saturated within the window'?

    `as_of` is the benchmark's "today": the newest result the record was built from (or the
    book's as-of date), never a later row that was left out of the record.
    """
    launch = fit.records.value.iloc[0] / fit.ceiling
    if launch >= low_share:
        return f"no: introduced at {launch:.0%} of the ceiling, not low"
    m = fit.months_to(saturated_share, not_before=as_of)
    if m["kind"] == "observed":
        within = m["months"] <= window_months
        return f"{'yes' if within else 'no'}: {saturated_share:.0%} reached after {m['months']:.1f} months"
    age = months(fit.introduced, as_of)
    if age <= 0:
        return "open: no result after launch yet"
    if age > window_months:
        return f"no: below {saturated_share:.0%} after {sig(age)} months"
    if m["kind"] == "projected":
        spread = "" if m["low"] is None else f" ({sig(m['low'])} to {sig(m['high'])})"
        return f"open: {sig(age)} months in; the fit projects {sig(m['months'])} months{spread}"
    if m["kind"] == "later than the fit projects":
        return f"open: {sig(age)} months in; later than the fit projects"
    if m["kind"] == "too few records to project":
        return f"open: {sig(age)} months in; {fit.n_dates} record-setting date{'s' if fit.n_dates > 1 else ''}, " \
               "too few to project"
    return f"open: {sig(age)} months in, no result above the launch best yet"
