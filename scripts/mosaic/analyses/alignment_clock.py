"""The alignment clock: how a technique's reliability compounds over generations, and the evidence beside it.

The model (`reliability`, `generations_to_threshold`, `required_p`, `months_until`, `crossing_date`),
the wrangling (the clock's cadence, start and floor from the coding chapter's METR frontier; the
signals and forecasts with their sources) and the headline (every figure the page shows) are kept
apart; the charts are in mosaic.book.plots.alignment_clock.

Rules the page states:
- One value per quantity. The cadence, the clock's start and the floor come from the frontier models
  the coding chapter fits (its output `metr_frontier`); METR's doubling time is the coding chapter's
  published figure, quoted, never fitted again here.
- A generation is never shorter than the floor. Without one, a gap that shrinks by a fixed share each
  generation puts every generation, however many, within cadence / shrink months, so the date the
  clock crosses its threshold hardly moves with the per-generation reliability p. That is a property of
  the model, and the page states it; with the floor the date moves with p.
- The essay's example takes its inputs from the claims data (`stated_rate`, `stated_steps` of the
  arithmetic claims about this chapter), and counts only once the essay was public.
- A signal counts from its source's publication date (data/sources.csv) where the source gives one.

Outputs for other chapters: `essay_examples`, and `public_forecasts` (the public forecasts and stated
targets public by the build's date, as data/alignment/forecasts.csv holds them: the landing chapter sets
Clark's forecast and the others beside its own model).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from ..catalogue.claims import written_numbers
from ..catalogue.schema import period_end
from .coding import days_interval
from .figures import Figure, Headline, missing, newest, parameter, published, sentence, sig
from .provenance import CITED, cite
from .trends import DAYS_PER_MONTH, DAYS_PER_YEAR

CHAPTER = "alignment_clock"
UPSTREAM = "coding"  # the chapter whose METR frontier and doubling time the clock reads
OBSERVED = "observed"  # cadence_days: the median gap between successive frontier release dates
SHORTEST = "shortest observed"  # floor_days: the shortest gap between successive frontier release dates
CURVE_GENERATIONS = 2000  # the clock chart and its download run this far
ANTHROPIC = "Anthropic"  # reward-hacking rates charted: Anthropic's own evaluations
BEYOND = "beyond the calendar"  # a date after 9999-12-31
# The clock's finding says whose pace dates the crossing (the chart's title says it too, as the sliders move).
PACE_TODAY = "at today's pace"
PACE_SET = "at the pace this edition sets"


# -- The model -----------------------------------------------------------------------------------
def _check_p(p: float) -> None:
    if not 0 <= p <= 1:
        raise ValueError(f"per-generation reliability p must lie in [0, 1], got {p}")


def _check_threshold(threshold: float) -> None:
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must lie strictly between 0 and 1, got {threshold}")


def reliability(p: float, n: float) -> float:
    """Reliability left after n generations: p ** n."""
    _check_p(p)
    if n < 0:
        raise ValueError(f"generations must be >= 0, got {n}")
    return p ** n


def generations_to_threshold(p: float, threshold: float) -> int | None:
    """The first generation at which reliability falls below the threshold; None if it never does."""
    _check_p(p)
    _check_threshold(threshold)
    if p == 1:
        return None
    if p == 0:
        return 1
    return math.floor(math.log(threshold) / math.log(p)) + 1


def required_p(threshold: float, generations: int) -> float:
    """The per-generation reliability that keeps p ** generations at the threshold."""
    _check_threshold(threshold)
    if generations < 1:
        raise ValueError(f"generations must be >= 1, got {generations}")
    return threshold ** (1 / generations)


def _check_pace(cadence_months: float, shrink: float, floor_months: float) -> None:
    if cadence_months <= 0:
        raise ValueError(f"cadence must be a positive number of months, got {cadence_months}")
    if not 0 <= shrink < 1:
        raise ValueError(f"shrink must lie in [0, 1), got {shrink}")
    if floor_months < 0:
        raise ValueError(f"floor must be zero or a positive number of months, got {floor_months}")


def generations_above_floor(cadence_months: float, shrink: float, floor_months: float) -> float:
    """How many generations last at least the floor before it binds (math.inf when it never does).

    Generation k lasts cadence * (1 - shrink) ** (k - 1), so it is at least the floor while
    k <= log(floor / cadence) / log(1 - shrink) + 1.
    """
    _check_pace(cadence_months, shrink, floor_months)
    if floor_months == 0:
        return math.inf
    if floor_months >= cadence_months:
        return 0
    if shrink == 0:
        return math.inf
    return math.floor(math.log(floor_months / cadence_months) / math.log(1 - shrink)) + 1


def months_until(n: int, cadence_months: float, shrink: float = 0.0, floor_months: float = 0.0) -> float:
    """Calendar months for n generations: each takes (1 - shrink) times the last, never less than the floor."""
    _check_pace(cadence_months, shrink, floor_months)
    if n < 0:
        raise ValueError(f"generations must be >= 0, got {n}")
    before = min(n, generations_above_floor(cadence_months, shrink, floor_months))
    shrinking = cadence_months * before if shrink == 0 else cadence_months * (1 - (1 - shrink) ** before) / shrink
    return shrinking + (n - before) * floor_months


def span_limit(cadence_months: float, shrink: float) -> float | None:
    """With no floor, the months that every generation, however many, fits within (None if unbounded)."""
    _check_pace(cadence_months, shrink, 0.0)
    return None if shrink == 0 else cadence_months / shrink


def after_months(start: dt.date, months: float) -> dt.date | None:
    """The date `months` after start (None past the end of the calendar)."""
    try:
        return start + dt.timedelta(days=months * DAYS_PER_MONTH)
    except OverflowError:
        return None


def crossing_date(start: dt.date, n: int | None, cadence_months: float, shrink: float = 0.0,
                  floor_months: float = 0.0) -> dt.date | None:
    """When generation n arrives, counting from start; None if it never does or lies past the calendar."""
    if n is None:
        return None
    return after_months(start, months_until(n, cadence_months, shrink, floor_months))


def clock_curve(p: float, start: dt.date | None, cadence_months: float | None, shrink: float, floor_months: float,
                generations: int = CURVE_GENERATIONS) -> pd.DataFrame:
    """The clock at the chapter's settings as a table: reliability and, when dated, the date of each generation."""
    n = range(generations + 1)
    out = pd.DataFrame({"generation": n, "reliability_pct": [round(reliability(p, k) * 100, 4) for k in n]})
    if start is not None and cadence_months is not None:
        out["date"] = [crossing_date(start, k, cadence_months, shrink, floor_months).isoformat() for k in n]
    return out


# -- The pace of generations, from the coding chapter's METR frontier ----------------------------
def frontier_models(frames: dict) -> pd.DataFrame:
    """The frontier models the coding chapter fitted (model, release date), as of the build's date."""
    rows = frames.get(f"{UPSTREAM}:metr_frontier")
    if rows is None or rows.empty:
        return pd.DataFrame({"model": pd.Series(dtype=str), "release_date": pd.Series(dtype=object)})
    return pd.DataFrame({"model": rows.model.astype(str),
                         "release_date": [dt.date.fromisoformat(str(d)[:10]) for d in rows.release_date]})


def generation_gaps(frontier: pd.DataFrame) -> pd.DataFrame:
    """The gaps between successive frontier release dates, with the models released on each date."""
    by_date = frontier.groupby("release_date", sort=True).model.agg(" and ".join)
    dates = list(by_date.index)
    rows = [{"earlier": by_date[a], "earlier_date": a.isoformat(), "later": by_date[b], "later_date": b.isoformat(),
             "days": (b - a).days, "months": (b - a).days / DAYS_PER_MONTH} for a, b in zip(dates, dates[1:])]
    return pd.DataFrame(rows, columns=["earlier", "earlier_date", "later", "later_date", "days", "months"])


def observed_cadence(gaps: pd.DataFrame) -> float | None:
    """Median days between successive new-frontier release dates; None with fewer than two dates."""
    return float(np.median(gaps.days)) if len(gaps) else None


def shortest_gap(gaps: pd.DataFrame) -> pd.Series | None:
    """The shortest gap between successive frontier release dates (the earliest, on a tie)."""
    return gaps.loc[gaps.days.idxmin()] if len(gaps) else None


def upstream_figure(frames: dict, key: str, chapter: str = UPSTREAM) -> pd.Series | None:
    """One figure another chapter published (a row of its figures.json), or None."""
    row = published(frames, chapter, key)
    return None if row is None else pd.Series(row)


def _date(value) -> dt.date | None:
    """A date from an ISO string, a Timestamp or a date; None for an empty cell."""
    return None if value is None or pd.isna(value) else dt.date.fromisoformat(str(value)[:10])


# -- The essay's example, from the claims data ---------------------------------------------------
def essay_examples(claims: pd.DataFrame, sources: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    """The essay's compounding examples: the rate and steps it states, the exact result, and whether it was public."""
    rows = claims[(claims.chapter == CHAPTER) & (claims.check_method == "arithmetic")]
    published = sources.set_index("source_id").published
    out = []
    for r in rows.itertuples():
        if pd.isna(r.stated_rate) or pd.isna(r.stated_steps):
            raise ValueError(f"data/claims/claims.csv: claim {r.claim_id!r}: arithmetic needs stated_rate and "
                             "stated_steps")
        when = _date(published.get(r.claim_source_id))
        found = 100 * reliability(r.stated_rate / 100, r.stated_steps)
        written = r.claimed_as_written if pd.notna(r.claimed_as_written) else f"{r.claimed_low:g}%"
        out.append({"claim_id": r.claim_id, "rate_pct": float(r.stated_rate), "steps": int(r.stated_steps),
                    "found_pct": found, "found": at_precision_of(found, written), "essay": written,
                    "published": when, "public": as_of is None or (when is not None and when <= as_of)})
    return pd.DataFrame(out, columns=["claim_id", "rate_pct", "steps", "found_pct", "found", "essay", "published",
                                      "public"]).sort_values("steps", kind="stable").reset_index(drop=True)


def essay_output(examples: pd.DataFrame) -> pd.DataFrame:
    """What the claims chapter checks the essay's arithmetic against, so it never computes it again."""
    return examples[examples.public][["claim_id", "rate_pct", "steps", "found_pct"]].reset_index(drop=True)


def at_precision_of(value: float, written: str) -> str:
    """A percentage rounded as the essay wrote its own (half up, to its last digit): 60.6379 as '60.5%' -> '60.6%'."""
    numbers = written_numbers(written)
    places = len(numbers[0].partition(".")[2]) if numbers else 2
    q = Decimal(1).scaleb(-places)
    return f"{Decimal(repr(value)).quantize(q, rounding=ROUND_HALF_UP)}%"


# -- Signals and forecasts -----------------------------------------------------------------------
def public(rows: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    """Cited rows whose source had been published by as_of (undated sources count from the row's own date)."""
    if as_of is None or rows.empty:
        return rows
    when = rows.source_published.map(_date)
    return rows[when.map(lambda d: d is None or d <= as_of)]


def known_on(rows: pd.DataFrame, column: str) -> pd.Series:
    """When each row became known: its source's publication, or the end of its own period."""
    return pd.Series([_date(s) or period_end(p) for s, p in zip(rows.source_published, rows[column])],
                     index=rows.index, dtype=object)


def _when(period: pd.Series) -> pd.Series:
    """A day as is, a month at its middle: where a point sits on a time axis."""
    return period.where(period.str.len() == 10, period.str.slice(0, 7) + "-15")


def awareness(signals: pd.DataFrame) -> pd.DataFrame:
    """Evaluation-awareness measurements given as one share, labelled by who measured them."""
    rows = signals[(signals.topic == "evaluation awareness") & signals.value.notna() & signals.unit.str.startswith("%")
                   & (signals.period.str.len() >= 7)].copy()
    rows["when"] = _when(rows.period)
    rows["measurer"] = rows.measured_by.str.replace(r"\s*\(.*\)$", "", regex=True)
    return rows[["when", "period", "measurer", "model_or_study", "signal", "value", "unit", "comparison",
                 "source_id", *CITED]].reset_index(drop=True)


def reward_hacking(signals: pd.DataFrame) -> pd.DataFrame:
    """Anthropic's reward-hacking rates per Claude model, one series per evaluation; models with a release day only."""
    rows = signals[(signals.topic == "reward hacking") & signals.value.notna() & signals.unit.str.startswith("%")
                   & (signals.measured_by == ANTHROPIC) & (signals.period.str.len() == 10)].copy()
    rows["when"] = rows.period
    return rows[["when", "model_or_study", "signal", "value", "unit", "source_id", *CITED]].reset_index(drop=True)


def automated_alignment_research(signals: pd.DataFrame) -> pd.DataFrame:
    """The automated alignment research results, every row, with how each was read."""
    rows = signals[signals.topic == "automated alignment research"]
    return rows[["period", "model_or_study", "signal", "value_as_reported", "unit", "comparison", "source_type",
                 "source_title", "note"]].reset_index(drop=True)


def short_name(forecaster: str) -> str:
    """The forecaster as the chart's rows name them: without the asides in brackets, and a dash before a part's
    name written as a colon, which a wrapped label never starts a line with.

    'AI Futures Project (Kokotajlo, Alexander, ...) - AI 2027 scenario' -> 'AI Futures Project: AI 2027 scenario'.
    """
    return re.sub(r"\s+[-\u2013\u2014]\s+", ": ", re.sub(r"\s*\([^)]*\)", "", forecaster)).strip()


def forecast_points(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Forecasts that name one target year, for the chart; dates as the forecaster wrote them."""
    rows = forecasts[forecasts.target_year.notna()].copy()
    rows["target_year"] = rows.target_year.astype(int)
    rows["who"] = [short_name(f) for f in rows.forecaster]
    return rows[["who", "forecaster", "date_made", "date_made_as_written", "target_event", "target_as_written",
                 "target_year", "probability_or_value", "value_type", "source_id", *CITED]].reset_index(drop=True)


# -- Formatting ----------------------------------------------------------------------------------
def percent(x: float) -> str:
    """A share as a percentage with no trailing zeros: 0.999 -> '99.9%', 0.05 -> '5%'."""
    return f"{x * 100:,.4f}".rstrip("0").rstrip(".") + "%"


def month(d: dt.date | None) -> str:
    return BEYOND if d is None else d.strftime("%B %Y")


def day(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


def span(days: float) -> str:
    """A length of time in the unit a reader thinks in: '9 days', '7.5 months', '16 years'."""
    if abs(days) < 2 * DAYS_PER_MONTH:
        return f"{days:,.0f} day{'' if round(abs(days)) == 1 else 's'}"
    if abs(days) < 2 * DAYS_PER_YEAR:
        return f"{sig(days / DAYS_PER_MONTH)} months"
    return f"{sig(days / DAYS_PER_YEAR)} years"


# -- The headline --------------------------------------------------------------------------------
def _number(name: str, value, ok, what: str, *, word: str | None = None):
    """A parameter that is a number passing `ok` (or the word it may also be), else an error naming it."""
    if word is not None and value == word:
        return value
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = None
    if x is None or not ok(x):
        raise ValueError(f"parameter {name}: {value!r} is not {what}" + (f" (or {word!r})" if word else ""))
    return x


def _settings(params: dict) -> dict:
    """The clock's parameters, checked; an out-of-range one is named in the error."""
    share = "a share in [0, 1)"
    return {
        "p": _number("p", params["p"], lambda x: 0 <= x <= 1, "a reliability in [0, 1]"),
        "threshold": _number("threshold", params["threshold"], lambda x: 0 < x < 1, "a share strictly between 0 and 1"),
        "horizon_generations": int(_number("horizon_generations", params["horizon_generations"],
                                           lambda x: x >= 1 and x == int(x), "a whole number of generations >= 1")),
        "cadence_shrink": _number("cadence_shrink", params["cadence_shrink"], lambda x: 0 <= x < 1, share),
        "accelerating_shrink": _number("accelerating_shrink", params["accelerating_shrink"], lambda x: 0 <= x < 1,
                                       share),
        "cadence_days": _number("cadence_days", params["cadence_days"], lambda x: x > 0, "a positive number of days",
                                word=OBSERVED),
        "floor_days": _number("floor_days", params["floor_days"], lambda x: x >= 0, "a number of days >= 0",
                              word=SHORTEST),
        "p_sensitivity": [_number("p_sensitivity", v, lambda x: 0 < x <= 1, "a reliability in (0, 1]")
                          for v in params["p_sensitivity"]],
    }


def headline(frames: dict, params: dict) -> Headline:
    """Every figure, table and chart row of the alignment clock chapter."""
    as_of = params["as_of"]
    s = _settings(params)
    sources = frames["sources"]
    h = Headline()
    _essay(h, frames["claims"], sources, as_of)
    clock = _clock(h, frames, s, as_of)
    _doubling(h, frames, clock, as_of)
    signals = public(cite(frames["alignment_signals"], sources), as_of)
    _signals(h, signals, as_of)
    _forecasts(h, cite(frames["forecasts"], sources), as_of)
    return h


def _essay(h: Headline, claims: pd.DataFrame, sources: pd.DataFrame, as_of: dt.date | None) -> None:
    examples = essay_examples(claims, sources, as_of)
    h.tables["essay"] = examples
    h.outputs["essay_examples"] = essay_output(examples)
    for r in examples.itertuples():
        label = (f"Reliability left after {r.steps:,} generations at {r.rate_pct:g}% per generation "
                 "(the essay's example)")
        if r.public:
            h.add(Figure(f"{r.claim_id}_reliability", round(r.found_pct, 4), r.found, "%", label, as_of=r.published,
                         note=f"{r.rate_pct:g}% ** {r.steps}, compounded exactly; the essay gives {r.essay}"),
                  sentence(f"{r.claim_id}_essay", r.essay))
        else:
            h.add(missing(f"{r.claim_id}_reliability", label, "%", as_of, "the essay had not been published"),
                  sentence(f"{r.claim_id}_essay", "not yet published"))
        h.add(sentence(f"{r.claim_id}_rate", f"{r.rate_pct:g}%"), sentence(f"{r.claim_id}_steps", f"{r.steps:,}"))
    shown = examples[examples.public]
    if shown.empty:
        essay = sources[sources.source_id.isin(claims[claims.chapter == CHAPTER].claim_source_id)]
        when = (f", was published on {_date(essay.published.iloc[0]).isoformat()}, after this edition's date"
                if len(essay) and pd.notna(essay.published.iloc[0]) else ", had not been published by this date")
        name = f" {essay.title.iloc[0]}," if len(essay) else ""
        lede = (f"The essay whose example this chapter starts from,{name}{when[1:]}, so this page does not quote it."
                if len(examples) else "The claims data hold no compounding example from the essay yet.")
        glance = "the essay had not been published by this date"
    else:
        rates = set(shown.rate_pct)
        kept = " and ".join(f"{r.found} after {r.steps:,}" + (" generations" if i == 0 else "")
                            + ("" if len(rates) == 1 else f" at {r.rate_pct:g}%")
                            for i, r in enumerate(shown.itertuples()))
        lede = (f"In the essay's example, a technique that works {shown.rate_pct.iloc[0]:g}% of the time per "
                f"generation keeps {kept}." if len(rates) == 1 else
                f"In the essay's examples, a technique keeps {kept}.")
        slips = shown[[f != e for f, e in zip(shown.found, shown.essay)]]
        for r in slips.itertuples():
            lede += (f" The essay gives the figure for {r.steps:,} generations as {r.essay}: a rounding slip that does "
                     "not change the argument.")
        last = shown.iloc[-1]
        glance = (f"{last.rate_pct:g}% per generation leaves {last.found} after {last.steps:,} generations"
                  + ("" if last.found == last.essay else f", not {last.essay} as the essay has it"))
    h.add(sentence("essay_lede", lede), sentence("essay_glance", glance))


def _clock(h: Headline, frames: dict, s: dict, as_of: dt.date | None) -> dict:
    p, threshold, horizon = float(s["p"]), float(s["threshold"]), int(s["horizon_generations"])
    steady, faster = float(s["cadence_shrink"]), float(s["accelerating_shrink"])
    h.add(parameter("p", p, percent(p), "Per-generation reliability on the clock"),
          parameter("threshold", threshold, percent(threshold), "Reliability threshold"),
          parameter("horizon_generations", horizon, f"{horizon:,}", "Generations the technique must survive"),
          parameter("cadence_shrink", steady, percent(steady), "How much shorter each generation is, on the clock"),
          parameter("accelerating_shrink", faster, percent(faster),
                    "How much shorter each generation is than the last, in the accelerating scenario"))
    n_star = generations_to_threshold(p, threshold)
    need = required_p(threshold, horizon)
    h.add(Figure("clock_generations", n_star, "no number of" if n_star is None else f"{n_star:,}", "generations",
                 "Generations until reliability falls below the threshold", publish=False),
          Figure("clock_required_p", round(need, 6), f"{need:.4%}", "share per generation",
                 "Per-generation reliability needed to stay above the threshold for the horizon", publish=False))

    frontier = frontier_models(frames)
    gaps = generation_gaps(frontier)
    h.tables["gaps"] = gaps
    counted = upstream_figure(frames, "metr_frontier_models")
    front_as_of = (_date(counted.as_of) if counted is not None else None) or newest(*frontier.release_date)
    h.add(sentence("metr_frontier_models", str(counted.text) if counted is not None else str(len(frontier))))
    too_few = (f"{len(frontier)} frontier model{'' if len(frontier) == 1 else 's'} in the coding chapter's fit of "
               "METR's horizons by this date; a pace needs two release dates")

    # Days per generation
    if s["cadence_days"] == OBSERVED:
        cadence_days = observed_cadence(gaps)
        label = "Days per generation: the median gap between successive new frontier models in METR's data"
        h.add(Figure("clock_cadence_days", cadence_days, span(cadence_days), "days", label, as_of=front_as_of,
                     note=f"median of {len(gaps)} gaps between release dates")
              if cadence_days is not None else missing("clock_cadence_days", label, "days", as_of, too_few),
              sentence("clock_cadence_source", "the median gap between successive new frontier models in METR's data"))
    else:
        cadence_days = float(s["cadence_days"])
        h.add(parameter("clock_cadence_days", cadence_days, span(cadence_days), "Days per generation"),
              sentence("clock_cadence_source", "the pace set by this edition's parameters"))
    cadence = cadence_days / DAYS_PER_MONTH if cadence_days is not None else None

    # The floor on a generation's length
    if s["floor_days"] == SHORTEST:
        gap = shortest_gap(gaps)
        label = "Floor on a generation's length: the shortest gap between successive frontier models in METR's data"
        if gap is None:
            floor_days = None
            h.add(missing("clock_floor_days", label, "days", as_of, too_few), sentence("clock_floor_pair", "none yet"))
        else:
            floor_days = float(gap.days)
            h.add(Figure("clock_floor_days", int(gap.days), span(gap.days), "days", label, as_of=front_as_of,
                         note=f"{gap.earlier} ({gap.earlier_date}) to {gap.later} ({gap.later_date})"),
                  sentence("clock_floor_pair", f"between {gap.earlier} ({day(_date(gap.earlier_date))}) and "
                                               f"{gap.later} ({day(_date(gap.later_date))})"))
    else:
        floor_days = float(s["floor_days"])
        h.add(parameter("clock_floor_days", floor_days, span(floor_days) if floor_days else "no floor",
                        "Floor on a generation's length"),
              sentence("clock_floor_pair", "as set by this edition's parameters"))
    floor = floor_days / DAYS_PER_MONTH if floor_days is not None else None

    # Where the clock starts
    start = max(frontier.release_date) if len(frontier) else None
    if start is None:
        h.add(missing("clock_start", "The clock starts at the newest frontier model's release", "date", as_of,
                      too_few), sentence("clock_start_model", "no model yet"))
    else:
        newest_models = frontier[frontier.release_date == start].model
        h.add(Figure("clock_start", start.isoformat(), month(start), "date",
                     "The clock starts at the newest frontier model's release", as_of=front_as_of),
              sentence("clock_start_model", " and ".join(newest_models)))

    dated = start is not None and cadence is not None and floor is not None
    # Only the measured pace, unshortened, is today's; a pace the parameters set is this edition's.
    pace = PACE_TODAY if s["cadence_days"] == OBSERVED and steady == 0 else PACE_SET
    h.add(sentence("clock_pace", pace))
    clock = {"p": p, "threshold": threshold, "horizon": horizon, "n_star": n_star, "start": start,
             "cadence": cadence, "floor": floor, "floor_days": floor_days, "steady": steady, "faster": faster,
             "as_of": front_as_of, "dated": dated, "years_faster": None, "pace": pace}
    h.tables["clock_settings"] = pd.DataFrame([{
        "p": p, "threshold": threshold, "horizon_generations": horizon, "cadence_days": cadence_days,
        "cadence_shrink": steady, "floor_days": floor_days, "start": start.isoformat() if start else None,
        "max_generations": CURVE_GENERATIONS}])
    h.tables["clock"] = clock_curve(p, start if dated else None, cadence, steady, floor or 0.0)
    _crossings(h, clock, as_of)
    _limit(h, clock, s, as_of)
    return clock


def _crossings(h: Headline, c: dict, as_of: dt.date | None) -> None:
    n = c["n_star"]
    for key, shrink, what in (("clock_crossing", c["steady"], "at the clock's pace"),
                              ("clock_crossing_accelerating", c["faster"],
                               f"each generation {percent(c['faster'])} shorter than the last, down to the floor")):
        label = f"Date reliability falls below the threshold, {what}"
        if not c["dated"]:
            why = "no pace of generations could be measured by this date"
            h.add(missing(f"{key}_date", label, "date", as_of, why),
                  missing(f"{key}_years", label.replace("Date", "Years until"), "years", as_of, why))
            continue
        months = None if n is None else months_until(n, c["cadence"], shrink, c["floor"])
        when = None if months is None else after_months(c["start"], months)
        years = None if months is None else months * DAYS_PER_MONTH / DAYS_PER_YEAR
        if key == "clock_crossing_accelerating":
            c["years_faster"] = years
        h.add(Figure(f"{key}_date", when.isoformat() if when else None, "never" if n is None else month(when), "date",
                     label, as_of=c["as_of"] if when else None),
              Figure(f"{key}_years", None if years is None else round(years, 1),
                     "never" if years is None else span(years * DAYS_PER_YEAR), "years",
                     label.replace("Date", "Years until"), as_of=c["as_of"] if years is not None else None))
    _pace(h, c)
    finding = (f"A technique {percent(c['p'])} reliable per generation falls below {percent(c['threshold'])} after "
               + ("no number of generations" if n is None else f"{n:,} generations"))
    if c["dated"] and n is not None:
        when = h.value("clock_crossing_date")
        finding += (f", around {h.text('clock_crossing_date')}" if when else f", {BEYOND}") + f" {c['pace']}"
    h.add(sentence("clock_finding", finding))


def _pace(h: Headline, c: dict) -> None:
    """Whole sentences about when the clock crosses, so that a page with no measured pace still reads."""
    t = h.text
    if not c["dated"]:
        h.add(sentence("pace_sentence", "The coding chapter had too few frontier models by this date to measure how "
                                        "fast generations come, so the clock gives no dates yet."),
              sentence("clock_caption", "With no measured pace of generations yet, the chart counts generations only; "
                                        "its read-out gives no date."))
        return
    if c["n_star"] is None:
        crossing = "the technique never falls below the threshold, at any pace"
    else:
        floored = f", but never sooner than {t('clock_floor_days')} after the one before" if c["floor"] else ""
        crossing = (f"At one new frontier model every {t('clock_cadence_days')}, {t('clock_cadence_source')}, "
                    f"the technique falls below {t('threshold')} around {t('clock_crossing_date')}. If each generation "
                    f"instead arrives {t('accelerating_shrink')} sooner than the last, as it might once AI does the "
                    f"research{floored}, that date moves to "
                    f"{t('clock_crossing_accelerating_date')}, about {t('clock_crossing_accelerating_years')} after "
                    f"{t('clock_start')}.")
    h.add(sentence("pace_sentence", crossing),
          sentence("clock_caption", f"The chart counts from {t('clock_start')}, when {t('clock_start_model')} was "
                                    f"released, the newest of the {t('metr_frontier_models')} frontier models in the "
                                    "coding chapter's fit of METR's time horizons."))


def _limit(h: Headline, c: dict, s: dict, as_of: dt.date | None) -> None:
    """The model's limit without a floor, and how the date moves with p with and without it."""
    rows = []
    ps = sorted({float(v) for v in s["p_sensitivity"]} | {c["p"]})
    for p in ps:
        n = generations_to_threshold(p, c["threshold"])
        row = {"p": p, "p_text": percent(p), "generations": n, "generations_text": "never" if n is None else f"{n:,}"}
        for name, shrink, floor in (("steady", c["steady"], c["floor"]), ("unfloored", c["faster"], 0.0),
                                    ("floored", c["faster"], c["floor"])):
            when = crossing_date(c["start"], n, c["cadence"], shrink, floor) if c["dated"] else None
            row[name] = when.isoformat() if when else None
            row[f"{name}_text"] = ("never" if n is None else month(when)) if c["dated"] else "not enough data"
        rows.append(row)
    table = pd.DataFrame(rows)
    h.tables["p_sensitivity"] = table
    label = ("Months within which every generation fits when each is shorter than the last by a fixed share, "
             "with no floor")
    best = max(ps)
    if not c["dated"] or c["faster"] == 0:
        why = ("no pace of generations could be measured by this date" if not c["dated"]
               else "generations do not shorten in this edition's accelerating scenario")
        h.add(missing("clock_span_limit_months", label, "months", as_of, why),
              missing("clock_p_shift_unfloored_days", "Shift of the accelerating date between p values, no floor",
                      "days", as_of, why),
              missing("clock_p_shift_floored_days", "Shift of the accelerating date between p values, with the floor",
                      "days", as_of, why),
              sentence("limit_sentence", "With no measured pace of generations yet, the model has no dates to give."
                       if not c["dated"] else "In this edition's accelerating scenario generations do not shorten, "
                       "so no limit applies."),
              sentence("p_shift_sentence", ""))
        return
    limit = span_limit(c["cadence"], c["faster"])
    by = after_months(c["start"], limit)
    h.add(Figure("clock_span_limit_months", round(limit, 1), f"{sig(limit, 3)} months", "months", label,
                 as_of=c["as_of"],
                 note=f"{c['cadence'] * DAYS_PER_MONTH:g} days per generation / shrink {c['faster']:g}"),
          sentence("limit_sentence",
                   f"That date is mostly an artefact of the model. If each generation is {percent(c['faster'])} "
                   f"shorter than the last and nothing stops it, every generation there will ever be fits within "
                   f"{sig(limit, 3)} months (the cadence divided by the shrink): all of them arrive by "
                   f"{month(by)}, however reliable the technique. The date then barely moves with p. "
                   + (f"So the accelerating scenario stops shortening generations at a floor of "
                      f"{h.text('clock_floor_days')}, {h.text('clock_floor_pair')}"
                      + (", the shortest gap between two frontier models in METR's data so far"
                         if s["floor_days"] == SHORTEST else "") + "; with the floor, the date moves with p."
                      if c["floor"] else "This edition sets no floor, so its accelerating date is that artefact.")))
    here, there = table[table.p == c["p"]].iloc[0], table[table.p == best].iloc[0]
    if best == c["p"] or here.generations is None or there.generations is None:
        h.add(missing("clock_p_shift_unfloored_days", "Shift of the accelerating date between p values, no floor",
                      "days", as_of, "no higher p to compare with"),
              missing("clock_p_shift_floored_days", "Shift of the accelerating date between p values, with the floor",
                      "days", as_of, "no higher p to compare with"),
              sentence("p_shift_sentence", ""))
        return
    ends = {name: (_date(here[name]), _date(there[name])) for name in ("unfloored", "floored")}
    if any(d is None for pair in ends.values() for d in pair):
        for name, what in (("unfloored", "no floor"), ("floored", "with the floor")):
            h.add(missing(f"clock_p_shift_{name}_days", f"Shift of the accelerating date between p values, {what}",
                          "days", as_of, "a date lies beyond the calendar"))
        h.add(sentence("p_shift_sentence", ""))
        return
    shifts = {name: (b - a).days for name, (a, b) in ends.items()}
    times = (1 - c["p"]) / (1 - best) if best < 1 else math.inf
    compare = f"from {percent(c['p'])} to {percent(best)}"
    for name, what in (("unfloored", "no floor"), ("floored", "with the floor")):
        h.add(Figure(f"clock_p_shift_{name}_days", shifts[name], span(shifts[name]), "days",
                     f"How far the accelerating date moves when p rises {compare}, {what}", as_of=c["as_of"]))
    fewer = f", {round(times, 1):g} times less likely to fail per generation," if math.isfinite(times) else ""
    h.add(sentence("p_shift_sentence",
                   f"Raising p {compare}{fewer} moves the accelerating date by only "
                   f"{span(shifts['unfloored'])} without a floor ({here.unfloored_text} to {there.unfloored_text})"
                   + (f", but by {span(shifts['floored'])} with it ({here.floored_text} to {there.floored_text})."
                      if c["floor"] else ".")))


def _doubling(h: Headline, frames: dict, c: dict, as_of: dt.date | None) -> None:
    """METR's doubling time as the coding chapter published it, and how many doublings fit before the crossing."""
    f = upstream_figure(frames, "metr_doubling_days")
    value = None if f is None or pd.isna(f.value) else float(f.value)
    has_ci = value is not None and pd.notna(f.ci_low) and pd.notna(f.ci_high)
    level = f.ci_level if has_ci and pd.notna(f.ci_level) else None
    text = str(f.text) if f is not None else "not published by the coding chapter"
    h.add(sentence("metr_doubling_days", text),
          sentence("metr_doubling_interval", days_interval(float(f.ci_low), float(f.ci_high)) if has_ci else "none"),
          sentence("doubling_glance", text + (f" ({level:.0%} interval "
                                              f"{days_interval(float(f.ci_low), float(f.ci_high))})" if level else "")))
    label = ("Doublings of METR's 50% time horizon before the accelerating crossing, at the coding chapter's "
             "doubling time")
    years = c["years_faster"]
    if value is None or years is None:
        why = ("the coding chapter had no doubling time by this date" if value is None
               else "the accelerating crossing has no date")
        h.add(missing("clock_horizon_doublings", label, "doublings", as_of, why),
              sentence("doubling_sentence", "METR's time horizon had too few measurements by this date for a doubling "
                                            "time (see the coding chapter)." if value is None else ""))
        return
    doublings = years * DAYS_PER_YEAR / value
    ci = None
    if has_ci:
        lo, hi = years * DAYS_PER_YEAR / float(f.ci_high), years * DAYS_PER_YEAR / float(f.ci_low)
        ci = (round(lo, 1), round(hi, 1)) if round(lo, 1) < round(hi, 1) else None
    h.add(Figure("clock_horizon_doublings", round(doublings, 1), f"{doublings:.0f}", "doublings", label, ci=ci,
                 ci_level=level if ci else None, as_of=newest(c["as_of"], _date(f.as_of))),
          sentence("doubling_sentence",
                   f"By then METR's time horizon would double about {doublings:.0f} more times"
                   + (f" ({sig(ci[0])} to {sig(ci[1])})" if ci else "")
                   + f" at its current pace of one doubling every {f.text}"
                   + (f" ({level:.0%} interval {days_interval(float(f.ci_low), float(f.ci_high))})" if has_ci else "")
                   + ", as the coding chapter fits it."))


def _signals(h: Headline, signals: pd.DataFrame, as_of: dt.date | None) -> None:
    aware = awareness(signals)
    h.tables["awareness"] = aware
    measurers = list(dict.fromkeys(aware.measurer))
    h.add(Figure("awareness_measurers", len(measurers), str(len(measurers)), "organisations",
                 "Organisations whose evaluation-awareness measurements are charted",
                 as_of=newest(*known_on(aware, "period")) if len(aware) else None),
          sentence("awareness_finding",
                   f"Evaluation awareness as {len(measurers)} organisation{'' if len(measurers) == 1 else 's'} "
                   "measure it: each measures differently, so only points on one line compare"))
    hacks = reward_hacking(signals)
    h.tables["reward_hacking"] = hacks
    h.add(Figure("reward_hacking_models", hacks.model_or_study.nunique(), str(hacks.model_or_study.nunique()), "models",
                 "Claude models with reward-hacking rates charted",
                 as_of=newest(*known_on(hacks, "when")) if len(hacks) else None),
          sentence("reward_hacking_finding", hacking_finding(hacks)))
    h.add(sentence("awareness_data", awareness_data(aware)), sentence("reward_hacking_data", hacking_data(hacks)))
    h.tables["aar"] = automated_alignment_research(signals)
    h.add(sentence("awareness_paragraph", awareness_paragraph(aware, signals)),
          sentence("aar_paragraph", AAR_PARAGRAPH if len(h.tables["aar"]) else ""))


# What the automated alignment research rows say, and how they were read (their notes and sources).
AAR_PARAGRAPH = (
    "Anthropic reports that teams of Claude agents, given a weak-to-strong supervision problem, recovered far more "
    "of the performance gap than two of its researchers did in a week. The caveats sit in the table: the numbers "
    "come from secondary reports of the study, the gain shrank on a held-out coding set, the best method gave no "
    "significant improvement on a production model, and the agents reward-hacked their own setup along the way.")


def said_real_or_test(signals: pd.DataFrame) -> pd.DataFrame:
    """Misbehaviour rates split by whether the model said its scenario was real or a test (one row each)."""
    rows = signals[(signals.topic == "misaligned behaviour") & signals.value.notna()
                   & signals.signal.str.contains("when model stated scenario was", regex=False)].copy()
    rows["said"] = np.where(rows.signal.str.endswith("REAL"), "real",
                            np.where(rows.signal.str.endswith("EVALUATION"), "test", ""))
    return rows[rows.said != ""]


def awareness_paragraph(aware: pd.DataFrame, signals: pd.DataFrame) -> str:
    """Who measures evaluation awareness, and why it matters, from the rows public by the build's date."""
    if aware.empty:
        return ""
    names = list(dict.fromkeys(aware.measurer))
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    text = (f"{who} each count evaluation awareness their own way: in transcripts, outputs, turns or pairs of "
            "conversations, with their own prompts and graders. Only points on one line are comparable.")
    split = said_real_or_test(signals)
    if {"real", "test"} <= set(split.said):
        real, test = split[split.said == "real"].iloc[0], split[split.said == "test"].iloc[0]
        model = real.model_or_study.split(" (")[0]
        text += (f" The signal matters because awareness changes behaviour: when {model} said it believed a test "
                 f"scenario was real, it blackmailed in {real.value:g}% of samples, against {test.value:g}% when it "
                 f"said it was being evaluated ({real.source_title}).")
    return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _shares(values) -> str:
    """'22% to 58%' for a range of percentages, '13%' for one."""
    lo, hi = min(values), max(values)
    return f"{lo:g}%" if lo == hi else f"{lo:g}% to {hi:g}%"


def awareness_data(aware: pd.DataFrame) -> str:
    """What the evaluation-awareness chart draws, in numbers: how many measurements, when, and each measurer's range."""
    if aware.empty:
        return ""
    days = sorted(dt.date.fromisoformat(d) for d in aware.when)
    each = "; ".join(f"{m}, {_plural(len(rows), 'measurement')} on {_plural(rows.signal.nunique(), 'metric')}, "
                     f"{_shares(rows.value)}" for m, rows in aware.groupby("measurer", sort=False))
    return (f"{_plural(len(aware), 'measurement')} from {_plural(aware.measurer.nunique(), 'organisation')}, "
            f"{month(days[0])} to {month(days[-1])}: {each}")


def hacking_data(hacks: pd.DataFrame) -> str:
    """What the reward-hacking chart draws, in numbers: each evaluation's first and newest rates, with the models."""
    if hacks.empty:
        return ""

    def at(rows: pd.DataFrame) -> str:
        return (" and ".join(f"{v:g}%" for v in rows.value) + " for "
                + " and ".join(dict.fromkeys(rows.model_or_study)) + f" ({month(_date(rows.when.iloc[0]))})")

    parts = []
    for signal, rows in hacks.groupby("signal", sort=False):
        first, last = rows[rows.when == rows.when.min()], rows[rows.when == rows.when.max()]
        later = "" if first.when.iloc[0] == last.when.iloc[0] else f", then {at(last)}"
        parts.append(f"{signal}, {at(first)}{later}")
    return (f"{_plural(hacks.model_or_study.nunique(), 'Claude model')} on {_plural(len(parts), 'evaluation')}: "
            + "; ".join(parts))


def hacking_finding(hacks: pd.DataFrame) -> str:
    """The reward-hacking chart's title: the range of rates for the first model measured and for the newest."""
    if hacks.empty:
        return "No reward-hacking rate had been published by this date"

    def rates(when: str) -> tuple[str, str]:
        rows = hacks[hacks.when == when]
        lo, hi = rows.value.min(), rows.value.max()
        return " and ".join(dict.fromkeys(rows.model_or_study)), (f"{lo:g}%" if lo == hi else f"{lo:g}% to {hi:g}%")

    first, last = sorted(set(hacks.when))[0], sorted(set(hacks.when))[-1]
    (m1, r1), (m2, r2) = rates(first), rates(last)
    if first == last:
        return f"On Anthropic's reward-hacking evaluations, {m1} hacked {r1} of problems or tasks"
    return (f"On Anthropic's reward-hacking evaluations, {m2} hacked {r2} of problems or tasks, against {r1} for "
            f"{m1}: less often, not never")


PUBLIC_FORECAST_COLUMNS = ("date_made", "forecaster", "target_event", "target_as_written", "target_year",
                           "probability_or_value", "value_type", "source_id")


def _forecasts(h: Headline, forecasts: pd.DataFrame, as_of: dt.date | None) -> None:
    points = forecast_points(forecasts)
    h.tables["forecast_points"] = points
    h.tables["forecasts"] = forecasts
    h.outputs["public_forecasts"] = forecasts[list(PUBLIC_FORECAST_COLUMNS)].reset_index(drop=True)
    h.add(Figure("forecasts_charted", len(points), str(len(points)), "forecasts",
                 "Forecasts and targets that name a single year",
                 as_of=newest(points.date_made) if len(points) else None),
          Figure("forecasts_total", len(forecasts), str(len(forecasts)), "forecasts", "Forecasts and targets recorded",
                 as_of=newest(forecasts.date_made) if len(forecasts) else None))
    h.add(sentence("forecasts_sentence",
                   f"{len(points)} of the {len(forecasts)} statements on record name a single year and appear on the "
                   "chart; all of them are listed below, with the event each one forecasts and the date in the "
                   "forecaster's own words. A model's output at someone's parameters is not that person's forecast."
                   if len(forecasts) else "No forecast or stated target on record had been made by this date."))
    h.add(sentence("forecasts_data", forecasts_data(points)))
    if points.empty:
        h.add(sentence("forecasts_finding", "No forecast naming a year had been made by this date"))
        return
    years = sorted(points.target_year)
    middle = years[(len(years) - 1) // 2]  # at least half name this year or earlier
    h.add(sentence("forecasts_finding",
                   f"Public forecasts and stated targets for automating AI research name years from {years[0]} to "
                   f"{years[-1]}; half name {middle} or earlier"))


def forecasts_data(points: pd.DataFrame) -> str:
    """What the forecasts chart draws, in numbers: its rows, and its statements by kind and by source tier, most
    first."""
    if points.empty:
        return ""

    def counts(column: str) -> str:
        n = points[column].value_counts()
        return ", ".join(f"{k} {v}" for k, v in sorted(n.items(), key=lambda kv: (-kv[1], kv[0])))

    return (f"in {_plural(points.who.nunique(), 'row')}, one per forecaster or model run; "
            f"by kind of statement: {counts('value_type')}; by source tier: {counts('source_type')}")
