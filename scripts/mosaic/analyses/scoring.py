"""Proper scores for forecasts: Brier and log scores for probabilities, the interval score, a quantile CRPS
and the Student-t log score and CRPS for predictive distributions.

Every score here comes from `scoringrules` (pinned in requirements.txt). It was chosen over
`properscoring` because it is maintained (properscoring's last release is from 2015) and because
it has every score this book needs in one place: the Brier and binary log scores, the interval
(Winkler) score, the CRPS of a set of quantiles, and the log score and CRPS of a Student-t
predictive in closed form, which is what the backtests' growth forms predict. properscoring
has the CRPS and the Brier score but neither the interval score nor a log score.

All scores are negatively oriented: lower is better. Log scores are natural logarithms.
"""
from __future__ import annotations

import numpy as np
import scoringrules as sr

INTERVAL_ALPHA = 0.1  # the 90% central interval: quantiles 5% and 95%


def brier(probability: float, happened: bool) -> float:
    """(p - y)^2 for a probability of an event that happened (y = 1) or did not (y = 0)."""
    return float(sr.brier_score(float(happened), float(probability)))


def log_binary(probability: float, happened: bool) -> float:
    """-ln of the probability given to what happened."""
    return float(sr.log_score(float(happened), float(probability)))


def interval(observed: float, low: float, high: float, alpha: float = INTERVAL_ALPHA) -> float:
    """The interval score of a central (1 - alpha) interval: its width plus 2/alpha times any miss."""
    return float(sr.interval_score(observed, low, high, alpha))


def quantile_crps(observed: float, quantiles: dict[float, float]) -> float:
    """The CRPS approximated from stated quantiles (twice the mean pinball loss over their levels)."""
    levels = np.array(list(quantiles), dtype=float)
    values = np.array(list(quantiles.values()), dtype=float)
    return float(sr.crps_quantile(observed, values, levels))


def covered(observed: float, low: float | None, high: float | None) -> bool:
    """Whether an outcome fell inside an interval (an open end covers everything on its side)."""
    return (low is None or observed >= low) and (high is None or observed <= high)


def t_log(observed, df, loc, scale):
    """The log score of a Student-t predictive (location, scale, degrees of freedom), per point."""
    return np.asarray(sr.logs_t(np.asarray(observed, float), np.asarray(df, float), np.asarray(loc, float),
                                np.asarray(scale, float)), dtype=float)


def t_crps(observed, df, loc, scale):
    """The CRPS of a Student-t predictive, per point."""
    return np.asarray(sr.crps_t(np.asarray(observed, float), np.asarray(df, float), np.asarray(loc, float),
                                np.asarray(scale, float)), dtype=float)
