"""The forecast ledger against the data: each forecast's resolution, status and score, and the pace of
reality against the path a public forecast implies.

Resolution is computed from the data, never typed. Each resolver (the ledger's `resolver` column)
reads one kind of data:

- "metr first reaches": the first model whose METR 50% horizon on a suite is at least some minutes.
  The outcome is that model's release date. It is settled on the first date such a value was
  public, and only models whose values were public by then can settle it, so a model published
  later can never move a resolution. A deadline forecast (resolver_args `by`) is a miss once its
  resolve-by date has passed with every eligible model below the mark.
- "metr best by": the longest METR 50% horizon of a model released by a date (`by`), among the
  models METR had published by the resolve-by date; settled on that date.
- "benchmark first share": the date a replication track's counted results first reach a share of
  its ceiling, settled on the first date such a result was public.
- "event": an event no dataset of the book records yet; open until its resolve-by date, then
  overdue, never a silent miss.
- "unresolvable as stated": recorded, never settled.

A resolution names its evidence (the data file and the key of the row) and a hash of that row's
cells. A release records it in the ledger's outcome columns. From then on the recorded outcome
stands: the build stops if the data give a different outcome from the same, unchanged evidence
row (the rule would have changed under a recorded score); a corrected evidence row re-scores the
forecast, and the page shows the recorded outcome it replaces.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import scoring
from ..catalogue import BY_NAME
from ..catalogue.forecasts import BOOK, LEDGER, parse_args, parse_quantiles
from ..catalogue.schema import period_end

STATUSES = ("open", "hit", "miss", "resolved", "settled", "overdue", "unresolvable as stated")
RESOLVED = ("hit", "miss", "resolved", "settled")
LEDGER_FILE = f"data/{LEDGER.path}"


class LedgerError(ValueError):
    """A recorded outcome the data no longer give from the same evidence."""


@dataclass(frozen=True)
class Resolution:
    outcome: str  # as the ledger records it: an ISO date, or a number of minutes
    value: object  # the typed outcome: a date or a float
    resolved_at: dt.date
    evidence: str
    evidence_hash: str
    happened: bool | None = None  # for a deadline: whether the event came by its date


@dataclass
class Data:
    """What resolutions read: METR's values (latest and every vintage) and the replication results, as of a date."""

    metr: pd.DataFrame  # latest vintage of each model, as of the date
    metr_vintages: pd.DataFrame  # every vintage public by the date
    replication: dict  # dataset name -> rows as of the date
    today: dt.date  # the status date: the build's as_of, or the newest date in the chapter's data


def row_hash(row: pd.Series, columns) -> str:
    """A hash of a data row's cells, to tell later whether the evidence row changed."""
    cells = ["" if pd.isna(row[c]) else (row[c].date().isoformat() if isinstance(row[c], pd.Timestamp)
                                         else f"{row[c]:g}" if isinstance(row[c], float) else str(row[c]))
             for c in columns]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()[:16]


def evidence_text(dataset: str, row: pd.Series) -> str:
    d = BY_NAME[dataset]
    key = ", ".join(f"{k}={'' if pd.isna(row[k]) else (row[k].date().isoformat() if isinstance(row[k], pd.Timestamp) else row[k])}"
                    for k in d.key)
    return f"data/{d.path}: {key}"


def known_on(rows: pd.DataFrame, event: str) -> pd.Series:
    return rows.published.fillna(rows[event])


def first_public(vintages: pd.DataFrame, keys: list[str], event: str) -> pd.Series:
    """When each quantity (keys) first became public, over all its vintages, indexed like `keys`."""
    v = vintages.assign(_known=known_on(vintages, event))
    return v.groupby([v[k].fillna("") for k in keys])["_known"].min()


# -- Resolvers --------------------------------------------------------------------------------------
def metr_first_reaches(args: dict, resolve_by: dt.date, data: Data) -> Resolution | None:
    rows = data.metr[data.metr.suite.eq(args["suite"]).fillna(False).astype(bool)]
    if "released_from" in args:
        rows = rows[rows.release_date.dt.date >= dt.date.fromisoformat(args["released_from"])]
    by = dt.date.fromisoformat(args["by"]) if "by" in args else None
    if by is not None:
        rows = rows[rows.release_date.dt.date <= by]
    first = first_public(data.metr_vintages, ["suite", "model"], "release_date")
    since = pd.Series([first.get((s, m)) for s, m in zip(rows.suite.fillna(""), rows.model)], index=rows.index,
                      dtype="datetime64[ns]")
    cols = [c.name for c in BY_NAME["metr_horizons"].columns]
    hits = rows[rows.p50_minutes >= float(args["minutes"])]
    if len(hits):
        settle = since[hits.index].min()
        chosen = hits[since[hits.index] == settle].sort_values("release_date", kind="stable").iloc[0]
        return Resolution(chosen.release_date.date().isoformat(), chosen.release_date.date(), settle.date(),
                          evidence_text("metr_horizons", chosen), row_hash(chosen, cols), True)
    if by is not None and data.today > resolve_by:
        eligible = rows[since <= pd.Timestamp(resolve_by)]
        if len(eligible):
            best = eligible.loc[eligible.p50_minutes.idxmax()]
            return Resolution(f"not reached: longest {best.p50_minutes:g} minutes", float(best.p50_minutes),
                              resolve_by, evidence_text("metr_horizons", best), row_hash(best, cols), False)
    return None


def metr_best_by(args: dict, resolve_by: dt.date, data: Data) -> Resolution | None:
    if data.today < resolve_by:
        return None
    by = dt.date.fromisoformat(args["by"])
    rows = data.metr[data.metr.suite.eq(args["suite"]).fillna(False).astype(bool)
                     & (data.metr.release_date.dt.date <= by)]
    first = first_public(data.metr_vintages, ["suite", "model"], "release_date")
    since = pd.Series([first.get((s, m)) for s, m in zip(rows.suite.fillna(""), rows.model)], index=rows.index,
                      dtype="datetime64[ns]")
    rows = rows[since <= pd.Timestamp(resolve_by)]
    if rows.empty:
        return None
    best = rows.loc[rows.p50_minutes.idxmax()]
    cols = [c.name for c in BY_NAME["metr_horizons"].columns]
    return Resolution(f"{best.p50_minutes:g}", float(best.p50_minutes), resolve_by,
                      evidence_text("metr_horizons", best), row_hash(best, cols))


def benchmark_first_share(args: dict, resolve_by: dt.date, data: Data) -> Resolution | None:
    from . import replication

    track = next((t for t in replication.TRACKS if t.name == args["track"]), None)
    if track is None or track.dataset not in data.replication:
        return None
    frame = data.replication[track.dataset]
    result = replication.analyse(data.replication, track, {"ceiling": args.get("ceiling", "human"),
                                                           "ci_level": 0.9, "n_boot": 10, "seed": 0,
                                                           "as_of": data.today})
    if result is None:
        return None
    used = result.used
    hits = used[used.value >= float(args["share"]) * result.ceiling]
    if hits.empty:
        return None
    first = first_public(frame, ["series", "system"], "date")
    since = pd.Series([first.get((s, y)) for s, y in zip(hits.series, hits.system)], index=hits.index,
                      dtype="datetime64[ns]")
    settle = since.min()
    chosen = hits[since == settle].sort_values("date", kind="stable").iloc[0]
    cols = [c.name for c in BY_NAME[track.dataset].columns]
    return Resolution(chosen.date.date().isoformat(), chosen.date.date(), settle.date(),
                      evidence_text(track.dataset, chosen), row_hash(chosen, cols), True)


RESOLVE = {"metr first reaches": metr_first_reaches, "metr best by": metr_best_by,
           "benchmark first share": benchmark_first_share}


def resolve(row: pd.Series, data: Data) -> Resolution | None:
    fn = RESOLVE.get(row.resolver)
    if fn is None:
        return None
    return fn(parse_args(row.resolver_args if isinstance(row.resolver_args, str) else ""), row.resolve_by.date(),
              data)


# -- Scores -----------------------------------------------------------------------------------------
def quantiles(row: pd.Series) -> dict[float, float]:
    """The stated quantiles in the unit scores use: ln(minutes) for horizons, day numbers for dates."""
    if pd.isna(row.quantiles) or not row.quantiles:
        return {}
    out = {}
    for level, text in parse_quantiles(row.quantiles).items():
        out[level] = (dt.date.fromisoformat(text).toordinal() if row.unit == "date" else math.log(float(text)))
    return out


def judge(row: pd.Series, res: Resolution | None, today: dt.date) -> dict:
    """Status and scores of one forecast given its resolution (None: not settled)."""
    out = {"status": "open", "brier": None, "log": None, "interval_score": None, "crps": None, "covered": None}
    if row.resolver == "unresolvable as stated":
        out["status"] = "unresolvable as stated"
        return out
    if res is None:
        out["status"] = "overdue" if today > row.resolve_by.date() else "open"
        return out
    if row.kind == "observation":
        out["status"] = "settled"
    elif row.kind == "deadline":
        out["status"] = "hit" if res.happened else "miss"
    elif row.kind == "probability":
        out.update(status="resolved", brier=scoring.brier(row.probability, bool(res.happened)),
                   log=scoring.log_binary(row.probability, bool(res.happened)))
    else:
        qs = quantiles(row)
        if row.unit == "date" and isinstance(res.value, dt.date):
            y = float(res.value.toordinal())
        elif row.unit == "minutes" and isinstance(res.value, float):
            y = math.log(res.value)
        else:  # settled, but not as a value of the forecast's unit (a deadline passed unmet)
            out["status"] = "resolved"
            return out
        out["crps"] = scoring.quantile_crps(y, qs) if qs else None
        if 0.05 in qs and 0.95 in qs:
            covered = scoring.covered(y, qs[0.05], qs[0.95])
            out.update(status="hit" if covered else "miss", covered=covered,
                       interval_score=scoring.interval(y, qs[0.05], qs[0.95]))
        else:
            out["status"] = "resolved"
    return out


def assess(ledger: pd.DataFrame, data: Data) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every forecast with its resolution, status and scores; and the history of recorded outcomes replaced."""
    rows, history = [], []
    for i, row in ledger.iterrows():
        res = resolve(row, data)
        recorded = (pd.notna(row.outcome) and bool(row.outcome) and pd.notna(row.recorded)
                    and period_end(str(row.recorded)[:10]) <= data.today)
        note = ""
        if recorded:
            if res is not None and res.evidence_hash == row.evidence_hash:
                if res.outcome != row.outcome:
                    raise LedgerError(
                        f"{LEDGER_FILE}:{i + 2}: column 'outcome': forecast {row.id!r} was recorded as "
                        f"{row.outcome!r} from {row.evidence}, which is unchanged, but the data now give "
                        f"{res.outcome!r}: a recorded score changes only when its evidence row is corrected")
            else:
                history.append({"id": row.id, "outcome": row.outcome, "resolved_at": row.resolved_at,
                                "evidence": row.evidence, "recorded": row.recorded,
                                "now": res.outcome if res is not None else "not settled",
                                "why": "its evidence row was corrected after the outcome was recorded"})
                note = (f"re-scored: recorded as {row.outcome} in release {row.recorded}; its evidence row was "
                        "corrected since" if res is not None else
                        f"reopened: recorded as {row.outcome} in release {row.recorded}; its evidence row was "
                        "corrected since")
        for old in str(row.superseded).split(" | ") if pd.notna(row.superseded) and row.superseded else ():
            history.append({"id": row.id, "outcome": old, "resolved_at": None, "evidence": None, "recorded": None,
                            "now": row.outcome, "why": "replaced at a later release (its evidence row was corrected)"})
        j = judge(row, res, data.today)
        rows.append({"id": row.id, **j, "outcome": res.outcome if res else None,
                     "resolved_at": res.resolved_at.isoformat() if res else None,
                     "evidence": res.evidence if res else None, "evidence_hash": res.evidence_hash if res else None,
                     "note": note})
    out = pd.DataFrame(rows, columns=["id", "status", "brier", "log", "interval_score", "crps", "covered", "outcome",
                                      "resolved_at", "evidence", "evidence_hash", "note"])
    hist = pd.DataFrame(history, columns=["id", "outcome", "resolved_at", "evidence", "recorded", "now", "why"])
    return out, hist


# -- Pace: reality's speed against a forecast's path -----------------------------------------------
def pace(row: pd.Series, data: Data) -> dict | None:
    """Actual progress of the best METR horizon since a forecast was made, over the progress its path implied
    by the same date (a straight line in log horizon from the best horizon when it was made to its target).

    None when the forecast has no measurable path on METR's data.
    """
    if row.resolver not in ("metr first reaches", "metr best by"):
        return None
    args = parse_args(row.resolver_args if isinstance(row.resolver_args, str) else "")
    if row.resolver == "metr best by":
        qs = parse_quantiles(row.quantiles) if isinstance(row.quantiles, str) and row.quantiles else {}
        if 0.5 not in qs:
            return None
        target, by = float(qs[0.5]), dt.date.fromisoformat(args["by"])
    else:
        target = float(args["minutes"])
        qs = parse_quantiles(row.quantiles) if isinstance(row.quantiles, str) and row.quantiles else {}
        by = (dt.date.fromisoformat(args["by"]) if "by" in args
              else dt.date.fromisoformat(qs[0.5]) if 0.5 in qs and row.unit == "date" else None)
        if by is None:
            return None
    rows = data.metr[data.metr.suite.eq(args["suite"]).fillna(False).astype(bool)]
    made = period_end(str(row.made_at))
    start = rows[rows.release_date.dt.date <= made]
    base = {"id": row.id, "who": row.who, "made_at": str(row.made_at), "target_minutes": target,
            "target_date": by.isoformat(), "suite": args["suite"]}
    if start.empty:
        return {**base, "pace": None, "why": f"no {args['suite']} horizon was published for a model released by then"}
    s = start.loc[start.p50_minutes.idxmax()]
    latest = known_on(rows, "release_date").max().date()
    if latest <= made:
        return {**base, "start_model": s.model, "start_minutes": float(s.p50_minutes), "pace": None,
                "why": "no METR measurement has been published since it was made"}
    if target <= s.p50_minutes:
        return {**base, "start_model": s.model, "start_minutes": float(s.p50_minutes), "pace": None,
                "why": "its target had already been reached when it was made"}
    now = rows[rows.release_date.dt.date <= latest]
    e = now.loc[now.p50_minutes.idxmax()]
    share = (latest - made).days / (by - made).days
    expected = math.log(s.p50_minutes) + (math.log(target) - math.log(s.p50_minutes)) * share
    ratio = (math.log(e.p50_minutes) - math.log(s.p50_minutes)) / (expected - math.log(s.p50_minutes))
    return {**base, "start_model": s.model, "start_minutes": float(s.p50_minutes), "measured_on": latest.isoformat(),
            "latest_model": e.model, "latest_minutes": float(e.p50_minutes),
            "path_minutes": float(np.exp(expected)), "pace": float(ratio), "why": ""}
