"""The economy chapter: Amdahl's law, an O-ring toy, and the adoption, productivity, labour and money data.

`headline(frames, params)` returns every figure, table and chart row the page shows. The two
models are arithmetic on the chapter's parameters: their figures are glued into the prose but
not published as findings, since no data row stands behind them. Every figure drawn from data
is published with the date of the newest row it used. Plotting is in mosaic.book.plots.economy;
its slider charts redo the models' arithmetic in the browser with the formats defined here, so a
read-out and the prose print a number the same way.
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from ..catalogue.economy import FIXED_BASES, SIGNALS
from .figures import Figure, Headline, newest, parameter, sentence, sig
from .provenance import cite

ALL_CONVERSATIONS = FIXED_BASES[0]
SERIES_PLATFORM = "Claude.ai"  # the automation series follows Claude.ai conversations; the API is shown apart

# How the slider read-outs and the prose print the models' results (d3 format specifiers, valid in Python too).
SPEEDUP_FORMAT = ".2f"  # the whole's speedup
CAP_FORMAT = ".1f"  # the cap 1 / (1 - f)
OUTPUT_FORMAT = ".3f"  # O-ring output, a share of a flawless product


# -- Amdahl's law -------------------------------------------------------------
def _check_share(f: float) -> None:
    if isinstance(f, bool) or not (isinstance(f, (int, float)) and 0 <= f <= 1):
        raise ValueError(f"automatable share f must lie in [0, 1], got {f!r}")


def _check_speedup(s: float) -> None:
    if isinstance(s, bool) or not (isinstance(s, (int, float)) and s > 0) or math.isnan(s):
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
    """A task that takes (1 - saving) of its old time runs 1 / (1 - saving) times as fast."""
    if not 0 <= saving < 1:
        raise ValueError(f"time saving must lie in [0, 1), got {saving!r}")
    return 1 / (1 - saving)


def times(x: float, fmt: str = SPEEDUP_FORMAT) -> str:
    """A speedup as the page prints it: '1.82×', or 'no limit'."""
    return "no limit" if math.isinf(x) else f"{x:{fmt}}×"


def share(x: float) -> str:
    return f"{x:.0%}"


def scenario_speedup(s) -> float:
    """A scenario's s: a number, or None (JSON null) for no limit."""
    return math.inf if s is None else s


def scenarios_table(scenarios: dict) -> pd.DataFrame:
    """Each named (f, s) scenario with its overall speedup and the cap for its f, as numbers and as shown."""
    rows = []
    for name, (f, s) in scenarios.items():
        s = scenario_speedup(s)
        overall, cap = amdahl(f, s), amdahl_cap(f)
        rows.append({"scenario": name, "f": f, "s": None if math.isinf(s) else s,
                     "overall": None if math.isinf(overall) else round(overall, 4),
                     "cap": None if math.isinf(cap) else round(cap, 4),
                     "f_shown": share(f), "s_shown": times(s, "g"),
                     "overall_shown": times(overall, CAP_FORMAT if math.isinf(s) else SPEEDUP_FORMAT),
                     "cap_shown": times(cap, CAP_FORMAT)})
    return pd.DataFrame(rows, columns=["scenario", "f", "s", "overall", "cap", "f_shown", "s_shown",
                                       "overall_shown", "cap_shown"])


# -- The O-ring toy: illustrative, not the authors' model (see data/economy/README.md) --
def manual_quality(time: float, skill: float) -> float:
    """Quality of a manual task given the time spent on it: 1 - exp(-skill * time)."""
    if time < 0 or skill <= 0:
        raise ValueError(f"time must be >= 0 and skill > 0, got time={time!r}, skill={skill!r}")
    return 1 - math.exp(-skill * time)


def _check_tasks(n: int, k: int) -> None:
    if isinstance(n, bool) or not (isinstance(n, int) and n >= 1):
        raise ValueError(f"number of tasks n must be a whole number >= 1, got {n!r}")
    if isinstance(k, bool) or not (isinstance(k, int) and 0 <= k <= n):
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


def oring_curve(n: int, omega: float, skill: float) -> pd.DataFrame:
    """Output and the quality of each task still done by hand, for 0 to n tasks automated."""
    rows = [{"tasks_automated": k, "output": round(oring_output(k, n, omega, skill), 6),
             "manual_quality": round(manual_quality(1 / (n - k), skill), 6) if k < n else None}
            for k in range(n + 1)]
    return pd.DataFrame(rows)


def below_one(x: float, digits: int = 3) -> str:
    """A quality under 1 with enough decimals to show it is under 1: 0.832, 0.999999 (never '1.000')."""
    while x < 1 and round(x, digits) >= 1 and digits < 12:
        digits += 1
    return f"{x:.{digits}f}"


def model(key: str, value: float, text: str, unit: str, label: str) -> Figure:
    """A number computed from the chapter's parameters alone: glued into the prose, not a finding."""
    return Figure(key, None if math.isinf(value) else round(value, 6), text, unit=unit, label=label, publish=False)


def models(h: Headline, params: dict) -> None:
    """Amdahl's law at the chapter's f and s, the scenarios table, and the O-ring toy at its parameters."""
    f, s = params["f"], scenario_speedup(params["s"])
    overall, cap = amdahl(f, s), amdahl_cap(f)
    h.add(parameter("f", f, share(f), "Automatable share of the work"),
          parameter("s", None if math.isinf(s) else s, times(s, "g"), "Speedup of the automatable share"),
          parameter("slow_share", round(1 - f, 6), share(1 - f), "Share of the work that is not sped up"),
          model("amdahl_speedup_default", overall, times(overall), "x",
                "Overall speedup for the chapter's f and s (Amdahl's law)"),
          model("amdahl_cap_default", cap, times(cap, CAP_FORMAT), "x",
                "Most the whole can gain at this f, however fast the automated share gets"),
          sentence("amdahl_finding", f"Speeding up {share(f)} of the work {times(s, 'g')} makes the whole run "
                                     f"{times(overall)} as fast; the slow remainder caps it at "
                                     f"{times(cap, CAP_FORMAT)}"))
    h.tables["scenarios"] = scenarios_table(params["scenarios"])
    h.tables["amdahl"] = scenarios_table({"Default (f, s)": [f, params["s"]], **params["scenarios"]})[
        ["scenario", "f", "s", "overall", "cap"]]

    n, omega, skill = params["oring_tasks"], params["oring_quality"], params["oring_skill"]
    _check_tasks(n, 0)
    if n < 2:
        raise ValueError(f"oring_tasks must be at least 2 for the toy's barriers, got {n!r}")
    curve = oring_curve(n, omega, skill)
    best = int(curve.output.idxmax())
    peak = oring_output(best, n, omega, skill)
    first, late = oring_barrier(0, n, skill), oring_barrier(n - 2, n, skill)
    h.add(parameter("oring_tasks", n, str(n), "Tasks in the O-ring toy"),
          parameter("oring_quality", omega, f"{omega:g}", "Machine quality on an automated task"),
          parameter("oring_skill", skill, f"{skill:g}", "How fast a worker's quality rises with time (λ)"),
          model("oring_manual_quality", manual_quality(1 / n, skill), f"{manual_quality(1 / n, skill):.2f}",
                "quality", "Quality of each task when a worker does them all"),
          model("oring_output_manual", oring_output(0, n, omega, skill),
                f"{oring_output(0, n, omega, skill):{OUTPUT_FORMAT}}", "share of flawless output",
                "Output of the O-ring toy with no task automated"),
          model("oring_peak_k", best, str(best), "tasks", "Automated tasks at which output peaks in the toy"),
          model("oring_peak_output", peak, f"{peak:{OUTPUT_FORMAT}}", "share of flawless output",
                "Peak output of the O-ring toy"),
          model("oring_barrier_first", first, below_one(first), "quality",
                "Machine quality needed for automating the first task to raise output"),
          model("oring_barrier_late", late, below_one(late), "quality",
                "Machine quality needed to automate the second-to-last manual task"),
          sentence("oring_finding", f"Illustrative O-ring toy: output peaks with {best} of {n} tasks automated"
                   + (", then falls as the last tasks go to machines" if best < n else "")))
    h.tables["oring"] = curve


# -- Formatting data values --------------------------------------------------------------
def as_published(x) -> str:
    """A number as its source printed it: plain decimals, no exponent, thousands separated (91.447, 4,867)."""
    if x is None or pd.isna(x):
        return ""
    text = np.format_float_positional(float(x), trim="-")
    whole, dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return f"{sign}{whole}{dot}{frac}"


SCALE_WORDS = (("trillion", 1e12), ("billion", 1e9), ("million", 1e6))


def significant_digits(x: float) -> int:
    """How many significant digits a number was written with: 2.1e25 -> 2, 91.447 -> 5."""
    mantissa = np.format_float_scientific(float(x), trim="-").split("e")[0]
    return max(len(mantissa.replace("-", "").replace(".", "").lstrip("0")), 1)


def in_words(x: float) -> str:
    """A large number in words at the precision it was published: 2.1e10 -> '21 billion'."""
    digits = significant_digits(x)
    for word, size in SCALE_WORDS:
        if abs(x) >= size:
            scaled = x / size
            places = digits - 1 - math.floor(math.log10(abs(scaled)))
            return f"{as_published(round(scaled, max(places, 0)))} {word}"
    return as_published(x)


def value_and_unit(value, unit: str) -> tuple[str, str]:
    """A table's value and unit as a reader reads them: training compute in petaFLOP, in words."""
    if unit == "FLOP" and pd.notna(value):
        return in_words(float(value) / 1e15), "petaFLOP (a million billion FLOP)"
    return as_published(value), unit


def month_year(day) -> str:
    return pd.Timestamp(day).strftime("%B %Y")


def period_text(period: str) -> str:
    """An ISO period as a reader reads it: '2024' stays '2024', '2023-02' is 'February 2023'."""
    parts = str(period).split("-")
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return dt.date(int(parts[0]), int(parts[1]), 1).strftime("%B %Y")
    return dt.date.fromisoformat(period).strftime("%-d %B %Y")


def not_yet(key: str, label: str, unit: str, as_of: dt.date | None) -> Figure:
    """A figure whose source came out after the chapter's date."""
    when = f" by {as_of.isoformat()}" if as_of else ""
    return Figure(key, None, f"not yet published{when}", unit=unit, label=label,
                  note="The source had not been published by this date.")


def none_yet(columns: list[str], as_of: dt.date | None, what: str) -> pd.DataFrame:
    """A table's single row saying nothing had been published by the chapter's date."""
    when = f" by {as_of.isoformat()}" if as_of else ""
    return pd.DataFrame([{c: (f"No {what} had been published{when}." if i == 0 else "")
                          for i, c in enumerate(columns)}], columns=columns)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# -- Adoption: Economic Index automation shares --------------------------------------------
def automation_shares(index: pd.DataFrame) -> pd.DataFrame:
    """Claude.ai automation shares on each fixed base, cut into segments wherever the sample changes."""
    rows = index[index.fixed_base.notna() & index.platform.str.startswith(SERIES_PLATFORM)].copy()
    rows["base"] = rows.fixed_base.astype(str)
    rows = rows.sort_values(["base", "date"], kind="stable")
    rows["segment"] = rows.groupby("base").platform.transform(lambda p: p.ne(p.shift(fill_value="")).cumsum())
    rows["series"] = rows.base + " · sample " + rows.segment.astype(str)
    rows["release"] = rows.date.dt.date.astype(str)
    cols = ["date", "release", "base", "segment", "series", "platform", "data_window", "value", "report", "source_id",
            "source_title", "source_type"]
    return rows[[c for c in cols if c in rows]].reset_index(drop=True)


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
    for col in ("last_release", "first_release", "date"):
        rows[col] = pd.to_datetime(rows[col]).dt.date.astype(str)
    return rows.reset_index(drop=True)


def published_augmentation(index: pd.DataFrame) -> pd.DataFrame:
    """Augmentation shares of conversations as each report published them (bases vary)."""
    rows = index[index.metric.str.startswith("augmentation share of conversations")].copy()
    rows["release"] = rows.date.dt.date.astype(str)
    return rows[["release", "platform", "data_window", "value", "unit", "report", "source_id", "source_title",
                 "source_type"]].reset_index(drop=True)


def adoption(h: Headline, index: pd.DataFrame, as_of: dt.date | None) -> None:
    shares = automation_shares(index)
    breaks = sample_changes(shares)
    h.tables["automation"], h.tables["sample_changes"] = shares, breaks
    h.tables["augmentation"] = published_augmentation(index)
    h.outputs["automation_shares"] = pd.DataFrame({"date": shares.release, "base": shares.base,
                                                   "segment": shares.segment, "value": shares.value})
    label = "Automation share of Claude.ai conversations, all-conversation base"
    allc = shares[shares.base == ALL_CONVERSATIONS]
    if len(allc):
        latest = allc.iloc[-1]
        when = newest(latest.date)
        h.add(Figure("automation_share_latest", float(latest.value), f"{sig(latest.value)}%", "%",
                     f"{label} ({latest.platform}; recomputed from the release files by a third-party atlas)",
                     as_of=when),
              Figure("automation_share_latest_date", when.isoformat(), month_year(when), "date",
                     "Release of the latest automation share", as_of=when),
              sentence("automation_share_sentence", f"{sig(latest.value)}% in the latest release "
                       f"({month_year(when)}), counting all conversations"))
    else:
        h.add(not_yet("automation_share_latest", label, "%", as_of),
              not_yet("automation_share_latest_date", "Release of the latest automation share", "date", as_of),
              sentence("automation_share_sentence", "no Economic Index release had been published"
                       + (f" by {as_of.isoformat()}" if as_of else "")))
    n = len(breaks)
    h.add(Figure("sample_breaks", n, str(n), "breaks", "Changes of sample in the automation series",
                 as_of=newest(shares.date) if len(shares) else None))
    other = index[index.fixed_base.notna() & ~index.platform.str.startswith(SERIES_PLATFORM)].sort_values("date")
    if len(other):
        api = other.iloc[-1]
        same = shares[(shares.release == api.date.date().isoformat()) & (shares.base == api.fixed_base)]
        when = newest(api.date)
        h.add(Figure("api_automation_share", float(api.value), f"{sig(api.value)}%", "%",
                     f"Automation share of {api.platform} transcripts, {api.fixed_base} base", as_of=when))
        versus = (f", against {sig(same.value.iloc[0])}% of Claude.ai conversations on the same base"
                  if len(same) else "")
        api_text = (f"On the {api.platform}, automation was {sig(api.value)}% of transcripts in the "
                    f"{month_year(when)} release{versus}; those figures are not joined to this series.")
    else:
        h.add(not_yet("api_automation_share", "Automation share of API transcripts on a fixed base", "%", as_of))
        api_text = "No API automation share on a fixed base had been published by this date."

    if len(shares):
        h.add(sentence("automation_finding",
                       f"Between {sig(shares.value.min())}% and {sig(shares.value.max())}% of Claude.ai conversations "
                       f"automate rather than augment; the sample changed {plural(n, 'time')} along the way"),
              sentence("adoption_sentence",
                       "The shares come from Claude's own users, not the labour market. Anthropic changed the "
                       f"platforms sampled {plural(n, 'time')} in this series, and the model that classifies the "
                       f"conversations, so small moves are not trends. {api_text}"))
    else:  # the chart's place already says no release had been published
        h.add(sentence("automation_finding", "No Economic Index release had been published by this date"),
              sentence("adoption_sentence", ""))


# -- Productivity: time per task with AI ---------------------------------------------------
def time_effects(uplift: pd.DataFrame) -> pd.DataFrame:
    """Effects on time per task, on one axis: % change in time per task, negative = less time with AI."""
    rows = uplift[uplift.time_measure.notna()].copy()
    sign = np.where(rows.time_measure == "time saved per task", -1.0, 1.0)
    rows["change_pct"] = rows.effect * sign
    low, high = rows.ci_low * sign, rows.ci_high * sign
    rows["ci_from"] = low.where(sign > 0, high)
    rows["ci_to"] = high.where(sign > 0, low)
    rows["published_shown"] = rows.published.map(period_text)
    cols = ["published", "published_shown", "label", "study", "population", "outcome_metric", "evidence", "change_pct",
            "ci_from", "ci_to", "n", "unit", "source_id", "source_title", "publisher", "source_type"]
    return rows[[c for c in cols if c in rows]].reset_index(drop=True)


def more_or_less(pct: float) -> str:
    """A change in time per task in words: +19 -> '19% more time', -55.8 -> '55.8% less time'."""
    if pct == 0:
        return "no change in time"
    return f"{as_published(abs(pct))}% {'more' if pct > 0 else 'less'} time"


def trial_interval(lo, hi) -> str:
    """A 95% interval of a change in time, in words: (2, 39) -> '2% to 39% more time'."""
    if lo >= 0:
        return f"{as_published(lo)}% to {as_published(hi)}% more time"
    if hi <= 0:
        return f"{as_published(-hi)}% to {as_published(-lo)}% less time"
    return f"from {as_published(-lo)}% less to {as_published(hi)}% more time"


def forest_finding(effects: pd.DataFrame) -> str:
    """The productivity chart's title, from the data: the range of trials against what people expected."""
    trials = effects[effects.evidence == "randomised trial"]
    beliefs = effects[effects.evidence.isin(["forecast", "perception"])]
    if trials.empty:
        return "No randomised trial of AI and developers' time had been published by this date"
    lo, hi = trials.change_pct.min(), trials.change_pct.max()
    if lo == hi:
        text = f"In the one randomised trial so far, developers with AI took {more_or_less(lo)} per task"
    else:
        text = (f"In randomised trials, developers with AI took from {more_or_less(lo).replace(' time', '')} to "
                f"{more_or_less(hi)} per task")
    if len(beliefs) and (beliefs.change_pct < 0).all():
        text += "; every forecast and perception on record expected less time"
    return text


def productivity(h: Headline, uplift: pd.DataFrame, params: dict) -> None:
    as_of = params["as_of"]
    effects = time_effects(uplift)
    h.tables["productivity"] = effects
    h.outputs["uplift_effects"] = effects[["published", "label", "evidence", "change_pct", "ci_from", "ci_to"]]
    trials = effects[effects.evidence == "randomised trial"]
    h.add(Figure("time_trials", int(trials.source_id.nunique()), str(trials.source_id.nunique()), "studies",
                 "Randomised trials of developers' time per task with AI",
                 as_of=newest(trials.published) if len(trials) else None),
          sentence("productivity_finding", forest_finding(effects)))

    featured = effects[effects.source_id == params["featured_trial"]]
    measured = featured[featured.evidence == "randomised trial"]
    believed = featured[featured.evidence == "perception"]
    label = "Featured randomised trial: change in time per task with AI (positive = more time)"
    if len(measured):
        r = measured.iloc[0]
        ci = (float(r.ci_from), float(r.ci_to)) if pd.notna(r.ci_from) and pd.notna(r.ci_to) else None
        h.add(Figure("featured_trial_effect", float(r.change_pct), more_or_less(r.change_pct),
                     "% change in time per task", f"{r.label}: change in time per task with AI (positive = more time)",
                     ci=ci, ci_level=0.95 if ci else None, as_of=newest(r.published),
                     note=f"{r.population}; {r.n}"))
        summary = (f"in the {r.label}, {r.population} took {more_or_less(r.change_pct)} per task with AI"
                   + (f" (95% interval: {trial_interval(*ci)})" if ci else ""))
        if len(believed):
            b = believed.iloc[0]
            h.add(Figure("featured_trial_perceived", float(-b.change_pct), f"{as_published(-b.change_pct)}% less time",
                         "% less time per task, as believed", f"{b.label}: time per task AI saved, as the "
                         "developers believed afterwards", as_of=newest(b.published)))
            summary += f", while afterwards they believed AI had cut their time by {as_published(-b.change_pct)}%"
        else:
            h.add(not_yet("featured_trial_perceived", "Developers' own estimate afterwards", "%", as_of))
    else:
        h.add(not_yet("featured_trial_effect", label, "% change in time per task", as_of),
              not_yet("featured_trial_perceived", "Developers' own estimate afterwards", "%", as_of))
        summary = ("the randomised trial this chapter follows had not been published"
                   + (f" by {as_of.isoformat()}" if as_of else ""))
    h.add(sentence("featured_trial_summary", summary))

    unreliable = effects[effects.evidence == "randomised trial, called unreliable by its authors"]
    if trials.empty:
        text = "No randomised trial of developers' time with AI had been published by this date."
    else:
        each = "; ".join(f"{r.label} ({r.population})" for r in trials.itertuples())
        text = f"The trials measure different tools, tasks and people: {each}."
        if len(unreliable):
            by = " and ".join(dict.fromkeys(unreliable.publisher))
            text += (f" {plural(len(unreliable), 'later estimate')} by {by} point the other way, but their "
                     "authors call them unreliable.")
    h.add(sentence("trials_sentence", text))

    other = uplift[uplift.time_measure.isna()]
    columns = ["published_as_written", "label", "outcome_metric", "effect", "unit", "evidence"]
    if len(other):
        table = other[columns].copy()
        table["effect"] = other.effect.map(as_published)
        h.tables["other_effects"] = table.reset_index(drop=True)
    else:
        h.tables["other_effects"] = none_yet(columns, as_of, "other outcome")


# -- Jobs ----------------------------------------------------------------------------------
def question_change(labour: pd.DataFrame) -> str | None:
    """The date Census revised its BTOS AI question, as the series name records it."""
    found = labour.series.str.extract(r"question revised (\d{4}-\d{2}-\d{2})")[0].dropna()
    return found.iloc[0] if len(found) else None


def _btos_series(labour: pd.DataFrame) -> pd.Series:
    """The Census BTOS rows charted as a series: firm adoption with a stated period measured."""
    return (labour.signal == "firm adoption") & labour.ref_start.notna()


def btos(labour: pd.DataFrame) -> pd.DataFrame:
    """Census BTOS shares of firms using AI, with the period measured, by question wording."""
    rows = labour[_btos_series(labour)].copy()
    rows["question"] = rows.series.str.extract(r"\('in ([^']*)'")[0].map(lambda q: f"AI used in {q}")
    return rows[["published", "ref_start", "ref_end", "question", "metric", "value", "unit", "period", "source_id",
                 "source_title", "source_type"]].reset_index(drop=True)


def btos_bands(rows: pd.DataFrame) -> pd.DataFrame:
    """Ranges across biweekly waves (rows whose period is a span), one band per span and question."""
    ranged = rows[rows.ref_start != rows.ref_end]
    return ranged.groupby(["ref_start", "ref_end", "question", "period", "source_title"], as_index=False).agg(
        low=("value", "min"), high=("value", "max"), published=("published", "max"))


def labour(h: Headline, labour_rows: pd.DataFrame, as_of: dt.date | None) -> None:
    firms = btos(labour_rows)
    change = question_change(labour_rows)
    h.tables["firm_adoption"] = firms
    h.tables["firm_adoption_bands"] = btos_bands(firms)
    h.tables["question_change"] = pd.DataFrame({"date": [change] if change else [], "what": ["Question revised"]
                                                if change else []})
    single = firms[firms.ref_start == firms.ref_end].sort_values("ref_start")
    if len(single):
        first_q = single.question.iloc[0]
        original = single[single.question == first_q]
        a, b = original.iloc[0], original.iloc[-1]
        h.add(Figure("firm_ai_use_latest", float(b.value), f"{as_published(b.value)}%", "% of US employer businesses",
                     f"US firms using AI, Census BTOS, {first_q.lower()} ({b.period})", as_of=newest(b.published)))
        text = (f"US firms using AI went from {as_published(a.value)}% ({a.period}) to {as_published(b.value)}% "
                f"({b.period}) on the Census question about {first_q[len('AI used in '):]}"
                if len(original) > 1 else f"{as_published(b.value)}% of US firms used AI ({b.period})")
        bands = h.tables["firm_adoption_bands"]
        if change:
            text += f"; the question changed on {change}, so the series are not joined"
            if len(bands):
                text += (f" (the revised question gives {as_published(bands.low.min())}% to "
                         f"{as_published(bands.high.max())}%)")
        h.add(sentence("firm_adoption_finding", text))
    else:
        h.add(not_yet("firm_ai_use_latest", "US firms using AI, Census BTOS", "% of US employer businesses", as_of),
              sentence("firm_adoption_finding", "No Census business survey figure had been published by this date"))

    rest = labour_rows[~_btos_series(labour_rows)].copy()
    rest["order"] = rest.signal.map({s: i for i, s in enumerate(SIGNALS)})
    rest = rest.sort_values(["order", "published"], kind="stable")
    columns = ["published_as_written", "series", "population", "signal", "metric", "value", "unit", "period"]
    if len(rest):
        table = rest[columns].copy()
        table["value"] = rest.value.map(as_published)
        h.tables["other_labour"] = table.reset_index(drop=True)
    else:
        h.tables["other_labour"] = none_yet(columns, as_of, "labour-market study")

    young = rest[rest.signal == "young workers in exposed occupations"]
    nulls = rest[(rest.signal == "unemployment, earnings and hours") & rest.value.isna()]
    projected = rest[rest.signal == "model projection"]
    parts = []
    if len(young):
        verb = "concerns" if len(young) == 1 else "concern"
        parts.append(f"{plural(len(young), 'figure')} from {plural(young.publisher.nunique(), 'study', 'studies')} "
                     f"{verb} young workers in the most AI-exposed occupations")
    if len(nulls):
        parts.append(f"{plural(nulls.publisher.nunique(), 'study', 'studies')} found no measurable effect on "
                     "unemployment, earnings or hours")
    text = ("By this date, " + ", while ".join(parts) + "." if parts
            else "No study linking jobs to AI exposure had been published by this date.")
    if len(projected):
        text += " The scenario projection in the table is a model, not a measurement."
    h.add(sentence("labour_summary", text))


# -- Money and compute ---------------------------------------------------------------------
def money(h: Headline, rows: pd.DataFrame, as_of: dt.date | None) -> None:
    columns = ["entity", "metric", "value", "unit", "period", "published_as_written"]
    if rows.empty:
        h.tables["investment"] = none_yet(columns, as_of, "figure")
        return
    table = rows[columns].copy()
    shown = [value_and_unit(v, u) for v, u in zip(rows.value, rows.unit)]
    table["value"] = [v for v, _ in shown]
    table["unit"] = [u for _, u in shown]
    h.tables["investment"] = table.reset_index(drop=True)


def headline(frames: dict, params: dict) -> Headline:
    """Every figure, table and chart row of the economy chapter."""
    sources = frames["sources"]
    h = Headline()
    models(h, params)
    adoption(h, cite(frames["economic_index"], sources), params["as_of"])
    productivity(h, cite(frames["researcher_uplift"], sources), params)
    labour(h, cite(frames["labor_market"], sources), params["as_of"])
    money(h, cite(frames["ai_investment"], sources), params["as_of"])
    return h
