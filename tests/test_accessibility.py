"""Every page for every reader, in the real browser (Debian's Chromium driven by Playwright), offline.

axe-core finds nothing serious or critical in light or dark mode at 1280 and 390 px; nothing is wider
than its column or clipped, on a phone, a desktop or at 200% zoom; tables scroll inside a focusable,
labelled wrapper and sort by any column; titles of slider charts follow the sliders; charts follow the
theme's dark mode; saved images are named after their chart; every link of the site resolves; and the
heavy scripts load only where they are needed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from mosaic.book import palette
from mosaic.pipeline.chapters import toc_entries
from test_browser import browser, open_page, site, wait_for_charts  # noqa: F401 (fixtures)

WIDTHS = {"desktop": 1280, "phone": 390}
# A 1280 px window zoomed to 200% lays a page out in 640 CSS pixels (WCAG 1.4.4 and 1.4.10).
ZOOMED = 640


def pages(built) -> list[str]:
    """Every page a reader can open: the table of contents, and the search page."""
    return [f"{e}.html" for e in toc_entries(built)] + ["search.html"]


def open_in_mode(browser, url, origin, width, mode):
    """Open url at `width` px in the theme's light or dark mode, as a returning reader who chose it."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console error: {m.text}") if m.type == "error" else None)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: None if r.url.startswith(origin) or r.url.startswith("data:")
            else problems.append(f"request left localhost: {r.url}"))
    page.goto(url, wait_until="load")
    wait_for_charts(page)
    page.wait_for_function(f"() => document.documentElement.dataset.theme === '{mode}'", timeout=5_000)
    return context, page, problems


# -- axe-core ------------------------------------------------------------------------------------------

def axe_script() -> str:
    """axe-core as axe-playwright-python bundles it (requirements.txt pins it): no network needed."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


# Rules axe leaves off by default that earlier passes over the book found broken; they run too.
EXPERIMENTAL = {"label-content-name-mismatch": {"enabled": True}}


def axe(page) -> list[dict]:
    page.evaluate(axe_script())
    # No preload: axe would fetch every stylesheet again to build its own CSSOM (for one orientation rule),
    # resolving their @imports against the wrong folder.
    result = page.evaluate("options => axe.run(document, options)",
                           {"resultTypes": ["violations"], "rules": EXPERIMENTAL, "preload": False})
    return result["violations"]


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
def test_axe_finds_nothing_serious_on_any_page(browser, site, built, width, mode):
    found = []
    for path in pages(built):
        context, page, problems = open_in_mode(browser, f"{site}/{path}", site, width, mode)
        page.wait_for_timeout(200)
        for v in axe(page):
            if v["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"][:3]]
                found.append(f"{path}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes) {v['help']}: {targets}")
        assert problems == [], path
        context.close()
    assert found == []


# -- layout: nothing wider than its column, nothing clipped --------------------------------------------

# Returns what spills: any element of the article past its column (outside a scrolling wrapper), any
# scrolling wrapper a keyboard cannot reach, and any chart whose drawing leaves its box or whose text
# (title, axis labels and titles, legends) leaves the drawing or was cut short with an ellipsis.
LAYOUT = r"""() => {
  const out = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px in ${window.innerWidth}`);
  }
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const column = article.getBoundingClientRect();
  // What may scroll sideways: a table's wrapper and a code block, each reachable by keyboard. Anything else
  // that would scroll (a notebook output area does, when its content is too wide) counts as too wide.
  const WRAPPERS = '.mosaic-table-wrap, .pst-scrollable-table-container, div.highlight, pre';
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const hidden = el => el.closest('.vega-actions, #vg-tooltip-element') !== null || el.ownerSVGElement != null;
  for (const el of article.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || hidden(el)) continue;
    const wrapper = el.parentElement && el.parentElement.closest(WRAPPERS);
    if (!(wrapper && article.contains(wrapper)) && (r.left < column.left - 1 || r.right > column.right + 1)) {
      out.push(`${name(el)} runs past its column: ${Math.round(r.left)} to ${Math.round(r.right)} px, ` +
               `column ${Math.round(column.left)} to ${Math.round(column.right)} px`);
    }
    if (scrolls(el) && el.scrollWidth > el.clientWidth + 1) {
      if (!el.matches(WRAPPERS)) out.push(`${name(el)} is wider than its column and scrolls sideways`);
      else if (el.tabIndex < 0) out.push(`${name(el)} scrolls sideways but a keyboard cannot reach it`);
    }
  }
  for (const figure of document.querySelectorAll('figure.mosaic-chart')) {
    const box = figure.querySelector('.mosaic-vega').getBoundingClientRect();
    const svg = figure.querySelector('svg.marks');
    const drawing = svg.getBoundingClientRect();
    if (drawing.left < box.left - 1 || drawing.right > box.right + 1) {
      out.push(`${figure.id}: the drawing (${Math.round(drawing.width)} px) is wider than its box (${Math.round(box.width)} px)`);
    }
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      const words = text.textContent.trim();
      if (!words || !r.width) continue;
      if (text.getAttribute('opacity') === '0' || getComputedStyle(text).opacity === '0') continue;  // hidden (overlap)
      if (r.left < drawing.left - 1 || r.right > drawing.right + 1 || r.top < drawing.top - 1 || r.bottom > drawing.bottom + 1) {
        out.push(`${figure.id}: "${words.slice(0, 60)}" is clipped by the drawing's edge`);
      }
      if (words.includes('\u2026')) out.push(`${figure.id}: "${words.slice(0, 60)}" is cut short`);
    }
  }
  return out;
}"""


LAYOUT_WIDTHS = pytest.mark.parametrize("width", [1280, ZOOMED, 390],
                                        ids=["desktop", "desktop-at-200%-zoom", "phone"])
# The alignment clock's page has its own test: its four charts (a slider chart whose read-out wraps to the plot,
# panels as wide as their box, forecasters' names in lines) are where clipping was found last.
ALIGNMENT = "chapters/alignment_clock.html"


def clipped(browser, site, paths, width) -> list[str]:
    found = []
    for path in paths:
        context, page, problems = open_in_mode(browser, f"{site}/{path}", site, width, "light")
        page.wait_for_timeout(300)  # a chart whose legend did not fit is laid out again
        found += [f"{path}: {p}" for p in page.evaluate(LAYOUT)]
        assert problems == [], path
        context.close()
    return found


@pytest.mark.browser
@LAYOUT_WIDTHS
def test_nothing_is_wider_than_its_column_or_clipped(browser, site, built, width):
    assert clipped(browser, site, [p for p in pages(built) if p != ALIGNMENT], width) == []


@pytest.mark.browser
@LAYOUT_WIDTHS
def test_nothing_on_the_alignment_clock_page_is_clipped(browser, site, built, width):
    assert clipped(browser, site, [ALIGNMENT], width) == []


@pytest.mark.browser
def test_the_layout_check_sees_a_clipped_label_and_a_wide_element(browser, site):
    # The check above must be able to fail: cut a legend label short, push one past the chart's edge,
    # and widen a paragraph past the column.
    context, page, problems = open_in_mode(browser, f"{site}/chapters/kernels.html", site, 390, "light")
    page.evaluate("""() => {
      const texts = document.querySelectorAll('#chart-training-speedup svg.marks g.role-legend text');
      texts[0].textContent = 'restatement (Anthropic Institut\u2026';
      texts[1].setAttribute('transform', 'translate(2000, 0)');
      document.querySelector('article.bd-article p').style.width = '900px';
    }""")
    found = page.evaluate(LAYOUT)
    assert any("is cut short" in p for p in found)
    assert any("clipped by the drawing's edge" in p for p in found)
    assert any(p.startswith("p") and "runs past its column" in p for p in found)
    context.close()


# -- tables ---------------------------------------------------------------------------------------------

def cells(page, table, column: int) -> list[str]:
    return table.locator(f"tbody tr td:nth-child({column + 1})").evaluate_all(
        "tds => tds.map(td => { const c = td.cloneNode(true); c.querySelectorAll('.mosaic-note').forEach(n => n.remove());"
        " return c.textContent.trim(); })")


@pytest.mark.browser
def test_a_wide_table_scrolls_in_a_wrapper_a_keyboard_reaches(browser, site):
    context, page, problems = open_in_mode(browser, f"{site}/chapters/claims.html", site, 390, "light")
    wrap = page.locator(".mosaic-table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")  # the claims table is wider than a phone
    assert wrap.get_attribute("role") == "region"
    assert wrap.get_attribute("aria-label").startswith("Table: Claim, Essay says, Sources say (latest report)")
    page.keyboard.press("Tab")
    for _ in range(200):  # tab from the top of the page until the wrapper has the focus
        if page.evaluate("() => document.activeElement.classList.contains('mosaic-table-wrap')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('mosaic-table-wrap')")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5_000)
    assert problems == []
    context.close()


def number(text: str) -> float:
    return float(re.match(r"[−-]?[\d,]*\.?\d+", text).group(0).replace(",", "").replace("−", "-"))


@pytest.mark.browser
def test_tables_sort_by_any_column_with_mouse_or_keyboard(browser, site):
    context, page, problems = open_in_mode(browser, f"{site}/chapters/coding.html", site, 1280, "light")
    # The SWE-bench gaps table: 'Gap (points)' holds numbers such as 1.4 and 6.2, 'Model' names.
    table = page.locator("table.mosaic-table", has=page.locator("th", has_text="Gap (points)"))
    headings = table.locator("thead th").all_inner_texts()
    gap = next(i for i, h in enumerate(headings) if "Gap (points)" in h)
    before = cells(page, table, gap)
    assert len(before) >= 3
    table.locator("thead th").nth(gap).locator("button").click()
    assert [number(v) for v in cells(page, table, gap)] == sorted(number(v) for v in before)
    assert table.locator("thead th").nth(gap).get_attribute("aria-sort") == "ascending"
    table.locator("thead th").nth(gap).locator("button").focus()
    page.keyboard.press("Enter")  # the keyboard sorts too: the other way
    assert [number(v) for v in cells(page, table, gap)] == sorted((number(v) for v in before), reverse=True)
    assert table.locator("thead th").nth(gap).get_attribute("aria-sort") == "descending"
    models = cells(page, table, 0)
    table.locator("thead th").nth(0).locator("button").click()
    assert cells(page, table, 0) == sorted(models, key=str.casefold)
    assert table.locator("thead th").nth(gap).get_attribute("aria-sort") is None
    assert problems == []
    context.close()


# -- charts: titles that follow sliders, dark mode, saved images, descriptions --------------------------

def title(page, chart: str) -> str:
    """The chart's title as drawn, its lines joined."""
    return page.locator(f"#chart-{chart} svg.marks g.role-title-text text").first.evaluate(
        "t => { const s = t.querySelectorAll('tspan'); return s.length ? [...s].map(x => x.textContent).join(' ') "
        ": t.textContent; }")


def slide(page, chart: str, param: str, value) -> None:
    page.locator(f"#chart-{chart} input[type=range][name={param}]").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(value))


def amdahl_title(f: float, s: float) -> str:
    """The Amdahl chart's title, written out here by hand: overall = 1 / ((1 - f) + f / s), cap = 1 / (1 - f)."""
    return (f"Speeding up {round(f * 100)}% of the work {s:g}× makes the whole run "
            f"{1 / ((1 - f) + f / s):.2f}× as fast; the slow remainder caps it at {1 / (1 - f):.1f}×")


def economy_defaults(built) -> dict:
    from mosaic.pipeline.chapters import read

    return read(built / "chapters" / "economy.md").defaults


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_titles_of_slider_charts_follow_the_sliders(browser, site, built, width):
    defaults = economy_defaults(built)
    context, page, problems = open_in_mode(browser, f"{site}/chapters/economy.html", site, width, "light")
    assert title(page, "amdahl") == amdahl_title(defaults["f"], defaults["s"])  # 50% and 10×: 1.82× and 2.0×
    slide(page, "amdahl", "f", 0.9)
    slide(page, "amdahl", "s", 10)
    expected = amdahl_title(0.9, 10)  # 5.26×, capped at 10.0×
    page.wait_for_function("([sel, want]) => document.querySelector(sel).getAttribute('aria-label') === want",
                           arg=["#chart-amdahl", expected], timeout=5_000)
    assert title(page, "amdahl") == expected

    # The O-ring toy, worked out by hand at n = 10, λ = 30 and machines at quality 0.99: with k tasks
    # automated the output is 0.99^k × (1 - exp(-30 / (10 - k)))^(10 - k), largest at k = 7.
    import math

    n, skill = defaults["oring_tasks"], defaults["oring_skill"]
    outputs = [0.99 ** k * (1 - math.exp(-skill / (n - k))) ** (n - k) if k < n else 0.99 ** n for k in range(n + 1)]
    best = max(range(n + 1), key=lambda k: (round(outputs[k], 6), -k))
    slide(page, "oring", "omega", 0.99)
    expected = f"Illustrative O-ring toy: output peaks with {best} of {n} tasks automated" + (
        ", then falls as the last tasks go to machines" if best < n else "")
    page.wait_for_function("([sel, want]) => document.querySelector(sel).getAttribute('aria-label') === want",
                           arg=["#chart-oring", expected], timeout=5_000)
    assert title(page, "oring") == expected
    assert problems == []
    context.close()


def clock_title(p: float, n: int, when: dt.date, pace: str) -> str:
    """The clock's title, the alignment chapter's finding, written out here: T = 90% at the page's settings."""
    return (f"A technique {p * 100:g}% reliable per generation falls below 90% after {n:,} generations, around "
            f"{when.strftime('%B %Y')} {pace}")


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_clock_title_follows_its_sliders(browser, site, built, width):
    # By hand from the page's settings (tests/test_alignment.py): the clock starts on 5 February 2026 with one
    # generation every 56 days. 0.999 ** n < 0.9 first at n = 106 (ln 0.9 / ln 0.999 = 105.3); 0.995 ** n at
    # n = 22 (21.02). A generation every 365 days instead: 22 of them.
    start, day = dt.date(2026, 2, 5), dt.timedelta(days=1)
    context, page, problems = open_in_mode(browser, f"{site}/chapters/alignment_clock.html", site, width, "light")
    expected = clock_title(0.999, 106, start + 106 * 56 * day, "at today's pace")
    assert expected == "A technique 99.9% reliable per generation falls below 90% after 106 generations, around " \
                       "May 2042 at today's pace"
    assert title(page, "alignment-clock") == expected
    assert page.locator("#chart-alignment-clock").get_attribute("aria-label") == expected
    for param, value, want in (
            ("p", 0.995, clock_title(0.995, 22, start + 22 * 56 * day, "at today's pace")),
            ("cadence_days", 365, clock_title(0.995, 22, start + 22 * 365 * day, "at the pace the sliders set"))):
        slide(page, "alignment-clock", param, value)
        page.wait_for_function("([sel, want]) => document.querySelector(sel).getAttribute('aria-label') === want",
                               arg=["#chart-alignment-clock", want], timeout=5_000)
        assert title(page, "alignment-clock") == want
    assert want.endswith("after 22 generations, around January 2048 at the pace the sliders set")
    assert problems == []
    context.close()


def fills(page, chart: str) -> dict[str, str]:
    """The drawn colours of the chart's title, axis labels and background, as #rrggbb."""
    return page.evaluate("""chart => {
      const hex = c => '#' + c.match(/\\d+/g).slice(0, 3).map(x => (+x).toString(16).padStart(2, '0')).join('').toUpperCase();
      const svg = document.querySelector(`#chart-${chart} svg.marks`);
      return {title: hex(getComputedStyle(svg.querySelector('g.role-title-text text')).fill),
              label: hex(getComputedStyle(svg.querySelector('g.role-axis-label text')).fill),
              background: hex(svg.style.backgroundColor || 'rgb(0, 0, 0)')};
    }""", chart)


@pytest.mark.browser
def test_charts_follow_the_dark_mode_and_keep_their_sliders_when_it_changes(browser, site):
    context, page, problems = open_in_mode(browser, f"{site}/chapters/economy.html", site, 1280, "dark")
    assert fills(page, "amdahl") == {"title": palette.DARK[palette.INK], "label": palette.DARK[palette.INK_MUTED],
                                     "background": palette.DARK[palette.BACKGROUND]}
    slide(page, "amdahl", "f", 0.9)
    page.wait_for_function("() => document.querySelector('#chart-amdahl').getAttribute('aria-label').includes('90%')",
                           timeout=5_000)
    # The reader switches the theme (the button goes from dark to light): every chart is drawn again.
    page.locator("button.theme-switch-button").first.click()
    page.wait_for_function("() => document.documentElement.dataset.theme === 'light'", timeout=5_000)
    page.wait_for_function(f"""() => getComputedStyle(document.querySelector(
        '#chart-amdahl svg.marks g.role-title-text text')).fill === 'rgb(31, 35, 40)'""", timeout=5_000)  # INK
    assert palette.INK == "#1F2328"
    assert fills(page, "amdahl")["background"] == palette.BACKGROUND
    assert fills(page, "oring")["title"] == palette.INK
    # The slider is where the reader left it, and the title still says so.
    assert page.locator("#chart-amdahl input[type=range][name=f]").input_value() == "0.9"
    assert title(page, "amdahl").startswith("Speeding up 90% of the work")
    assert problems == []
    context.close()


@pytest.mark.browser
def test_an_image_saved_from_a_chart_is_named_after_it(browser, site):
    context, page, problems = open_in_mode(browser, f"{site}/chapters/kernels.html", site, 1280, "light")
    menu = page.locator("#vega-training-speedup details")
    menu.locator("summary").click()
    with page.expect_download() as saved:
        menu.locator("a", has_text="SVG").click()
    assert saved.value.suggested_filename == "training-speedup.svg"
    assert menu.locator("summary").get_attribute("aria-label").startswith("Save this chart as an image")
    context.close()


@pytest.mark.browser
def test_every_chart_is_named_by_its_finding_and_described_by_what_its_data_show(browser, site, built):
    figures = {f["key"]: f["text"] for f in json.loads((built / "_build" / "html" / "figures.json").read_text())}
    context, page, problems = open_in_mode(browser, f"{site}/chapters/kernels.html", site, 1280, "light")
    for figure in page.locator("figure.mosaic-chart").all():
        name = figure.get_attribute("id").removeprefix("chart-")
        assert figure.get_attribute("aria-label") == title(page, name)
        described = figure.locator(".mosaic-description").inner_text()
        # Vega labels the drawing itself with the same description.
        assert figure.locator("[role=graphics-document]").get_attribute("aria-label") == described
    speedup = page.locator("#chart-training-speedup .mosaic-description").inner_text()
    # The numbers the kernels chapter publishes: 7 models, 2.8× to 61.79×, doubling every 68 days.
    for key in ("training_speedup_models", "training_speedup_first", "training_speedup_best",
                "training_speedup_latest", "training_speedup_doubling_days"):
        assert figures[key] in speedup, key
    hardware = page.locator("#chart-kernels-by-hardware .mosaic-description").inner_text()
    assert f"{figures['kernel_results']} results on {figures['kernel_families']} hardware families" in hardware
    context.close()


def own_title(page, chart: str) -> str:
    """The chart's own title, its lines joined: the outermost title (panels of a concatenated chart have their own)."""
    return page.locator(f"#chart-{chart} svg.marks").evaluate("""svg => {
      const depth = t => { let d = 0; for (let e = t; e !== svg; e = e.parentElement) d++; return d; };
      const t = [...svg.querySelectorAll('g.role-title-text text')].sort((a, b) => depth(a) - depth(b))[0];
      const s = t.querySelectorAll('tspan');
      return s.length ? [...s].map(x => x.textContent).join(' ') : t.textContent;
    }""")


@pytest.mark.browser
def test_the_alignment_charts_are_named_by_their_findings_and_say_what_their_data_show(browser, site, built):
    figures = {f["key"]: f["text"] for f in json.loads((built / "_build" / "html" / "figures.json").read_text())}
    context, page, problems = open_in_mode(browser, f"{site}/chapters/alignment_clock.html", site, 390, "light")
    described = {}
    for figure in page.locator("figure.mosaic-chart").all():
        name = figure.get_attribute("id").removeprefix("chart-")
        assert figure.get_attribute("aria-label") == own_title(page, name)
        described[name] = figure.locator(".mosaic-description").inner_text()
        assert figure.locator("[role=graphics-document]").get_attribute("aria-label") == described[name]
    assert set(described) == {"alignment-clock", "evaluation-awareness", "reward-hacking", "forecasts"}
    # The numbers the chapter publishes, in the description of the chart that draws them.
    for chart, keys in (("alignment-clock", ("clock_crossing_date", "clock_cadence_days", "clock_start")),
                        ("evaluation-awareness", ("awareness_measurers",)),
                        ("reward-hacking", ("reward_hacking_models",)),
                        ("forecasts", ("forecasts_charted", "forecasts_total"))):
        for key in keys:
            assert figures[key] in described[chart], key
    # As figures.json has them: May 2042, 56 days from February 2026; 3 organisations; 7 models; 18 of 22.
    assert "around May 2042 at today's pace, counting one generation every 56 days from February 2026" in \
        described["alignment-clock"]
    assert "12 measurements from 3 organisations" in described["evaluation-awareness"]
    assert "7 Claude models on 3 evaluations" in described["reward-hacking"]
    assert "18 of the 22 statements on record name a single year" in described["forecasts"]
    assert problems == []
    context.close()


def wrapped_labels(page, chart: str, role: str) -> list[str]:
    """A chart's labels of one role (as 'axis-label'), each label's lines joined by spaces."""
    return page.locator(f"#chart-{chart} svg.marks g.role-{role} text").evaluate_all(
        "ts => ts.map(t => t.querySelectorAll('tspan').length ? "
        "[...t.querySelectorAll('tspan')].map(s => s.textContent).join(' ') : t.textContent)")


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_every_forecasters_name_is_shown_whole(browser, site, built, width):
    import csv

    from mosaic.analyses.alignment_clock import short_name

    with (built / "data" / "alignment" / "forecasts.csv").open(newline="") as f:
        names = {short_name(r["forecaster"]) for r in csv.DictReader(f) if r["target_year"]}
    assert "AI Futures Model, Daniel Kokotajlo's parameter medians" in names
    context, page, problems = open_in_mode(browser, f"{site}/chapters/alignment_clock.html", site, width, "light")
    shown = [t for t in wrapped_labels(page, "forecasts", "axis-label") if not t.isdigit()]  # not the years
    assert sorted(shown) == sorted(names)
    assert problems == []
    context.close()


# -- links ------------------------------------------------------------------------------------------------

class Links(HTMLParser):
    """The links and the anchors (ids and names) of one page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.anchors |= {a[k] for k in ("id", "name") if a.get(k)}
        self.links += [a[k] for k in ("href", "src") if a.get(k) is not None]


URL_IN_SPEC = re.compile(r'"url": "([^"]+)"')


def broken_links(html: Path) -> list[str]:
    """Every link (href, src, chart data url) of every page of the site that leads nowhere, or to a missing anchor."""
    html = html.resolve()
    parsed: dict[Path, Links] = {}

    def parse(page: Path) -> Links:
        if page not in parsed:
            text = page.read_text(encoding="utf-8")
            parsed[page] = Links()
            parsed[page].feed(text)
            parsed[page].links += URL_IN_SPEC.findall(text)
        return parsed[page]

    broken = []
    for page in sorted(p for p in html.rglob("*.html") if "_static" not in p.relative_to(html).parts):
        for link in parse(page).links:
            url = urlsplit(link)
            if url.scheme or link.startswith("//"):
                continue  # the web: checked by no test here, which runs offline
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(html)}: {link}"
            if not target.is_file():
                broken.append(f"{where} (no such file)")
            elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in parse(target).anchors:
                broken.append(f"{where} (no #{url.fragment} on that page)")
    return broken


def test_every_link_of_the_site_resolves(built):
    assert broken_links(built / "_build" / "html") == []


def test_the_link_check_finds_a_missing_page_and_a_missing_anchor(built_copy):
    site = (built_copy / "_build" / "html").resolve()
    page = site / "chapters" / "kernels.html"
    page.write_text(page.read_text().replace("</article>", "<a href='../nowhere.html'>x</a>"
                                             "<a href='coding.html#no-such-heading'>y</a></article>", 1))
    assert broken_links(site) == ["chapters/kernels.html: ../nowhere.html (no such file)",
                                  "chapters/kernels.html: coding.html#no-such-heading (no #no-such-heading on that page)"]


def test_there_is_no_empty_general_index(built):
    site = built / "_build" / "html"
    assert not (site / "genindex.html").exists()
    assert not any("genindex" in p.read_text() for p in site.rglob("*.html") if "_static" not in p.parts)


# -- page weight -------------------------------------------------------------------------------------------

def scripts(page: Path) -> list[str]:
    return re.findall(r'<script[^>]* src="([^"]+)"', page.read_text(encoding="utf-8"))


def test_mathjax_loads_on_no_page_without_mathematics(built):
    site = built / "_build" / "html"
    for path in pages(built):
        assert not [s for s in scripts(site / path) if "mathjax" in s.lower()], path


def test_mathjax_loads_on_a_page_with_mathematics_and_only_there(built_copy):
    from conftest import run_build

    changelog = built_copy / "changelog.md"
    changelog.write_text(changelog.read_text() + "\nA compounding rate: $0.999^{500} \\approx 0.61$.\n")
    proc = run_build(built_copy)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = built_copy / "_build" / "html"
    assert [s.split("?")[0] for s in scripts(site / "changelog.html") if "mathjax" in s] == [
        "_static/vendor/mathjax/tex-svg-full.js"]
    assert (site / "_static" / "vendor" / "mathjax" / "tex-svg-full.js").is_file()
    for path in pages(built_copy):
        if path != "changelog.html":
            assert not [s for s in scripts(site / path) if "mathjax" in s], path


def bundle_src(page: Path) -> list[str]:
    return [s for s in scripts(page) if "vega-bundle" in s]


def test_the_vega_bundle_is_named_by_its_content_and_loads_only_where_charts_are(built):
    site = built / "_build" / "html"
    files = list((site / "_static" / "vendor").glob("vega-bundle*.js"))
    assert len(files) == 1
    name = files[0].name
    assert name == f"vega-bundle.{hashlib.sha256(files[0].read_bytes()).hexdigest()[:16]}.js"
    for path in pages(built):
        text = (site / path).read_text(encoding="utf-8")
        loaded = bundle_src(site / path)
        if 'class="mosaic-chart"' in text:
            assert [s.split("?")[0] for s in loaded] == [f"{'../' * path.count('/')}_static/vendor/{name}"], path
        else:
            assert loaded == [], path
    assert bundle_src(site / "chapters" / "kernels.html") and not bundle_src(site / "changelog.html")


def test_an_archived_page_keeps_the_bundle_name(released):
    site = (released["root"] / "_build" / "html").resolve()
    name = next((site / "_static" / "vendor").glob("vega-bundle.*.js")).name
    archived = bundle_src(site / "v" / "kernels" / "1" / "index.html")
    assert archived == [f"../../_assets/{name}"]
    assert (site / "v" / "_assets" / name).read_bytes() == (site / "_static" / "vendor" / name).read_bytes()


def test_the_bench_weighs_each_page_with_and_without_what_it_shares(built):
    import gzip

    from mosaic.pipeline import bench

    html = (built / "_build" / "html").resolve()
    weights = bench.page_weights(html)
    bundle = next((html / "_static" / "vendor").glob("vega-bundle.*.js"))
    assert f"_static/vendor/{bundle.name}" in bench.assets(html, "chapters/kernels.html")
    assert f"_static/vendor/{bundle.name}" not in bench.assets(html, "changelog.html")
    assert not any("mathjax" in a for page in weights for a in bench.assets(html, page))
    # The changelog shares everything it loads: alone it is its own HTML, compressed.
    changelog = (html / "changelog.html").read_bytes()
    assert weights["changelog.html"][0] == len(gzip.compress(changelog, 6))
    # A chapter with charts carries the bundle among its shared assets; the changelog does not.
    kernels, log = weights["chapters/kernels.html"], weights["changelog.html"]
    assert (kernels[1] - kernels[0]) - (log[1] - log[0]) >= len(gzip.compress(bundle.read_bytes(), 6))
    assert all(own < 300_000 for own, _ in weights.values())  # DESIGN.md: under 300 KB, shared assets aside
