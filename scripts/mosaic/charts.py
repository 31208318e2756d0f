"""One look for every chart, and the HTML that draws it offline.

Charts are Vega-Lite specs drawn by the vega-embed bundle served from the book's
own _static folder (see render.py), so no page loads a script from the internet.
_static/mosaic-charts.js draws them, re-wrapping titles and legends on narrow screens.
"""
from __future__ import annotations

import html
import json

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

THEME = {
    "font": FONT,
    "view": {"stroke": None},
    "title": {"anchor": "start", "fontSize": 16, "fontWeight": 600, "subtitleFontSize": 12,
              "subtitleColor": "#555"},
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 500, "gridColor": "#e6e6e6"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal", "labelLimit": 320,
               "columns": 3},
    "range": {"category": ["#3366cc", "#dc3912", "#ff9900", "#109618", "#990099", "#0099c6", "#dd4477"]},
}

# Status colours used wherever claim statuses appear, so a reader learns them once.
STATUS_COLOURS = {
    "confirmed": "#1a7f37",
    "confirmed with caveat": "#7aa116",
    "vendor-reported": "#b08800",
    "discrepant": "#cf222e",
    "forecast": "#6e7781",
}


def spec(chart, *, finding: str, description: str, sources: list[tuple[str, str]]) -> dict:
    """The chart's Vega-Lite spec with the finding as title, a source line and the shared theme."""
    names = list(dict.fromkeys(name.split(":")[0] for name, _ in sources))
    source_line = "Source: " + "; ".join(names[:2])
    if len(names) > 2:
        more = len(names) - 2
        source_line += f" and {more} more publisher{'s' if more > 1 else ''}, listed below the chart"
    import altair as alt

    sized = {} if isinstance(chart, (alt.VConcatChart, alt.HConcatChart, alt.ConcatChart)) else {"width": "container"}
    out = chart.properties(title={"text": wrap(finding), "subtitle": wrap(source_line, 90)}, description=description,
                           **sized).to_dict()
    out["config"] = {**THEME, **out.get("config", {})}
    if sized:
        out["autosize"] = {"type": "fit-x", "contains": "padding"}
    return out


def wrap(text: str, width: int = 62) -> list[str]:
    """A title as lines of at most about `width` characters (Vega does not wrap titles)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def figure_html(chart, *, name: str, finding: str, description: str,
                sources: list[tuple[str, str]], downloads: list[tuple[str, str]]) -> str:
    """A <figure> that draws the chart with the local vega-embed bundle, with caption and links."""
    vl = json.dumps(spec(chart, finding=finding, description=description, sources=sources))
    vl = vl.replace("</", "<\\/")
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
    options = json.dumps({"renderer": "svg", "actions": {"export": True, "source": False,
                                                          "compiled": False, "editor": False}})
    return f"""<figure class="mosaic-chart" id="chart-{name}">
<div class="mosaic-vega" id="vega-{name}" role="figure" aria-label="{html.escape(finding)}"></div>
<script type="application/json" id="spec-{name}">{vl}</script>
<script>mosaicChart("{name}", {options});</script>
<figcaption><span class="mosaic-description">{html.escape(description)}</span>
<span class="mosaic-source">Source: {links}.</span>
{files}</figcaption>
</figure>"""


def table_html(frame, columns: dict | None = None, missing: str = "") -> str:
    """A table in the book's style; `columns` picks and names the columns shown (all, as named, if None)."""
    if columns is not None:
        frame = frame[list(columns)].rename(columns=columns)
    body = frame.to_html(index=False, na_rep=missing, classes="mosaic-table", border=0)
    return f"<div class='mosaic-table-wrap'>{body}</div>"
