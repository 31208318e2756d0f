"""The forecasts a chapter makes, in the shape `make release` enters into the forecast ledger.

A chapter that forecasts publishes them as its output `forecasts`, one row per forecast, with
COLUMNS. When a release gives that chapter a new version, each row enters data/forecasts/ledger.csv
with the chapter, the version and its data hash, unless the ledger already holds the same forecast
(same target, same numbers) from an earlier version. Nothing here is ever rewritten later.

Date forecasts carry quantiles 5%, 50% and 95% (`q05=YYYY-MM-DD; q50=...; q95=...`); the median is
the central fit the page shows, and the 5% and 95% quantiles come from the fit's own bootstrap
replicates, so the ledger holds what the page said.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

COLUMNS = ["key", "figure", "target", "rule", "resolver", "resolver_args", "kind", "probability", "quantiles",
           "unit", "resolve_by", "as_of"]
LEVELS = (0.05, 0.95)
# How long after a forecast's latest date the data may take to settle it: METR measures a model
# some weeks after its release, and benchmark results are posted after they are run.
GRACE_DAYS = 91


def _day(ordinal: float) -> dt.date | None:
    if not np.isfinite(ordinal) or not 1 <= ordinal <= dt.date.max.toordinal():
        return None
    return dt.date.fromordinal(int(round(ordinal)))


def date_forecast(key: str, target: str, rule: str, resolver: str, args: str, draws: np.ndarray, central: float,
                  as_of: dt.date | None, not_before: dt.date | None = None, figure: str = "") -> dict | None:
    """A forecast of a date from a central estimate and bootstrap draws (day numbers), or None when its
    quantiles do not rise (too few draws, or all of them on one day). `key` names the forecast within its
    chapter; `figure` is the figures.json key that shows it, where one does."""
    draws = np.asarray(draws, dtype=float)
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return None
    lo, hi = np.quantile(draws, LEVELS)
    if not_before is not None:
        floor = float(not_before.toordinal())
        lo, central, hi = max(lo, floor), max(central, floor), max(hi, floor)
    days = [_day(lo), _day(central), _day(hi)]
    if None in days or not days[0] < days[1] < days[2]:
        return None
    resolve_by = days[2] + dt.timedelta(days=GRACE_DAYS)
    return {"key": key, "figure": figure, "target": target, "rule": rule.format(resolve_by=resolve_by.isoformat()),
            "resolver": resolver, "resolver_args": args, "kind": "quantiles", "probability": None,
            "quantiles": f"q05={days[0].isoformat()}; q50={days[1].isoformat()}; q95={days[2].isoformat()}",
            "unit": "date", "resolve_by": resolve_by.isoformat(), "as_of": as_of.isoformat() if as_of else None}
