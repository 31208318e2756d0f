"""The built site in a real browser (Debian's Chromium driven by Playwright), offline."""
from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import http.server
import os
import shutil
import statistics
import threading

import pytest

from mosaic.pipeline.chapters import toc_entries

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing under CI: .ci/run must install Debian's chromium package")
        pytest.skip("Chromium is not installed: apt-get install chromium (Debian) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built):
    handler = functools.partial(QuietHandler, directory=str(built / "_build" / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def open_page(browser, url, origin, viewport=None):
    """Open url; return the page and what went wrong: console errors, page errors, outside requests."""
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: None if r.url.startswith(origin) or r.url.startswith("data:")
            else problems.append(f"request left localhost: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    return page, problems


def wait_for_charts(page) -> int:
    """Wait until every chart on the page has drawn marks; return how many charts there are."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.mosaic-chart')]"
        ".every(f => f.querySelectorAll('svg g.role-mark > *').length > 0)", timeout=10_000)
    return page.locator("figure.mosaic-chart").count()


def test_every_page_loads_clean_and_draws_its_charts(browser, site, built):
    pages = [f"{e}.html" for e in toc_entries(built)] + ["search.html"]
    charts = 0
    for path in pages:
        page, problems = open_page(browser, f"{site}/{path}", site)
        charts += wait_for_charts(page)
        page.wait_for_timeout(300)
        assert problems == [], path
        page.close()
    assert charts >= 1


@pytest.mark.parametrize("page_path, chart, mark, labels", [
    ("chapters/replication.html", "replication-records", "symbol", ("System", "Series", "Date", "Score",
                                                                     "Share of the ceiling (%)", "Ceiling", "Entry",
                                                                     "Source tier", "Source")),
    ("chapters/kernels.html", "training-speedup", "symbol", ("Model", "Speedup (×)", "Reported in", "Source")),
    ("chapters/kernels.html", "kernels-by-hardware", "symbol", ("System", "Benchmark", "Metric", "Hardware")),
    ("chapters/alignment_clock.html", "alignment-clock", "symbol", ("Falls below the threshold at generation",
                                                                   "Around")),
    ("chapters/alignment_clock.html", "evaluation-awareness", "symbol", ("Model or study", "Date", "Signal",
                                                                        "Source")),
    ("chapters/alignment_clock.html", "forecasts", "symbol", ("Forecaster", "Made", "Event", "Source")),
    ("chapters/economy.html", "amdahl", "symbol", ("Automated share sped up", "Whole sped up", "Cap")),
    ("chapters/economy.html", "automation-share", "symbol", ("Release", "share (%)", "Sample",
                                                            "Source")),
    ("chapters/economy.html", "productivity", "symbol", ("Study", "Change in time (%)", "95% CI from",
                                                        "Evidence", "Source")),
    ("chapters/economy.html", "firm-adoption", "symbol", ("Period", "Share of firms (%)", "Question", "Source")),
])
def test_chart_tooltips_show_value_date_and_source(browser, site, page_path, chart, mark, labels):
    page, problems = open_page(browser, f"{site}/{page_path}", site)
    wait_for_charts(page)
    page.locator(f"#chart-{chart} svg.marks g.mark-{mark}.role-mark > path").last.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    text = tooltip.inner_text()
    for label in labels:
        assert label in text
    assert problems == []


def claims_chart_rows(page, site) -> list[dict]:
    """The rows behind the claims chart, from its download link."""
    import csv
    import io

    href = page.locator("#chart-claims-vs-sources a.mosaic-download").get_attribute("href")
    response = page.request.get(f"{site}/chapters/{href}")
    assert response.status == 200
    return list(csv.DictReader(io.StringIO(response.text())))


def tooltip_fields(page) -> dict[str, str]:
    """The shown tooltip as {title: value}."""
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    cells = [t.replace("\u2212", "-") for t in tooltip.locator("td").all_inner_texts()]  # Vega's minus sign
    return dict(zip(cells[0::2], cells[1::2]))


def test_claims_tooltips_show_the_row_they_draw(browser, site):
    page, problems = open_page(browser, f"{site}/chapters/claims.html", site)
    wait_for_charts(page)
    rows = {r["claim"]: r for r in claims_chart_rows(page, site)}
    groups = page.locator("#chart-claims-vs-sources svg.marks g.mark-symbol.role-mark")
    dots, rings = groups.last.locator("path"), groups.first.locator("path")
    for i in (0, dots.count() - 1):  # a filled dot: the latest report
        dots.nth(i).hover(force=True)
        shown = tooltip_fields(page)
        row = rows[shown["Claim"]]
        assert shown["Essay says"] == row["claimed"] and shown["Sources say (latest report)"] == row["checked"]
        assert shown["Status"] == row["status"] and shown["Source"] == row["source"]
        assert shown["Reported on"] == row["reported"] and shown["Source tier"] == row["source_tier"]
        assert float(shown["Outside the claim by (%)"]) == pytest.approx(float(row["gap_percent"]), abs=0.05)
        page.mouse.move(0, 0)
    rings.first.hover(force=True)  # a ring: the value as first reported, where a later report corrected it
    shown = tooltip_fields(page)
    row = rows[shown["Claim"]]
    assert shown["First reported"] == row["first_reported"] and shown["Corrected to"] == row["checked"]
    assert float(shown["Outside the claim by (%)"]) == pytest.approx(float(row["first_gap_percent"]), abs=0.05)
    assert problems == []


def test_replication_tooltip_gives_the_values_of_its_point(browser, site):
    # The point drawn last is the newest result: PostTrainBench v1, paper Table 1 (2026-03-09), Claude Code +
    # Claude Opus 4.6 at 23.2, which is 45.4% of the official instruct models' 51.1 (23.2 / 51.1).
    page, problems = open_page(browser, f"{site}/chapters/replication.html", site)
    wait_for_charts(page)
    page.locator("#chart-replication-records svg.marks g.mark-symbol.role-mark > path").last.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    text = tooltip.inner_text()
    for value in ("Claude Code + Claude Opus 4.6", "PostTrainBench v1", "2026-03-09", "23.2", "45.4",
                  "the official instruct models (51.1)", "counted", "primary",
                  "PostTrainBench: Can LLM Agents Automate LLM Post-Training?"):
        assert value in text
    assert problems == []


def hover(page, chart: str, nth: int) -> dict[str, str]:
    """Hover one point of a chart's last layer of points; return its tooltip as {label: value}."""
    page.locator(f"#chart-{chart} svg.marks g.mark-symbol.role-mark").last.locator("path").nth(nth).hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    pairs = [chunk.split("\t\n", 1) for chunk in tooltip.inner_text().strip().split("\n\n")]
    page.mouse.move(0, 0)
    return {k.strip(): v.strip() for k, v in pairs}


def coding_rows(built, name: str) -> list[dict]:
    return list(csv.DictReader((built / "data" / "coding" / name).open()))


def test_coding_tooltips_show_the_values_in_the_data(browser, site, built):
    page, problems = open_page(browser, f"{site}/chapters/coding.html", site)
    wait_for_charts(page)
    horizons = coding_rows(built, "metr_time_horizons.csv")
    for nth in (0, -1):  # the earliest model drawn and the latest
        tip = hover(page, "metr-horizons", nth)
        vintages = sorted((r for r in horizons if r["model"] == tip["Model"] and r["suite"] in ("TH1.1", "")),
                          key=lambda r: r["published"])
        row = vintages[-1]  # the latest publication of this model is the one drawn
        assert tip["50% horizon (min)"] == f"{float(row['p50_minutes']):,.2f}"
        assert tip["95% CI low (min)"] == f"{float(row['p50_ci_low_minutes']):,.2f}"
        assert tip["Value published"] == (row["published"] or "not dated")
        assert tip["From"] == row["origin"] and tip["Source"] and tip["Source tier"]
        assert tip["Released"] == dt.date.fromisoformat(row["release_date"]).strftime("%b %d, %Y")
    swe = coding_rows(built, "swe_bench.csv")
    tip = hover(page, "swe-bench", -1)
    row = next(r for r in swe if r["system"] == tip["System"] and r["split"] == tip["Split"])
    assert tip["Resolved (%)"] == f"{float(row['percent_resolved']):.2f}" and tip["Source"]
    assert tip["Date"] == dt.date.fromisoformat(row["date"]).strftime("%b %d, %Y")
    tip = hover(page, "swe-vendor-gap", -1)
    vendor = next(r for r in swe if r["model"] == tip["Model"] and r["reported_by"] == "vendor")
    runs = [float(r["percent_resolved"]) for r in swe if r["model"] == tip["Model"]
            and r["reported_by"] == "independent" and r["split"] == "Verified"]
    assert float(tip["Vendor minus independent (points)"]) == pytest.approx(
        float(vendor["percent_resolved"]) - statistics.median(runs), abs=0.005)
    assert problems == []


def test_chart_data_download_is_the_data_drawn(browser, site, built):
    page, problems = open_page(browser, f"{site}/chapters/claims.html", site)
    rows = claims_chart_rows(page, site)
    assert list(rows[0])[:8] == ["claim_id", "short_label", "claim", "claimed", "checked", "first_reported", "unit",
                                 "gap_percent"]
    wait_for_charts(page)
    drawn = page.locator("#chart-claims-vs-sources svg.marks g.mark-symbol.role-mark > path").count()
    assert drawn == len(rows) + sum(bool(r["first_gap_percent"]) for r in rows)  # a dot each, a ring per correction
    assert page.locator("#chart-claims-vs-sources").get_attribute("aria-label")
    assert "description" in page.locator("#spec-claims-vs-sources").inner_text()


@pytest.mark.parametrize("page_path, chart", [("chapters/coding.html", "metr-horizons"),
                                              ("chapters/alignment_clock.html", "alignment-clock")])
def test_on_a_phone_the_plot_keeps_its_width(browser, site, page_path, chart):
    # Long titles and legends must wrap to the screen rather than squeeze the plot into a sliver.
    page, problems = open_page(browser, f"{site}/{page_path}", site, {"width": 390, "height": 844})
    wait_for_charts(page)
    plot = page.locator(f"#vega-{chart} svg.marks g.role-frame path.background").first.bounding_box()
    assert plot["width"] >= 0.5 * 390
    assert problems == []


@pytest.mark.parametrize("chart", ["alignment-clock", "evaluation-awareness", "reward-hacking", "forecasts"])
def test_the_alignment_charts_fit_a_phone(browser, site, chart):
    # Small multiples cannot stretch to their box, so they are drawn narrow enough for it; nothing scrolls sideways.
    page, problems = open_page(browser, f"{site}/chapters/alignment_clock.html", site, {"width": 390, "height": 844})
    wait_for_charts(page)
    box = page.locator(f"#vega-{chart}").bounding_box()
    drawn = page.locator(f"#vega-{chart} svg.marks").bounding_box()
    assert drawn["x"] >= box["x"] - 1 and drawn["x"] + drawn["width"] <= box["x"] + box["width"] + 1
    plot = page.locator(f"#vega-{chart} svg.marks g.role-frame path.background").first.bounding_box()
    assert plot["width"] >= 150
    assert problems == []


def test_a_chart_fits_a_phone_screen(browser, site):
    page, problems = open_page(browser, f"{site}/chapters/claims.html", site, {"width": 390, "height": 844})
    wait_for_charts(page)
    box = page.locator("#vega-claims-vs-sources svg.marks").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # Nothing drawn past the drawing's edge: the title, the axis titles and the legend all fit.
    for part in ("g.role-title", "g.role-axis-title", "g.role-legend"):
        for drawn in page.locator(f"#vega-claims-vs-sources svg.marks {part}").all():
            b = drawn.bounding_box()
            assert b["x"] >= box["x"] - 1 and b["x"] + b["width"] <= box["x"] + box["width"] + 1, part
    plot = page.locator("#vega-claims-vs-sources svg.marks g.role-frame path.background").first.bounding_box()
    assert plot["width"] >= 100
    assert problems == []


def slide(page, chart: str, param: str, value) -> None:
    """Move one of a chart's sliders the way a reader does: set it, then fire its input event."""
    page.locator(f"#chart-{chart} input[type=range][name={param}]").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(value))


def chart_text(page, chart: str) -> str:
    """The chart's text marks and title, lines joined by spaces."""
    texts = page.locator(f"#chart-{chart} svg.marks g.mark-text text, #chart-{chart} svg.marks g.role-title-text text")
    return " ".join(t.evaluate("t => t.querySelectorAll('tspan').length ? [...t.querySelectorAll('tspan')]"
                               ".map(s => s.textContent).join(' ') : t.textContent") for t in texts.all())


MONTH = 365.25 / 12


def clock_settings(built) -> dict:
    """The settings the clock chart starts from, as its download gives them, with the page's defaults."""
    from mosaic.pipeline.chapters import read

    path = built / "_build" / "html" / "_static" / "data" / "alignment_clock" / "alignment-clock-settings.csv"
    row = next(csv.DictReader(path.open()))
    defaults = read(built / "chapters" / "alignment_clock.md").defaults
    assert (float(row["p"]), float(row["threshold"]), int(row["horizon_generations"])) == (
        defaults["p"], defaults["threshold"], defaults["horizon_generations"])
    return {"start": dt.date.fromisoformat(row["start"]), "cadence": float(row["cadence_days"]) / MONTH,
            "floor": float(row["floor_days"]) / MONTH, "shrink": float(row["cadence_shrink"]),
            "p": float(row["p"]), "threshold": float(row["threshold"])}


# The chart's text as chart_text joins it, in the page: a text's lines are joined by spaces, as a reader reads them.
CHART_TEXT = """chart => [...document.querySelectorAll(`#chart-${chart} svg.marks g.mark-text text, ` +
                                              `#chart-${chart} svg.marks g.role-title-text text`)]
  .map(t => t.querySelectorAll('tspan').length ? [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' ')
                                               : t.textContent).join(' ')"""


def wait_for_clock_text(page, text: str) -> str:
    page.wait_for_function(f"([chart, t]) => ({CHART_TEXT})(chart).includes(t)", arg=["alignment-clock", text],
                           timeout=5_000)
    return chart_text(page, "alignment-clock")


def test_moving_the_clock_sliders_moves_the_crossing_as_the_model_does(browser, site, built):
    from mosaic.analyses import alignment_clock as a

    s = clock_settings(built)
    page, problems = open_page(browser, f"{site}/chapters/alignment_clock.html", site)
    wait_for_charts(page)

    def expect(p, shrink, floor, cadence=s["cadence"]):
        """The crossing as the title gives it (the chapter's finding), from the Python model."""
        n = a.generations_to_threshold(p, s["threshold"])
        when = a.crossing_date(s["start"], n, cadence, shrink, floor)
        return f"falls below {s['threshold']:.0%} after {n:,} generations, around {when.strftime('%B %Y')}"

    def needed(threshold, horizon):
        """The read-out of the reliability needed, from the Python model."""
        need = a.required_p(threshold, horizon)
        return f"Needed to stay above {threshold:.0%} for {horizon:,} generations: p = {need:.4%}"

    # Before any slider moves: 106 generations at the observed pace, May 2042 (tests/test_alignment.py by hand),
    # and 0.9 ** (1 / 500) = 99.9789% per generation to last 500.
    text = chart_text(page, "alignment-clock")
    assert expect(s["p"], s["shrink"], s["floor"]) + " at today's pace" in text
    assert "falls below 90% after 106 generations, around May 2042 at today's pace" in text
    assert needed(s["threshold"], 500) in text and "p = 99.9789%" in text
    path_before = page.locator("#chart-alignment-clock svg.marks g.mark-line path").first.get_attribute("d")

    slide(page, "alignment-clock", "p", 0.995)
    wait_for_clock_text(page, expect(0.995, s["shrink"], s["floor"]) + " at today's pace")
    assert page.locator("#chart-alignment-clock svg.marks g.mark-line path").first.get_attribute("d") != path_before

    slide(page, "alignment-clock", "H", 1000)
    wait_for_clock_text(page, needed(s["threshold"], 1000))

    slide(page, "alignment-clock", "cadence_days", 365)
    wait_for_clock_text(page, expect(0.995, s["shrink"], s["floor"], cadence=365 / MONTH)
                        + " at the pace the sliders set")
    slide(page, "alignment-clock", "cadence_days", s["cadence"] * MONTH)
    wait_for_clock_text(page, expect(0.995, s["shrink"], s["floor"]) + " at today's pace")

    # Shortening generations, with the page's floor and then without one: p moves the date only with the floor.
    slide(page, "alignment-clock", "shrink", 0.05)
    slide(page, "alignment-clock", "p", 0.9999)
    floored = wait_for_clock_text(page, expect(0.9999, 0.05, s["floor"]))
    assert "after 1,054 generations, around June 2045 at the pace the sliders set" in floored
    slide(page, "alignment-clock", "floor_days", 0)
    wait_for_clock_text(page, expect(0.9999, 0.05, 0.0))
    slide(page, "alignment-clock", "p", 0.999)
    wait_for_clock_text(page, expect(0.999, 0.05, 0.0))
    assert problems == []


def economy_defaults(built) -> dict:
    from mosaic.pipeline.chapters import read

    return read(built / "chapters" / "economy.md").defaults


def test_moving_the_amdahl_sliders_moves_the_speedup(browser, site, built):
    from mosaic.analyses import economy as e

    defaults = economy_defaults(built)
    page, problems = open_page(browser, f"{site}/chapters/economy.html", site)
    wait_for_charts(page)
    f, s = defaults["f"], defaults["s"]
    # The title says what the sliders give (test_accessibility checks it word for word).
    assert f"makes the whole run {e.amdahl(f, s):.2f}× as fast" in chart_text(page, "amdahl")  # before any slide
    slide(page, "amdahl", "f", 0.9)
    slide(page, "amdahl", "s", 10)
    expected = f"makes the whole run {e.amdahl(0.9, 10):.2f}× as fast"
    page.wait_for_function(f"() => document.querySelector('#chart-amdahl').getAttribute('aria-label')"
                           f".includes('{expected}')", timeout=5_000)
    assert f"caps it at {e.amdahl_cap(0.9):.1f}×" in chart_text(page, "amdahl")

    n, skill = defaults["oring_tasks"], defaults["oring_skill"]
    slide(page, "oring", "omega", 0.99)
    outputs = [e.oring_output(k, n, 0.99, skill) for k in range(n + 1)]
    best = outputs.index(max(outputs))
    peak = f"Peak: {best} of {n} tasks automated, output {max(outputs):.3f}"
    page.wait_for_function(f"() => [...document.querySelectorAll('#chart-oring svg.marks g.mark-text text')]"
                           f".some(t => [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' ') === '{peak}')",
                           timeout=5_000)
    assert problems == []


def tooltip_of(page, mark) -> dict[str, str]:
    """Hover one mark and read its tooltip as {title: value}."""
    page.mouse.move(0, 0)  # first leave the last mark, whose tooltip may cover this one
    page.locator("#vg-tooltip-element").wait_for(state="hidden", timeout=5_000)
    mark.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    return {row.locator("td.key").inner_text(): row.locator("td.value").inner_text().replace("\u2212", "-")
            for row in tooltip.locator("tr").all()}  # d3 prints a minus sign; the CSV has a hyphen


def economy_rows(built, name) -> list[dict]:
    import csv

    with (built / "data" / "economy" / f"{name}.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def test_economy_tooltips_give_the_values_in_the_data(browser, site, built):
    """Every point's tooltip is checked against its row in the CSV, read here as text."""
    import datetime as dt

    page, problems = open_page(browser, f"{site}/chapters/economy.html", site)
    wait_for_charts(page)

    # Productivity: METR's 2025 trial, +19% time (2 to 39), and Peng et al.'s 55.8% less time (21 to 89).
    seen = {}
    dots = page.locator("#chart-productivity svg.marks g.mark-symbol.role-mark > path")
    for i in range(dots.count()):
        tip = tooltip_of(page, dots.nth(i))
        seen[(tip["Study"].split(":")[0].split(" - ")[0], tip["Evidence"])] = tip
    metr = seen[("METR RCT", "randomised trial")]
    assert (metr["Change in time (%)"], metr["95% CI from"], metr["95% CI to"]) == ("19", "2", "39")
    assert metr["Published"] == "10 July 2025" and metr["Source tier"] == "primary"
    peng = seen[("Peng, Kalliamvakou, Cihon, Demirer", "randomised trial")]
    assert (peng["Change in time (%)"], peng["95% CI from"], peng["95% CI to"]) == ("-55.8", "-89", "-21")

    # Automation shares: each point is a row of economic_index.csv on a fixed base.
    rows = {(r["date"], r["fixed_base"], r["platform"]): float(r["value"])
            for r in economy_rows(built, "economic_index") if r["fixed_base"]}
    points = page.locator("#chart-automation-share svg.marks g.mark-symbol.role-mark").first.locator("path")
    checked = 0
    for i in range(points.count()):
        tip = tooltip_of(page, points.nth(i))
        if "Automation share (%)" not in tip:
            continue
        day = dt.datetime.strptime(tip["Release"], "%b %d, %Y").date().isoformat()
        assert float(tip["Automation share (%)"]) == pytest.approx(rows[(day, tip["Base"], tip["Sample"])], abs=0.05)
        checked += 1
    assert checked >= 10  # twelve points; one may sit under another mark

    # Census BTOS: each point is a row of labor_market.csv.
    census = {(r["period"], r["value"]) for r in economy_rows(built, "labor_market") if r["ref_start"]}
    points = page.locator("#chart-firm-adoption svg.marks g.mark-symbol.role-mark > path")
    assert points.count() == 3
    for i in range(points.count()):
        tip = tooltip_of(page, points.nth(i))
        assert (tip["Period"], tip["Share of firms (%)"]) in census

    # Amdahl: the marked point is the chapter's f and s.
    defaults = economy_defaults(built)
    f, s = defaults["f"], defaults["s"]
    tip = tooltip_of(page, page.locator("#chart-amdahl svg.marks g.mark-symbol.role-mark > path").first)
    assert tip["Whole sped up (×)"] == f"{1 / ((1 - f) + f / s):.2f}" and tip["Cap (×)"] == f"{1 / (1 - f):.1f}"
    assert problems == []


def test_hovering_the_clock_gives_the_models_values(browser, site, built):
    from mosaic.analyses import alignment_clock as a

    s = clock_settings(built)
    page, problems = open_page(browser, f"{site}/chapters/alignment_clock.html", site)
    wait_for_charts(page)
    points = page.locator("#chart-alignment-clock svg.marks g.mark-symbol.role-mark")
    for nth in (3, 30, 150):  # invisible points every ten generations along the curve; a hover finds one
        tip = tooltip_of(page, points.first.locator("path").nth(nth))
        n = int(tip["Generation"].replace(",", ""))
        assert float(tip["Reliability (%)"]) == pytest.approx(a.reliability(s["p"], n) * 100, abs=0.005)
        when = a.crossing_date(s["start"], n, s["cadence"], s["shrink"], s["floor"])
        assert tip["Around"] == when.strftime("%b %Y")
    tip = tooltip_of(page, points.last.locator("path").first)  # the red crossing point
    n = a.generations_to_threshold(s["p"], s["threshold"])
    assert tip["Falls below the threshold at generation"] == f"{n:,}" == "106"
    assert tip["Around"] == a.crossing_date(s["start"], n, s["cadence"], s["shrink"], s["floor"]).strftime("%B %Y")
    assert problems == []


def alignment_rows(built, name) -> list[dict]:
    with (built / "data" / "alignment" / f"{name}.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def source_titles(built) -> dict[str, str]:
    with (built / "data" / "sources.csv").open(newline="") as f:
        return {r["source_id"]: r["title"] for r in csv.DictReader(f)}


def test_alignment_tooltips_give_the_values_in_the_data(browser, site, built):
    """Every point of the evidence charts, checked against its row in the CSV, read here as text."""
    titles = source_titles(built)
    page, problems = open_page(browser, f"{site}/chapters/alignment_clock.html", site)
    wait_for_charts(page)

    signals = {(r["model_or_study"], r["signal"]): r for r in alignment_rows(built, "alignment_signals")}
    for chart in ("evaluation-awareness", "reward-hacking"):
        drawn = built / "_build" / "html" / "_static" / "data" / "alignment_clock" / f"{chart}.csv"
        dots = page.locator(f"#chart-{chart} svg.marks g.mark-symbol.role-mark > path")
        assert dots.count() == len(list(csv.DictReader(drawn.open()))) >= 12, chart
        for i in range(dots.count()):
            tip = tooltip_of(page, dots.nth(i))
            row = signals[(tip["Model or study"], tip["Signal"])]
            assert float(tip["Value (%)"]) == float(row["value"]) and tip["Date"] == row["period"]
            assert tip["Source"] == titles[row["source_id"]]

    forecasts = {(r["forecaster"], r["target_event"]): r for r in alignment_rows(built, "forecasts")}
    dots = page.locator("#chart-forecasts svg.marks g.mark-symbol.role-mark > path")
    assert dots.count() == sum(bool(r["target_year"]) for r in forecasts.values())
    seen = set()
    for i in range(dots.count()):
        tip = tooltip_of(page, dots.nth(i))
        row = forecasts[(tip["Forecaster"], tip["Event"])]
        assert (tip["Made"], tip["By"], tip["Year charted"]) == (row["date_made_as_written"], row["target_as_written"],
                                                                 row["target_year"])
        assert tip["Probability or value"] == row["probability_or_value"]
        assert tip["Source"] == titles[row["source_id"]]
        seen.add(tip["Forecaster"])
    # The two forecasts added from the evidence pack, with their month shown as written (never 2025-12-31).
    assert {"Thomas Kwa (METR research note, 8-parameter model)",
            "AI Futures Model (Dec 2025 version), Daniel Kokotajlo's parameter medians"} <= seen
    assert problems == []


# -- archived versions -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def archive_site(released):
    handler = functools.partial(QuietHandler, directory=str(released["root"] / "_build" / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_an_archived_version_of_every_chapter_loads_clean(browser, archive_site, released):
    ledger = json.loads((released["root"] / "releases" / "ledger.json").read_text())
    chapters = [v["chapter"] for v in ledger["releases"][0]["versions"]]
    assert "kernels" in chapters and len(chapters) >= 6
    drawn = {}
    for chapter in chapters:
        url = f"{archive_site}/v/{chapter}/1/index.html"
        page, problems = open_page(browser, url, archive_site)
        drawn[chapter] = wait_for_charts(page)
        banner = page.locator(".mosaic-banner")
        assert banner.count() == 1 and ", version 1, released " in banner.inner_text()
        assert page.locator(".mosaic-banner a.mosaic-latest").get_attribute("href") == \
            f"../../../chapters/{chapter}.html"
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        inside = sorted({link.split("#")[0] for link in links if link.startswith(archive_site)})
        assert f"{archive_site}/chapters/{chapter}.html" in inside
        for link in inside:
            assert page.request.get(link).status == 200, f"{chapter}: {link}"
        page.wait_for_timeout(300)
        assert problems == [], chapter
        page.close()
    assert drawn["kernels"] >= 2


def test_an_old_version_learns_of_newer_ones_from_the_versions_file(browser, archive_site):
    page, problems = open_page(browser, f"{archive_site}/v/kernels/1/index.html", archive_site)
    page.wait_for_function("() => document.querySelector('.mosaic-banner .mosaic-newer').textContent.length > 0",
                           timeout=5_000)
    assert "A newer version exists: version 2" in page.locator(".mosaic-banner").inner_text()
    page.locator("details.mosaic-versions summary").click()
    assert page.locator("details.mosaic-versions summary").inner_text() == "All versions (2)"
    items = page.locator("details.mosaic-versions li").all_inner_texts()
    assert [i.split(" · ")[0] for i in items] == ["Version 2", "Version 1"]
    assert "training_speedup.csv: 1 corrected" in items[0]
    assert problems == []


def test_the_copy_button_copies_the_bibtex_with_todays_date(browser, archive_site):
    import datetime as dt

    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{archive_site}/chapters/kernels.html", wait_until="load")
    page.locator("button.mosaic-copy[data-copy='cite-bibtex']").click()
    page.wait_for_function("() => document.querySelector(\"button[data-copy='cite-bibtex']\").textContent === 'Copied'",
                           timeout=5_000)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    today = dt.date.today().isoformat()
    assert copied.startswith("@incollection{mosaic-kernels-v2,")
    assert f"urldate   = {{{today}}}," in copied and "YYYY" not in copied
    assert "url       = {https://mosaic.example.org/book/v/kernels/2/}," in copied
    context.close()


def test_the_citation_block_fits_a_phone_screen(browser, archive_site):
    for path in ("chapters/kernels.html", "v/kernels/1/index.html"):
        page, problems = open_page(browser, f"{archive_site}/{path}", archive_site, {"width": 390, "height": 844})
        for selector in ("#cite", "#changes", ".mosaic-edition"):
            box = page.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, selector)
            assert page.locator(selector).evaluate("el => el.scrollWidth <= el.clientWidth + 1"), (path, selector)
        assert problems == []
        page.close()
