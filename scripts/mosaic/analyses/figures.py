"""What an analysis hands its chapter: headline figures, the tables behind its charts, and outputs.

Every number a page shows comes from its analysis module's `headline(frames, params)`,
which returns a `Headline`. A `Figure` is one number (or date, or short text) with
its unit, interval and the date of the newest row it used; `publish=False` marks a
figure that is glued into the prose but is not a finding of its own (a parameter,
or a sentence built from other figures). Tables hold the rows each chart or table
shows; outputs are what dependant chapters read (the mosaic reads these).
"""
from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from dataclasses import dataclass, field

import pandas as pd

from ..catalogue.schema import period_end

KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class FigureError(ValueError):
    """A figure that would mislead: a zero-width or reversed interval, a non-finite value, a bad key."""


@dataclass(frozen=True)
class Figure:
    key: str
    value: float | int | str | None
    text: str
    unit: str = ""
    label: str = ""
    ci: tuple | None = None
    ci_level: float | None = None
    as_of: dt.date | None = None  # the newest row this figure used
    publish: bool = True
    note: str = ""

    def __post_init__(self):
        if not KEY.match(self.key):
            raise FigureError(f"figure key {self.key!r}: use lower-case letters, digits and underscores")
        # figures.json is strict JSON and a page never says 'nan' or 'inf': every number a figure
        # carries is finite (NumPy scalars included, which are not all Python floats).
        for name, v in (("value", self.value), *(("ci", c) for c in (self.ci or ())), ("ci_level", self.ci_level)):
            if not finite(v):
                raise FigureError(f"figure {self.key!r}: {name} {v} is not a finite number")
        if self.ci is not None:
            lo, hi = self.ci
            if lo is None or hi is None:
                raise FigureError(f"figure {self.key!r}: an interval needs both ends")
            if not lo < hi:
                raise FigureError(f"figure {self.key!r}: interval {lo} to {hi} has no width; "
                                  "report the value alone, or say why it is exact")
        if self.publish and self.value not in (None, 0) and self.as_of is None:
            raise FigureError(f"figure {self.key!r}: a published figure states the date of the newest row it used")

    def record(self) -> dict:
        """The figure as one entry of figures.json."""
        return {"key": self.key, "label": self.label, "value": plain(self.value), "text": self.text,
                "unit": self.unit, "ci_low": plain(self.ci[0]) if self.ci else None,
                "ci_high": plain(self.ci[1]) if self.ci else None, "ci_level": self.ci_level,
                "as_of": self.as_of.isoformat() if self.as_of else None, "note": self.note}


def parameter(key: str, value, text: str, label: str = "") -> Figure:
    """A parameter the prose states (glued, not published as a finding)."""
    return Figure(key, plain(value), text, label=label or key.replace("_", " "), publish=False)


def sentence(key: str, text: str) -> Figure:
    """Words built from figures: a chart's finding, or a sentence the prose pastes whole."""
    return Figure(key, None, text, publish=False)


def missing(key: str, label: str, unit: str, before: dt.date | None, why: str) -> Figure:
    """A figure with too little data behind it: the page says so instead of failing."""
    when = f" before {before.isoformat()}" if before else ""
    return Figure(key, None, f"not enough data{when}", unit=unit, label=label, note=why)


@dataclass
class Headline:
    """Everything a chapter shows, computed once: figures, chart and table rows, outputs for other chapters."""

    figures: list[Figure] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    outputs: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, *figures: Figure) -> None:
        for f in figures:
            if any(g.key == f.key for g in self.figures):
                raise FigureError(f"figure {f.key!r} is computed twice")
            self.figures.append(f)

    def __getitem__(self, key: str) -> Figure:
        for f in self.figures:
            if f.key == key:
                return f
        raise KeyError(f"no figure {key!r}")

    def text(self, key: str) -> str:
        return self[key].text

    def value(self, key: str):
        return self[key].value


# -- Formatting: round to what the data can carry ---------------------------------------------
def sig(x: float, digits: int = 2) -> str:
    """x to `digits` significant figures, thousands separated: 128.7 -> '130', 0.0412 -> '0.041'."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    places = digits - 1 - math.floor(math.log10(abs(x)))
    rounded = round(x, places)
    return f"{rounded:,.{max(places, 0)}f}"


def interval(lo: float, hi: float, digits: int = 2, unit: str = "") -> str:
    """An interval at the same precision as its estimate: '104 to 158 days'."""
    lo_t, hi_t = sig(lo, digits), sig(hi, digits)
    if lo_t == hi_t:  # never print a zero-width interval: show one more digit until the ends differ
        return interval(lo, hi, digits + 1, unit) if digits < 6 else f"{lo:g} to {hi:g}{' ' + unit if unit else ''}"
    return f"{lo_t} to {hi_t}{' ' + unit if unit else ''}"


def newest(*dates) -> dt.date | None:
    """The latest of some dates or date columns (Series), ignoring empties."""
    found = []
    for d in dates:
        if isinstance(d, pd.Series):
            d = d.dropna()
            if len(d):
                found.append(max(period_end(v) for v in d) if isinstance(d.iloc[0], str)
                             else pd.Timestamp(d.max()).date())
        elif isinstance(d, str):
            found.append(period_end(d))
        elif isinstance(d, pd.Timestamp):
            found.append(d.date())
        elif isinstance(d, dt.date):
            found.append(d)
    return max(found) if found else None


def finite(value) -> bool:
    """False only for a number that is NaN or infinite (None, text and dates pass)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return math.isfinite(float(value))
    return True


def plain(value):
    """A JSON-ready Python value (NumPy scalars become floats or ints, dates ISO strings)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class Frames(dict):
    """A chapter's tables by name, noting which of the other chapters' outputs its analysis reads.

    Another chapter's outputs are named '<chapter>:<output>', its figures '<chapter>:figures'. The
    planner runs a chapter again when what it read changed, not whenever a chapter it reads publishes
    something new: `reads()` lists, per chapter read, each output looked up (present or not), a single
    figure read through `published()` as 'figures#<key>', and None when the analysis went through
    every table (iterating or copying them all), so that everything that chapter publishes counts.
    """

    def __init__(self, tables: dict, upstream=()):
        super().__init__(tables)
        self.upstream = set(upstream)
        self.read: set[str] = set()
        self.everything = False

    def forget(self) -> None:
        """Start noting afresh (before the analysis runs)."""
        self.read.clear()
        self.everything = False

    def _note(self, name) -> None:
        if isinstance(name, str) and ":" in name and name.split(":", 1)[0] in self.upstream:  # not a dataset
            self.read.add(name)

    def __getitem__(self, name):
        self._note(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self._note(name)
        return super().get(name, default)

    def __contains__(self, name) -> bool:
        self._note(name)
        return super().__contains__(name)

    def _all(self):
        self.everything = True
        return self

    def __iter__(self):
        return super(Frames, self._all()).__iter__()

    def keys(self):
        return super(Frames, self._all()).keys()

    def values(self):
        return super(Frames, self._all()).values()

    def items(self):
        return super(Frames, self._all()).items()

    def copy(self):
        return dict(self.items())

    def figures_for(self, chapter: str, key: str):
        """`chapter`'s figures table, noting that only the figure `key` is read from it."""
        self.read.add(f"{chapter}:figures#{key}")
        return super().get(f"{chapter}:figures")

    def reads(self) -> dict[str, list[str] | None]:
        out: dict[str, list[str]] = {c: [] for c in self.upstream}
        for name in self.read:
            chapter, rest = name.split(":", 1)
            out[chapter].append(rest)
        return {c: None if self.everything else sorted(v) for c, v in sorted(out.items())}


def published(frames: dict, chapter: str, key: str) -> dict | None:
    """The record of one figure another chapter published (a row of its figures.json), or None."""
    figs = frames.figures_for(chapter, key) if isinstance(frames, Frames) else frames.get(f"{chapter}:figures")
    if figs is None or figs.empty or "key" not in figs.columns:
        return None
    rows = figs[figs.key == key]
    return None if rows.empty else rows.iloc[0].to_dict()
