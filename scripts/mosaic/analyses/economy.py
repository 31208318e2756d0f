"""The economy chapter: Amdahl's law, an O-ring toy, and the adoption, productivity and labour data."""
from __future__ import annotations

import math
import re

import pandas as pd

from ..catalogue.economy import EVIDENCE_KINDS


# -- Amdahl's law -------------------------------------------------------------
def _check_share(f: float) -> None:
    if not (isinstance(f, (int, float)) and 0 <= f <= 1):
        raise ValueError(f"automatable share f must lie in [0, 1], got {f!r}")


def _check_speedup(s: float) -> None:
    if not (isinstance(s, (int, float)) and s > 0) or math.isnan(s):
        raise ValueError(f"speedup s must be a positive number (math.inf for no limit), got {s!r}")


def amdahl(f: float, s: float) -> float:
    """Overall speedup when a share f of the work is sped up s times: 1 / ((1 - f) + f / s)."""
    _check_share(f)
    _check_speedup(s)
    slow = 1 - f
    fast = 0.0 if math.isinf(s) else f / s
    return math.inf if slow + fast == 0 else 1 / (slow + fast)


def amdahl_cap(f: float) -> float:
    """The most the whole can gain however fast the automated part gets: 1 / (1 - f)."""
    return amdahl(f, math.inf)


def speedup_from_time_saving(saving: float) -> float:
    """A task that takes (1 - saving) of its old time runs 1 / (1 - saving) times faster."""
    if not 0 <= saving < 1:
        raise ValueError(f"time saving must lie in [0, 1), got {saving!r}")
    return 1 / (1 - saving)


def scenarios_table(scenarios: dict) -> pd.DataFrame:
    """Each named (f, s) scenario with its overall speedup and the cap for its f; s None means no limit."""
    rows = []
    for name, (f, s) in scenarios.items():
        s = math.inf if s is None else s
        rows.append({"scenario": name, "f": f, "s": "no limit" if math.isinf(s) else f"{s:g}×",
                     "overall": _times(amdahl(f, s)), "cap": _times(amdahl_cap(f))})
    return pd.DataFrame(rows)


def _times(x: float) -> str:
    return "no limit" if math.isinf(x) else f"{x:.2f}×"


def amdahl_chart(f: float, s: float, max_s: int = 1000):
    """Overall speedup against the speedup of the automated part, with sliders for f and s."""
    import altair as alt

    f_ = alt.param(name="f", value=f, bind=alt.binding_range(min=0, max=0.99, step=0.01,
                                                             name="Automatable share f "))
    s_ = alt.param(name="s", value=s, bind=alt.binding_range(min=1, max=max_s, step=1,
                                                             name="Speedup of that share s "))
    steps = alt.Chart(alt.sequence(0, 301, as_="i")).transform_calculate(
        speedup=f"pow({max_s}, datum.i / 300)",
        overall="1 / ((1 - f) + f / datum.speedup)",
    )
    x = alt.X("speedup:Q", title="Speedup of the automated share (×, log scale)",
              scale=alt.Scale(type="log", domain=[1, max_s]))
    y_scale = alt.Scale(type="log", domain=[1, 100])
    curve = steps.mark_line(color="#3366cc", strokeWidth=2.5).encode(
        x=x, y=alt.Y("overall:Q", title="Speedup of the whole (×, log scale)", scale=y_scale),
        tooltip=[alt.Tooltip("speedup:Q", title="Automated share sped up (×)", format=".1f"),
                 alt.Tooltip("overall:Q", title="Whole sped up (×)", format=".2f")],
    ).add_params(f_, s_)
    one = alt.Chart(pd.DataFrame({"x": [0]})).transform_calculate(
        speedup="s", overall="1 / ((1 - f) + f / s)", cap="1 / (1 - f)",
        text="'f = ' + format(f, '.0%') + ', s = ' + s + '×: the whole goes ' + format(datum.overall, '.2f') + '× faster'",
        text2="'However fast the automated share gets,\\nthe whole never beats ' + format(datum.cap, '.1f') + '×'",
    )
    cap = one.mark_rule(color="#dc3912", strokeDash=[5, 3]).encode(y=alt.Y("cap:Q", scale=y_scale))
    point = one.mark_point(color="#3366cc", filled=True, size=110).encode(
        x=x, y=alt.Y("overall:Q", scale=y_scale),
        tooltip=[alt.Tooltip("speedup:Q", title="Automated share sped up (×)"),
                 alt.Tooltip("overall:Q", title="Whole sped up (×)", format=".2f"),
                 alt.Tooltip("cap:Q", title="Cap (×)", format=".2f")])
    fit = dict(align="left", baseline="top", x=12, lineBreak="\n", limit={"expr": "width - 20"})
    line1 = one.mark_text(y=6, fontSize=13, fontWeight="bold", color="#222", **fit).encode(text="text:N")
    line2 = one.mark_text(y=26, fontSize=12, color="#444", **fit).encode(text="text2:N")
    return alt.layer(curve, cap, point, line1, line2).properties(height=320)


# -- The O-ring toy: illustrative, not the authors' model (see data/economy/README.md) --
def manual_quality(time: float, skill: float) -> float:
    """Quality of a manual task given the time spent on it: 1 - exp(-skill * time)."""
    if time < 0 or skill <= 0:
        raise ValueError(f"time must be >= 0 and skill > 0, got time={time!r}, skill={skill!r}")
    return 1 - math.exp(-skill * time)


def _check_tasks(n: int, k: int) -> None:
    if not (isinstance(n, int) and n >= 1):
        raise ValueError(f"number of tasks n must be a whole number >= 1, got {n!r}")
    if not (isinstance(k, int) and 0 <= k <= n):
        raise ValueError(f"automated tasks k must be a whole number from 0 to n = {n}, got {k!r}")


def oring_output(k: int, n: int, omega: float, skill: float) -> float:
    """Output when k of n multiplying tasks are automated at quality omega and the worker's one unit
    of time is split evenly over the n - k tasks left: omega^k * q(1 / (n - k))^(n - k)."""
    _check_tasks(n, k)
    if not 0 <= omega <= 1:
        raise ValueError(f"automation quality omega must lie in [0, 1], got {omega!r}")
    m = n - k
    manual = manual_quality(1 / m, skill) ** m if m else 1.0
    return omega ** k * manual


def oring_barrier(k: int, n: int, skill: float) -> float:
    """The automation quality above which automating one more task (the (k+1)-th) raises output."""
    _check_tasks(n, k)
    if k == n:
        raise ValueError("every task is already automated")
    m = n - k
    left = manual_quality(1 / (m - 1), skill) ** (m - 1) if m > 1 else 1.0
    return manual_quality(1 / m, skill) ** m / left


def oring_chart(n: int, omega: float, skill: float, max_tasks: int = 20):
    """Output and manual-task quality against the number of tasks automated, with sliders."""
    import altair as alt

    n_ = alt.param(name="n", value=n, bind=alt.binding_range(min=2, max=max_tasks, step=1, name="Tasks n "))
    w_ = alt.param(name="omega", value=omega, bind=alt.binding_range(
        min=0.5, max=1, step=0.005, name="Machine quality on an automated task ω "))
    l_ = alt.param(name="skill", value=skill, bind=alt.binding_range(
        min=5, max=60, step=1, name="Worker skill λ "))
    base = alt.Chart(alt.sequence(0, max_tasks + 1, as_="k")).transform_filter("datum.k <= n").transform_calculate(
        output=("datum.k < n ? pow(omega, datum.k) * pow(1 - exp(-skill / (n - datum.k)), n - datum.k) "
                ": pow(omega, n)"),
        manual="datum.k < n ? 1 - exp(-skill / (n - datum.k)) : null",
    )
    x = alt.X("k:Q", title="Tasks automated", axis=alt.Axis(tickMinStep=1, format="d"))
    lines = base.transform_fold(["output", "manual"], as_=["what", "value"]).transform_filter(
        "datum.value != null").transform_calculate(
        series="datum.what == 'output' ? 'Output of the whole (product of qualities)' : "
               "'Quality of each task still done by hand'",
    ).mark_line(point=alt.OverlayMarkDef(size=50, filled=True)).encode(
        x=x, y=alt.Y("value:Q", title="Share of a flawless product (0 to 1)", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=["#3366cc", "#ff9900"])),
        tooltip=[alt.Tooltip("k:Q", title="Tasks automated"), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("value:Q", title="Value", format=".3f")],
    ).add_params(n_, w_, l_)
    peak = base.transform_joinaggregate(best="max(output)").transform_filter(
        "datum.output == datum.best").transform_calculate(
        text="'Peak: ' + datum.k + ' of ' + n + ' tasks automated, output ' + format(datum.output, '.3f')")
    label = peak.transform_window(first="row_number()").transform_filter("datum.first == 1").mark_text(
        align="left", x=12, y={"expr": "height - 14"}, fontSize=13, fontWeight="bold", color="#222",
        limit={"expr": "width - 20"}).encode(
        text="text:N")
    return alt.layer(lines, label).properties(height=320)


# -- Evidence -----------------------------------------------------------------
# Economic Index automation shares recomputed on fixed bases from the released files; the metric names
# say which base. The September 2025 "all seven patterns" base counts every conversation.
AUTOMATION_BASES = {
    "automation share, five classified patterns base (directive+feedback loop over 5 patterns)":
        "classified conversations only",
    "automation share, five classified patterns base": "classified conversations only",
    "automation share, all-conversation base": "all conversations",
    "automation share, all seven patterns base": "all conversations",
}


def automation_shares(index: pd.DataFrame) -> pd.DataFrame:
    """Claude.ai automation shares on each fixed base, cut into segments wherever the sample changes."""
    rows = index[index.metric.isin(AUTOMATION_BASES) & index.platform.str.startswith("Claude.ai")].copy()
    rows["base"] = rows.metric.map(AUTOMATION_BASES)
    rows = rows.sort_values(["base", "date"])
    rows["segment"] = rows.groupby("base").platform.transform(lambda p: p.ne(p.shift(fill_value="")).cumsum())
    rows["series"] = rows.base + " · sample " + rows.segment.astype(str)
    return rows[["date", "base", "segment", "series", "platform", "data_window", "value", "report",
                 "source_url"]].reset_index(drop=True)


def sample_changes(shares: pd.DataFrame) -> pd.DataFrame:
    """Where the sampled platform changes between releases: the breaks a line must not cross.

    Each break is drawn halfway between the last release of one sample and the first of the next.
    """
    one = shares[shares.base == shares.base.iloc[0]] if len(shares) else shares
    previous = one.shift()
    changed = one.platform.ne(previous.platform.fillna("")) & previous.date.notna()
    rows = pd.DataFrame({"last_release": previous.date[changed], "first_release": one.date[changed],
                         "from": previous.platform[changed], "to": one.platform[changed]})
    rows["date"] = rows.last_release + (rows.first_release - rows.last_release) / 2
    return rows.reset_index(drop=True)


def published_augmentation(index: pd.DataFrame) -> pd.DataFrame:
    rows = index[index.metric.str.startswith("augmentation share of conversations")].copy()
    return rows[["date", "platform", "data_window", "value", "unit", "report", "source_url"]].reset_index(drop=True)


def automation_chart(shares: pd.DataFrame, breaks: pd.DataFrame, augmentation: pd.DataFrame):
    import altair as alt

    x = alt.X("date:T", title="Release", axis=alt.Axis(format="%b %Y"))
    y = alt.Y("value:Q", title="Share of Claude.ai conversations (%)", scale=alt.Scale(domain=[30, 65]))
    lines = alt.Chart(shares).mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=x, y=y,
        color=alt.Color("base:N", title="Automation share, on a base of",
                        scale=alt.Scale(range=["#3366cc", "#dc3912"]),
                        legend=alt.Legend(columns=1, titleLimit=400, labelLimit=400)),
        detail="series:N",
        tooltip=[alt.Tooltip("date:T", title="Release"), alt.Tooltip("base:N", title="Base"),
                 alt.Tooltip("value:Q", title="Automation share (%)", format=".1f"),
                 alt.Tooltip("platform:N", title="Sample"), alt.Tooltip("data_window:N", title="Conversations from"),
                 alt.Tooltip("source_url:N", title="Source")],
    )
    aug = alt.Chart(augmentation.assign(kind="Augmentation share, as published (bases vary; not joined)")).mark_point(
        size=80, filled=False, color="#109618").encode(
        x=x, y=y, shape=alt.Shape("kind:N", title=None, scale=alt.Scale(range=["diamond"]),
                                  legend=alt.Legend(labelLimit=400)),
        tooltip=[alt.Tooltip("date:T", title="Release"), alt.Tooltip("value:Q", title="Augmentation share (%)"),
                 alt.Tooltip("unit:N", title="Base"), alt.Tooltip("platform:N", title="Sample"),
                 alt.Tooltip("source_url:N", title="Source")],
    )
    rules = alt.Chart(breaks).mark_rule(color="#888", strokeDash=[3, 3]).encode(
        x="date:T", tooltip=[alt.Tooltip("last_release:T", title="Sample changed after"),
                             alt.Tooltip("first_release:T", title="and before"),
                             alt.Tooltip("from:N", title="From"), alt.Tooltip("to:N", title="To")])
    return alt.layer(rules, lines, aug).properties(height=320)


# Units of the time-per-task outcomes, with the sign that turns each into "change in time per task, %,
# negative = faster with AI". Other outcomes (tasks completed, self-reported boosts) are not on this axis.
TIME_UNITS = {
    "% (positive = slower with AI)": 1,
    "% (negative = faster)": 1,
    "% (economists; ML experts -38%)": 1,
    "% faster": -1,
    "% less time": -1,
}


def time_effects(uplift: pd.DataFrame) -> pd.DataFrame:
    """Effects on time per task, on one axis: % change, negative = faster with AI."""
    rows = uplift[uplift.unit.isin(TIME_UNITS)].copy()
    sign = rows.unit.map(TIME_UNITS)
    rows["change_pct"] = rows.effect * sign
    low, high = rows.ci_low * sign, rows.ci_high * sign
    rows["ci_from"] = low.where(sign > 0, high)
    rows["ci_to"] = high.where(sign > 0, low)
    rows["label"] = [_short(study) for study in rows.study]
    return rows[["published", "label", "study", "outcome_metric", "evidence", "change_pct", "ci_from", "ci_to",
                 "n", "unit", "source_url"]].reset_index(drop=True)


def metr_trial(effects: pd.DataFrame) -> tuple[pd.Series | None, pd.Series | None]:
    """METR's early-2025 trial: the measured effect, and the developers' own estimate afterwards."""
    measured = effects[(effects.label == "METR RCT") & (effects.evidence == "randomised trial")]
    believed = effects[effects.label == "METR RCT – developer post-hoc estimate"]
    return (measured.iloc[0] if len(measured) else None), (believed.iloc[0] if len(believed) else None)


def _short(study: str) -> str:
    """A study's name fit for an axis: who, and which part of the study."""
    head, _, tail = study.partition(" - ")
    name = re.split(r"\s*[(:]", head)[0]
    if name.count(",") >= 2:  # a list of authors: the first, et al.
        name = name.split(",")[0] + " et al."
    part = re.split(r"\s*\(", tail)[0]
    return (f"{name} – {part}" if part else name)[:70]


def other_effects(uplift: pd.DataFrame) -> pd.DataFrame:
    return uplift[~uplift.unit.isin(TIME_UNITS)][["published_as_written", "study", "outcome_metric", "effect",
                                                  "unit", "evidence"]].reset_index(drop=True)


EVIDENCE_COLOURS = dict(zip(EVIDENCE_KINDS, ["#3366cc", "#9fb6e0", "#109618", "#990099", "#ff9900"]))


def forest_finding(effects: pd.DataFrame) -> str:
    """The productivity chart's title, from the data: the range of trials against what people expected."""
    trials = effects[effects.evidence == "randomised trial"]
    beliefs = effects[effects.evidence == "forecast or perception"]
    if trials.empty:
        return "No randomised trial of AI and developers' time had been published by this date"
    text = (f"In randomised trials, AI changed developers' time per task by {trials.change_pct.min():+.0f}% "
            f"to {trials.change_pct.max():+.0f}%")
    if len(beliefs) and (beliefs.change_pct < 0).all():
        text += "; every forecast and perception on record expected it to be faster"
    return text


def forest_chart(effects: pd.DataFrame):
    import altair as alt

    order = list(effects.sort_values(["evidence", "published"]).label)
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=300))
    x = alt.X("change_pct:Q", title="Change in time per task with AI (%; negative = faster)")
    present = [k for k in EVIDENCE_KINDS if k in set(effects.evidence)]
    colour = alt.Color("evidence:N", title="Kind of evidence",
                       scale=alt.Scale(domain=present, range=[EVIDENCE_COLOURS[k] for k in present]),
                       legend=alt.Legend(columns=1, labelLimit=400))
    tooltip = [alt.Tooltip("study:N", title="Study"), alt.Tooltip("outcome_metric:N", title="Outcome"),
               alt.Tooltip("change_pct:Q", title="Change in time (%)"),
               alt.Tooltip("ci_from:Q", title="95% CI from"), alt.Tooltip("ci_to:Q", title="95% CI to"),
               alt.Tooltip("evidence:N", title="Evidence"), alt.Tooltip("n:N", title="Sample"),
               alt.Tooltip("source_url:N", title="Source")]
    bars = alt.Chart(effects).mark_rule(strokeWidth=2).encode(x="ci_from:Q", x2="ci_to:Q", y=y, color=colour)
    dots = alt.Chart(effects).mark_point(filled=True, size=90).encode(x=x, y=y, color=colour, tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#444").encode(x="zero:Q")
    return alt.layer(zero, bars, dots).properties(height=alt.Step(34))


def question_change(labour: pd.DataFrame) -> str | None:
    """The date Census revised its BTOS AI question, as the series name records it."""
    found = labour.series.str.extract(r"question revised (\d{4}-\d{2}-\d{2})")[0].dropna()
    return found.iloc[0] if len(found) else None


def _btos_series(labour: pd.DataFrame) -> pd.Series:
    """The Census BTOS rows charted as a series: all employer businesses, with a stated period."""
    return (labour.series.str.startswith("Census BTOS - firm AI use") & labour.ref_start.notna()
            & (labour.population == "employer businesses"))


def btos(labour: pd.DataFrame) -> pd.DataFrame:
    """Census BTOS shares of firms using AI, with the period measured, by question wording."""
    rows = labour[_btos_series(labour)].copy()
    rows["question"] = rows.series.str.extract(r"\('in ([^']*)'")[0].map(lambda q: f"AI used in {q}")
    return rows[["ref_start", "ref_end", "question", "metric", "value", "unit", "period", "source_url"]].reset_index(
        drop=True)


def other_labour_signals(labour: pd.DataFrame) -> pd.DataFrame:
    """Every labour-market row not already in the BTOS chart."""
    return labour[~_btos_series(labour)]


def btos_chart(rows: pd.DataFrame, change: str | None):
    import altair as alt

    single = rows[rows.ref_start == rows.ref_end]
    ranged = rows[rows.ref_start != rows.ref_end].groupby(["ref_start", "ref_end", "question", "period",
                                                           "source_url"], as_index=False).agg(
        low=("value", "min"), high=("value", "max"))
    colour = alt.Color("question:N", title="Question asked",
                       scale=alt.Scale(domain=list(dict.fromkeys(rows.question)), range=["#3366cc", "#dc3912"]))
    y = alt.Y("value:Q", title="Share of US employer businesses (%)", scale=alt.Scale(domain=[0, 25]))
    points = alt.Chart(single).mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=alt.X("ref_start:T", title="Period measured", axis=alt.Axis(format="%b %Y")), y=y, color=colour,
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("value:Q", title="Share of firms (%)"),
                 alt.Tooltip("question:N", title="Question"), alt.Tooltip("source_url:N", title="Source")])
    band = alt.Chart(ranged).mark_rect(opacity=0.35).encode(
        x="ref_start:T", x2="ref_end:T", y=alt.Y("low:Q", scale=alt.Scale(domain=[0, 25])), y2="high:Q",
        color=colour,
        tooltip=[alt.Tooltip("period:N", title="Biweekly waves"), alt.Tooltip("low:Q", title="Lowest wave (%)"),
                 alt.Tooltip("high:Q", title="Highest wave (%)"), alt.Tooltip("question:N", title="Question"),
                 alt.Tooltip("source_url:N", title="Source")])
    layers = [points, band]
    if change:
        layers.append(alt.Chart(pd.DataFrame({"date": [change], "what": ["Question revised"]})).mark_rule(
            color="#444", strokeDash=[4, 3]).encode(x="date:T", tooltip=[alt.Tooltip("date:T", title="Question revised")]))
    return alt.layer(*layers).properties(height=280)
