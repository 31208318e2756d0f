"""Growth forms for a quantity that keeps growing (METR's time horizons): one fit per form, for every chapter.

The forecasts chapter backtests and scores these fits (`predict`, `quantile`, `log_score`, `reaches`);
the mosaic draws from the very same fits when a threshold is crossed (`crossings`) and mixes the forms
by the backtest's weights (`weights`, `mixture`). Nothing else in the book fits them.

y = ln(value) and t = years since the mean date of the fitted points. The four forms:

- exponential: y = a + b t, a constant doubling time. Its line is METR's trend: the same OLS, on the
  same frontier, as `trends.ols_log` and the coding chapter's central fit;
- piecewise: y = a + b1 t + (b2 - b1) max(0, t - tau), continuous, with its break tau fitted: the
  point date, with at least MIN_SIDE distinct dates on each side (the break's own counting on both),
  that leaves the smallest squared error. Beyond the data it follows the slope after the break;
- bounded superexponential: y = a + b t + c t^2 with c >= 0. The doubling time shrinks as time goes
  on, yet the value is finite at every date, so a higher threshold is always reached later. A form
  whose doubling time shrinks by a fixed factor at each doubling reaches an infinite value at a
  finite date whatever the threshold; this one does not. Points that bend down give c = 0: the form
  is then the exponential (slowing down is the logistic's shape, not this one's);
- logistic: value = K / (1 + exp(-r (t - m))), exponential at first and levelling off at a ceiling
  K. K is searched on a grid (ln K from 0.05 to 12 above the largest point, where for a fixed K the
  form is a line in ln(K / value - 1)), and then K, r and m are polished together by least squares.
  With no sign of levelling off, K runs past the top of its grid and the form behaves as the
  exponential; a threshold above K is reached only by the scatter of models about the curve.

Each fit predicts the value of a new point at a date with a Student-t distribution of y: centred on
the fitted curve, with scale s * sqrt(1 + g'(J'J)^-1 g) (s the residual standard deviation, J the
Jacobian of the fitted points in the curve's continuous parameters, g its gradient at the date) and
n - p degrees of freedom, p counting a fitted break or ceiling. This is the prediction interval of a
regression, linearised for the curved forms: it covers where the line is and how far models scatter
around it.

When a threshold is crossed follows from that same predictive distribution (`reaches`): the date
by which its (1 - q) quantile first reaches the threshold is the q quantile of the crossing date,
so that q = 0.05 is when a model at the top of the band would reach it. `crossings` gives the
crossing date at evenly spaced levels q, a set of draws of it; a level whose quantile does not
reach the threshold within SEARCH_YEARS never crosses (NaN). So the distribution the mosaic mixes
is exactly the one the backtest scored, for every form alike.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

from . import scoring

FORMS = ("exponential", "piecewise", "bounded superexponential", "logistic")
N_PARAMS = {"exponential": 2, "piecewise": 4, "bounded superexponential": 3, "logistic": 3}
MIN_SIDE = 2  # distinct point dates on each side of a break, the break's own date counting on both
MIN_POINTS = {form: p + 1 for form, p in N_PARAMS.items()}  # at least one degree of freedom left
MIN_POINTS["piecewise"] = max(MIN_POINTS["piecewise"], 2 * MIN_SIDE - 1)
DAYS_PER_YEAR = 365.25
CEILING_GRID = (0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12)  # ln K above the largest point
SEARCH_YEARS = 30  # how far ahead `reaches` looks for a threshold
SEARCH_STEP_DAYS = 7


def t_quantile(level, df: float):
    """The `level` quantile(s) of Student's t with `df` degrees of freedom (scipy.special: scipy.stats takes a
    second to import, more than every backtest together)."""
    out = special.stdtrit(df, np.asarray(level, dtype=float))
    return float(out) if np.ndim(out) == 0 else out


def _linear(theta, t):
    return theta[0] + theta[1] * t


def _quadratic(theta, t):
    return theta[0] + theta[1] * t + theta[2] * t ** 2


def _logistic(theta, t):
    return theta[0] - np.logaddexp(0.0, -theta[1] * (t - theta[2]))


@dataclass
class FormFit:
    """One growth form fitted to points (ordinal dates, positive values).

    `shape` is the curve the parameters `theta` describe: "line" (a, b), "quadratic" (a, b, c), "hinge"
    (a, b1, b2 - b1, with the break `tau`) or "logistic" (ln K, r, m); t in years from `ref`.
    """

    form: str
    shape: str
    theta: np.ndarray
    ref: float  # the ordinal date of t = 0
    s: float
    df: int
    cov: np.ndarray  # (J'J)^+ at the fit
    n: int
    note: str = ""
    tau: float = 0.0  # the break, in years from ref (hinge only)

    def curve(self, theta: np.ndarray, t: np.ndarray) -> np.ndarray:
        if self.shape == "line":
            return _linear(theta, t)
        if self.shape == "quadratic":
            return _quadratic(theta, t)
        if self.shape == "hinge":
            return theta[0] + theta[1] * t + theta[2] * np.maximum(0.0, t - self.tau)
        return _logistic(theta, t)

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

    def central(self, ordinals) -> np.ndarray:
        """The fitted curve's value at each date (in the values' unit)."""
        return np.exp(self.curve(self.theta, self.years(np.atleast_1d(ordinals))))

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

    def _first_dates(self, threshold: float, start: float, levels) -> np.ndarray:
        """For each level q, the first date on or after `start` by which the predicted value's (1 - q) quantile
        reaches `threshold` (day numbers; NaN where it does not within SEARCH_YEARS).

        Dates are searched every SEARCH_STEP_DAYS and interpolated linearly between the last one below and the
        first at or above. At each date the quantile's ln(value), loc + z * scale, rises with a finite z (with
        rounding too, as scale >= 0), so the levels a date reaches are those from some rank of z up. That rank
        is found for every date at once by bisection, and a level's first date is the first at which the lowest
        rank reached so far falls to its own: the dates that comparing every level with every date gives,
        without a levels-by-dates table (thousands by thousands for the landing page's draws)."""
        grid = start + np.arange(0, SEARCH_YEARS * DAYS_PER_YEAR, SEARCH_STEP_DAYS, dtype=float)
        loc, scale = self.predict(grid)
        target = np.log(threshold)
        z = np.atleast_1d(t_quantile(1 - np.asarray(levels, dtype=float), self.df))
        finite = np.isfinite(z)
        ranked = np.flatnonzero(finite)[np.argsort(z[finite])]
        zs = z[ranked]
        lo, hi = np.zeros(len(grid), dtype=int), np.full(len(grid), len(zs))
        while (open_ := lo < hi).any():
            mid = (lo + hi) // 2
            reached = loc + zs[np.minimum(mid, len(zs) - 1)] * scale >= target
            hi = np.where(open_ & reached, mid, hi)
            lo = np.where(open_ & ~reached, mid + 1, lo)
        lowest = np.minimum.accumulate(lo)  # the lowest rank reached on or before each date
        first = np.full(len(z), len(grid))
        first[ranked] = np.searchsorted(-lowest, -np.arange(len(zs)), side="left")
        for r in np.flatnonzero(~finite):  # z infinite (a level of 0 or 1) or NaN, where inf * 0 is NaN: date by date
            at = np.flatnonzero(loc + z[r] * scale >= target)
            first[r] = at[0] if len(at) else len(grid)
        out = np.full(len(z), np.nan)
        out[first == 0] = grid[0]
        rows = np.nonzero((first > 0) & (first < len(grid)))[0]
        j = first[rows]
        y0, y1 = loc[j - 1] + z[rows] * scale[j - 1], loc[j] + z[rows] * scale[j]
        out[rows] = grid[j - 1] + (target - y0) / (y1 - y0) * (grid[j] - grid[j - 1])
        return out

    def reaches(self, threshold: float, start: float, levels=(0.05, 0.5, 0.95)) -> list[float | None]:
        """For each level q, the first date after `start` by which the predicted value's (1 - q) quantile reaches
        `threshold`: the early end (q = 0.05) is when a model at the top of the band would reach it, the late end
        when one at the bottom would. None where that does not happen within SEARCH_YEARS."""
        return [None if np.isnan(d) else float(d) for d in self._first_dates(threshold, start, levels)]

    def crossings(self, threshold: float, start: float, n: int) -> np.ndarray:
        """n draws of the date the threshold is crossed, on or after `start`: `reaches` at the levels (i + 0.5) / n,
        evenly spaced quantiles of the crossing date (NaN: not within SEARCH_YEARS)."""
        return self._first_dates(threshold, start, (np.arange(n) + 0.5) / n)

    def coefficients(self, origin: float) -> dict:
        """The fitted curve as ln(value) = A + B t + C t^2 + D max(0, t - tau) - L ln(1 + exp(-r (t - t0))),
        t in days from the day number `origin`: one expression for every form, so a chart can draw each curve."""
        z = {"A": 0.0, "B": 0.0, "C": 0.0, "D": 0.0, "tau": 0.0, "L": 0.0, "r": 0.0, "t0": 0.0}
        s, Y, th = (origin - self.ref) / DAYS_PER_YEAR, DAYS_PER_YEAR, self.theta
        if self.shape == "line":
            z.update(A=th[0] + th[1] * s, B=th[1] / Y)
        elif self.shape == "quadratic":
            z.update(A=th[0] + th[1] * s + th[2] * s * s, B=(th[1] + 2 * th[2] * s) / Y, C=th[2] / Y ** 2)
        elif self.shape == "hinge":
            z.update(A=th[0] + th[1] * s, B=th[1] / Y, D=th[2] / Y, tau=(self.tau - s) * Y)
        else:
            z.update(A=th[0], L=1.0, r=th[1] / Y, t0=(th[2] - s) * Y)
        return {k: float(v) for k, v in z.items()}


def from_coefficients(z: dict, t) -> np.ndarray:
    """ln(value) at t (days from the origin) from `FormFit.coefficients`."""
    t = np.asarray(t, dtype=float)
    return (z["A"] + z["B"] * t + z["C"] * t ** 2 + z["D"] * np.maximum(0.0, t - z["tau"])
            - z["L"] * np.log1p(np.exp(-z["r"] * (t - z["t0"]))))


def _finish(form, shape, theta, ref, t, y, note="", tau=0.0) -> FormFit:
    """Residual spread, degrees of freedom and (J'J)^+ of a fitted curve."""
    p = N_PARAMS[form]
    fit = FormFit(form, shape, np.asarray(theta, dtype=float), ref, 0.0, len(t) - p, np.zeros((len(theta),) * 2),
                  len(t), note, tau)
    resid = y - fit.curve(fit.theta, t)
    fit.s = float(np.sqrt(resid @ resid / fit.df))
    J = fit.gradient(t)
    fit.cov = np.linalg.pinv(J.T @ J)
    return fit


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
        return _finish(form, "line", theta, ref, t, y)
    if form == "bounded superexponential":
        theta = np.linalg.lstsq(np.column_stack([np.ones_like(t), t, t ** 2]), y, rcond=None)[0]
        if theta[2] < 0:  # the data bend down: the bounded form's best is the exponential (c = 0)
            lin = np.linalg.lstsq(np.column_stack([np.ones_like(t), t]), y, rcond=None)[0]
            return _finish(form, "line", lin, ref, t, y, "the points bend down, so c = 0 and the form is the exponential")
        return _finish(form, "quadratic", theta, ref, t, y, "speeding up")
    if form == "piecewise":
        dates = np.unique(t)
        best = None
        for tau in dates[MIN_SIDE - 1:len(dates) - MIN_SIDE + 1]:
            X = np.column_stack([np.ones_like(t), t, np.maximum(0.0, t - tau)])
            theta = np.linalg.lstsq(X, y, rcond=None)[0]
            sse = float(((X @ theta - y) ** 2).sum())
            if best is None or sse < best[0] - 1e-12:
                best = (sse, tau, theta)
        if best is None:
            return None
        _, tau, theta = best
        return _finish(form, "hinge", theta, ref, t, y, f"break at {_iso(ref + tau * DAYS_PER_YEAR)}", tau=float(tau))
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
    return _finish(form, "logistic", theta, ref, t, y,
                   "no sign of a ceiling: the ceiling runs to the top of its range, and the form is the exponential"
                   if top else f"ceiling {np.exp(theta[0]):.4g}")


def fit_all(ordinals, values) -> dict[str, FormFit | None]:
    """Every form fitted to the same points (None for a form with too few)."""
    return {form: fit(form, ordinals, values) for form in FORMS}


def too_few(form: str) -> str:
    """Why a form could not be fitted."""
    return f"this form needs at least {MIN_POINTS[form]} points" + (
        f", with {MIN_SIDE} distinct dates on each side of its break" if form == "piecewise" else "")


def _iso(ordinal: float) -> str:
    return dt.date.fromordinal(int(round(ordinal))).isoformat()


# -- Weighing the forms ----------------------------------------------------------------------------
def weights(scores: pd.DataFrame | None) -> dict[str, float] | None:
    """Each form's weight from the forecasts chapter's backtest scores (`growth_form_scores`: form, log_score,
    weight, n), renormalised to sum to one over the forms known here. None when there is no usable weight:
    each form is then shown apart."""
    if scores is None or scores.empty or not {"form", "weight"} <= set(scores.columns):
        return None
    rows = scores[scores.form.isin(FORMS) & scores.weight.notna()]
    rows = rows[rows.weight.astype(float) > 0]
    total = float(rows.weight.astype(float).sum())
    if total <= 0:
        return None
    return {str(f): float(w) / total for f, w in zip(rows.form, rows.weight.astype(float))}


def mixture(draws: dict[str, np.ndarray], w: dict[str, float], n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws from the forms' draws in proportion to their weights (forms without draws left out, the rest
    renormalised); NaN draws (never) stay NaN."""
    usable = {f: v for f, v in w.items() if f in draws and len(draws[f])}
    total = sum(usable.values())
    if not usable or total <= 0:
        return np.full(n, np.nan)
    names = list(usable)
    pick = rng.choice(len(names), size=n, p=[usable[f] / total for f in names])
    out = np.empty(n)
    for i, name in enumerate(names):
        chosen = pick == i
        out[chosen] = rng.choice(draws[name], size=int(chosen.sum()))
    return out
