"""A common capability scale: benchmark stitching in the manner of Epoch's Capabilities Index, with fixes.

Epoch's index (Ho et al., "A Rosetta Stone for AI Benchmarks", arXiv 2512.00193) fits
score(model, benchmark) = sigmoid(alpha_b (C_m - D_b)) by least squares over models that
share benchmarks. This fit keeps that curve and changes how it is fitted:

- a binomial likelihood, each score counting as many trials as its benchmark has tasks,
  so a 45-task benchmark weighs less than a 500-task one and a score near 0 or 1 is not
  treated like one near the middle;
- a chance floor per benchmark: score = f_b + (1 - f_b) sigmoid(alpha_b (C_m - D_b));
- weak regularisation (a small ridge on C, D and log alpha), since a strong default
  penalty biases the slope of capability over time;
- the scale is fixed by one anchor benchmark (D = 0, alpha = 1), not by the penalty;
- the METR 50% horizon enters the same fit: ln(horizon_m) = a C_m + c + noise, so the
  scale reads as an "equivalent METR horizon".

Each benchmark is informative only where its expected score lies between INFORMATIVE
shares (METR's cross-domain work draws a benchmark over the 2nd to 98th percentile of its
task lengths); elsewhere it is saturated or floored and says little about capability.
Leave-one-benchmark-out error refits the models' capabilities without one benchmark (every
benchmark's difficulty and slope, and the horizon mapping, kept from the full fit) and
predicts the held-out benchmark's scores from them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit

INFORMATIVE = (0.02, 0.98)
SIGMA_FLOOR = 0.05  # natural-log units: METR's own horizons carry intervals far wider than this
METR = "metr"  # the benchmark key of the horizon series


@dataclass
class Data:
    """Scores as shares with their task counts and floors, and METR horizons, per base model."""

    scores: pd.DataFrame  # base_model, benchmark, share, tasks, floor
    horizons: pd.DataFrame  # base_model, minutes


@dataclass
class Fit:
    models: list[str]
    benchmarks: list[str]
    C: np.ndarray
    D: np.ndarray
    alpha: np.ndarray
    a: float
    c: float
    sigma: float
    r2: float  # of ln horizon on capability
    converged: bool
    lobo: pd.DataFrame = field(default_factory=pd.DataFrame)  # benchmark, models, rmse_points

    def horizon_minutes(self, C) -> np.ndarray:
        return np.exp(self.a * np.asarray(C, float) + self.c)

    def informative(self, floors: dict[str, float]) -> pd.DataFrame:
        """Per benchmark, the capability range where its expected score is informative, as horizons."""
        lo_q, hi_q = INFORMATIVE
        rows = []
        for b, D, al in zip(self.benchmarks, self.D, self.alpha):
            f = floors.get(b, 0.0)
            lo_s = max((lo_q - f) / (1 - f), 1e-6)  # expected score = f + (1 - f) sigma
            hi_s = min((hi_q - f) / (1 - f), 1 - 1e-6)
            c_lo = D + np.log(lo_s / (1 - lo_s)) / al
            c_hi = D + np.log(hi_s / (1 - hi_s)) / al
            rows.append({"benchmark": b, "capability_low": c_lo, "capability_high": c_hi,
                         "horizon_low_minutes": float(self.horizon_minutes(c_lo)),
                         "horizon_high_minutes": float(self.horizon_minutes(c_hi))})
        return pd.DataFrame(rows)


def overlap(data: Data) -> pd.DataFrame:
    """Benchmark x benchmark: how many base models have a result on both (METR included)."""
    sets = {b: set(g.base_model) for b, g in data.scores.groupby("benchmark")}
    if len(data.horizons):
        sets[METR] = set(data.horizons.base_model)
    names = sorted(sets)
    return pd.DataFrame([[len(sets[a] & sets[b]) for b in names] for a in names], index=names, columns=names)


def usable(data: Data, min_overlap: int) -> tuple[list[str], list[str]]:
    """Benchmarks that share at least `min_overlap` models with the others (dropped one at a time), and the rest."""
    keep = list(overlap(data).index)
    dropped = []
    while keep:
        shared = {b: len(_models(data, b) & set().union(*(_models(data, o) for o in keep if o != b)))
                  for b in keep}
        worst = min(keep, key=lambda b: (shared[b], b))
        if shared[worst] >= min_overlap:
            break
        keep.remove(worst)
        dropped.append(worst)
    return keep, dropped


def _models(data: Data, b: str) -> set:
    if b == METR:
        return set(data.horizons.base_model)
    return set(data.scores.base_model[data.scores.benchmark == b])


def restrict(data: Data, benchmarks: list[str], min_benchmarks: int) -> Data:
    """Only these benchmarks, and only models with results on at least `min_benchmarks` of them."""
    s = data.scores[data.scores.benchmark.isin(benchmarks)]
    h = data.horizons if METR in benchmarks else data.horizons.iloc[0:0]
    counts = pd.concat([s.base_model, h.base_model]).value_counts()
    keep = set(counts.index[counts >= min_benchmarks])
    return Data(s[s.base_model.isin(keep)].reset_index(drop=True), h[h.base_model.isin(keep)].reset_index(drop=True))


def fit(data: Data, *, anchor: str, ridge: float, fixed: dict | None = None, start: "Fit | None" = None,
        mapping: tuple[float, float, float] | None = None) -> Fit:
    """Maximum likelihood (binomial scores, Gaussian ln horizons) with a small ridge; see the module docstring.

    `fixed` maps benchmark -> (D, alpha) held at given values, and `mapping` holds the horizon
    mapping (a, c, sigma): with both, only the models' capabilities are fitted (leave-one-out).
    """
    models = sorted(set(data.scores.base_model) | set(data.horizons.base_model))
    benchmarks = sorted(set(data.scores.benchmark))
    mi = {m: i for i, m in enumerate(models)}
    bi = {b: i for i, b in enumerate(benchmarks)}
    s = data.scores
    m_idx = s.base_model.map(mi).to_numpy(int)
    b_idx = s.benchmark.map(bi).to_numpy(int)
    n = s.tasks.to_numpy(float)
    k = np.clip(s.share.to_numpy(float), 0, 1) * n
    f = s.floor.to_numpy(float)
    hm = data.horizons.base_model.map(mi).to_numpy(int)
    lh = np.log(data.horizons.minutes.to_numpy(float))
    nM, nB = len(models), len(benchmarks)
    fixed = fixed or {}
    free_b = np.array([b != anchor and b not in fixed for b in benchmarks])

    def unpack(v):
        C = v[:nM]
        D = np.zeros(nB)
        la = np.zeros(nB)
        D[free_b] = v[nM:nM + free_b.sum()]
        la[free_b] = v[nM + free_b.sum():nM + 2 * free_b.sum()]
        for b, (d0, a0) in fixed.items():
            if b in bi:
                D[bi[b]], la[bi[b]] = d0, np.log(a0)
        a, c, ls = v[-3:]
        return C, D, la, a, c, ls

    def objective(v):
        C, D, la, a, c, ls = unpack(v)
        al = np.exp(la)
        z = al[b_idx] * (C[m_idx] - D[b_idx])
        sg = expit(z)
        p = np.clip(f + (1 - f) * sg, 1e-9, 1 - 1e-9)
        nll = -(k * np.log(p) + (n - k) * np.log(1 - p)).sum()
        dp = -(k / p - (n - k) / (1 - p))
        dz = dp * (1 - f) * sg * (1 - sg)
        gC = np.bincount(m_idx, dz * al[b_idx], nM)
        gD = np.bincount(b_idx, -dz * al[b_idx], nB)
        gla = np.bincount(b_idx, dz * z, nB)
        ga = gc = gls = 0.0
        if len(lh):
            sig2 = np.exp(2 * ls)
            r = lh - a * C[hm] - c
            nll += (r ** 2).sum() / (2 * sig2) + len(lh) * ls
            gC += np.bincount(hm, -a * r / sig2, nM)
            ga = float((-C[hm] * r).sum() / sig2)
            gc = float(-r.sum() / sig2)
            gls = float(-(r ** 2).sum() / sig2 + len(lh))
        nll += ridge * ((C ** 2).sum() + (D[free_b] ** 2).sum() + (la[free_b] ** 2).sum())
        gC += 2 * ridge * C
        gD = gD + 2 * ridge * D
        gla = gla + 2 * ridge * la
        grad = np.concatenate([gC, gD[free_b], gla[free_b], [ga, gc, gls]])
        return nll, grad

    v0 = np.concatenate([np.zeros(nM), np.zeros(free_b.sum()), np.zeros(free_b.sum()), [1.0, float(lh.mean())
                                                                                        if len(lh) else 0.0, 0.0]])
    if start is not None:
        for m, i in mi.items():
            if m in start.models:
                v0[i] = start.C[start.models.index(m)]
        v0[-3:] = [start.a, start.c, np.log(start.sigma)]
    bounds = [(None, None)] * (len(v0) - 3)
    if mapping is not None:
        v0[-3:] = [mapping[0], mapping[1], np.log(mapping[2])]
        bounds += [(v, v) for v in v0[-3:]]
    else:  # the horizon's spread about the line is kept above SIGMA_FLOOR: a perfect line would swamp the scores
        bounds += [(None, None), (None, None), (np.log(SIGMA_FLOOR), None)]
    res = minimize(objective, v0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000})
    C, D, la, a, c, ls = unpack(res.x)
    r2 = float("nan")
    if len(lh) > 2:
        pred = a * C[hm] + c
        r2 = 1 - ((lh - pred) ** 2).sum() / ((lh - lh.mean()) ** 2).sum()
    return Fit(models, benchmarks, C, D, np.exp(la), float(a), float(c), float(np.exp(ls)), r2, bool(res.success))


def expected(fit_: Fit, model: str, benchmark: str, floor: float) -> float:
    C = fit_.C[fit_.models.index(model)]
    b = fit_.benchmarks.index(benchmark)
    return float(floor + (1 - floor) / (1 + np.exp(-fit_.alpha[b] * (C - fit_.D[b]))))


def leave_one_out(data: Data, full: Fit, *, anchor: str, ridge: float, min_benchmarks: int) -> pd.DataFrame:
    """For each benchmark: refit the models without it (its D and alpha kept), predict its scores.

    Returns benchmark, models predicted, and the root mean square error in percentage points.
    """
    rows = []
    for b in full.benchmarks:
        rest = data.scores[data.scores.benchmark != b]
        kept = restrict(Data(rest, data.horizons), sorted(set(rest.benchmark)) + [METR], 1)
        held = data.scores[(data.scores.benchmark == b) & data.scores.base_model.isin(
            set(kept.scores.base_model) | set(kept.horizons.base_model))]
        if held.empty or kept.scores.empty:
            rows.append({"benchmark": b, "models": 0, "rmse_points": np.nan})
            continue
        fixed = {o: (full.D[full.benchmarks.index(o)], full.alpha[full.benchmarks.index(o)]) for o in full.benchmarks
                 if o != b}
        new_anchor = anchor if anchor != b else None
        refit = fit(Data(pd.concat([kept.scores, held.assign(tasks=0.0)]), kept.horizons),
                    anchor=new_anchor or "", ridge=ridge, fixed={**fixed, b: (full.D[full.benchmarks.index(b)],
                                                                         full.alpha[full.benchmarks.index(b)])},
                    start=full, mapping=(full.a, full.c, full.sigma))
        err = [100 * (expected(refit, m, b, fl) - s) for m, s, fl in zip(held.base_model, held.share, held.floor)]
        rows.append({"benchmark": b, "models": len(err), "rmse_points": float(np.sqrt(np.mean(np.square(err))))})
    return pd.DataFrame(rows, columns=["benchmark", "models", "rmse_points"])
