"""The landing page in a real browser: it opens on the answer, the shared-scale chart and the scoreboard,
its glued numbers are the ones in figures.json, the chart's switch works, and it weighs no more than a chapter."""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlparse

import pytest

from test_browser import browser, open_page, site, wait_for_charts  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

LANDING = "chapters/mosaic.html"


def mosaic_figures(built) -> dict:
    return {f["key"]: f for f in json.loads((built / "_build" / "html" / "figures.json").read_text())
            if f["chapter"] == "mosaic"}


def test_the_book_opens_on_the_answer_the_chart_and_the_scoreboard(browser, site, built):
    page, problems = open_page(browser, f"{site}/", site)
    page.wait_for_url(f"{site}/{LANDING}", timeout=5_000)
    wait_for_charts(page)
    answer = page.locator("article p", has_text="strands with a threshold").first
    box = answer.bounding_box()
    assert box["y"] + box["height"] <= 900  # on the first screen at 1280 x 900
    assert page.locator("#chart-mosaic-progress svg g.role-mark > *").count() > 0
    rows = page.locator("table.mosaic-table").first.locator("tbody tr")
    strands = list(csv.DictReader((built / "data" / "mosaic" / "strands.csv").open()))
    assert rows.count() == len(strands)
    assert page.locator("table.mosaic-table").first.locator("a[href='coding.html#the-evidence']").count() >= 1
    assert problems == []


def test_the_answer_glues_the_numbers_in_figures_json(browser, site, built):
    figs = mosaic_figures(built)
    page, problems = open_page(browser, f"{site}/{LANDING}", site)
    text = page.locator("article p", has_text="strands with a threshold").first.inner_text()
    text = text.replace("\u2019", "'")
    n, on27, on28 = (figs[k]["text"] for k in ("mosaic_strands_with_threshold", "mosaic_on_course_2027",
                                                "mosaic_on_course_2028"))
    verb = "reaches" if on27 == "1" else "reach"
    assert (f"Of {n} strands with a threshold, {on27} {verb} 90% of it by the end of 2027 on their records or "
            f"central projections, and {on28} by the end of 2028.") in text
    assert (f"is {figs['mosaic_p_2027']['text']} by the end of 2027 (Clark: 30%) and "
            f"{figs['mosaic_p_2028']['text']} by the end of 2028 (Clark: 60%+)") in text
    assert f"The newest result behind these numbers is from {figs['mosaic_newest_data']['text']}." in text
    # Further down, the model's paragraph pastes the same figures.
    body = page.locator("article").inner_text()
    for key in ("mosaic_p_2027", "mosaic_p_2028", "mosaic_p_engineering_2027", "mosaic_p_research_2028"):
        assert figs[key]["text"] in body, key
    assert problems == []


def axis_labels(page) -> list[str]:
    """The horizontal axis's labels (the axis drawn along the bottom of the plot)."""
    return page.evaluate("""() => {
      const svg = document.querySelector('#chart-mosaic-progress svg.marks');
      const labels = [...svg.querySelectorAll('g.role-axis-label text')];
      const bottom = Math.max(...labels.map(t => t.getBoundingClientRect().top));
      return labels.filter(t => Math.abs(t.getBoundingClientRect().top - bottom) < 3).map(t => t.textContent);
    }""")


def test_the_switch_puts_months_since_each_series_began_on_the_axis(browser, site):
    page, problems = open_page(browser, f"{site}/{LANDING}", site)
    wait_for_charts(page)
    years = [x for x in axis_labels(page) if x]
    assert "2024" in years and "2026" in years
    page.locator("#chart-mosaic-progress input[type=radio][value=months]").check()
    page.wait_for_function("() => ![...document.querySelectorAll('#chart-mosaic-progress svg g.role-axis-label')]"
                           ".some(g => g.textContent.includes('2024'))", timeout=5_000)
    months = [int(x.replace(",", "")) for x in axis_labels(page) if x]
    assert min(months) <= 0 < max(months) <= 150  # METR's series began in 2019: about 120 months to 2028
    assert problems == []


def test_a_point_of_the_shared_scale_chart_shows_its_row(browser, site):
    page, problems = open_page(browser, f"{site}/{LANDING}", site)
    wait_for_charts(page)
    href = page.locator("#chart-mosaic-progress a.mosaic-download").first.get_attribute("href")
    rows = list(csv.DictReader(io.StringIO(page.request.get(f"{site}/chapters/{href}").text())))
    page.locator("#chart-mosaic-progress svg g.mark-symbol.role-mark").last.locator("path").last.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    cells = tooltip.locator("td").all_inner_texts()
    shown = dict(zip(cells[0::2], cells[1::2]))
    row = next(r for r in rows if r["strand"] == shown["Strand"] and r["date"] == shown["Date"])
    assert shown["Record"] == row["value"] and shown["System"] == row["system"]
    assert float(shown["Progress (%)"].replace(",", "")) == pytest.approx(float(row["progress"]), abs=0.05)
    assert shown["Source"] == row["source"] and shown["Threshold or ceiling"] == row["threshold"]
    assert problems == []


def test_on_a_phone_nothing_is_clipped(browser, site):
    page, problems = open_page(browser, f"{site}/{LANDING}", site, {"width": 390, "height": 844})
    wait_for_charts(page)
    for chart in page.locator("figure.mosaic-chart").all():
        svg = chart.locator("svg.marks")
        box = svg.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        for part in ("g.role-title", "g.role-axis-title", "g.role-legend"):
            for drawn in svg.locator(part).all():
                b = drawn.bounding_box()
                assert b["x"] >= box["x"] - 1 and b["x"] + b["width"] <= box["x"] + box["width"] + 1, part
    plot = page.locator("#vega-mosaic-progress svg.marks g.role-frame path.background").first.bounding_box()
    assert plot["width"] >= 0.5 * 390
    for table in page.locator(".mosaic-table-wrap").all():
        b = table.bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= 390  # wide tables scroll inside their box
    assert problems == []


def loaded(page) -> list[str]:
    return page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")


def weight(built, site: str, page_path: str, urls: list[str]) -> int:
    """Bytes of the page and of every file it fetched that is not shared with every other page."""
    html = built / "_build" / "html"
    own = [u for u in urls if "/_static/data/" in u]
    return (html / page_path).stat().st_size + sum((html / urlparse(u).path.lstrip("/")).stat().st_size for u in own)


def test_the_landing_page_loads_no_more_than_the_other_pages(browser, site, built):
    pages = [p.relative_to(built / "_build" / "html").as_posix()
             for p in sorted((built / "_build" / "html" / "chapters").glob("*.html"))]
    seen = {}
    for path in pages:
        page, problems = open_page(browser, f"{site}/{path}", site)
        wait_for_charts(page)
        urls = loaded(page)
        shared = {re.sub(r"\?.*$", "", u) for u in urls if "/_static/data/" not in u}
        seen[path] = (shared, weight(built, site, path, urls))
        assert problems == [], path
        page.close()
    landing_assets, landing_bytes = seen.pop(LANDING)
    # No script, stylesheet or font the chapters do not load too (MathJax included) ...
    assert landing_assets <= set().union(*(assets for assets, _ in seen.values()))
    # ... and no more bytes of its own than the heaviest chapter.
    assert landing_bytes <= max(b for _, b in seen.values())
