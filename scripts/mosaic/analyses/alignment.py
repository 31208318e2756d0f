"""The alignment clock: how a technique's reliability compounds over generations, and the evidence."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from .trends import DAYS_PER_MONTH

# The essay's example: a technique 99.9% reliable per generation, after 50 and 500 generations.
ESSAY_P = 0.999
ESSAY_GENERATIONS = (50, 500)


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


def months_until(n: int, cadence_months: float, shrink: float = 0.0) -> float:
    """Calendar months for n generations when each generation takes (1 - shrink) times the last."""
    if cadence_months <= 0:
        raise ValueError(f"cadence must be a positive number of months, got {cadence_months}")
    if not 0 <= shrink < 1:
        raise ValueError(f"shrink must lie in [0, 1), got {shrink}")
    if shrink == 0:
        return n * cadence_months
    return cadence_months * (1 - (1 - shrink) ** n) / shrink


def crossing_date(start: dt.date, n: int | None, cadence_months: float, shrink: float = 0.0) -> dt.date | None:
    if n is None:
        return None
    return start + dt.timedelta(days=months_until(n, cadence_months, shrink) * DAYS_PER_MONTH)


def observed_cadence(horizons: pd.DataFrame, frontier_index) -> float:
    """Median months between successive new-frontier release dates in METR's data."""
    dates = sorted(set(horizons.loc[frontier_index, "release_date"].dt.date))
    gaps = [(b - a).days / DAYS_PER_MONTH for a, b in zip(dates, dates[1:])]
    if not gaps:
        raise ValueError("need at least two frontier release dates to measure a cadence")
    return float(np.median(gaps))


def clock_chart(*, p: float, threshold: float, cadence: float, shrink: float, start: dt.date,
                horizon: int, max_generations: int = 2000):
    """Reliability against generations, with sliders for p, threshold, cadence and its shrinkage.

    Everything is computed in the browser from Vega expressions, so the sliders work with no kernel.
    """
    import altair as alt

    p_ = alt.param(name="p", value=p, bind=alt.binding_range(
        min=0.99, max=0.99999, step=0.00001, name="Per-generation reliability p "))
    t_ = alt.param(name="T", value=threshold, bind=alt.binding_range(
        min=0.05, max=0.95, step=0.05, name="Threshold T "))
    c_ = alt.param(name="cadence", value=round(cadence, 2), bind=alt.binding_range(
        min=0.25, max=24, step=0.01, name="Months per generation "))
    s_ = alt.param(name="shrink", value=shrink, bind=alt.binding_range(
        min=0, max=0.2, step=0.005, name="Cadence shrinks per generation by "))
    h_ = alt.param(name="H", value=horizon, bind=alt.binding_range(
        min=10, max=max_generations, step=10, name="Generations to stay above T "))
    start_ms = int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.timezone.utc).timestamp() * 1000)
    months = "(shrink > 0 ? cadence * (1 - pow(1 - shrink, {n})) / shrink : cadence * {n})"

    def when(n: str, fmt: str) -> str:
        return f"utcFormat(toDate({start_ms} + {months.format(n=n)} * {DAYS_PER_MONTH} * 86400000), '{fmt}')"

    base = alt.Chart(alt.sequence(0, max_generations + 1, as_="n")).transform_calculate(
        reliability="pow(p, datum.n) * 100", date=when("datum.n", "%b %Y"),
    ).encode(
        x=alt.X("n:Q", title="Generations of AI-built successors"),
        y=alt.Y("reliability:Q", title="Reliability left (%)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("n:Q", title="Generation"), alt.Tooltip("reliability:Q", title="Reliability (%)",
                                                                    format=".2f"),
                 alt.Tooltip("date:N", title="Around")],
    )
    curve = base.mark_line(color="#3366cc", strokeWidth=2.5).add_params(p_, t_, c_, s_, h_)
    # A line answers a hover with one point only; invisible points every ten generations answer along it.
    hover = base.transform_filter("datum.n % 10 == 0").mark_point(size=150, opacity=0, filled=True)
    one = alt.Chart(pd.DataFrame({"x": [0]}))
    rule = one.transform_calculate(level="T * 100").mark_rule(color="#dc3912", strokeDash=[5, 3]).encode(
        y="level:Q")
    nstar = "(p >= 1 ? -1 : floor(log(T) / log(p)) + 1)"
    label = one.transform_calculate(
        nstar=nstar,
        level="T * 100",
        when=when("datum.nstar", "%B %Y"),
        need="pow(T, 1 / H)",
        text=("datum.nstar < 0 ? 'Never falls below ' + format(T, '.0%') : 'Falls below ' + format(T, '.0%') + "
              "' after ' + datum.nstar + ' generations,\\naround ' + datum.when"),
        text2=("'Needed to stay above ' + format(T, '.0%') + ' for ' + H + ' generations:\\n"
               "p = ' + format(datum.need, '.5f')"),
    )
    crossing = label.transform_filter(f"datum.nstar >= 0 && datum.nstar <= {max_generations}").mark_point(
        color="#dc3912", size=90, filled=True).encode(
        x="nstar:Q", y="level:Q",
        tooltip=[alt.Tooltip("nstar:Q", title="Falls below the threshold at generation"),
                 alt.Tooltip("when:N", title="Around")])
    # Two short lines each, and never wider than the plot, so the text reads on a phone too.
    fit = dict(align="left", baseline="top", x=12, lineBreak="\n", limit={"expr": "width - 20"})
    line1 = label.mark_text(y={"expr": "height - 96"}, fontSize=13, fontWeight="bold", color="#222",
                            **fit).encode(text="text:N")
    line2 = label.mark_text(y={"expr": "height - 54"}, fontSize=12, color="#444", **fit).encode(text="text2:N")
    return alt.layer(curve, hover, rule, crossing, line1, line2).properties(height=340)


def awareness(signals: pd.DataFrame) -> pd.DataFrame:
    """Evaluation-awareness measurements with a single number, labelled by who measured them."""
    s = signals.signal.str.lower()
    about_awareness = (s.str.contains("evaluat") | s.str.contains("eval-aware")) & ~s.str.contains("blackmail")
    rows = signals[about_awareness & signals.value.notna() & signals.unit.str.startswith("%")].copy()
    rows["measurer"] = rows.measured_by.str.replace(r"\s*\(.*\)$", "", regex=True)
    rows["when"] = rows.period.str.slice(0, 7) + "-15"
    rows.loc[rows.period.str.len() == 10, "when"] = rows.period
    return rows[["when", "measurer", "model_or_study", "signal", "value", "unit", "comparison", "source_type",
                 "source_url"]].reset_index(drop=True)


def clock_curve(p: float, start: dt.date, cadence_months: float, shrink: float, generations: int) -> pd.DataFrame:
    """The default scenario as a table: reliability and calendar date for each generation."""
    n = range(generations + 1)
    return pd.DataFrame({"generation": n, "reliability_pct": [round(reliability(p, k) * 100, 4) for k in n],
                         "date": [crossing_date(start, k, cadence_months, shrink).isoformat() for k in n]})


def automated_alignment_research(signals: pd.DataFrame) -> pd.DataFrame:
    """The automated alignment researcher study: every row, with how it was read."""
    rows = signals[signals.source_url.str.contains("automated-alignment-researchers")]
    return rows[["model_or_study", "signal", "value_as_reported", "unit", "comparison", "source_type",
                 "note"]].reset_index(drop=True)


def reward_hacking(signals: pd.DataFrame) -> pd.DataFrame:
    """Anthropic's reward-hacking rates per model, one series per evaluation."""
    s = signals.signal
    rows = signals[(s.str.startswith("reward-hack-prone") | s.str.startswith("impossible tasks"))
                   & signals.value.notna() & (signals.measured_by == "Anthropic")].copy()
    rows = rows[rows.period.str.len() == 10]  # models with a known release date
    rows["when"] = rows.period
    return rows[["when", "model_or_study", "signal", "value", "unit", "source_url"]].reset_index(drop=True)


def panels_chart(rows: pd.DataFrame, panel: str, y_title: str, lines: str | None = None, width: int = 520):
    """One small panel per `panel` value, so that only like is compared with like.

    Within a panel, points are joined per value of `lines` (one line per metric), if given.
    """
    import altair as alt

    tooltip = [alt.Tooltip("model_or_study:N", title="Model or study"), alt.Tooltip("when:T", title="Date"),
               alt.Tooltip("signal:N", title="Signal"), alt.Tooltip("value:Q", title="Value (%)"),
               alt.Tooltip("unit:N", title="Unit"), alt.Tooltip("source_url:N", title="Source")]
    charts = []
    for name in dict.fromkeys(rows[panel]):
        enc = dict(
            x=alt.X("when:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=[0, 100])),
            tooltip=tooltip,
        )
        if lines:
            enc["color"] = alt.Color(f"{lines}:N", title=None,
                                     legend=alt.Legend(orient="bottom", columns=1, labelLimit=480))
        charts.append(alt.Chart(rows[rows[panel] == name]).mark_line(
            point=alt.OverlayMarkDef(size=60, filled=True)).encode(**enc).properties(
            title=str(name), width=width, height=170))
    return alt.vconcat(*charts).resolve_scale(color="independent", x="shared")


def forecast_points(forecasts: pd.DataFrame) -> pd.DataFrame:
    rows = forecasts[forecasts.target_year.notna()].copy()
    rows["target_year"] = rows.target_year.astype(int)
    rows["who"] = rows.forecaster.str.replace(r"\s*\(.*$", "", regex=True)
    return rows[["who", "forecaster", "date_made", "target_event", "target_as_written", "target_year",
                 "probability_or_value", "value_type", "source_type", "source_url"]].reset_index(drop=True)


def forecast_chart(points: pd.DataFrame):
    import altair as alt

    return alt.Chart(points).mark_point(filled=True, size=110, opacity=0.85).encode(
        x=alt.X("target_year:Q", title="Year the forecast event is expected or targeted",
                scale=alt.Scale(zero=False, nice=False, padding=20), axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("who:N", title=None, sort=alt.EncodingSortField("target_year", order="ascending"),
                axis=alt.Axis(labelLimit=260)),
        color=alt.Color("value_type:N", title="Kind of statement"),
        shape=alt.Shape("source_type:N", title="Source"),
        tooltip=[alt.Tooltip("forecaster:N", title="Forecaster"), alt.Tooltip("date_made:N", title="Made"),
                 alt.Tooltip("target_event:N", title="Event"), alt.Tooltip("target_as_written:N", title="By"),
                 alt.Tooltip("probability_or_value:N", title="Probability or value"),
                 alt.Tooltip("source_url:N", title="Source")],
    ).properties(height=alt.Step(30))
