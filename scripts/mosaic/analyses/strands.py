"""The strands of the mosaic: every series another chapter publishes, read onto one scale of progress.

A strand is one benchmark or series, read from the outputs its chapter publishes (never
its CSVs). Each has a scale on which 100% is its threshold:

- bounded scores (a share of tasks or of a rubric): the share of the ceiling, the human or
  task ceiling its chapter chose, so 100% is the ceiling;
- unbounded series (a time horizon, a speedup): the share of the log distance from the
  series' first value to its threshold, so 0% is where it started and 100% the threshold.

Where its chapter publishes bootstrap replicates of a trend (or, for SWE-bench, where the
records allow a logistic fit here), a strand can say when it reaches a level, with an
interval, and draw its projection as a band. A strand its chapter cannot put in one series
(RE-Bench, KernelBench, the alignment signals) is kept with the reason, so the gap shows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import saturation as sat
from .trends import DAYS_PER_MONTH

CLIP = 1.2  # progress drawn at most this far past 100%; the tooltip gives the value


@dataclass
class Reach:
    """When a strand reaches a level: observed, projected (with replicate draws), or why it cannot say."""

    kind: str  # "observed", "projected", "cannot project"
    date: dt.date | None
    draws: np.ndarray  # day numbers per replicate (NaN: never reached on that replicate)
    why: str = ""

    def quantiles(self, level: float) -> tuple[dt.date | None, dt.date | None]:
        """The interval of a projected date; an end the replicates never reach comes back as None."""
        if self.kind != "projected" or not len(self.draws):
            return None, None
        d = np.nan_to_num(self.draws, nan=np.inf)
        lo, hi = np.quantile(d, [(1 - level) / 2, (1 + level) / 2], method="inverted_cdf")
        return day(lo), day(hi)

    def share_by(self, when: dt.date) -> float:
        """Share of replicates that have reached the level by `when` (a never counts as not reached)."""
        if self.kind == "observed":
            return 1.0 if self.date <= when else 0.0
        if self.kind != "projected" or not len(self.draws):
            return float("nan")
        return float(np.mean(np.nan_to_num(self.draws, nan=np.inf) <= when.toordinal()))


def day(x) -> dt.date | None:
    if x is None or not np.isfinite(x) or not 1 <= x <= dt.date.max.toordinal():
        return None
    return dt.date.fromordinal(int(round(float(x))))


@dataclass
class Strand:
    key: str
    label: str
    chapter: str
    section: str
    kind: str  # engineering, research, context
    view: str  # model, researcher, lab, economy
    scale: str  # "share", "log", or "" when there is no series
    unit: str  # "%", "minutes", "x"
    points: pd.DataFrame = field(default_factory=pd.DataFrame)  # date, value, system: the record line
    ceiling: float | None = None
    ceiling_basis: str = ""
    threshold: float | None = None  # unbounded: the threshold in the strand's unit
    threshold_text: str = ""
    threshold_source: str = ""
    introduced: dt.date | None = None
    today: dt.date | None = None  # the newest point used
    replicates: pd.DataFrame | None = None  # share: replicate, a, b (per day since introduced); log: slope, intercept
    why: str = ""  # why there is no series, or no projection
    vendor_only: bool = False
    variant_of: str = ""  # another strand this one re-scores: shown, but counted once with it

    @property
    def series(self) -> bool:
        return self.scale != "" and len(self.points) > 0

    @property
    def first(self) -> float | None:
        return float(self.points.value.iloc[0]) if self.series else None

    @property
    def latest(self) -> float | None:
        return float(self.points.value.iloc[-1]) if self.series else None

    @property
    def projectable(self) -> bool:
        return self.replicates is not None and (self.replicates.replicate >= 0).any()

    def progress(self, values) -> np.ndarray:
        """Values on the common scale: share of the ceiling, or share of the log distance to the threshold."""
        v = np.asarray(values, dtype=float)
        if self.scale == "share":
            return v / self.ceiling
        if self.scale == "log" and self.threshold and self.first and self.threshold != self.first:
            return np.log(v / self.first) / np.log(self.threshold / self.first)
        return np.full(v.shape, np.nan)

    def target(self, share_of_threshold: float) -> float | None:
        """The value that is `share_of_threshold` of the strand's threshold (the ceiling, for bounded scores)."""
        top = self.ceiling if self.scale == "share" else self.threshold
        return None if top is None else share_of_threshold * top

    # -- when it reaches a value -------------------------------------------------------------
    def reach(self, value: float | None) -> Reach:
        """When the record reaches `value` (in the strand's unit): observed, or projected from the replicates."""
        if value is None:
            return Reach("cannot project", None, np.array([]), "no threshold")
        if not self.series:
            return Reach("cannot project", None, np.array([]), self.why or "no series")
        crossed = self.points[self.points.value >= value]
        if len(crossed):
            when = pd.Timestamp(crossed.date.iloc[0]).date()
            return Reach("observed", when, np.array([float(when.toordinal())]))
        if not self.projectable:
            return Reach("cannot project", None, np.array([]), self.why or "no trend to project")
        reps = self.replicates
        central, draws = reps[reps.replicate == -1], reps[reps.replicate >= 0]
        floor = float(self.today.toordinal())
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.scale == "share":
                if not 0 < value / self.ceiling < 1:
                    return Reach("cannot project", None, np.array([]), "the level is at or above the ceiling")
                q = sat.logit(value / self.ceiling)
                base = float(self.introduced.toordinal())
                t = np.where(draws.b > 0, base + (q - draws.a) / draws.b, np.nan)
                c = (base + (q - central.a.iloc[0]) / central.b.iloc[0]) if len(central) and central.b.iloc[0] > 0 \
                    else np.nan
            else:
                lv = np.log(value)
                t = np.where(draws.slope_per_day > 0, (lv - draws.intercept) / draws.slope_per_day, np.nan)
                c = ((lv - central.intercept.iloc[0]) / central.slope_per_day.iloc[0]
                     if len(central) and central.slope_per_day.iloc[0] > 0 else np.nan)
        t = np.where(np.isfinite(t), np.maximum(t, floor), np.nan)  # not before the newest result, which is below
        c = max(c, floor) if np.isfinite(c) else np.nan
        return Reach("projected", day(c), np.asarray(t, float),
                     "" if np.isfinite(c) else "the central trend never reaches it")

    def band(self, dates: list[dt.date], level: float) -> pd.DataFrame:
        """The projected record on the common scale at each date: central, low and high."""
        if not self.projectable or not dates:
            return pd.DataFrame(columns=["date", "mid", "low", "high"])
        reps = self.replicates
        x = np.array([d.toordinal() for d in dates], dtype=float)
        with np.errstate(over="ignore"):
            if self.scale == "share":
                t = x - self.introduced.toordinal()
                vals = self.ceiling / (1 + np.exp(-(reps.a.to_numpy()[:, None] + reps.b.to_numpy()[:, None] * t)))
            else:
                vals = np.exp(reps.intercept.to_numpy()[:, None] + reps.slope_per_day.to_numpy()[:, None] * x)
        prog = self.progress(vals)
        central = prog[reps.replicate.to_numpy() == -1][0]
        lo, hi = np.quantile(prog[reps.replicate.to_numpy() >= 0], [(1 - level) / 2, (1 + level) / 2], axis=0)
        return pd.DataFrame({"date": dates, "mid": central, "low": lo, "high": hi})

    def months(self, when: dt.date | None) -> float | None:
        if when is None or self.introduced is None:
            return None
        return (when - self.introduced).days / DAYS_PER_MONTH


def share_fit(records: pd.DataFrame, introduced: dt.date, ceiling: float, *, level: float, n_boot: int,
              seed: int) -> pd.DataFrame | None:
    """The replication chapter's logistic method on a record line it does not fit (SWE-bench): replicates, or None."""
    fit = sat.fit_logistic(records, introduced, ceiling, level=level, n_boot=n_boot, seed=seed)
    return fit.replicates() if fit.projectable else None


def records(points: pd.DataFrame) -> pd.DataFrame:
    """The record line (best so far) of some dated values, with dates as timestamps."""
    if points.empty:
        return points.assign(date=pd.to_datetime(points.get("date", pd.Series(dtype=str))))
    rows = points.assign(date=pd.to_datetime(points.date))
    return sat.records(rows).reset_index(drop=True)
