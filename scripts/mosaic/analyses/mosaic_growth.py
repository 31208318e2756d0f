"""Growth forms for a trend measured in log space: when does each form reach a threshold?

The exponential form is the coding chapter's METR trend, read as published (its bootstrap
replicates). The others are refitted here on the same frontier points, each with a case
bootstrap (resampling the points), and each says when it reaches a threshold:

- piecewise: ln(value) = a + b t + d max(0, t - tau), a continuous line with one break at
  tau, chosen among the frontier's own dates (at least MIN_SIDE points each side) by least
  squares; beyond the data it follows the slope after the break;
- bounded superexponential: ln(value) = a + b t + c t^2. With c > 0 growth speeds up, yet
  the value stays finite at every finite date, so, unlike a form whose doublings shrink
  geometrically, it cannot reach an infinite horizon in finite time whatever the threshold;
- logistic: value = K / (1 + exp(-r (t - t0))), with the ceiling K chosen on a grid by least
  squares in log space (for a given K the form is linear in t). A K at the top of the grid
  means the data do not bend; a threshold at or above K is never reached.

Dates are day numbers (proleptic ordinal) throughout; a replicate that never reaches the
threshold gives NaN.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FORMS = ("exponential", "piecewise", "bounded superexponential", "logistic")
MIN_SIDE = 3  # frontier points needed on each side of a break
MIN_POINTS = 2 * MIN_SIDE  # and in all, for the piecewise form to be fitted at all
K_SPAN = 12.0  # the logistic ceiling is searched from just above the highest point to e^12 times it
K_STEPS = 121


@dataclass
class Form:
    """One growth form fitted to the points: when it reaches a threshold, and its curve."""

    name: str
    fitted: bool
    why: str  # why not fitted, or a note on the fit
    central: float  # day number the central fit reaches the threshold (NaN: never)
    draws: np.ndarray  # the same for each bootstrap replicate
    params: dict

    def predict(self, x: np.ndarray) -> np.ndarray:
        """ln(value) of the central fit at day numbers x."""
        return predict(self.name, self.params, x)


def predict(name: str, p: dict, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if name == "exponential":
        return p["intercept"] + p["slope"] * x
    t = x - p["origin"]
    if name == "piecewise":
        return p["a"] + p["b"] * t + p["d"] * np.maximum(0.0, t - p["tau"])
    if name == "bounded superexponential":
        return p["a"] + p["b"] * t + p["c"] * t ** 2
    if name == "logistic":
        return p["lnK"] - np.log1p(np.exp(-p["r"] * (t - p["t0"])))
    raise ValueError(f"unknown growth form {name!r}")


# -- Each form's least squares, for many resamples at once -----------------------------------
def _ols(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-wise OLS of y on t (2-D arrays): slope, intercept and residual sum of squares."""
    tm, ym = t.mean(axis=1, keepdims=True), y.mean(axis=1, keepdims=True)
    sxx = ((t - tm) ** 2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        b = ((t - tm) * (y - ym)).sum(axis=1) / sxx
    a = ym[:, 0] - b * tm[:, 0]
    sse = ((y - a[:, None] - b[:, None] * t) ** 2).sum(axis=1)
    return b, a, sse


def piecewise_fit(t: np.ndarray, y: np.ndarray, taus: np.ndarray) -> tuple[np.ndarray, ...]:
    """Row-wise hinge fits over candidate breaks: a, b, d, tau of the least-squares break."""
    best = [np.full(len(t), np.nan) for _ in range(4)]
    best_sse = np.full(len(t), np.inf)
    for tau in taus:
        h = np.maximum(0.0, t - tau)
        X = np.stack([np.ones_like(t), t, h], axis=-1)  # rows x points x 3
        XtX = np.einsum("rpi,rpj->rij", X, X)
        Xty = np.einsum("rpi,rp->ri", X, y)
        ok = np.abs(np.linalg.det(XtX)) > 1e-9
        coef = np.full((len(t), 3), np.nan)
        coef[ok] = np.linalg.solve(XtX[ok], Xty[ok][..., None])[..., 0]
        sse = ((y - np.einsum("rpi,ri->rp", X, np.nan_to_num(coef))) ** 2).sum(axis=1)
        sse[~ok] = np.inf
        better = sse < best_sse
        best_sse[better] = sse[better]
        for k in range(3):
            best[k][better] = coef[better, k]
        best[3][better] = tau
    return tuple(best)


def quadratic_fit(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    X = np.stack([np.ones_like(t), t, t ** 2], axis=-1)
    XtX = np.einsum("rpi,rpj->rij", X, X)
    Xty = np.einsum("rpi,rp->ri", X, y)
    ok = np.abs(np.linalg.det(XtX)) > 1e-12
    coef = np.full((len(t), 3), np.nan)
    coef[ok] = np.linalg.solve(XtX[ok], Xty[ok][..., None])[..., 0]
    return coef[:, 0], coef[:, 1], coef[:, 2]


def logistic_fit(t: np.ndarray, y: np.ndarray, span: float = K_SPAN, steps: int = K_STEPS) -> tuple[np.ndarray, ...]:
    """Row-wise logistic fits in log space: ln K on a grid, then r and t0 by OLS of ln(K/value - 1) on t."""
    top = y.max(axis=1)
    best_sse = np.full(len(t), np.inf)
    out = [np.full(len(t), np.nan) for _ in range(3)]
    for step in np.linspace(0.02, span, steps):
        lnK = top + step
        z = np.log(np.expm1(lnK[:, None] - y))  # ln(K / value - 1)
        slope, icpt, _ = _ols(t, z)
        r = -slope
        t0 = icpt / r
        fit = lnK[:, None] - np.log1p(np.exp(-r[:, None] * (t - t0[:, None])))
        sse = ((y - fit) ** 2).sum(axis=1)
        sse[~np.isfinite(sse) | ~(r > 0)] = np.inf
        better = sse < best_sse
        best_sse[better] = sse[better]
        out[0][better], out[1][better], out[2][better] = lnK[better], r[better], t0[better]
    return tuple(out) + (np.isclose(out[0] - top, span),)


# -- When each reaches a threshold -------------------------------------------------------------
def reach_piecewise(a, b, d, tau, level):
    """Day (from the origin) the hinge line reaches ln(level); NaN where it never does."""
    a, b, d, tau = map(np.atleast_1d, (a, b, d, tau))
    at_tau = a + b * tau
    with np.errstate(invalid="ignore", divide="ignore"):
        before = (level - a) / b
        after = tau + (level - at_tau) / (b + d)
    out = np.where((at_tau >= level) & (b > 0), before, np.where(b + d > 0, after, np.nan))
    return np.where(np.isfinite(out), out, np.nan)


def reach_quadratic(a, b, c, level, after):
    """First day at or after `after` (from the origin) the quadratic reaches ln(level); NaN if never."""
    a, b, c = map(np.atleast_1d, (a, b, c))
    out = np.full(len(a), np.nan)
    for i in range(len(a)):
        if not np.isfinite([a[i], b[i], c[i]]).all():
            continue
        roots = np.roots([c[i], b[i], a[i] - level]) if abs(c[i]) > 1e-15 else (
            np.array([(level - a[i]) / b[i]]) if b[i] != 0 else np.array([]))
        real = sorted(r.real for r in np.atleast_1d(roots) if abs(r.imag) < 1e-9 and r.real >= after)
        if a[i] + b[i] * after + c[i] * after ** 2 >= level:
            out[i] = after
        elif real:
            out[i] = real[0]
    return out


def reach_logistic(lnK, r, t0, level):
    lnK, r, t0 = map(np.atleast_1d, (lnK, r, t0))
    with np.errstate(invalid="ignore", divide="ignore"):
        t = t0 - np.log(np.expm1(lnK - level)) / r
    return np.where((lnK > level) & (r > 0) & np.isfinite(t), t, np.nan)


def fit_forms(points: pd.DataFrame, replicates: pd.DataFrame, threshold: float, *, n_boot: int,
              seed: int, date: str = "release_date", value: str = "p50_minutes") -> dict[str, Form]:
    """Every growth form on the frontier `points`, with when it reaches `threshold` (same unit as `value`).

    `replicates` holds the exponential trend as published (replicate, slope_per_day, intercept;
    replicate -1 the central fit), so that form is the same trend the rest of the book uses.
    """
    level = float(np.log(threshold))
    x = np.array([d.toordinal() for d in pd.to_datetime(points[date]).dt.date], dtype=float)
    y = np.log(points[value].to_numpy(float))
    forms: dict[str, Form] = {}
    reps = replicates[replicates.replicate >= 0]
    central = replicates[replicates.replicate == -1]
    if len(central) and len(reps):
        c = central.iloc[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            draws = np.where(reps.slope_per_day > 0, (level - reps.intercept) / reps.slope_per_day, np.nan)
        forms["exponential"] = Form("exponential", True, "the coding chapter's trend, as published",
                                    (level - c.intercept) / c.slope_per_day if c.slope_per_day > 0 else np.nan,
                                    np.asarray(draws, float), {"slope": float(c.slope_per_day),
                                                               "intercept": float(c.intercept)})
    else:
        forms["exponential"] = Form("exponential", False, "the coding chapter published no trend", np.nan,
                                    np.array([]), {})
    if len(x) < MIN_POINTS or len(set(x)) < MIN_POINTS:
        why = f"{len(x)} frontier points; these forms need at least {MIN_POINTS}"
        for name in FORMS[1:]:
            forms[name] = Form(name, False, why, np.nan, np.array([]), {})
        return forms
    origin = x.min()
    t = x - origin
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(t), (n_boot, len(t)))
    spread = np.array([len(set(t[i])) >= MIN_POINTS for i in idx])
    idx = idx[spread]
    order = np.argsort(t[idx], axis=1, kind="stable")
    tb, yb = np.take_along_axis(t[idx], order, 1), np.take_along_axis(y[idx], order, 1)
    T, Y = np.vstack([t[None, :], tb]), np.vstack([y[None, :], yb])  # row 0: the points themselves
    # Piecewise: breaks at the frontier's own dates, with MIN_SIDE points either side.
    taus = np.unique(t)[MIN_SIDE - 1:len(np.unique(t)) - MIN_SIDE + 1]
    a, b, d, tau = piecewise_fit(T, Y, taus)
    when = reach_piecewise(a, b, d, tau, level)
    forms["piecewise"] = Form("piecewise", True, "", _day(when[0], origin), _day(when[1:], origin),
                              {"origin": origin, "a": a[0], "b": b[0], "d": d[0], "tau": tau[0]})
    a, b, c = quadratic_fit(T, Y)
    when = reach_quadratic(a, b, c, level, after=0.0)
    forms["bounded superexponential"] = Form(
        "bounded superexponential", True, "speeding up" if c[0] > 0 else "slowing down",
        _day(when[0], origin), _day(when[1:], origin), {"origin": origin, "a": a[0], "b": b[0], "c": c[0]})
    lnK, r, t0, at_top = logistic_fit(T, Y)
    when = reach_logistic(lnK, r, t0, level)
    forms["logistic"] = Form("logistic", True, "the data do not bend: the ceiling runs to the top of its range"
                             if at_top[0] else "", _day(when[0], origin), _day(when[1:], origin),
                             {"origin": origin, "lnK": lnK[0], "r": r[0], "t0": t0[0]})
    return forms


def _day(t, origin):
    return np.asarray(t, dtype=float) + origin if np.ndim(t) else float(t) + origin


def coefficients(form: Form, origin: float) -> dict:
    """The form as ln(value) = A + B t + C t^2 + D max(0, t - tau) - L ln(1 + exp(-r (t - t0))), t = day - origin.

    One expression for every form, so a chart can draw each curve from its coefficients.
    """
    p = form.params
    z = {"A": 0.0, "B": 0.0, "C": 0.0, "D": 0.0, "tau": 0.0, "L": 0.0, "r": 0.0, "t0": 0.0}
    if form.name == "exponential":
        z.update(A=p["intercept"] + p["slope"] * origin, B=p["slope"])
        return z
    s = origin - p["origin"]  # the form's own t is t + s
    if form.name == "piecewise":
        z.update(A=p["a"] + p["b"] * s, B=p["b"], D=p["d"], tau=p["tau"] - s)
    elif form.name == "bounded superexponential":
        z.update(A=p["a"] + p["b"] * s + p["c"] * s * s, B=p["b"] + 2 * p["c"] * s, C=p["c"])
    elif form.name == "logistic":
        z.update(A=p["lnK"], L=1.0, r=p["r"], t0=p["t0"] - s)
    return {k: float(v) for k, v in z.items()}


def from_coefficients(z: dict, t: np.ndarray) -> np.ndarray:
    """ln(value) at t (days from the origin) from `coefficients`."""
    t = np.asarray(t, dtype=float)
    return (z["A"] + z["B"] * t + z["C"] * t ** 2 + z["D"] * np.maximum(0.0, t - z["tau"])
            - z["L"] * np.log1p(np.exp(-z["r"] * (t - z["t0"]))))


def curve(form: Form, start: float, end: float, n: int = 60) -> pd.DataFrame:
    """The central fit of a form from day `start` to day `end`, as value (exp of the log fit)."""
    x = np.linspace(start, end, n)
    return pd.DataFrame({"day": x, "value": np.exp(form.predict(x))})


def weights(scores: pd.DataFrame | None) -> dict[str, float] | None:
    """Weights for the forms from the forecast ledger's backtests, when that chapter publishes them.

    `scores` has columns form, log_score, weight, n. Only the forms fitted here count; their weights are
    renormalised to sum to one. None when there are no usable scores: each form is then shown apart.
    """
    if scores is None or scores.empty or not {"form", "weight"} <= set(scores.columns):
        return None
    rows = scores[scores.form.isin(FORMS) & scores.weight.notna() & (scores.weight > 0)]
    total = float(rows.weight.sum())
    if total <= 0:
        return None
    return {str(f): float(w) / total for f, w in zip(rows.form, rows.weight)}


def mixture(forms: dict[str, Form], w: dict[str, float], n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws of the threshold date from the forms in proportion to their weights (fitted forms only)."""
    usable = {f: v for f, v in w.items() if f in forms and forms[f].fitted and len(forms[f].draws)}
    total = sum(usable.values())
    if not usable or total <= 0:
        return np.full(n, np.nan)
    names = list(usable)
    pick = rng.choice(len(names), size=n, p=[usable[f] / total for f in names])
    out = np.empty(n)
    for i, name in enumerate(names):
        chosen = pick == i
        out[chosen] = rng.choice(forms[name].draws, size=int(chosen.sum()))
    return out
