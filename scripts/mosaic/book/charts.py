"""One look for every chart, and the HTML that draws it offline.

A chapter's plot module builds a `Chart`: the Altair chart plus its finding (the
title), an accessible description, the rows it draws and its sources. The runtime
turns it into a <figure> drawn by the vega-embed bundle served from the book's own
_static folder, so no page loads a script from the internet. _static/mosaic-charts.js
draws them: it re-wraps titles and legends to the width they have, draws them in the
theme's dark mode with palette.DARK's colours (and again when the reader switches mode),
and keeps a title that follows a chart's sliders (`Chart.live_title`) in step with them.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from . import palette

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# Every colour here is a palette colour: in dark mode the page swaps each for its palette.DARK counterpart.
THEME = {
    "font": FONT,
    "background": palette.BACKGROUND,
    "view": {"stroke": None},
    "title": {"anchor": "start", "fontSize": 16, "fontWeight": 600, "color": palette.INK, "subtitleFontSize": 12,
              "subtitleColor": palette.INK_MUTED},
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 500, "gridColor": palette.GRID,
             "labelColor": palette.INK_MUTED, "titleColor": palette.INK, "domainColor": palette.INK_MUTED,
             "tickColor": palette.INK_MUTED},
    "text": {"color": palette.INK},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": palette.INK, "titleColor": palette.INK,
               # symbols of a legend without a colour scale (shapes): in the ink, so they show in dark mode
               "symbolFillColor": palette.INK_MUTED, "symbolStrokeColor": palette.INK_MUTED,
               "orient": "bottom", "direction": "horizontal", "labelLimit": 320,
               "columns": 3,
               # Several legends below a chart stack one under another instead of running off its right edge.
               "layout": {"bottom": {"direction": "vertical", "anchor": "start", "margin": 6}}},
    "range": {"category": palette.CATEGORY},
}


@dataclass
class Chart:
    """A chart and what the page says about it."""

    chart: object  # an Altair chart
    name: str  # also the file stem of its data download
    finding: str  # the title: what the chart shows, with units
    description: str  # for screen readers: what the data show
    data: dict  # file stem -> the DataFrame drawn
    sources: list = field(default_factory=list)  # source ids from data/sources.csv, or (label, url) pairs
    empty: str = ""  # when set, there is nothing to draw yet and the page says this instead
    # For a chart with sliders: a Vega expression over its parameters that gives the title, so the title
    # follows the sliders. `finding` is what it gives at the chapter's own values (the page's text).
    live_title: str = ""

    @classmethod
    def nothing(cls, name: str, why: str) -> "Chart":
        """No chart yet (too little data by the chapter's date): the page shows `why` in its place."""
        return cls(None, name, "", "", {}, [], why)


# The most data, in bytes of JSON, a chart carries inside its page. Altair refuses more than
# 5,000 rows by default; rather than lifting that and letting a 10,000-row CSV put megabytes
# into a page, the largest datasets of a chart over this size are written as CSV files beside
# the chart's downloads and fetched by the browser when the chart draws.
INLINE_BYTES = 100_000
# Above this many rows a chart is drawn on a canvas: ten thousand SVG marks take seconds to lay out.
CANVAS_ROWS = 2_000


# Characters a title line holds, about; the page lowers it on a narrow screen (see mosaic-charts.js).
TITLE_CHARS = 62
# The parameter a live title wraps itself at, in characters: set by the page to the chart's width.
TITLE_CHARS_PARAM = "mosaic_title_chars"


def wrap_expr(text: str, chars: str) -> str:
    """A Vega expression giving `text` (an expression) as lines of at most `chars` (an expression) characters,
    broken at spaces: for labels and titles Vega would otherwise cut short."""
    return f"split(trim(replace({text}, regexp('(.{{1,' + {chars} + '}})(\\\\s+|$)', 'g'), '$1\\n')), '\\n')"


def live_wrap(expression: str) -> str:
    """A Vega expression giving `expression`'s text as lines of at most TITLE_CHARS_PARAM characters."""
    return wrap_expr(expression, TITLE_CHARS_PARAM)


def check_whole_specs() -> None:
    """Check each chart once, whole, when `spec` turns it into Vega-Lite, rather than also each part as it is made.

    Altair's debug mode, on by default, validates every encoding, axis and legend against the schema when
    it is created: up to a tenth of a chapter's time, for charts `spec` validates in full anyway (Altair's
    `to_dict` checks the whole spec). Chapters call this; tests that build charts directly keep the
    checks on creation, whose messages point at the very part that is wrong.
    """
    from altair.utils import schemapi

    schemapi.disable_debug_mode()


def spec(chart, *, finding: str, description: str, sources: list[tuple[str, str]], live_title: str = "") -> dict:
    """The chart's Vega-Lite spec with the finding as title, a source line and the shared theme.

    Every row is inline; `figure_html` moves large data out of the page (see INLINE_BYTES).
    With `live_title` (a Vega expression over the chart's parameters) the title is that expression,
    wrapped to the chart's width, so it follows the sliders.
    """
    names = list(dict.fromkeys(name.split(":")[0] for name, _ in sources))
    source_line = "Source: " + "; ".join(names[:2])
    if len(names) > 2:
        more = len(names) - 2
        source_line += f" and {more} more publisher{'s' if more > 1 else ''}, listed below the chart"
    import altair as alt

    sized = not isinstance(chart, (alt.VConcatChart, alt.HConcatChart, alt.ConcatChart))
    with alt.data_transformers.disable_max_rows():  # figure_html moves large data out of the page
        out = chart.to_dict()
    # Set in the spec rather than through chart.properties(), which copies the whole chart (a layered
    # one twice over) to add three top-level keys.
    out["title"] = {"text": wrap(finding), "subtitle": wrap(source_line, 90)}
    out["description"] = description
    if sized:
        out["width"] = "container"
    out["config"] = {**THEME, **out.get("config", {})}
    if live_title:
        out["title"]["text"] = {"expr": live_wrap(live_title)}
        out["params"] = [*out.get("params", []), {"name": TITLE_CHARS_PARAM, "value": TITLE_CHARS}]
    if sized:
        out["autosize"] = {"type": "fit-x", "contains": "padding"}
    return out


def move_out_large_data(vl: dict, folder, url: str) -> list[str]:
    """Write a spec's largest inline datasets to CSV files under `folder` until what stays inline
    fits INLINE_BYTES, and point the spec at them (`url`/<file>). Returns the files written.

    The file is named by the dataset's content hash (Altair's dataset name), so an unchanged
    chart writes the same file. Columns that are all numbers or all booleans are parsed back to
    numbers and booleans by the browser, so the chart draws the values it would have inline.
    """
    import csv
    import io
    from pathlib import Path

    datasets = vl.get("datasets", {})
    sizes = {name: len(json.dumps(values)) for name, values in datasets.items()}
    inline = sum(sizes.values())
    written = []
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):
        if inline <= INLINE_BYTES:
            break
        values = datasets[name]
        if not all(isinstance(v, (str, int, float, bool)) or v is None for row in values for v in row.values()):
            continue  # nested values have no CSV form; they stay inline
        fields = list(dict.fromkeys(k for row in values for k in row))
        parse = {}
        for f in fields:
            present = [row[f] for row in values if row.get(f) is not None]
            if present and all(isinstance(v, bool) for v in present):
                parse[f] = "boolean"
            elif present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
                parse[f] = "number"
        text = io.StringIO()
        w = csv.writer(text, lineterminator="\n")
        w.writerow(fields)
        w.writerows([_csv_cell(row.get(f)) for f in fields] for row in values)
        blob = text.getvalue().encode("utf-8")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        # Usually these rows are exactly a download already written beside the chart: use that file.
        same = [p for p in sorted(folder.glob("*.csv")) if p.stat().st_size == len(blob) and p.read_bytes() == blob]
        file = same[0].name if same else f"chart-{name}.csv"
        if not same:
            (folder / file).write_bytes(blob)
        del datasets[name]
        _point_at(vl, name, {"url": f"{url.rstrip('/')}/{file}", "format": {"type": "csv", "parse": parse}})
        inline -= sizes[name]
        written.append(file)
    if not datasets:
        vl.pop("datasets", None)
    return written


def _csv_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return v if isinstance(v, str) else json.dumps(v)


def _point_at(node, name: str, data: dict) -> None:
    """Replace every reference to the named dataset with `data`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "data" and value == {"name": name}:
                node[key] = dict(data)
            else:
                _point_at(value, name, data)
    elif isinstance(node, list):
        for item in node:
            _point_at(item, name, data)


def wrap(text: str, width: int = TITLE_CHARS) -> list[str]:
    """A title as lines of at most about `width` characters (Vega does not wrap titles)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def figure_html(chart, *, name: str, finding: str, description: str,
                sources: list[tuple[str, str]], downloads: list[tuple[str, str]], store: tuple | None = None,
                live_title: str = "") -> str:
    """A <figure> that draws the chart with the local vega-embed bundle, with caption and links.

    `store` is (folder, url) where data too large to carry inline is written and read from
    (see INLINE_BYTES); without it every row stays in the page. A chart of more than CANVAS_ROWS
    rows is drawn on a canvas: ten thousand SVG marks take seconds to lay out, a canvas a fraction of one.

    The figure is named by its finding (kept in step with a live title by the page) and described by
    its caption; Vega gives the drawing itself the description as its label. An image saved from the
    chart's menu is named after the chart.
    """
    vl = spec(chart, finding=finding, description=description, sources=sources, live_title=live_title)
    many = sum(len(values) for values in vl.get("datasets", {}).values()) > CANVAS_ROWS
    if store is not None:
        move_out_large_data(vl, *store)
    try:
        vl = json.dumps(vl, allow_nan=False)
    except ValueError:
        raise ValueError(f"chart {name!r}: its spec holds a number that is not finite (NaN or infinity); "
                         "drop or explain the row before drawing it") from None
    # The spec sits in a <script> element: no '<', '>' or '&' from the data may reach the HTML
    # parser ('</script>' or '<!--<script' in a cell would end or swallow the element).
    vl = vl.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    links = "; ".join(
        f"<a href='{html.escape(url)}'>{html.escape(title)}</a>" if url else html.escape(title)
        for title, url in sources
    )
    label = "Download the data behind this chart"
    files = " ".join(
        f'<a class="mosaic-download" href="{html.escape(href)}" download>'
        f'{label if len(downloads) == 1 else f"{label}: {html.escape(stem)}"} (CSV)</a>'
        for stem, href in downloads
    )
    options = json.dumps({"renderer": "canvas" if many else "svg", "actions": {"export": True, "source": False,
                                                          "compiled": False, "editor": False},
                          "downloadFileName": name, "dark": palette.DARK})
    live = " data-live-title" if live_title else ""
    return f"""<figure class="mosaic-chart" id="chart-{name}" aria-label="{html.escape(finding)}"{live}>
<div class="mosaic-vega" id="vega-{name}"></div>
<script type="application/json" id="spec-{name}">{vl}</script>
<script>mosaicChart("{name}", {options});</script>
<figcaption><span class="mosaic-description">{html.escape(description)}</span>
<span class="mosaic-source">Source: {links}.</span>
{files}</figcaption>
</figure>"""


def table_html(frame, columns: dict | None = None, missing: str = "", badges: dict | None = None,
               notes: dict | None = None, links: dict | None = None) -> str:
    """A table in the book's style; `columns` picks and names the columns shown (all, as named, if None).

    `badges` maps a column to {value: colour}: its cells are drawn as coloured badges (claim statuses).
    `notes` maps a column to another whose text is set in small type under it (a claim and its caveat).
    Every table can be sorted by any column (a button in each heading; _static/mosaic-page.js).
    `links` maps a column to another holding a relative address: its cells link there.
    """
    escape = True
    if badges or notes or links:
        frame, escape = frame.copy(), False
        for name in frame.columns:
            if name in (badges or {}):
                frame[name] = [_badge(v, badges[name]) for v in frame[name]]
            elif any(isinstance(v, str) for v in frame[name]):
                frame[name] = [html.escape(v) if isinstance(v, str) else v for v in frame[name]]
        for name, under in (notes or {}).items():
            frame[name] = [f"{v}<div class='mosaic-note'>{n}</div>" if isinstance(n, str) and n else v
                           for v, n in zip(frame[name], frame[under])]
        for name, href in (links or {}).items():
            frame[name] = [f"<a href='{h}'>{v}</a>" if isinstance(h, str) and h else v
                           for v, h in zip(frame[name], frame[href])]
    if columns is not None:
        frame = frame[list(columns)].rename(columns={k: html.escape(v) if not escape else v
                                                     for k, v in columns.items()})
    body = frame.to_html(index=False, na_rep=missing, classes="mosaic-table", border=0, float_format=_plain_number,
                         escape=escape)
    # A table wider than its column scrolls inside this wrapper, which a keyboard can reach (tabindex) and a
    # screen reader names; _static/mosaic-page.js makes its columns sortable.
    headings = list(columns.values()) if columns is not None else [str(c) for c in frame.columns]
    label = html.escape("Table: " + ", ".join(headings), quote=True)
    return f"<div class='mosaic-table-wrap' tabindex='0' role='region' aria-label=\"{label}\">{body}</div>"


def _badge(value, colours: dict) -> str:
    if not isinstance(value, str) or not value:
        return ""
    # The colour marks the border and a dot; the word stays in the text colour, readable in both modes.
    colour = colours.get(value, palette.GREY)
    return f"<span class='mosaic-status' style='--status:{colour}'>{html.escape(value)}</span>"


def _plain_number(x: float) -> str:
    """Numbers in tables as people write them: no scientific notation, no trailing zeros."""
    if x != x:
        return ""
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.6f}".rstrip("0").rstrip(".")
