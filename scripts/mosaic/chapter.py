"""What a chapter notebook calls: its parameters, its data, its glued figures, its charts.

A chapter opens itself with `ch = chapter("claims", globals())` right after its
parameters cell. Everything a chapter shows then flows through `ch`:

- `ch.data(name)` loads a dataset the chapter declared in its front matter,
  without rows dated after `as_of`; any other dataset is an error;
- `ch.figure(key, value, text, unit=...)` glues a figure for the prose and records
  it for the site's figures.json;
- `ch.chart(...)` draws an Altair chart with title, source line, description and
  a link to the exact data behind it; `ch.table(...)` and `ch.note(...)` show a
  table or a note in the book's style.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
from pathlib import Path

from . import charts, datasets, notebooks
from .data import load
from .schema import period_end


class UndeclaredDataset(Exception):
    pass


def project_root() -> Path:
    return Path(os.environ.get("MOSAIC_ROOT") or Path(__file__).resolve().parents[2])


def parse_as_of(value) -> dt.date | None:
    if value in (None, "", "latest"):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"as_of: {value!r} is not 'latest' or an ISO date (YYYY-MM-DD)") from exc


class Chapter:
    def __init__(self, name: str, params: dict, root: Path | None = None):
        self.root = root or project_root()
        self.source = notebooks.read(self.root / "chapters" / f"{name}.md")
        self.name = name
        self.params = {k: params.get(k, v) for k, v in self.source.defaults.items()}
        self.as_of = parse_as_of(self.params["as_of"])
        out = os.environ.get("MOSAIC_OUT")
        self.out = Path(out) if out else None
        self.figures: list[dict] = []
        self._frames: dict = {}
        self.version = self._version()

    # -- data ---------------------------------------------------------------
    def data(self, name: str):
        if name not in self.source.datasets:
            raise UndeclaredDataset(
                f"chapter '{self.name}' reads dataset '{name}', but its front matter declares only: "
                f"{', '.join(self.source.datasets) or 'none'} (add it under mosaic: datasets:)"
            )
        if name not in self._frames:
            self._frames[name] = load(name, self.root, self.as_of)
        return self._frames[name].copy()

    def _version(self) -> str:
        """Changes when what the page shows can change: its source, its data as of as_of, its parameters."""
        h = hashlib.sha256(self.source.path.read_bytes())
        for name in self.source.datasets:
            h.update(name.encode())
            h.update(self.data(name).to_csv(index=False).encode())
        h.update(json.dumps(self.params, sort_keys=True, default=str).encode())
        return h.hexdigest()[:8]

    @property
    def data_as_of(self) -> dt.date | None:
        """The latest date among the dated rows this chapter uses."""
        dates = []
        for name in self.source.datasets:
            d = datasets.BY_NAME[name]
            frame = self.data(name)
            if d.date_column and len(frame):
                col = frame[d.date_column].dropna()
                if d.column(d.date_column).kind == "period":
                    dates.append(max(period_end(v) for v in col))
                else:
                    dates.append(col.max().date())
        return max(dates) if dates else None

    # -- page furniture -------------------------------------------------------
    def header(self):
        """The edition line at the top of a chapter: version, dates and any non-default parameter."""
        from IPython.display import HTML, display

        changed = {k: v for k, v in self.params.items() if v != self.source.defaults[k]}
        as_of = self.as_of.isoformat() if self.as_of else "latest data"
        parts = [
            f"<span class='mosaic-version'>Version <strong>{self.version}</strong></span>",
            f"<span class='mosaic-asof'>As of <strong>{as_of}</strong></span>",
        ]
        if self.data_as_of:
            parts.append(f"<span>Newest data used: <strong>{self.data_as_of.isoformat()}</strong></span>")
        if changed:
            items = ", ".join(
                f"<code>{html.escape(k)} = {html.escape(repr(v))}</code> "
                f"(default {html.escape(repr(self.source.defaults[k]))})" for k, v in changed.items()
            )
            parts.append(f"<span class='mosaic-params'>Built with non-default parameters: {items}</span>")
        display(HTML(f"<div class='mosaic-edition'>{' · '.join(parts)}</div>"))

    def figure(self, key: str, value, text: str, *, unit: str, ci: tuple | None = None, label: str = ""):
        """Glue `text` under `key` for the prose and record the figure for figures.json."""
        from myst_nb import glue

        entry = {
            "chapter": self.name,
            "key": key,
            "label": label,
            "value": _plain(value),
            "text": text,
            "unit": unit,
            "ci_low": _plain(ci[0]) if ci else None,
            "ci_high": _plain(ci[1]) if ci else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "chapter_version": self.version,
        }
        self.figures = [f for f in self.figures if f["key"] != key] + [entry]
        glue(key, text, display=False)
        if self.out:
            self.out.mkdir(parents=True, exist_ok=True)
            (self.out / "figures.json").write_text(json.dumps(self.figures, indent=1))

    def chart(self, chart, *, name: str, finding: str, description: str, data, sources: list):
        """Draw an Altair chart with its finding as title, a source line and its data to download.

        `data` is the DataFrame drawn, or a dict of them by file stem (points, trend, ...);
        `sources` holds ids from data/sources.csv or (label, url) pairs.
        """
        from IPython.display import HTML, display

        table = self.data("sources") if "sources" in self.source.datasets else None
        cited = []
        for s in sources:
            if isinstance(s, str):
                if table is None or s not in set(table.source_id):
                    raise ValueError(f"chart {name!r}: source {s!r} is not in data/sources.csv")
                row = table[table.source_id == s].iloc[0]
                cited.append((f"{row.publisher}: {row.title}", row.url))
            else:
                cited.append(tuple(s))
        files = data if isinstance(data, dict) else {name: data}
        links = []
        for stem, frame in files.items():
            if self.out:
                (self.out / "data").mkdir(parents=True, exist_ok=True)
                frame.to_csv(self.out / "data" / f"{stem}.csv", index=False)
            links.append((stem, f"../_static/data/{self.name}/{stem}.csv"))
        display(HTML(charts.figure_html(chart, name=name, finding=finding, description=description,
                                        sources=cited, downloads=links)))

    def table(self, frame, columns: dict | None = None, *, missing: str = ""):
        """Show a table; `columns` maps the columns to show to their headings."""
        from IPython.display import HTML, display

        display(HTML(charts.table_html(frame, columns, missing)))

    def note(self, text: str):
        """Show a short note in place of a chart or table, e.g. when no data existed by as_of."""
        from IPython.display import HTML, display

        display(HTML(f"<p class='mosaic-note'>{html.escape(text)}</p>"))


def chapter(name: str, namespace: dict) -> Chapter:
    """Open chapter `name`, taking its parameters from the notebook's globals."""
    return Chapter(name, namespace)


def _plain(value):
    """A JSON-ready Python value (NumPy scalars become floats or ints)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
