"""Exponential trends: METR's frontier rule, doubling times, intervals and time to a threshold.

The point estimate follows METR's published recipe exactly (eval-analysis-public,
`compute_trendline_ci.get_sota_agents` and `fit_trendline(log_scale=True)`):

1. keep models released on or after the window start whose central estimate is not
   above the reliability cap (METR excludes p50 > 16 h);
2. the frontier: a model is kept if its p50 is at least the best p50 of any model
   released on or before its date (same-day ties allowed);
3. ordinary least squares of ln(p50) on the release date in days; doubling time is
   ln 2 / slope.

METR's interval bootstraps over tasks and runs, which needs run-level data that is
not public. Here each replicate does two things: it resamples the frontier models
with replacement (so the scatter of the points around the line counts), and it
draws each chosen model's horizon from its own published 95% interval (a normal in
log space with separate spreads below and above the estimate, since the intervals
are skewed), so measurement uncertainty counts too. The same OLS is refitted on
every replicate; the interval is the central `level` share of the refitted values.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

Z95 = 1.959963984540054  # the normal quantile behind METR's 2.5%/97.5% intervals
LN2 = np.log(2)
DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_YEAR = 365.25


def frontier(df: pd.DataFrame, start: dt.date, cap: float | None = None, date: str = "release_date",
             value: str = "p50_minutes") -> pd.DataFrame:
    """METR's frontier: models at least as good as any released on or before their date."""
    rows = df[df[date].dt.date >= start]
    if cap is not None:
        rows = rows[rows[value] <= cap]
    rows = rows.sort_values([date, value], kind="stable")
    best = rows.groupby(date, sort=True)[value].max().cummax()  # the best released on or before each date
    return rows[rows[value] >= rows[date].map(best)]


def days(dates: pd.Series) -> np.ndarray:
    """Dates as day numbers (proleptic ordinal), the x of every fit here."""
    return np.array([d.toordinal() for d in pd.to_datetime(dates).dt.date], dtype=float)


def ols_log(x: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of ln(values) on x."""
    slope, intercept = np.polyfit(x, np.log(values), 1)
    return float(slope), float(intercept)


def ols_rows(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares slope and intercept of each row of y on the same row of x."""
    xm = x.mean(axis=1, keepdims=True)
    ym = y.mean(axis=1, keepdims=True)
    slope = ((x - xm) * (y - ym)).sum(axis=1) / ((x - xm) ** 2).sum(axis=1)
    return slope, ym[:, 0] - slope * xm[:, 0]


@dataclass
class Trend:
    """An exponential trend with bootstrap replicates of its slope and intercept."""

    slope: float  # per day, natural log
    intercept: float
    slopes: np.ndarray
    intercepts: np.ndarray
    level: float
    n_points: int
    first: dt.date
    last: dt.date

    @property
    def doubling_days(self) -> float:
        return LN2 / self.slope

    def doubling_interval(self) -> tuple[float, float]:
        d = LN2 / self.slopes[self.slopes > 0]
        return tuple(np.quantile(d, [(1 - self.level) / 2, (1 + self.level) / 2]))

    @property
    def growth_per_year(self) -> float:
        return float(np.exp(self.slope * DAYS_PER_YEAR))

    def predict(self, dates) -> pd.DataFrame:
        """The trend and its interval band at each date."""
        x = days(pd.Series(pd.to_datetime(dates)))
        central = np.exp(self.intercept + self.slope * x)
        reps = np.exp(self.intercepts[:, None] + self.slopes[:, None] * x[None, :])
        lo, hi = np.quantile(reps, [(1 - self.level) / 2, (1 + self.level) / 2], axis=0)
        return pd.DataFrame({"date": pd.to_datetime(dates), "trend": central, "low": lo, "high": hi})

    def reaches(self, threshold: float) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
        """The date the trend reaches `threshold` (same unit as the fitted values), with its interval.

        A date that does not exist on the calendar (a trend so flat it would take millennia, or
        one that never grows) comes back as None.
        """
        central = _date((np.log(threshold) - self.intercept) / self.slope) if self.slope > 0 else None
        ok = self.slopes > 0
        if not ok.any():
            return central, None, None
        when = (np.log(threshold) - self.intercepts[ok]) / self.slopes[ok]
        lo, hi = np.quantile(when, [(1 - self.level) / 2, (1 + self.level) / 2])
        return central, _date(lo), _date(hi)

    def replicates(self) -> pd.DataFrame:
        """The central fit (replicate -1) and every bootstrap replicate: slope per day and intercept, natural log."""
        return pd.DataFrame({"replicate": np.arange(-1, len(self.slopes)),
                             "slope_per_day": np.concatenate([[self.slope], self.slopes]),
                             "intercept": np.concatenate([[self.intercept], self.intercepts])})


def _date(ordinal: float) -> dt.date | None:
    """The calendar date of a day number, or None when it falls outside the calendar."""
    if not np.isfinite(ordinal) or not 1 <= ordinal <= dt.date.max.toordinal():
        return None
    return dt.date.fromordinal(int(round(ordinal)))


def log_normal_draws(estimate: np.ndarray, low: np.ndarray, high: np.ndarray, n: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Draws around each estimate, spread to match its 95% interval on each side, in log space."""
    le, ll, lh = np.log(estimate), np.log(low), np.log(high)
    below = (le - ll) / Z95
    above = (lh - le) / Z95
    z = rng.standard_normal((n, len(estimate)))
    return np.exp(le + np.where(z < 0, z * below, z * above))


def fit_exponential(points: pd.DataFrame, *, date: str = "release_date", value: str = "p50_minutes",
                    low: str | None = "p50_ci_low_minutes", high: str | None = "p50_ci_high_minutes",
                    level: float = 0.95, n_boot: int = 2000, seed: int = 0) -> Trend:
    """OLS of ln(value) on date, with bootstrap replicates (see the module docstring).

    Without interval columns, the replicates resample the points only.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level}")
    if len(points) < 3:
        raise ValueError(f"a trend needs at least 3 points, got {len(points)}")
    x = days(points[date])
    if len(set(x)) < 2:
        raise ValueError("a trend needs points on at least two different dates")
    v = points[value].to_numpy(float)
    slope, intercept = ols_log(x, v)
    rng = np.random.default_rng(seed)
    draws = (log_normal_draws(v, points[low].to_numpy(float), points[high].to_numpy(float), n_boot, rng)
             if low and high else np.broadcast_to(v, (n_boot, len(v))))
    idx = rng.integers(0, len(x), (n_boot, len(x)))
    def flat():  # a replicate needs at least two distinct dates to have a slope
        return x[idx].min(axis=1) == x[idx].max(axis=1)

    while (bad := flat()).any():
        idx[bad] = rng.integers(0, len(x), (bad.sum(), len(x)))
    slopes, intercepts = ols_rows(x[idx], np.log(np.take_along_axis(draws, idx, axis=1)))
    dates = pd.to_datetime(points[date]).dt.date
    return Trend(slope, intercept, slopes, intercepts, level, len(points), min(dates), max(dates))
