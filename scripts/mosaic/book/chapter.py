"""What a chapter notebook calls: its analysis, its glued figures, its charts, tables and notes.

A chapter opens itself right after its parameters cell:

    ch = chapter("kernels", globals())
    k = ch.analyse()          # runs analyses.kernels.headline once and glues every figure

and then only shows things: `ch.header()`, `ch.chart(plots.speedup(k))`,
`ch.table(k.tables["claims"], {...})`, `ch.note(...)`. Numbers reach the prose
through `{glue:text}` with a figure's key; nothing is computed in the notebook.
"""
from __future__ import annotations

import html
import importlib
import json
from pathlib import Path

from ..analyses.figures import Headline, newest
from ..catalogue import BY_NAME
from . import charts
from .context import CONTEXT, Context, ContextError


class Chapter:
    def __init__(self, context: Context):
        self.context = context
        self.name = context.chapter
        self.params = context.params
        self.version = context.version
        self.as_of = context.as_of
        self.out = context.out
        self._frames = None
        self.headline: Headline | None = None

    @property
    def frames(self) -> dict:
        if self._frames is None:
            self._frames = self.context.frames()
        return self._frames

    def analyse(self) -> Headline:
        """Run the chapter's analysis once, glue every figure and publish the headline ones."""
        from myst_nb import glue

        module = importlib.import_module(f"mosaic.analyses.{self.name}")
        params = {**self.params, "as_of": self.as_of}
        frames = self.frames
        frames.forget()
        self.headline = module.headline(frames, params)
        # What the analysis read of the chapters it reads: the planner runs this chapter again only when that changes.
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "reads.json").write_text(json.dumps(frames.reads(), indent=1))
        for f in self.headline.figures:
            glue(f.key, f.text, display=False)
        # No version here: the build adds each chapter's released version to the site's figures.json,
        # so what a chapter publishes never depends on its own version number.
        records = [{"chapter": self.name, **f.record()} for f in self.headline.figures if f.publish]
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "figures.json").write_text(json.dumps(records, indent=1))
        if self.headline.outputs:
            (self.out / "outputs").mkdir(exist_ok=True)
            for name, frame in self.headline.outputs.items():
                frame.to_csv(self.out / "outputs" / f"{name}.csv", index=False)
        return self.headline

    @property
    def data_as_of(self):
        """The newest dated row among the chapter's data as of its date."""
        dates = []
        for name, frame in self.frames.items():
            dataset = BY_NAME.get(name)
            if dataset is not None and dataset.date_column and len(frame):
                dates.append(newest(frame[dataset.date_column]))
        return newest(*dates)

    def written(self, day) -> str:
        """A date as the data write it: a year-only row's end reads '2026', not '2026-12-31'."""
        for name, frame in self.frames.items():
            dataset = BY_NAME.get(name)
            if dataset is not None and dataset.date_column and len(frame):
                for v in frame[dataset.date_column].dropna():
                    if isinstance(v, str) and newest(v) == day:
                        return v
        return day.isoformat()

    # -- page furniture -------------------------------------------------------
    def header(self):
        """The edition line at the top of a chapter: dates, any non-default parameter, data notes.

        The version, its date and the versions menu are added to this line when the site is
        published, from the release ledger: the executed chapter never holds its own version.
        """
        from IPython.display import HTML, display

        defaults = self.context.defaults
        changed = {k: v for k, v in self.params.items() if v != defaults.get(k)}
        as_of = self.as_of.isoformat() if self.as_of else "latest data"
        parts = [f"<span class='mosaic-asof'>As of <strong>{as_of}</strong></span>"]
        # A chapter with a headline used what its figures say they used; a newer row it left out is not "used".
        used = (newest(*(f.as_of for f in self.headline.figures if f.publish and f.as_of)) if self.headline
                else None) or self.data_as_of
        if used:
            parts.append(f"<span>Newest data used: <strong>{html.escape(self.written(used))}</strong></span>")
        if changed:
            items = ", ".join(
                f"<code>{html.escape(k)} = {html.escape(repr(v))}</code> "
                f"(default {html.escape(repr(defaults.get(k)))})" for k, v in changed.items()
            )
            parts.append(f"<span class='mosaic-params'>Built with non-default parameters: {items}</span>")
        notes = self.context.notes + (self.headline.notes if self.headline else [])
        extra = "".join(f"<p class='mosaic-note'>{html.escape(n)}</p>" for n in notes)
        display(HTML(f"<div class='mosaic-edition'>{' · '.join(parts)}{extra}</div>"))

    def chart(self, c: charts.Chart):
        """Draw a chart with its finding as title, a source line, a description and its data to download."""
        from IPython.display import HTML, display

        if c.empty:
            return self.note(c.empty)

        table = self.frames.get("sources")
        known = set(table.source_id) if table is not None else set()
        cited = []
        for s in c.sources:
            if isinstance(s, str):
                if s not in known:
                    raise ValueError(f"chart {c.name!r}: source {s!r} is not among this chapter's sources "
                                     f"(data/sources.csv rows its data cite, or its front matter names)")
                row = table[table.source_id == s].iloc[0]
                cited.append((f"{row.publisher}: {row.title}", row.url))
            else:
                cited.append(tuple(s))
        links = []
        (self.out / "data").mkdir(parents=True, exist_ok=True)
        for stem, frame in c.data.items():
            frame.to_csv(self.out / "data" / f"{stem}.csv", index=False)
            links.append((stem, f"../_static/data/{self.name}/{stem}.csv"))
        display(HTML(charts.figure_html(c.chart, name=c.name, finding=c.finding, description=c.description,
                                        sources=cited, downloads=links,
                                        store=(self.out / "data", f"../_static/data/{self.name}"),
                                        live_title=c.live_title)))

    def table(self, frame, columns: dict | None = None, *, missing: str = "", empty: str = "",
              badges: dict | None = None, notes: dict | None = None, links: dict | None = None):
        """Show a table; `columns` maps the columns to show to their headings.

        `empty` is said instead when the table has no rows; `badges` draws a column's values as coloured
        badges ({column: {value: colour}}, e.g. claim statuses from palette.STATUS); `notes` sets one
        column's text in small type under another's ({"claim": "note"}); `links` makes a column's cells
        links to the relative address in another column ({"strand": "href"}). A reader can sort any table by
        any column (_static/mosaic-page.js).
        """
        from IPython.display import HTML, display

        if empty and len(frame) == 0:
            return self.note(empty)
        display(HTML(charts.table_html(frame, columns, missing, badges, notes, links)))

    def note(self, text: str):
        """Show a short note in place of a chart or table, e.g. when no data existed by as_of."""
        from IPython.display import HTML, display

        display(HTML(f"<p class='mosaic-note'>{html.escape(text)}</p>"))


def chapter(name: str, namespace: dict | None = None) -> Chapter:
    """Open chapter `name` from the context the build wrote beside it.

    `namespace` (the notebook's globals) is accepted so a chapter reads naturally, but
    parameters come from the context: the build resolved them, papermill injected them.
    """
    path = Path.cwd() / CONTEXT
    if not path.exists():
        raise ContextError(
            f"chapter '{name}': no {CONTEXT} here. Chapters run inside the build (`make book`); to explore one, "
            f"open the executed copy in _build/executed/{name}/, which has its context beside it.")
    context = Context.read(path)
    if context.chapter != name:
        raise ContextError(f"chapter '{name}' was handed the context of chapter '{context.chapter}'")
    charts.check_whole_specs()
    return Chapter(context)
