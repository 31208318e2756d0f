"""The forecasts chapter in a real browser: its charts draw, its tooltips give the values drawn, its ledger sorts."""
from __future__ import annotations

import csv
import io
import json

import pytest

from test_browser import browser, open_page, site, wait_for_charts  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
PAGE = "chapters/forecasts.html"


def chart_rows(page, site, chart: str, stem: str) -> list[dict]:
    """The rows behind one of a chart's downloads."""
    link = next(a for a in page.locator(f"#chart-{chart} a.mosaic-download").all()
                if a.get_attribute("href").endswith(f"/{stem}.csv"))
    response = page.request.get(f"{site}/chapters/{link.get_attribute('href')}")
    assert response.status == 200
    return list(csv.DictReader(io.StringIO(response.text())))


def tip(page) -> dict[str, str]:
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    cells = [t.replace("\u2212", "-") for t in tooltip.locator("td").all_inner_texts()]
    page.mouse.move(0, 0)
    return dict(zip(cells[0::2], cells[1::2]))


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_draws_its_charts_and_nothing_runs_off_a_phone(browser, site, width):
    page, problems = open_page(browser, f"{site}/{PAGE}", site, {"width": width, "height": 900})
    assert wait_for_charts(page) >= 4
    for figure in page.locator("figure.mosaic-chart").all():
        box = figure.locator("svg.marks").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, figure.get_attribute("id")
        plot = figure.locator("svg.marks g.role-frame path.background").first.bounding_box()
        assert plot["width"] >= 0.5 * min(width, 390), figure.get_attribute("id")
    assert problems == []


def test_the_ratio_tooltip_gives_the_values_of_its_point(browser, site):
    page, problems = open_page(browser, f"{site}/{PAGE}", site)
    wait_for_charts(page)
    rows = chart_rows(page, site, "backtest-ratio", "backtest-ratio")
    dots = page.locator("#chart-backtest-ratio svg.marks g.mark-symbol.role-mark").first.locator("path")
    for nth in (0, dots.count() - 1):
        dots.nth(nth).hover(force=True)
        shown = tip(page)
        row = next(r for r in rows if r["origin"] == shown["Fitted at"] and r["target"] == shown[
            "Model, threshold or result"] and r["method_label"] == shown["Method"])
        assert shown["Actual ÷ predicted"] == f"{float(row['ratio']):.2f}"
        assert shown["Actual"] == row["actual"] and shown["Predicted"] == row["predicted"]
        assert shown["Outcome date"] == row["target_date"]
    assert problems == []


def test_the_coverage_tooltip_gives_the_share_and_count(browser, site):
    page, problems = open_page(browser, f"{site}/{PAGE}", site)
    wait_for_charts(page)
    rows = chart_rows(page, site, "backtest-coverage", "backtest-coverage")
    page.locator("#chart-backtest-coverage svg.marks g.mark-symbol.role-mark").last.locator("path").last.hover(
        force=True)
    shown = tip(page)
    row = next(r for r in rows if r["method_label"] == shown["Method"] and r["lead"] == shown["Lead bin (months)"])
    assert shown["Inside the interval (%)"] == f"{float(row['coverage']):.0f}" and shown["Postdictions"] == row["n"]
    assert problems == []


def test_the_glued_figures_are_those_of_figures_json(browser, site, built):
    figures = {f["key"]: f for f in json.loads((built / "_build" / "html" / "figures.json").read_text())
               if f["chapter"] == "forecasts"}
    page, problems = open_page(browser, f"{site}/{PAGE}", site)
    text = page.inner_text("article")
    for key in ("forecast_ledger_forecasts", "forecast_resolved", "forecast_overdue", "backtest_metr_coverage",
                "backtest_metr_prediction_coverage", "backtest_postdictions", "backtest_threshold_coverage"):
        assert figures[key]["text"] in text, key
    assert problems == []


def test_the_ledger_sorts_by_any_column(browser, site, built):
    with (built / "data" / "forecasts" / "ledger.csv").open(encoding="utf-8") as f:
        dates = sorted(r["resolve_by"] for r in csv.DictReader(f))
    page, problems = open_page(browser, f"{site}/{PAGE}", site)
    table = page.locator("table.mosaic-table").first
    heads = table.locator("thead th")
    col = next(i for i in range(heads.count()) if heads.nth(i).inner_text().startswith("Resolve by"))

    def column() -> list[str]:
        return [c.strip() for c in table.locator(f"tbody tr td:nth-child({col + 1})").all_inner_texts()]

    heads.nth(col).locator("button.mosaic-sort").click()
    assert column() == dates and heads.nth(col).get_attribute("aria-sort") == "ascending"
    heads.nth(col).locator("button.mosaic-sort").click()
    assert column() == dates[::-1] and heads.nth(col).get_attribute("aria-sort") == "descending"
    assert problems == []
