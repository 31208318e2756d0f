"""The mosaic: the book's landing chapter, reading every other chapter's published outputs.

It never reads another chapter's CSVs. From the outputs and figures the other chapters
publish (frames '<chapter>:<output>' and '<chapter>:figures') and from its own definitions
in data/mosaic/ it computes:

- the strands on one scale (`strands`), their scoreboard and months to 90% of threshold;
- a transparent model of "an AI system could plausibly build its own successor": every
  default threshold in data/mosaic/thresholds.csv met, drawn from each strand's bootstrap
  replicates (independently across strands), giving P(by the end of each target year);
  a threshold whose strand cannot be projected makes the probability an upper bound;
- the METR strand under the book's growth forms (`growth`, the same fits the forecasts chapter
  backtests), mixed by that chapter's backtest weights (`forecasts:growth_form_scores`) when it
  publishes them, shown apart until then;
- a sensitivity table over the thresholds, engineering against research, the four views
  of automation, the objections, and what the model cannot see;
- a common capability scale (`capability`) where the benchmarks overlap enough, and the
  overlap matrix where they do not;
- the comparison with Clark's forecast and the public forecasts (as the alignment clock
  publishes them, `alignment_clock:public_forecasts`, each with its own target event), and the
  objections with the observations the forecasts chapter records (`forecasts:objection_observations`).
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from . import capability as cap
from . import growth
from .coding import duration
from .economy import ALL_CONVERSATIONS
from .figures import Figure, Headline, missing, newest, parameter, published, sentence, sig
from .replication import TRACKS
from .strands import CLIP, Reach, Strand, day, records, share_fit
from .trends import DAYS_PER_MONTH

D = dt.date

MINUTES_PER_HOUR = 60
CURVE_TOP = 1e7  # minutes: growth curves are drawn no higher (about a century of working months)
SHARE = "share of the ceiling"
KIND_WORDS = {"engineering": "engineering", "research": "research"}
FORM_WORDS = {"exponential": "exponential", "piecewise": "piecewise, with a fitted break",
              "bounded superexponential": "bounded superexponential", "logistic": "logistic"}


# -- Reading other chapters' outputs ------------------------------------------------------------
def output(frames: dict, name: str) -> pd.DataFrame | None:
    """Another chapter's published output ('chapter:name'), or None when it publishes none."""
    frame = frames.get(name)
    return None if frame is None else frame


def figure(frames: dict, ref: str) -> dict | None:
    """A figure another chapter published ('chapter:key'), with a value, or None."""
    row = published(frames, *ref.split(":", 1))
    value = None if row is None else row.get("value")
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return row


def as_of_of(f: dict | None) -> dt.date | None:
    value = None if f is None else f.get("as_of")
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


# -- Words -----------------------------------------------------------------------------------
def pct(p: float) -> str:
    """A probability as a whole percentage; below 1% and above 99% say so rather than round to 0 or 100.

    Every probability here is a share of random draws: none drawn or all drawn is not certainty either way.
    """
    if p < 0.01:
        return "under 1%"
    if p > 0.99:
        return "over 99%"
    return f"{p:.0%}"


def month(d: dt.date | None) -> str:
    return "never" if d is None else d.strftime("%B %Y")


def span(lo: dt.date | None, hi: dt.date | None) -> str:
    """An interval of dates; an upper end some replicates never reach says so."""
    if hi is None:
        return f"{month(lo)} or later: some fits never reach it"
    return f"{month(lo)} to {month(hi)}"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def value_text(strand: Strand, v: float) -> str:
    if strand.unit == "minutes":
        return duration(v)
    if strand.unit == "x":
        return f"{v:g}×"
    return f"{v:g}%"


def decimal_year(d: dt.date) -> float:
    start = dt.date(d.year, 1, 1)
    return round(d.year + (d - start).days / ((dt.date(d.year + 1, 1, 1) - start).days), 3)


# -- Thresholds --------------------------------------------------------------------------------
def level_of(row, frames: dict, strand: Strand | None) -> tuple[float | None, str, dt.date | None]:
    """A threshold's level in its strand's unit (minutes, x, or a value on the ceiling's scale), words, and date."""
    if isinstance(row.figure, str) and row.figure:
        f = figure(frames, row.figure)
        if f is None:
            return None, f"not yet published ({row.figure})", None
        value, text, when = float(f["value"]), str(f["text"]), as_of_of(f)
    else:
        value, when = float(row.level), None
        text = (f"{value:.0%} of the ceiling" if row.unit == SHARE else f"{value:g} hours" if row.unit == "hours"
                else f"{value:g}×")
    if row.unit == "hours":
        value *= MINUTES_PER_HOUR
    elif row.unit == SHARE:
        if strand is None or strand.ceiling is None:
            return None, text, when
        if strand.ceiling_basis and not strand.ceiling_basis.startswith("100%"):
            text += f" ({strand.ceiling_basis})"
        value *= strand.ceiling
    return value, text, when


# -- The strands -------------------------------------------------------------------------------
def build_strands(frames: dict, params: dict) -> dict[str, Strand]:
    """Every strand in data/mosaic/strands.csv, read from its chapter's outputs."""
    meta = frames["mosaic_strands"]
    thresholds = frames["mosaic_thresholds"]
    level, n_boot, seed = params["ci_level"], params["n_boot"], params["seed"]
    out: dict[str, Strand] = {}
    tracks = {t.key: t.name for t in TRACKS}
    for row in meta.itertuples():
        s = Strand(row.strand, row.label, row.chapter, row.section or "", row.kind, row.view, "", "%",
                   variant_of=row.variant_of if isinstance(row.variant_of, str) else "")
        if row.strand == "metr":
            _metr(s, frames)
        elif row.strand == "swe_verified":
            _swe(s, frames, level, n_boot, seed)
        elif row.strand in tracks:
            _track(s, frames, tracks[row.strand])
        elif row.strand == "training_speedup":
            _speedup(s, frames)
        elif row.strand == "automation_share":
            _automation(s, frames)
        else:
            s.why = _why_no_series(row.strand, frames)
        on = thresholds[(thresholds.strand == s.key)].sort_values("role", kind="stable")  # default first
        s.threshold_source = on.source_id.iloc[0] if len(on) else row.source_id
        if s.scale == "log" and s.series:
            default = on[on.role == "default"]
            if len(default):
                s.threshold, s.threshold_text, _ = level_of(default.iloc[0], frames, s)
        out[s.key] = s
    return out


def _dates(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values))


def _metr(s: Strand, frames: dict) -> None:
    s.scale, s.unit = "log", "minutes"
    models = output(frames, "coding:metr_models")
    if models is None or models.empty:
        s.why = "the coding chapter had published no METR horizon"
        return
    rec = records(pd.DataFrame({"date": models.release_date, "value": models.p50_minutes, "system": models.model}))
    s.points, s.introduced, s.today = rec, rec.date.iloc[0].date(), rec.date.iloc[-1].date()
    reps = output(frames, "coding:metr_trend_replicates")
    if reps is not None and len(reps):
        s.replicates = reps
    else:
        s.why = "the coding chapter had too few frontier models for a trend"


def _swe(s: Strand, frames: dict, level: float, n_boot: int, seed: int) -> None:
    s.scale, s.ceiling, s.ceiling_basis = "share", 100.0, "100% of the tasks"
    rec = output(frames, "coding:swe_records")
    rows = rec[rec.split == "Verified"] if rec is not None and len(rec) else None
    if rows is None or rows.empty:
        s.why = "no SWE-bench Verified record had been published"
        return
    # The leaderboard appends the models it lists ("[model(s): ...]"); the system's name is enough here.
    pts = records(pd.DataFrame({"date": rows.date, "value": rows.best,
                                "system": rows.system.str.split(" [model(s)", regex=False).str[0]}))
    s.points, s.introduced, s.today = pts, pts.date.iloc[0].date(), pts.date.iloc[-1].date()
    s.replicates = share_fit(pts, s.introduced, s.ceiling, level=level, n_boot=n_boot, seed=seed)
    if s.replicates is None:
        s.why = f"{plural(pts.date.nunique(), 'record-setting date')}, too few to project"


def _track(s: Strand, frames: dict, name: str) -> None:
    s.scale = "share"
    tracks = output(frames, "replication:tracks")
    rows = tracks[tracks.track == name] if tracks is not None and len(tracks) else None
    if rows is None or rows.empty:
        s.why = f"no {name} result had been published"
        return
    s.ceiling, s.ceiling_basis = float(rows.ceiling.iloc[0]), str(rows.ceiling_basis.iloc[0])
    s.points = pd.DataFrame({"date": pd.to_datetime(rows.date), "value": rows.value.astype(float),
                             "system": ""}).reset_index(drop=True)
    entries = output(frames, "replication:entries")
    if entries is not None and len(entries):
        setters = entries[(entries.track == name) & (entries.status == "set a record")]
        lookup = {(d, v): sy for d, v, sy in zip(setters.date, setters.value, setters.system)}
        s.points["system"] = [lookup.get((d.date().isoformat(), v), "") for d, v in zip(s.points.date, s.points.value)]
    s.introduced = dt.date.fromisoformat(str(rows.introduced.iloc[0]))
    s.today = s.points.date.iloc[-1].date()
    reps = output(frames, "replication:track_replicates")
    reps = reps[reps.track == name] if reps is not None and len(reps) else None
    if reps is not None and len(reps):
        s.replicates = reps.reset_index(drop=True)
    else:
        n = s.points.date.nunique()
        s.why = f"{plural(n, 'record-setting date')}, too few to project" if n < 3 else "no upward trend to project"


def _speedup(s: Strand, frames: dict) -> None:
    s.scale, s.unit, s.vendor_only = "log", "x", True
    front = output(frames, "kernels:speedup_frontier")
    if front is None or front.empty:
        s.why = "Anthropic had reported no training speedup"
        return
    s.points = pd.DataFrame({"date": pd.to_datetime(front.release), "value": front.speedup_x.astype(float),
                             "system": front.model}).reset_index(drop=True)
    s.introduced, s.today = s.points.date.iloc[0].date(), s.points.date.iloc[-1].date()
    reps = output(frames, "kernels:speedup_trend_replicates")
    if reps is not None and len(reps):
        s.replicates = reps
    else:
        s.why = "too few models had set a new high to fit a trend"


def _automation(s: Strand, frames: dict) -> None:
    s.scale, s.ceiling, s.ceiling_basis = "share", 100.0, "100% of conversations"
    shares = output(frames, "economy:automation_shares")
    rows = shares[shares.base == ALL_CONVERSATIONS] if shares is not None and len(shares) else None
    if rows is None or rows.empty:
        s.why = "no Economic Index release had been published"
        return
    rows = rows.sort_values("date", kind="stable")
    s.points = pd.DataFrame({"date": pd.to_datetime(rows.date), "value": rows.value.astype(float),
                             "system": "Claude.ai conversations"}).reset_index(drop=True)
    s.introduced, s.today = s.points.date.iloc[0].date(), s.points.date.iloc[-1].date()
    breaks = rows.segment.nunique() - 1
    s.why = (f"a context series with no threshold; the sample changed {plural(breaks, 'time')}, so no trend is "
             "fitted")


def _why_no_series(key: str, frames: dict) -> str:
    if key == "re_bench":
        ai, human = figure(frames, "replication:re_bench_ai_over_human_2h"), \
            figure(frames, "replication:re_bench_human_over_ai_32h")
        if ai is None and human is None:
            return "METR had published no RE-Bench comparison"
        parts = []
        if ai is not None:
            parts.append(f"the best agents scored {ai['text']} the human experts' score at a 2-hour budget")
        if human is not None:
            parts.append(f"the experts scored {human['text']} the agents' at 32 hours")
        when = newest(as_of_of(ai), as_of_of(human))
        return f"one dated comparison ({when.isoformat()}): " + " and ".join(parts)
    if key == "kernelbench":
        n = figure(frames, "kernels:kernel_results")
        fam = figure(frames, "kernels:kernel_families")
        if n is None:
            return "no kernel-writing result had been published"
        return (f"{n['text']} results on {fam['text'] if fam else 'several'} hardware families, with metrics, "
                "baselines and task subsets that differ from row to row")
    if key == "uplift":
        f = figure(frames, "economy:time_trials")
        return (f"{f['text']} randomised trials measure different tools, tasks and people"
                if f is not None else "no randomised trial had been published")
    if key == "alignment":
        figs = frames.get("alignment_clock:figures")
        if figs is None:
            return "this build does not read the alignment chapter"
        n = 0 if figs.empty else len(figs)
        return (f"the alignment chapter publishes {plural(n, 'figure')}, none of them a series of progress "
                "towards a threshold; each measurer defines its own signal")
    return "no series"


# -- Scoreboard --------------------------------------------------------------------------------
def scoreboard(strands: dict[str, Strand], params: dict, ends: dict[int, dt.date],
               publishers: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """One row per strand, and each strand's reach of 90% of its threshold, with the threshold's source."""
    share, level = params["share_of_threshold"], params["ci_level"]
    rows, reaches = [], {}
    for s in strands.values():
        has_threshold = s.scale == "share" and s.kind != "context" or s.scale == "log" and s.threshold is not None
        r = s.reach(s.target(share)) if s.series and has_threshold else None
        reaches[s.key] = r
        months_text, status = "", ""
        if not s.series:
            status = f"no series: {s.why}"
        elif not has_threshold:
            status = s.why or "no threshold"
        elif r.kind == "observed":
            months_text = f"{sig(s.months(r.date)) if s.months(r.date) >= 10 else f'{s.months(r.date):.1f}'} " \
                          f"(observed, {r.date.strftime('%B %Y')})"
            status = "reached"
        elif r.kind == "projected" and r.date is not None:
            lo, hi = r.quantiles(level)
            months_text = f"{sig(s.months(r.date))} (projected, {month(r.date)}; {span(lo, hi)})"
            status = next((f"on course by the end of {y}" for y, end in ends.items() if r.date <= end),
                          f"later than {max(ends)}")
        elif r.kind == "projected":
            status = "not on course: the central trend never reaches it"
        else:
            status = f"cannot project: {r.why}"
        threshold = "" if not has_threshold else s.threshold_text if s.scale == "log" else s.ceiling_basis
        rows.append({
            "strand": s.label, "href": f"{s.chapter}.html" + (f"#{s.section}" if s.section else ""),
            "chapter": s.chapter, "view": s.view, "kind": s.kind,
            "introduced": s.introduced.isoformat() if s.introduced else "",
            "launch": value_text(s, s.first) if s.series else "",
            "latest": f"{value_text(s, s.latest)} ({s.today.isoformat()})" if s.series else "",
            "threshold": threshold, "threshold_source": publishers.get(s.threshold_source, "") if has_threshold else "",
            "months": months_text,
            "status": status + (f" (re-scores {strands[s.variant_of].label}; counted once)" if s.variant_of
                                and s.variant_of in strands else "") + ("; vendor-reported only" if s.vendor_only
                                                                        else "")})
    return pd.DataFrame(rows), reaches


# -- The model: every threshold met ------------------------------------------------------------
class Need:
    """One default threshold: its capability, strand, level, and when its strand reaches it."""

    def __init__(self, row, strand: Strand | None, level: float | None, text: str, when: dt.date | None):
        self.id, self.capability, self.kind = row.threshold, row.capability, row.kind
        self.strand, self.level, self.text, self.source, self.why = strand, level, text, row.source_id, row.why
        self.unit, self.published = row.unit, when
        if strand is None:
            why = f"no strand '{row.strand}'"
        elif not strand.series:
            why = strand.why
        elif level is None:
            why = f"its level, the figure {row.figure}, was not yet published"
        else:
            why = ""
        self.reach = strand.reach(level) if not why else Reach("cannot project", None, np.array([]), why)

    def variant(self, level: float, text: str) -> "Need":
        other = object.__new__(Need)
        other.__dict__.update(self.__dict__)
        other.level, other.text = level, text
        other.reach = self.strand.reach(level)
        return other


def needs(frames: dict, strands: dict[str, Strand], role: str = "default") -> list[Need]:
    out = []
    for row in frames["mosaic_thresholds"].itertuples():
        if row.role != role:
            continue
        s = strands.get(row.strand)
        level, text, when = level_of(row, frames, s)
        out.append(Need(row, s, level, text, when))
    return out


def draws_of(need: Need, n: int, rng: np.random.Generator, override: np.ndarray | None = None) -> np.ndarray | None:
    """n dates (day numbers; inf = never) on which the need is met; None when it cannot be projected."""
    r = need.reach
    if override is not None:
        return np.nan_to_num(rng.choice(override, size=n), nan=np.inf)
    if r.kind == "observed":
        return np.full(n, float(r.draws[0]))
    if r.kind == "projected" and len(r.draws):
        return np.nan_to_num(rng.choice(r.draws, size=n), nan=np.inf)
    return None


def joint(ns: list[Need], ends: dict[int, dt.date], n: int, seed: int, overrides: dict | None = None) -> dict:
    """P(every need met by each end date), with the needs that could not be projected (an upper bound if any)."""
    rng = np.random.default_rng(seed)
    overrides = overrides or {}
    known, unknown = [], []
    for need in ns:
        d = draws_of(need, n, rng, overrides.get(need.id))
        (known if d is not None else unknown).append((need, d))
    if not known:
        return {"p": {y: None for y in ends}, "unknown": [x for x, _ in unknown], "all": None}
    all_met = np.max(np.vstack([d for _, d in known]), axis=0)
    return {"p": {y: float(np.mean(all_met <= end.toordinal())) for y, end in ends.items()},
            "unknown": [x for x, _ in unknown], "all": all_met}


def p_text(result: dict, year: int) -> str:
    p = result["p"][year]
    if p is None:
        return "not computable"
    if result["unknown"]:  # an upper bound: rounded up, never down
        return "over 99% (an upper bound)" if p > 0.99 else f"at most {np.ceil(100 * p - 1e-9):.0f}%"
    return pct(p)


# -- The METR horizon under the growth forms ------------------------------------------------------
class Forms:
    """The growth forms fitted to the METR frontier the coding chapter publishes, and the dates they cross a level.

    Each form's crossing date is read from its predictive distribution (`growth.FormFit.crossings`), the one
    the forecasts chapter's backtest scores, and never falls before the newest model measured (`start`).
    """

    def __init__(self, frames: dict, start: float, n: int):
        pts = output(frames, "coding:metr_frontier")
        self.start, self.n = start, n
        self._draws: dict[float, dict[str, np.ndarray]] = {}
        self.fits: dict[str, growth.FormFit | None] = {}
        if pts is not None and len(pts):
            x = [d.toordinal() for d in pd.to_datetime(pts.release_date).dt.date]
            self.fits = growth.fit_all(x, pts.p50_minutes.to_numpy(float))

    def fitted(self) -> dict[str, growth.FormFit]:
        return {name: f for name, f in self.fits.items() if f is not None}

    def draws(self, level: float) -> dict[str, np.ndarray]:
        """Each fitted form's crossing-date draws (day numbers; NaN: not within growth.SEARCH_YEARS)."""
        if level not in self._draws:
            self._draws[level] = {name: f.crossings(level, self.start, self.n) for name, f in self.fitted().items()}
        return self._draws[level]


def mixed(draws: dict[str, np.ndarray], weights: dict[str, float] | None, default: str, n: int,
          seed: int) -> np.ndarray | None:
    """The METR need's dates: the forms mixed by the backtest's weights, or the default form until there are any."""
    if weights:
        return growth.mixture(draws, weights, n, np.random.default_rng(seed + 1))
    return draws.get(default)


def weight_text(w: float) -> str:
    """A form's weight to a tenth of a percent: weights this sharp would read 100% and 0% rounded further."""
    return "100%" if w >= 0.9995 else f"{w:.1%}" if w >= 0.001 else "under 0.1%"


# -- Engineering against research ---------------------------------------------------------------
def rate(s: Strand, when: dt.date) -> float | None:
    """Points of progress a year on the common scale at `when`, from the central trend (None without one)."""
    if not s.projectable:
        return None
    b = s.band([when, when + dt.timedelta(days=365)], 0.5)
    return float(100 * (b.mid.iloc[1] - b.mid.iloc[0]))


def lag(strands: dict[str, Strand], reaches: dict, today: dt.date) -> dict:
    """Median date engineering and research strands reach 90% of their thresholds, and their current rates."""
    out = {}
    for kind in ("engineering", "research"):
        dates, rates, unknown = [], [], []
        for s in strands.values():
            r = reaches.get(s.key)
            if s.kind != kind or r is None or s.variant_of:
                continue
            if r.kind in ("observed", "projected") and r.date is not None:
                dates.append(r.date)
            else:
                unknown.append(s.label)
            v = rate(s, today)
            if v is not None and r.kind != "observed":
                rates.append(v)
        mid = None if not dates else dt.date.fromordinal(int(np.median([d.toordinal() for d in dates])))
        out[kind] = {"median": mid, "n": len(dates), "unknown": unknown,
                     "rate": float(np.median(rates)) if rates else None, "rated": len(rates)}
    return out


# -- The headline ------------------------------------------------------------------------------
def headline(frames: dict, params: dict) -> Headline:
    """Every figure, table and chart row of the landing chapter."""
    as_of, level = params["as_of"], params["ci_level"]
    years = [int(y) for y in params["target_years"]]
    ends = {y: dt.date(y, 12, 31) for y in years}
    h = Headline()
    h.add(parameter("ci_level", level, f"{level:.0%}", "Interval level"),
          parameter("share_of_threshold", params["share_of_threshold"], f"{params['share_of_threshold']:.0%}",
                    "Share of a threshold the scoreboard times"),
          parameter("n_draws", params["n_draws"], f"{params['n_draws']:,}", "Draws of the model"),
          parameter("first_year", years[0], str(years[0]), "First target year"),
          parameter("last_year", years[-1], str(years[-1]), "Last target year"))

    strands = build_strands(frames, params)
    src = frames["sources"]
    board, reaches = scoreboard(strands, params, ends, dict(zip(src.source_id, src.publisher)))
    h.tables["scoreboard"] = board
    used = [s for s in strands.values() if s.series]
    newest_data = newest(*(s.today for s in used)) if used else None
    _strand_figures(h, strands, reaches, params, as_of)
    _on_course(h, strands, reaches, ends, as_of)
    result, forms, weighting = _model(h, frames, strands, params, ends, as_of)
    _clark(h, frames, years, as_of)
    _aliases(h, years)
    _lede(h, years, newest_data, as_of)
    _sensitivity(h, frames, strands, params, ends, forms, weighting)
    _comparison(h, frames, params, years, result, newest_data)
    _engineering_research(h, strands, reaches, newest_data or as_of, as_of)
    _views(h, frames, strands, reaches, ends)
    _objections(h, frames, strands)
    _cannot_see(h, frames, strands)
    _capability(h, frames, strands, params, as_of)
    _charts(h, frames, strands, params, ends, forms)
    return h


def _strand_figures(h, strands, reaches, params, as_of):
    share, level = params["share_of_threshold"], params["ci_level"]
    rows = []
    for s in strands.values():
        r = reaches.get(s.key)
        if r is None:
            continue
        key = f"mosaic_months_{s.key}"
        label = f"{s.label}: months from the first result to {share:.0%} of its threshold"
        if r.kind == "observed":
            m = s.months(r.date)
            h.add(Figure(key, round(m, 1), f"{m:.1f} months (observed)", "months", label, as_of=s.today))
            rows.append({"strand": s.key, "months": round(m, 1), "low": None, "high": None, "kind": "observed"})
        elif r.kind == "projected" and r.date is not None:
            lo, hi = r.quantiles(level)
            m, mlo, mhi = s.months(r.date), s.months(lo), s.months(hi)
            ci = (round(mlo, 1), round(mhi, 1)) if mlo is not None and mhi is not None and \
                round(mlo, 1) < round(mhi, 1) else None
            h.add(Figure(key, round(m, 1), f"{sig(m)} months (projected)", "months", label, ci=ci,
                         ci_level=level if ci else None, as_of=s.today,
                         note="" if mhi is not None else "the upper end lies beyond where the replicates reach it"))
            rows.append({"strand": s.key, "months": round(m, 1), "low": ci[0] if ci else None,
                         "high": ci[1] if ci else None, "kind": "projected"})
        else:
            h.add(missing(key, label, "months", as_of, r.why or "cannot project"))
    h.outputs["strand_months"] = pd.DataFrame(rows, columns=["strand", "months", "low", "high", "kind"])


def _on_course(h, strands, reaches, ends, as_of):
    counted = [(s, reaches[s.key]) for s in strands.values() if reaches.get(s.key) is not None and not s.variant_of]
    when = newest(*(s.today for s, _ in counted)) if counted else None
    h.add(Figure("mosaic_strands_with_threshold", len(counted), str(len(counted)), "strands",
                 "Strands with a series and a threshold", as_of=when))
    cannot = sum(r.kind == "cannot project" for _, r in counted)
    h.add(sentence("strands_cannot_project", plural(cannot, "strand")),
          sentence("strands_with_threshold", plural(len(counted), "strand")))
    first = min(ends)
    on_first = sum(r.date is not None and r.kind in ("observed", "projected") and r.date <= ends[first]
                   for _, r in counted)
    h.add(sentence("progress_finding",
                   f"{on_first} of {len(counted)} strands reach 90% of their thresholds by the end of {first}: "
                   "progress on one scale, % of the way to each threshold" if counted else
                   "No strand had a series yet: progress on one scale, % of the way to each threshold"))
    for y, end in ends.items():
        on = sum(r.date is not None and r.kind in ("observed", "projected") and r.date <= end for _, r in counted)
        h.add(Figure(f"mosaic_on_course_{y}", on, str(on), "strands",
                     f"Strands reaching 90% of their threshold by the end of {y} (observed or on the central projection)",
                     as_of=when if counted else None))


def _model(h, frames, strands, params, ends, as_of):
    n, seed, level = params["n_draws"], params["seed"], params["ci_level"]
    ns = needs(frames, strands)
    metr = next((x for x in ns if x.strand is not None and x.strand.key == "metr"), None)
    default_form = params["growth_form"]
    if default_form not in growth.FORMS:
        raise ValueError(f"growth_form must be one of {', '.join(growth.FORMS)}, got {default_form!r}")
    weights = growth.weights(frames.get("forecasts:growth_form_scores"))
    forms = Forms(frames, float(metr.strand.today.toordinal()), params["n_boot"]) \
        if metr is not None and metr.strand.series and metr.level is not None else None
    projected = forms is not None and metr.reach.kind != "observed"
    per_form_draws = forms.draws(metr.level) if projected else {}
    overrides = {}
    if projected:
        d = mixed(per_form_draws, weights, default_form, n, seed)
        if d is not None:
            overrides[metr.id] = d
        how = ("the growth forms mixed by how well each would have forecast the past (the forecasts chapter's "
               "backtests)"
               if weights and d is not None else
               f"the {FORM_WORDS[default_form]} form, until the forecasts chapter's backtests can weight the forms"
               if d is not None else
               f"no growth form yet: too few METR measurements to fit the {FORM_WORDS[default_form]} form")
    else:
        how = "the horizon it needs, already observed" if metr is not None and metr.reach.kind == "observed" else \
            "no growth form yet: too few METR measurements"
    h.add(sentence("model_growth", how))
    result = joint(ns, ends, n, seed, overrides)
    per_form = {f: joint(ns, ends, n, seed, {**overrides, metr.id: d}) for f, d in per_form_draws.items()}
    when = newest(*(x.strand.today for x in ns if x.strand is not None and x.strand.series),
                  *(x.published for x in ns))
    rows = []
    for y in ends:
        key = f"mosaic_p_{y}"
        label = f"Probability that every default threshold is met by the end of {y} (the book's model)"
        p = result["p"][y]
        for kind in ("engineering", "research"):
            part = joint([x for x in ns if x.kind == kind], ends, n, seed, overrides)
            k2 = f"mosaic_p_{kind}_{y}"
            l2 = f"Probability that every default {kind} threshold is met by the end of {y}"
            if part["p"][y] is None:
                h.add(missing(k2, l2, "%", as_of, f"no {kind} threshold could be projected"))
            else:
                h.add(Figure(k2, round(100 * part["p"][y], 1), p_text(part, y), "%", l2, as_of=when,
                             note="An upper bound" if part["unknown"] else ""))
        if p is None:
            h.add(missing(key, label, "%", as_of, "no threshold's strand could be projected"),
                  sentence(f"p_{y}_range", "no range"))
            rows.append({"year": y, "p": None, "low": None, "high": None, "upper_bound": bool(result["unknown"])})
            continue
        spread = [v["p"][y] for v in per_form.values() if v["p"][y] is not None]
        lo, hi = (min(spread), max(spread)) if spread else (None, None)
        ci = (round(100 * lo, 1), round(100 * hi, 1)) if lo is not None and round(100 * lo, 1) < round(100 * hi, 1) \
            else None
        note = ("An upper bound: " + ", ".join(x.capability for x in result["unknown"]) + " could not be projected. "
                if result["unknown"] else "") + ("The interval is the range across growth forms of the METR horizon."
                                                 if ci else "")
        h.add(Figure(key, round(100 * p, 1), p_text(result, y), "%", label, ci=ci, as_of=when, note=note.strip()),
              sentence(f"p_{y}_range", f"{pct(lo)} to {pct(hi)} across growth forms" if ci else
                       "the same under every growth form" if spread else "one growth form only"))
        rows.append({"year": y, "p": round(p, 4), "low": None if lo is None else round(lo, 4),
                     "high": None if hi is None else round(hi, 4), "upper_bound": bool(result["unknown"])})
    h.outputs["p_by_year"] = pd.DataFrame(rows, columns=["year", "p", "low", "high", "upper_bound"])
    unknown = result["unknown"]
    listed = "; ".join(f"{x.capability} ({x.reach.why})" for x in unknown)
    h.add(sentence("model_unknown",
                   "Every threshold's strand could be projected, so these are probabilities, not bounds"
                   if not unknown else f"No threshold's strand can be projected yet: {listed}"
                   if len(unknown) == len(ns) else
                   f"Not yet projectable: {listed}. Each probability is therefore an upper bound: the chance that "
                   "every other threshold is met"))
    # The thresholds table: each need, its level, source and when its strand reaches it.
    trows = []
    for x in ns:
        r = x.reach
        lo, hi = r.quantiles(level)
        if x.id in overrides:  # the model's own dates for this need (the growth forms), not the strand's trend
            d = overrides[x.id]
            r = Reach("projected", day(np.quantile(np.nan_to_num(d, nan=np.inf), 0.5, method="inverted_cdf")), d, "")
            lo, hi = r.quantiles(level)
        trows.append({"capability": x.capability, "kind": x.kind,
                      "strand": x.strand.label if x.strand is not None else x.id, "level": x.text,
                      "why": x.why, "source_id": x.source,
                      "source": dict(zip(frames["sources"].source_id, frames["sources"].publisher)).get(x.source, ""),
                      "when": (f"reached {month(r.date)}" if r.kind == "observed" else
                               f"{month(r.date)} ({span(lo, hi)})" if r.kind == "projected" else
                               f"cannot project: {r.why}"),
                      **{f"by_{which}": (pct(r.share_by(ends[y])) if r.kind != "cannot project" else "unknown")
                         for which, y in (("first", min(ends)), ("last", max(ends)))}})
    h.tables["thresholds"] = pd.DataFrame(trows)
    # Each growth form, shown apart: its median crossing date and the interval's ends, from its predictive.
    frows, dated = [], []
    for name in growth.FORMS if forms is not None else ():
        f = forms.fits.get(name)
        if f is None:
            frows.append({"form": FORM_WORDS[name], "key": name, "fitted": False, "reaches": "not fitted",
                          "never_share": "", "note": growth.too_few(name), "weight": "", "p_first": "", "p_last": ""})
            continue
        lo, mid, hi = (None if v is None else day(v) for v in
                       f.reaches(metr.level, forms.start, ((1 - level) / 2, 0.5, (1 + level) / 2)))
        d = per_form_draws.get(name)
        if mid is not None:
            dated.append(mid)
        frows.append({"form": FORM_WORDS[name], "key": name, "fitted": True,
                      "reaches": f"{month(mid)} ({span(lo, hi)})" if mid is not None else
                      f"not within {growth.SEARCH_YEARS} years on the central fit",
                      "never_share": pct(float(np.mean(np.isnan(d)))) if d is not None else "",
                      "note": f.note, "weight": weight_text(weights[name]) if weights and name in weights else "",
                      **{f"p_{which}": p_text(per_form[name], y) if name in per_form else ""
                         for which, y in (("first", min(ends)), ("last", max(ends)))}})
    h.tables["forms"] = pd.DataFrame(frows, columns=["form", "key", "fitted", "reaches", "never_share", "note",
                                                     "weight", "p_first", "p_last"])
    h.add(sentence("forms_finding",
                   f"Depending on the growth form, the METR horizon reaches {metr.text} between "
                   f"{month(min(dated))} and {month(max(dated))} (50% horizon, minutes, log scale)" if dated else
                   "Too few METR measurements to compare growth forms (50% horizon, minutes, log scale)"),
          sentence("threshold_month", metr.text if metr is not None else "no threshold"),
          parameter("mosaic_threshold_minutes", metr.level if metr is not None and metr.level else None,
                    metr.text if metr is not None and metr.level else "none",
                    "Long-horizon engineering threshold in minutes"))
    h.add(sentence("forms_weighted", "weighted by the forecasts chapter's backtests" if weights else
                   "shown apart: the forecasts chapter has not yet scored them"))
    _weights_finding(h, weights, result, per_form, ends)
    return result, forms, (weights, default_form)


# What a growth form's dates cannot see, said wherever the model leans on that form.
FORM_CAVEATS = {
    "piecewise": ("That form takes its fitted break as known: its dates leave out the doubt about when the break "
                  "came, so probabilities that lean on it are surer than the data alone warrant, and the range "
                  "across forms is the better guide"),
}


def _weights_finding(h, weights, result, per_form, ends):
    """How sharp the backtest's weights are, and what that does to the model's probability."""
    if not weights or not per_form:
        h.add(sentence("forms_weight_finding",
                       "Until the forecasts chapter scores the growth forms, the model uses one form, and the range "
                       "across forms shows what the others would give" if per_form else
                       "No growth form enters the model yet"))
        return
    top = max(weights, key=weights.get)
    rest = sorted((w, f) for f, w in weights.items() if f != top)
    same = top in per_form and all(p_text(result, y) == p_text(per_form[top], y) for y in ends)
    h.add(sentence("forms_weight_finding",
                   f"The backtests give the {top} form {weight_text(weights[top])} of the weight"
                   + (" (" + ", ".join(f"{f} {weight_text(w)}" for w, f in reversed(rest)) + ")"
                      if rest else "")
                   + (", so the model's probabilities below are that form's alone, to the precision shown; the "
                      "range in brackets after each is what the forms give one at a time" if same else
                      "; the range in brackets after each probability below is what the forms give one at a time")
                   + (f". {FORM_CAVEATS[top]}" if top in FORM_CAVEATS else "")))


def _clark(h, frames, years, as_of):
    forecasts = output(frames, "alignment_clock:public_forecasts")
    found = clark_forecasts(forecasts) if forecasts is not None else {}
    for y in years:
        f = found.get(y)
        h.add(sentence(f"clark_{y}", f["value"] if f else "no forecast yet"))
    h.add(sentence("clark_made", next(iter(found.values()))["made"] if found else
                   "had not been made" + (f" by {as_of.isoformat()}" if as_of else "")))


def clark_forecasts(forecasts: pd.DataFrame, who: str = "Jack Clark") -> dict[int, dict]:
    """Clark's probabilities by target year, as the essay states them ('30%', '60%+')."""
    rows = forecasts[forecasts.forecaster.str.contains(who, regex=False) & (forecasts.value_type == "probability")]
    out = {}
    for r in rows.itertuples():
        m = re.match(r"\s*(\d+(?:\.\d+)?%\+?)", str(r.probability_or_value))
        year = int(r.target_year) if pd.notna(r.target_year) else None
        if m and year:
            out[year] = {"value": m.group(1), "made": str(r.date_made), "event": str(r.target_event)}
    return out


def _aliases(h, years):
    """The first and last target year's texts under fixed names, so the prose reads whatever the years."""
    for which, y in (("first", years[0]), ("last", years[-1])):
        for name in ("p", "p_engineering", "p_research"):
            h.add(sentence(f"{name}_{which}", h.text(f"mosaic_{name}_{y}")))
        h.add(sentence(f"p_{which}_range", h.text(f"p_{y}_range")),
              sentence(f"clark_{which}", h.text(f"clark_{y}")),
              sentence(f"on_course_{which}", h.text(f"mosaic_on_course_{y}")))


def _lede(h, years, newest_data, as_of):
    t = h.text
    first, last = years[0], years[-1]
    n = h.value("mosaic_strands_with_threshold")
    on = h.value(f"mosaic_on_course_{first}")
    counts = (f"Of {t('strands_with_threshold')} with a threshold, {t('on_course_first')} "
              f"{'reaches' if on == 1 else 'reach'} {t('share_of_threshold')} of it by the end of {first} on "
              f"{'its record or central projection' if n == 1 else 'their records or central projections'}, and "
              f"{t('on_course_last')} by the end of {last}")
    if h.value(f"mosaic_p_{first}") is None:
        probs = (f"Too few strands can be projected yet for this page's model to say how likely it is that an AI "
                 f"system meets every threshold the book sets for building its own successor by the end of {first} "
                 f"or {last}" + (f" (Clark: {t('clark_first')} and {t('clark_last')})"
                                 if t("clark_first") != "no forecast yet" else ""))
    else:
        probs = (f"On this page's model, the chance that an AI system meets every threshold the book sets for "
                 f"building its own successor is {t('p_first')} by the end of {first} (Clark: {t('clark_first')}) "
                 f"and {t('p_last')} by the end of {last} (Clark: {t('clark_last')})")
        if t("p_first_range").endswith("across growth forms"):  # the model leans on one form: say how far it moves
            probs += (f"; the growth forms of the time horizon, taken one at a time, give "
                      f"{t('p_first_range').removesuffix(' across growth forms')} for {first}")
    h.add(sentence("lede_counts", counts), sentence("lede_probabilities", probs))
    if newest_data is None:
        h.add(missing("mosaic_newest_data", "Newest result behind the mosaic", "date", as_of,
                      "no chapter had published a result"))
    else:
        h.add(Figure("mosaic_newest_data", newest_data.isoformat(), newest_data.strftime("%-d %B %Y"), "date",
                     "Newest result behind the mosaic", as_of=newest_data))


def _sensitivity(h, frames, strands, params, ends, forms, weighting):
    n, seed = params["n_draws"], params["seed"]
    weights, default_form = weighting
    ns = needs(frames, strands)
    rows = []

    def add(change: str, variant: list[Need]):
        # The METR need's dates come from the growth forms at whatever level this row sets, as in the headline.
        overrides = {}
        for x in variant:
            if forms is not None and x.strand is not None and x.strand.key == "metr" and x.level is not None \
                    and x.reach.kind != "observed":
                d = mixed(forms.draws(x.level), weights, default_form, n, seed)
                if d is not None:
                    overrides[x.id] = d
        res = joint(variant, ends, n, seed, overrides)
        unknown = ", ".join(x.capability for x in res["unknown"])
        rows.append({"change": change, "p_first": p_text(res, min(ends)), "p_last": p_text(res, max(ends)),
                     "unknown": unknown if not rows or unknown != rows[0]["unknown"] else "as above"})

    add("The book's thresholds", ns)
    for i, x in enumerate(ns):
        others = ns[:i] + ns[i + 1:]
        if x.level is not None and x.strand is not None:
            if x.unit == SHARE:
                for q in params["sensitivity_shares"]:
                    v = x.variant(q * x.strand.ceiling, f"{q:.0%} of the ceiling")
                    add(f"{x.capability} at {v.text}", others[:i] + [v] + others[i:])
            else:
                for k in params["sensitivity_factors"]:
                    v = x.variant(x.level * k, value_text(x.strand, x.level * k))
                    add(f"{x.capability} at {v.text} ({k:g}×)", others[:i] + [v] + others[i:])
        add(f"Without {x.capability}", others)
    for alt in needs(frames, strands, "alternative"):
        same = [x for x in ns if x.capability == alt.capability]
        rest = [x for x in ns if x.capability != alt.capability]
        if same:
            add(f"{alt.capability} on {alt.strand.label if alt.strand else alt.id} ({alt.text})", rest + [alt])
    h.tables["sensitivity"] = pd.DataFrame(rows)


def _comparison(h, frames, params, years, result, newest_data):
    forecasts = output(frames, "alignment_clock:public_forecasts")
    rows = [{"who": "This page's model", "made": newest_data.isoformat() if newest_data else "",
             "event": "every default threshold in the table above met (an AI system could plausibly build its "
                      "own successor)",
             "target": ", ".join(f"end of {y}" for y in years),
             "value": "; ".join(f"{p_text(result, y)} by {y}" for y in years), "kind": "probability"}]
    missing_groups = []
    for who in params["compare"]:
        got = forecasts[forecasts.forecaster.str.contains(who, regex=False)] if forecasts is not None else []
        if len(got) == 0:
            missing_groups.append(who)
            continue
        for r in got.itertuples():
            rows.append({"who": r.forecaster, "made": str(r.date_made), "event": r.target_event,
                         "target": r.target_as_written, "value": r.probability_or_value, "kind": r.value_type})
    h.tables["comparison"] = pd.DataFrame(rows)
    h.add(sentence("comparison_missing",
                   "Every forecaster listed has a row in the forecasts data" if not missing_groups else
                   "No row yet in the forecasts data for: " + "; ".join(missing_groups)))


def _engineering_research(h, strands, reaches, today, as_of):
    if today is None:
        h.add(missing("mosaic_research_lag_months", "Research strands' lag behind engineering strands", "months",
                      as_of, "no strand had data"),
              sentence("lag_sentence", "No strand had data by this date."))
        h.tables["kinds"] = pd.DataFrame()
        return
    info = lag(strands, reaches, today)
    eng, res = info["engineering"], info["research"]
    rows = []
    for kind, v in info.items():
        rows.append({"kind": kind, "strands": v["n"], "median": month(v["median"]) if v["median"] else "none",
                     "rate": f"{v['rate']:.0f} points a year" if v["rate"] is not None else "no trend",
                     "unknown": ", ".join(v["unknown"])})
    h.tables["kinds"] = pd.DataFrame(rows)
    if eng["median"] is None or res["median"] is None:
        h.add(missing("mosaic_research_lag_months", "Research strands' lag behind engineering strands", "months",
                      as_of, "engineering or research strands could not be projected"),
              sentence("lag_sentence", "Too few engineering or research strands can be projected to compare them."))
        return
    months = (res["median"] - eng["median"]).days / DAYS_PER_MONTH
    when = newest(*(s.today for s in strands.values() if s.series and s.kind in ("engineering", "research")))
    size = "under a month" if abs(months) < 1 else f"{abs(months):.0f} months"
    h.add(Figure("mosaic_research_lag_months", round(months, 1), size, "months",
                 "Median date research strands reach 90% of their thresholds, minus the median for engineering strands",
                 as_of=when, note=f"{eng['n']} engineering and {res['n']} research strands with a date"))
    direction = "after" if months > 0 else "before"
    text = (f"Research strands reach 90% of their thresholds a median {size} {direction} "
            f"engineering strands ({month(res['median'])} against {month(eng['median'])}; "
            f"{plural(res['n'], 'research strand')} and {plural(eng['n'], 'engineering strand')} with a date")
    text += (f"; {', '.join(res['unknown'])} cannot be projected yet, so the research date is an early bound)"
             if res["unknown"] else ")")
    if eng["rate"] is not None and res["rate"] is not None:
        shrinking = res["rate"] > eng["rate"]
        text += (f". On the common scale, research strands now gain about {res['rate']:.0f} points a year against "
                 f"{eng['rate']:.0f} for engineering strands, so the lag is "
                 f"{'shrinking' if shrinking else 'not shrinking'}")
    h.add(sentence("lag_sentence", text + "."))


def _views(h, frames, strands, reaches, ends):
    last = max(ends)
    rows = []
    model = [s for s in strands.values() if s.view == "model" and s.series and s.kind != "context" and not s.variant_of]
    on = [s for s in model if reaches.get(s.key) is not None and reaches[s.key].date is not None
          and reaches[s.key].date <= ends[last]]
    rows.append({"view": "model", "strands": ", ".join(s.label for s in strands.values() if s.view == "model"),
                 "says": (f"{len(on)} of {len(model)} benchmark series reach 90% of their threshold by the end of "
                          f"{last}" if model else "no benchmark series yet")})
    effect = figure(frames, "economy:featured_trial_effect")
    believed = figure(frames, "economy:featured_trial_perceived")
    if effect is None:
        says = "no public evidence in the book: no randomised trial of researchers had been published"
    else:
        says = f"{effect['label'].split(':')[0]}: developers took {effect['text']} per task with AI"
        says += f", while believing it saved them {believed['text'].replace(' time', '')}" if believed else ""
    rows.append({"view": "researcher", "strands": "Researcher uplift (randomised trials)", "says": says})
    sp = strands.get("training_speedup")
    best, expert = figure(frames, "kernels:training_speedup_best"), figure(frames, "kernels:training_speedup_expert_x")
    if sp is None or not sp.series or best is None:
        says = "no public evidence in the book"
    else:
        says = (f"the best training-code speedup is {best['text']}, against the expert's "
                f"{expert['text'] if expert else 'reference'}; vendor-reported only, on a lab's internal task: no "
                "independent measurement of a lab's own acceleration exists")
    rows.append({"view": "lab", "strands": sp.label if sp else "", "says": says})
    share = figure(frames, "economy:automation_share_latest")
    firms = figure(frames, "economy:firm_ai_use_latest")
    parts = []
    if share is not None:
        parts.append(f"{share['text']} of Claude.ai conversations automate rather than augment ({share['label']})")
    if firms is not None:
        parts.append(f"{firms['text']} of US firms used AI ({firms['label']})")
    rows.append({"view": "economy", "strands": "Automation shares, firm adoption",
                 "says": "; ".join(parts) if parts else "no public evidence in the book"})
    h.tables["views"] = pd.DataFrame(rows)
    empty = [r["view"] for r in rows if r["says"].startswith("no public evidence")]
    h.add(sentence("views_missing", "Every view has some public evidence in the book, the lab view only from a "
                   "lab's own reports" if not empty else
                   "No public evidence in the book for the " + " and ".join(empty) + " view"
                   + ("s" if len(empty) > 1 else "")))


def evidence_text(key: str, frames: dict, h: Headline) -> str:
    """What the book's data say on one objection (see data/mosaic/README.md for the keys)."""
    if key == "engineering_vs_research":
        return h.text("lag_sentence")
    if key == "compute":
        return ("None of the book's strands measures compute; the economy chapter lists investment and compute "
                "only for context. The model cannot see it.")
    if key == "long_work":
        p50, p80 = figure(frames, "coding:metr_latest_p50_minutes"), figure(frames, "coding:metr_latest_p80_minutes")
        if p50 is None or p80 is None:
            return "The book has no measure of work over long iterations yet."
        ratio = float(p50["value"]) / float(p80["value"])
        return (f"The newest METR measurement gives a 50% horizon of {p50['text']} but an 80% horizon of "
                f"{p80['text']}, {sig(ratio)} times shorter: reliability falls fast with length. The book holds no "
                "long iterative benchmark.")
    if key == "better_data":
        gap = figure(frames, "coding:swe_vendor_gap")
        text = "No strand separates gains from training data and gains from automation."
        if gap is not None:
            text += (f" For the same model, vendors report a median {gap['text']} more on SWE-bench Verified "
                     "than independent runs measure.")
        return text
    if key == "eval_design":
        auto, manual = figure(frames, "replication:core_best_auto"), figure(frames, "replication:core_best")
        leak = figure(frames, "replication:mle_left_out_best")
        parts = []
        if auto is not None and manual is not None:
            parts.append(f"CORE-Bench Hard was called solved at {manual['text']} with hand-checked grading, against "
                         f"{auto['text']} under its automated grading")
        if leak is not None:
            parts.append(f"MLE-bench's highest entry, {leak['text']}, is left out for {leak['label'].split(': ')[-1]}")
        return ("; ".join(parts) + ".") if parts else "No benchmark in the book had been flagged yet."
    if key == "automating_a_job":
        effect = figure(frames, "economy:featured_trial_effect")
        share = figure(frames, "economy:automation_share_latest")
        parts = []
        if effect is not None:
            parts.append(f"in {effect['label'].split(':')[0]}, developers took {effect['text']} per task with AI")
        if share is not None:
            parts.append(f"{share['text']} of Claude.ai conversations automate a task rather than augment it")
        return ("Benchmarks time tasks, not jobs: " + "; ".join(parts) + ".") if parts else \
            "The book has no measure of whole jobs."
    raise ValueError(f"data/mosaic/objections.csv: unknown evidence key {key!r}")


def _objections(h, frames, strands):
    table = frames["mosaic_objections"]
    ledger = frames.get("forecasts:objection_observations")
    rows = []
    for r in table.itertuples():
        row = {"objection": r.title, "statement": r.statement, "evidence": evidence_text(r.evidence, frames, h),
               "settles": r.settles, "resolve_by": r.resolve_by if isinstance(r.resolve_by, str) else "",
               "status": "not yet in the forecast ledger", "source_id": r.source_id}
        if ledger is not None and len(ledger) and isinstance(r.forecast_id, str) and r.forecast_id:
            found = ledger[ledger.forecast_id == r.forecast_id]
            if len(found):
                f = found.iloc[0]
                row.update(settles=str(f.observation), status=str(f.status),
                           resolve_by=str(f.resolve_by) if pd.notna(f.resolve_by) else row["resolve_by"])
        rows.append(row)
    h.tables["objections"] = pd.DataFrame(rows)
    recorded = (h.tables["objections"].status != "not yet in the forecast ledger").sum() if rows else 0
    h.add(sentence("objections_ledger", "The settling observations come from the forecast ledger, which scores them"
                   if recorded == len(rows) and rows else
                   f"The settling observations of {recorded} of the {len(rows)} objections come from the forecast "
                   "ledger, which scores them; the others are this page's own until the ledger records them"
                   if recorded else
                   "The settling observations are this page's own until the forecast ledger records them"))


def _cannot_see(h, frames, strands):
    re_ = [figure(frames, "replication:re_bench_ai_over_human_2h"), figure(frames, "replication:re_bench_human_over_ai_32h")]
    when = newest(*(as_of_of(f) for f in re_ if f))
    taste = ("Research taste: no strand scores the choice of which experiment to run; the closest, RE-Bench, "
             + (f"published one comparison with human experts, on {when.isoformat()}." if when else
                "had published nothing by this date."))
    vendor = [s.label for s in strands.values() if s.vendor_only and s.series]
    compute = "Compute: no strand measures the compute a system would need to run its own research."
    internal = ("Internal lab data: labs use their newest systems internally before anyone measures them; "
                + (f"the only lab-level series here ({', '.join(vendor)}) comes from the lab's own reports."
                   if vendor else "no lab-level series is public."))
    h.add(sentence("cannot_see_taste", taste), sentence("cannot_see_compute", compute),
          sentence("cannot_see_internal", internal))


# -- The common capability scale ----------------------------------------------------------------
def capability_data(frames: dict, strands: dict[str, Strand]) -> tuple[cap.Data, dict, pd.DataFrame]:
    """Best score per base model and benchmark (shares of tasks), METR horizons, and what did not map."""
    meta = frames["mosaic_strands"].set_index("strand")
    systems = frames["mosaic_systems"]
    base = {s: (b if isinstance(b, str) and b else None) for s, b in zip(systems.system, systems.base_model)}
    rows, unmapped = [], []
    tracks = {t.key: t.name for t in TRACKS}
    entries = output(frames, "replication:entries")
    for key, name in tracks.items():
        if key not in meta.index or pd.isna(meta.loc[key, "tasks"]) or entries is None or entries.empty:
            continue
        got = entries[(entries.track == name) & entries.status.isin(["counted", "set a record"])]
        for system, value, when in zip(got.system, got.value, got.date):
            m = base.get(system)
            (rows if m else unmapped).append({"base_model": m, "system": system, "benchmark": key,
                                              "share": float(value) / 100, "date": when})
    swe = output(frames, "coding:swe_scores")
    if swe is not None and len(swe) and "swe_verified" in meta.index:
        v = swe[swe.split == "Verified"]
        for system, model, value, by, when in zip(v.system, v.model, v.percent_resolved, v.reported_by, v.date):
            name = model if isinstance(model, str) and model else system
            m = base.get(name)
            (rows if m else unmapped).append({"base_model": m, "system": name, "benchmark": "swe_verified",
                                              "share": float(value) / 100, "date": when, "by": by})
    scores = pd.DataFrame(rows, columns=["base_model", "system", "benchmark", "share", "date", "by"])
    # One score per model and benchmark: the best, except SWE-bench, where independent runs (their median)
    # come before a vendor's own number.
    best = []
    for (m, b), g in scores.groupby(["base_model", "benchmark"]):
        if b == "swe_verified" and (g.by == "independent").any():
            share = float(g[g.by == "independent"].share.median())
        else:
            share = float(g.share.max())
        best.append({"base_model": m, "benchmark": b, "share": share, "tasks": float(meta.loc[b, "tasks"]),
                     "floor": float(meta.loc[b, "chance_floor"]) if pd.notna(meta.loc[b, "chance_floor"]) else 0.0,
                     "date": min(g.date)})
    best = pd.DataFrame(best, columns=["base_model", "benchmark", "share", "tasks", "floor", "date"])
    models = output(frames, "coding:metr_models")
    hz = []
    if models is not None and len(models):
        for model, minutes, when in zip(models.model, models.p50_minutes, models.release_date):
            m = base.get(model)
            (hz if m else unmapped).append({"base_model": m, "system": model, "minutes": float(minutes),
                                            "date": when, "benchmark": cap.METR})
    horizons = pd.DataFrame(hz, columns=["base_model", "minutes", "date"])
    dates = {}
    for m, d in list(zip(horizons.base_model, horizons.date)) + list(zip(best.base_model, best.date)):
        dates[m] = min(dates.get(m, d), d) if m in dates else d
    return cap.Data(best.drop(columns="date"), horizons.drop(columns="date")), dates, \
        pd.DataFrame(unmapped, columns=["system", "benchmark"]) if unmapped else pd.DataFrame(columns=["system",
                                                                                                     "benchmark"])


def _capability(h, frames, strands, params, as_of):
    data, dates, unmapped = capability_data(frames, strands)
    matrix = cap.overlap(data)
    labels = {**{s.key: s.label for s in strands.values()}, cap.METR: "METR horizon"}
    h.tables["overlap"] = matrix.rename(index=labels, columns=labels)
    h.tables["overlap_table"] = h.tables["overlap"].rename_axis("Base models shared").reset_index()
    h.tables["unmapped"] = unmapped
    keep, dropped = cap.usable(data, params["eci_min_overlap"]) if len(matrix) else ([], [])
    need = 3
    anchor = params["eci_anchor"]
    h.add(sentence("eci_unmapped", plural(unmapped.system.nunique() if len(unmapped) else 0, "system name")
                   + " could not be tied to one base model (an undisclosed or mixed model, or a leaderboard entry "
                     "that names only its scaffold) and stay off the scale"))
    if len([b for b in keep if b != cap.METR]) < 2 or cap.METR not in keep or anchor not in keep or len(keep) < need:
        why = (f"too few benchmarks share at least {params['eci_min_overlap']} base models with the others "
               f"({', '.join(labels.get(b, b) for b in keep) or 'none'} do)")
        h.add(missing("mosaic_capability_benchmarks", "Benchmarks on the common capability scale", "benchmarks",
                      as_of, why),
              missing("mosaic_capability_lobo_points", "Leave-one-benchmark-out error of the common scale",
                      "percentage points", as_of, why),
              sentence("eci_verdict", f"The overlap between benchmarks is too thin for a stable common scale: {why}. "
                                      "The simple view above stands"),
              sentence("eci_dropped", ", ".join(labels.get(b, b) for b in dropped) or "none"),
              sentence("capability_finding", "No common scale: the benchmarks share too few models"),
              sentence("ranges_finding", "No common scale: the benchmarks share too few models"))
        h.tables["capability_models"] = pd.DataFrame()
        h.tables["capability_ranges"] = pd.DataFrame()
        h.tables["capability_sources"] = pd.Series(dtype=object)
        h.add(sentence("capability_source", ""))
        h.tables["lobo"] = pd.DataFrame()
        return
    sub = cap.restrict(data, keep, params["eci_min_benchmarks"])
    fit = cap.fit(sub, anchor=anchor, ridge=params["eci_ridge"])
    lobo = cap.leave_one_out(sub, fit, anchor=anchor, ridge=params["eci_ridge"],
                             min_benchmarks=params["eci_min_benchmarks"])
    fit.lobo = lobo
    when = newest(*(pd.Timestamp(d).date() for d in dates.values())) if dates else None
    rmse = float(np.sqrt(np.nanmean(np.square(lobo.rmse_points)))) if lobo.rmse_points.notna().any() else None
    h.add(Figure("mosaic_capability_benchmarks", len(keep), str(len(keep)), "benchmarks",
                 "Benchmarks on the common capability scale (METR's horizon included)", as_of=when,
                 note=f"{len(fit.models)} base models; anchored on {labels.get(anchor, anchor)}"))
    if rmse is None:
        h.add(missing("mosaic_capability_lobo_points", "Leave-one-benchmark-out error of the common scale",
                      "percentage points", as_of, "no benchmark could be predicted from the others"))
    else:
        h.add(Figure("mosaic_capability_lobo_points", round(rmse, 1), f"{sig(rmse)} percentage points",
                     "percentage points", "Leave-one-benchmark-out error of the common scale (root mean square)",
                     as_of=when))
    floors = dict(zip(sub.scores.benchmark, sub.scores.floor))
    ranges = fit.informative(floors)
    ranges["label"] = ranges.benchmark.map(labels)
    models = pd.DataFrame({"base_model": fit.models, "capability": np.round(fit.C, 3),
                           "horizon_minutes": np.round(fit.horizon_minutes(fit.C), 2)})
    models["date"] = models.base_model.map(lambda m: str(dates.get(m, "")))
    models["benchmarks"] = models.base_model.map(
        lambda m: ", ".join(labels.get(b, b) for b in sorted(set(sub.scores.benchmark[sub.scores.base_model == m]))
                            + ([cap.METR] if m in set(sub.horizons.base_model) else [])))
    models["horizon_text"] = models.horizon_minutes.map(duration)
    names = source_names(frames)
    meta = frames["mosaic_strands"].set_index("strand")
    ids = [meta.loc[b, "source_id"] for b in keep if b in meta.index]
    h.tables["capability_sources"] = pd.Series(sorted(set(ids)), dtype=object)
    h.add(sentence("capability_source", "; ".join(names.get(i, i) for i in sorted(set(ids)))))
    ranges["source"] = ranges.benchmark.map(lambda b: names.get(meta.loc[b, "source_id"], "") if b in meta.index
                                            else "")
    h.tables["capability_models"] = models
    h.tables["capability_ranges"] = ranges.round(3)
    h.tables["lobo"] = lobo.assign(label=lobo.benchmark.map(labels)).round(2)
    top = models.loc[models.capability.idxmax()]
    h.add(sentence("eci_verdict",
                   f"Stitched together, {len(keep)} benchmarks place {len(fit.models)} base models on one scale, read as "
                   f"an equivalent METR 50% horizon (R² of the horizon on the scale: {fit.r2:.2f}); the highest is "
                   f"{top.base_model}, at about {top.horizon_text}. Leaving each benchmark out and predicting it from "
                   f"the others misses by {sig(rmse) if rmse is not None else 'an unknown number of'} percentage "
                   "points (root mean square)"),
          sentence("eci_dropped", ", ".join(labels.get(b, b) for b in dropped) or "none"))
    low, high = ranges.loc[ranges.horizon_low_minutes.idxmin()], ranges.loc[ranges.horizon_high_minutes.idxmax()]
    h.add(sentence("capability_finding",
                   f"On one stitched scale, {top.base_model} reads as a METR 50% horizon of about {top.horizon_text} "
                   "(equivalent horizon, log scale)"),
          sentence("ranges_finding",
                   f"Each benchmark tells models apart over its own stretch of the scale, from {low.label} at the "
                   f"short end to {high.label} at the long end (equivalent 50% horizon, log scale)"))


# -- Chart rows ---------------------------------------------------------------------------------
def source_names(frames: dict) -> dict[str, str]:
    """source_id -> 'publisher: title', for tooltips."""
    src = frames["sources"]
    return {i: f"{p}: {t}" for i, p, t in zip(src.source_id, src.publisher, src.title)}


def _charts(h, frames, strands, params, ends, forms):
    level = params["ci_level"]
    horizon = max(ends.values())
    names = source_names(frames)
    meta = frames["mosaic_strands"].set_index("strand")
    pts, bands, info = [], [], []
    for s in strands.values():
        if not s.series or s.scale == "":
            continue
        prog = s.progress(s.points.value)
        for d, v, p, system in zip(s.points.date, s.points.value, prog, s.points.system):
            d = pd.Timestamp(d).date()
            if not np.isfinite(p):
                continue
            # The chart works out the decimal year and the clipped height from these (see plots.mosaic).
            pts.append({"key": s.key, "date": d.isoformat(), "value": value_text(s, v),
                        "progress": round(100 * p, 1), "system": system or ""})
        info.append({"key": s.key, "strand": s.label, "kind": s.kind, "chapter": s.chapter,
                     "began": decimal_year(s.introduced),
                     "scale": "share of the ceiling" if s.scale == "share" else "share of the log distance to the threshold",
                     "threshold": (s.ceiling_basis if s.scale == "share" else s.threshold_text if s.threshold
                                   else "none"),
                     "source": names.get(meta.loc[s.key, "source_id"], "")})
        if s.projectable and (s.scale == "share" or s.threshold):
            dates = []
            d = s.today
            while d <= horizon:
                dates.append(d)
                d = (pd.Timestamp(d) + pd.DateOffset(months=params["band_step_months"])).date()
            if dates[-1] < horizon:
                dates.append(horizon)
            b = s.band(dates, level)
            for row in b.itertuples():
                bands.append({"key": s.key, "date": row.date.isoformat()[:7], "year": decimal_year(row.date),
                              "mid": round(100 * min(row.mid, CLIP), 1), "low": round(100 * min(row.low, CLIP), 1),
                              "high": round(100 * min(row.high, CLIP), 1)})
    h.tables["progress"] = pd.DataFrame(pts)
    h.tables["bands"] = pd.DataFrame(bands)
    h.tables["strand_info"] = pd.DataFrame(info)
    shown = {p["key"] for p in pts}
    h.tables["strand_sources"] = pd.Series(sorted({meta.loc[s.key, "source_id"] for s in strands.values()
                                                   if s.key in shown}), dtype=object)
    eras = frames["mosaic_eras"].sort_values("era")
    first = min((decimal_year(D.fromisoformat(r["date"])) for r in pts), default=None)
    rows = []
    if first is not None:
        eras_list = list(eras.itertuples())
        for i, e in enumerate(eras_list):
            start = _era_edge(e.start, True) if isinstance(e.start, str) and e.start else \
                (_era_edge(eras_list[i - 1].end, False) if i and isinstance(eras_list[i - 1].end, str) else first)
            end = _era_edge(e.end, False) if isinstance(e.end, str) and e.end else \
                (_era_edge(eras_list[i + 1].start, True) if i + 1 < len(eras_list) and
                 isinstance(eras_list[i + 1].start, str) and eras_list[i + 1].start else
                 decimal_year(horizon))
            start, end = max(start, first), min(end, decimal_year(horizon))
            if end > start:
                rows.append({"era": e.label, "start": start, "end": end, "source_id": e.source_id})
    h.tables["eras"] = pd.DataFrame(rows, columns=["era", "start", "end", "source_id"])
    # The growth forms, drawn from the first frontier model to the end of the last target year.
    pts_m = output(frames, "coding:metr_frontier")
    curves, coefs = [], []
    if forms is not None and forms.fitted() and pts_m is not None and len(pts_m):
        start = float(pd.Timestamp(pts_m.release_date.iloc[0]).toordinal())
        for name, f in forms.fitted().items():
            days = np.linspace(start, float(horizon.toordinal()), params["curve_points"])
            years = [decimal_year(dt.date.fromordinal(int(round(x)))) for x in days]
            for x, v, y in zip(days, f.central(days), years):
                curves.append({"form": FORM_WORDS[name], "date": dt.date.fromordinal(int(round(x))).isoformat(),
                               "year": y, "minutes": float(f"{min(v, CURVE_TOP):.3g}")})
            # The chart draws each curve from its coefficients (t in days from the first frontier model).
            coefs.append({"form": FORM_WORDS[name], "origin": decimal_year(dt.date.fromordinal(int(start))),
                          **{k: float(f"{v:.6g}") for k, v in f.coefficients(start).items()},
                          "years": years})
    h.tables["form_curves"] = pd.DataFrame(curves)
    h.tables["form_coefficients"] = pd.DataFrame(coefs)
    h.tables["form_points"] = pd.DataFrame() if pts_m is None or pts_m.empty else pd.DataFrame({
        "model": pts_m.model, "date": pts_m.release_date, "year": [decimal_year(pd.Timestamp(d).date())
                                                                  for d in pts_m.release_date],
        "minutes": pts_m.p50_minutes.round(2), "horizon": pts_m.p50_minutes.map(duration)})
    h.add(sentence("metr_source", names.get(meta.loc["metr", "source_id"], "") if "metr" in meta.index else ""))


def _era_edge(period: str, start: bool) -> float:
    parts = period.split("-")
    if len(parts) == 1:
        return float(int(parts[0]) + (0 if start else 1))
    d = dt.date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else 1)
    return decimal_year(d)
