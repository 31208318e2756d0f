"""Growth forms for a quantity that keeps growing (METR's time horizons), each with a predictive distribution.

y = ln(value) and t = years since the mean date of the fitted points. The four forms the book weighs:

- exponential: y = a + b t, a constant doubling time (METR's trend; its fit is the same OLS as
  `trends.ols_log`);
- piecewise: y = a + b1 t + (b2 - b1) max(0, t - tau), continuous, with its break tau fitted: the
  point date, with at least two points on each side, that leaves the smallest squared error;
- bounded superexponential: y = a + b t + c t^2 with c >= 0. The doubling time shrinks as time goes
  on, yet the value is finite at every date. A form whose doubling time shrinks by a fixed factor at
  each doubling reaches an infinite value at a finite date whatever the threshold; this one does not;
- logistic: value = K / (1 + exp(-r (t - m))), exponential at first and levelling off at a ceiling K
  fitted from the data. With no sign of levelling off, K runs to the top of its grid (the
  largest point times e^12) and the form behaves as the exponential.

Each fit predicts the value of a new point at a date with a Student-t distribution of y: centred on
the fitted curve, with scale s * sqrt(1 + g'(J'J)^-1 g) (s the residual standard deviation, J the
Jacobian of the fitted points in the curve's continuous parameters, g its gradient at the date) and
n - p degrees of freedom, p counting a fitted break or ceiling. This is the prediction interval of a
regression, linearised for the curved forms: it covers where the line is and how far models scatter
around it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import optimize, special

from . import scoring

FORMS = ("exponential", "piecewise", "bounded superexponential", "logistic")
N_PARAMS = {"exponential": 2, "piecewise": 4, "bounded superexponential": 3, "logistic": 3}
MIN_POINTS = {form: p + 1 for form, p in N_PARAMS.items()}  # at least one degree of freedom left
DAYS_PER_YEAR = 365.25
CEILING_GRID = (0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12)  # ln K above the largest point
SEARCH_YEARS = 30  # how far ahead `reaches` looks for a threshold
SEARCH_STEP_DAYS = 7


def t_quantile(level: float, df: float) -> float:
    """The `level` quantile of Student's t with `df` degrees of freedom (scipy.special: scipy.stats takes a
    second to import, more than every backtest together)."""
    return float(special.stdtrit(df, level))


@dataclass
class FormFit:
    """One growth form fitted to points (ordinal dates, positive values)."""

    form: str
    theta: np.ndarray
    curve: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (theta, t) -> y
    ref: float  # the ordinal date of t = 0
    s: float
    df: int
    cov: np.ndarray  # (J'J)^+ at the fit
    n: int
    note: str = ""

    def years(self, ordinals) -> np.ndarray:
        return (np.asarray(ordinals, dtype=float) - self.ref) / DAYS_PER_YEAR

    def gradient(self, t: np.ndarray) -> np.ndarray:
        """d y / d theta at each t, by central differences (exact for the forms linear in theta)."""
        out = np.empty((len(t), len(self.theta)))
        for j in range(len(self.theta)):
            step = 1e-6 * (1 + abs(self.theta[j]))
            up, down = self.theta.copy(), self.theta.copy()
            up[j] += step
            down[j] -= step
            out[:, j] = (self.curve(up, t) - self.curve(down, t)) / (2 * step)
        return out

    def predict(self, ordinals) -> tuple[np.ndarray, np.ndarray]:
        """Centre and scale of the Student-t predictive of ln(value) at each date."""
        t = self.years(np.atleast_1d(ordinals))
        g = self.gradient(t)
        spread = np.einsum("ij,jk,ik->i", g, self.cov, g)
        return self.curve(self.theta, t), self.s * np.sqrt(1 + np.maximum(spread, 0))

    def quantile(self, ordinals, level: float) -> np.ndarray:
        """The `level` quantile of the predicted value at each date (in the values' unit)."""
        loc, scale = self.predict(ordinals)
        return np.exp(loc + t_quantile(level, self.df) * scale)

    def log_score(self, ordinals, values) -> np.ndarray:
        """The log score of each observed value (lower is better), in ln(value) units."""
        loc, scale = self.predict(ordinals)
        return scoring.t_log(np.log(np.asarray(values, dtype=float)), self.df, loc, scale)

    def reaches(self, threshold: float, start: float, levels=(0.05, 0.5, 0.95)) -> list[float | None]:
        """For each level q, the first date after `start` by which the predicted value's (1 - q) quantile reaches
        `threshold`: the early end (q = 0.05) is when a model at the top of the band would reach it, the late end
        when one at the bottom would. None where that does not happen within SEARCH_YEARS."""
        grid = start + np.arange(0, SEARCH_YEARS * DAYS_PER_YEAR, SEARCH_STEP_DAYS, dtype=float)
        loc, scale = self.predict(grid)
        target = np.log(threshold)
        out = []
        for q in levels:
            y = loc + t_quantile(1 - q, self.df) * scale
            above = np.nonzero(y >= target)[0]
            if not len(above):
                out.append(None)
                continue
            i = above[0]
            if i == 0:
                out.append(float(grid[0]))
                continue
            frac = (target - y[i - 1]) / (y[i] - y[i - 1])
            out.append(float(grid[i - 1] + frac * (grid[i] - grid[i - 1])))
        return out


def _finish(form, theta, curve, ref, t, y, p, note="") -> FormFit:
    """Residual spread, degrees of freedom and (J'J)^+ of a fitted curve."""
    fit = FormFit(form, np.asarray(theta, dtype=float), curve, ref, 0.0, len(t) - p, np.zeros((len(theta),) * 2),
                  len(t), note)
    resid = y - curve(fit.theta, t)
    fit.s = float(np.sqrt(resid @ resid / fit.df))
    J = fit.gradient(t)
    fit.cov = np.linalg.pinv(J.T @ J)
    return fit


def _linear(theta, t):
    return theta[0] + theta[1] * t


def _quadratic(theta, t):
    return theta[0] + theta[1] * t + theta[2] * t ** 2


def _logistic(theta, t):
    return theta[0] - np.logaddexp(0.0, -theta[1] * (t - theta[2]))


def fit(form: str, ordinals, values) -> FormFit | None:
    """`form` fitted to the points, or None when there are too few (or too few distinct dates)."""
    if form not in FORMS:
        raise ValueError(f"unknown growth form {form!r}; the forms are {', '.join(FORMS)}")
    x = np.asarray(ordinals, dtype=float)
    v = np.asarray(values, dtype=float)
    if len(x) < MIN_POINTS[form] or len(set(x)) < 2:
        return None
    ref = float(x.mean())
    t, y = (x - ref) / DAYS_PER_YEAR, np.log(v)
    if form == "exponential":
        theta = np.linalg.lstsq(np.column_stack([np.ones_like(t), t]), y, rcond=None)[0]
        return _finish(form, theta, _linear, ref, t, y, N_PARAMS[form])
    if form == "bounded superexponential":
        theta = np.linalg.lstsq(np.column_stack([np.ones_like(t), t, t ** 2]), y, rcond=None)[0]
        if theta[2] < 0:  # the data bend down: the bounded form's best is the exponential (c = 0)
            lin = np.linalg.lstsq(np.column_stack([np.ones_like(t), t]), y, rcond=None)[0]
            return _finish(form, lin, _linear, ref, t, y, N_PARAMS[form],
                           "the points bend down, so c = 0 and the form is the exponential")
        return _finish(form, theta, _quadratic, ref, t, y, N_PARAMS[form])
    if form == "piecewise":
        order = np.argsort(t, kind="stable")
        ts = t[order]
        best = None
        for tau in np.unique(ts):
            if (ts <= tau).sum() < 2 or (ts >= tau).sum() < 2 or len(set(ts[ts <= tau])) < 2 \
                    or len(set(ts[ts >= tau])) < 2:
                continue
            X = np.column_stack([np.ones_like(t), t, np.maximum(0.0, t - tau)])
            theta = np.linalg.lstsq(X, y, rcond=None)[0]
            sse = float(((X @ theta - y) ** 2).sum())
            if best is None or sse < best[0] - 1e-12:
                best = (sse, tau, theta)
        if best is None:
            return None
        _, tau, theta = best

        def hinge(th, tt, tau=tau):
            return th[0] + th[1] * tt + th[2] * np.maximum(0.0, tt - tau)

        return _finish(form, theta, hinge, ref, t, y, N_PARAMS[form],
                       f"break at {_iso(ref + tau * DAYS_PER_YEAR)}")
    # logistic: for a fixed ceiling K, ln(K / value - 1) is linear in t; search K, then polish all three.
    best = None
    for up in CEILING_GRID:
        lnk = y.max() + up
        z = np.log(np.expm1(lnk - y))
        c1, c0 = np.polyfit(t, z, 1)
        if c1 >= 0:
            continue
        theta = np.array([lnk, -c1, c0 / -c1])
        sse = float(((_logistic(theta, t) - y) ** 2).sum())
        if best is None or sse < best[0]:
            best = (sse, theta, up)
    if best is None:
        return None
    sse, theta, up = best
    try:
        polished = optimize.least_squares(lambda th: _logistic(th, t) - y, theta, method="lm", max_nfev=200)
        if polished.success and float((polished.fun ** 2).sum()) < sse and polished.x[1] > 0:
            theta = polished.x
    except (ValueError, np.linalg.LinAlgError):
        pass
    top = theta[0] >= y.max() + CEILING_GRID[-1] - 1e-9
    return _finish(form, theta, _logistic, ref, t, y, N_PARAMS[form],
                   "no sign of a ceiling: the ceiling sits at the top of its grid" if top
                   else f"ceiling {np.exp(theta[0]):.4g}")


def _iso(ordinal: float) -> str:
    import datetime as dt

    return dt.date.fromordinal(int(round(ordinal))).isoformat()
