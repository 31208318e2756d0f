"""The real book, built from a clean copy with the real pipeline and jupyter-book."""
from __future__ import annotations

import ast
import html
import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import add_swe_bench_row, run_build, tree_digest

from mosaic.pipeline.chapters import toc_entries


def html_pages(root: Path) -> list[Path]:
    return sorted((root / "_build" / "html").resolve().rglob("*.html"))


def pasted(page: Path) -> list[str]:
    """The glued values on a page as plain text (Sphinx sets apostrophes and quotes typographically)."""
    found = re.findall(r'<span class="pasted-text">(.*?)</span>', page.read_text())
    plain = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
    return [html.unescape(f).translate(plain) for f in found]


def figures(root: Path) -> list[dict]:
    return json.loads((root / "_build" / "html" / "figures.json").read_text())


def test_every_page_in_the_toc_is_built(built):
    site = built / "_build" / "html"
    for entry in toc_entries(built):
        assert (site / f"{entry}.html").is_file(), entry


def glued(root: Path, chapter: str) -> dict[str, str]:
    """Every text a chapter glued, read from its executed notebook."""
    nb = json.loads((root / "_build" / "executed" / chapter / "notebook.ipynb").read_text())
    found = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            key = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if key:
                prefix = out["metadata"]["scrapbook"]["mime_prefix"]
                found[key] = ast.literal_eval(out["data"][prefix + "text/plain"])
    return found


def test_figures_json_matches_the_glued_prose(built):
    figs = figures(built)
    fields = {"chapter", "key", "label", "value", "text", "unit", "ci_low", "ci_high", "ci_level", "as_of", "note",
              "chapter_version", "chapter_content"}
    assert figs and all(fields <= set(f) for f in figs)
    assert len({f["key"] for f in figs}) == len(figs), "a key is published twice"
    for chapter in {f["chapter"] for f in figs}:
        texts = glued(built, chapter)
        page = built / "_build" / "html" / "chapters" / f"{chapter}.html"
        shown = pasted(page)
        assert shown, f"{chapter}: no glued figures in the prose"
        assert set(shown) <= set(texts.values()), f"{chapter}: prose shows text that was not glued"
        for f in figs:
            if f["chapter"] == chapter:
                assert texts[f["key"]] == f["text"], f["key"]


def test_figures_agree_with_the_data(built):
    """The claim counts in figures.json, recounted from the CSV: one per claim of the essay, not per row."""
    from test_claims import EXPECTED

    rows = list(csv.DictReader((built / "data" / "claims" / "claims.csv").open()))
    figs = {f["key"]: f for f in figures(built) if f["chapter"] == "claims"}
    claims = {r["essay_claim"] for r in rows}
    forecasts = {r["essay_claim"] for r in rows if r["check_method"] == "not yet checkable"}
    assert len(claims) < len(rows)  # PostTrainBench's two agents are one claim
    assert figs["claims_total"]["value"] == len(claims) == len(EXPECTED)
    assert figs["claims_forecast"]["value"] == len(forecasts)
    assert figs["claims_checked"]["value"] == len(claims) - len(forecasts)
    for key, status in (("claims_discrepant", "discrepant"), ("claims_superseded", "superseded"),
                        ("claims_vendor", "vendor-reported"), ("claims_confirmed", "confirmed")):
        assert figs[key]["value"] == sum(s == status for s in EXPECTED.values()), key
    sources = csv.DictReader((built / "data" / "sources.csv").open())
    essay = next(r for r in sources if r["source_id"] == "import-ai-455")
    assert {f["as_of"] for f in figs.values() if f["value"]} == {essay["published"]}


def test_the_claims_and_kernels_pages_quote_the_same_speedups(built):
    """The claims page reads the kernels chapter's counted values; the published pages agree."""
    executed = built / "_build" / "executed"
    outputs = executed / "kernels" / "outputs"
    counted = {r["model"]: r for r in csv.DictReader((outputs / "counted_speedups.csv").open())}
    drawn = {r["claim_id"]: r for r in csv.DictReader(
        (built / "_build" / "html" / "_static" / "data" / "claims" / "claims-vs-sources.csv").open())}
    kernels = {f["key"]: f for f in figures(built) if f["chapter"] == "kernels"}
    for claim_id, model in (("speed_start", "Claude Opus 4"), ("speed_mid", "Claude Opus 4.6"),
                            ("speed_end", "Claude Mythos Preview")):
        assert float(drawn[claim_id]["checked_value"]) == float(counted[model]["speedup_x"]), claim_id
    # The values on both pages, from the cards: the latest primary report counts.
    assert float(drawn["speed_end"]["checked_value"]) == kernels["training_speedup_best"]["value"] == 61.79
    mythos = counted["Claude Mythos Preview"]
    assert float(drawn["speed_end"]["first_reported_value"]) == float(mythos["first_reported_x"]) == 51.91
    assert float(drawn["speed_start"]["checked_value"]) == 2.8
    page = (built / "_build" / "html" / "chapters" / "claims.html").read_text()
    assert "52× matches 51.91× as first reported; the latest report corrects it to 61.79×" in page


def test_the_page_states_version_and_as_of(built):
    # Nothing has been released in a fresh copy: the page says so, and figures.json has no version.
    page = (built / "_build" / "html" / "chapters" / "claims.html").read_text()
    assert {f["chapter_version"] for f in figures(built)} == {None}
    assert "<span class='mosaic-version mosaic-draft'>Not yet released</span> · " in page
    assert "As of <strong>latest data</strong>" in page
    assert "injected-parameters" not in page and "as_of = " not in page


class ExternalLoads(HTMLParser):
    """Collects every script, stylesheet, font or image a page would fetch from another host."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        url = a.get("src") if tag in ("script", "img", "iframe", "source") else None
        if tag == "link" and set((a.get("rel") or "").split()) & {"stylesheet", "preload", "icon", "modulepreload"}:
            url = a.get("href")
        if url and re.match(r"^(https?:)?//", url):
            self.found.append(f"<{tag}> {url}")


def test_no_page_loads_anything_from_the_internet(built):
    site = (built / "_build" / "html").resolve()
    for page in html_pages(built):
        p = ExternalLoads()
        p.feed(page.read_text())
        assert p.found == [], f"{page.relative_to(site)} loads {p.found}"
        assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", page.read_text())
    for css in site.rglob("*.css"):
        text = css.read_text(errors="replace")
        assert not re.search(r"(@import|url\()\s*['\"]?(https?:)?//", text), css.relative_to(site)
    assert "unpkg.com" not in (site / "chapters" / "claims.html").read_text()


def test_nothing_changed_executes_nothing(built_copy):
    proc = run_build(built_copy)
    assert proc.returncode == 0, proc.stderr
    assert "claims: up to date" in proc.stdout
    assert "Nothing changed" in proc.stdout


def test_one_new_row_reexecutes_its_chapter_and_moves_its_figures(built_copy):
    before = {f["key"]: f for f in figures(built_copy)}
    claims = built_copy / "data" / "claims" / "claims.csv"
    with claims.open("a") as f:
        f.write("new_claim,new_claim,kernels,A new claim that does not hold,New claim,,10x,10,10,x speedup,2026-06,"
                "import-ai-455,source,,,,,7,discrepant,opus-4-6-card,\n")
    proc = run_build(built_copy)
    assert proc.returncode == 0, proc.stderr
    assert "claims: execute (data/claims/claims.csv changed)" in proc.stdout
    assert "coding: execute (data/claims/claims.csv changed)" in proc.stdout  # Cotra's forecast
    assert "alignment_clock: execute (data/claims/claims.csv changed)" in proc.stdout  # the essay's arithmetic
    # The landing chapter waits for the chapters it reads, and runs only if what they publish changed.
    assert "mosaic: after coding, alignment_clock, if what they publish changes" in proc.stdout
    ran = {line.split("] ")[1].split(":")[0] for line in proc.stdout.splitlines() if line.strip().startswith("[")}
    assert {"claims", "coding", "alignment_clock"} <= ran <= {"claims", "coding", "alignment_clock", "mosaic"}
    after = {f["key"]: f for f in figures(built_copy)}
    # 7x rounds to 7x, not the claimed 10x: one more claim, and one more discrepant one.
    assert after["claims_discrepant"]["value"] == before["claims_discrepant"]["value"] + 1
    assert after["claims_checked"]["value"] == before["claims_checked"]["value"] + 1
    assert after["claims_total"]["value"] == before["claims_total"]["value"] + 1
    assert after["claims_checked"]["chapter_content"] != before["claims_checked"]["chapter_content"]
    page = (built_copy / "_build" / "html" / "chapters" / "claims.html").read_text()
    assert "A new claim that does not hold" in page


def test_one_new_swe_bench_row_reexecutes_coding_and_only_the_readers_of_what_it_moved(built_copy):
    before = {f["key"]: f for f in figures(built_copy)}
    best = before["swe_verified_best_independent"]["value"]
    add_swe_bench_row(built_copy, "Some model", best + 1.5)
    proc = run_build(built_copy)
    assert proc.returncode == 0, proc.stderr
    assert "coding: execute (data/coding/swe_bench.csv changed)" in proc.stdout
    assert re.search(r"\[1/\d\] coding: done", proc.stdout) and "claims: done" not in proc.stdout
    # The alignment clock read only coding's METR trend and frontier, which a SWE-bench row does not move, so it
    # does not run again; the landing chapter read every SWE-bench score coding publishes, so it does.
    assert "alignment_clock: done" not in proc.stdout and re.search(r"\] mosaic: done", proc.stdout)
    after = {f["key"]: f for f in figures(built_copy)}
    clock = [k for k, f in before.items() if f["chapter"] == "alignment_clock"]
    assert clock and all(after[k]["value"] == before[k]["value"] for k in clock)
    assert after["swe_verified_best_independent"]["value"] == pytest.approx(best + 1.5)
    assert after["claims_checked"] == before["claims_checked"]
    # A model no vendor reported on cannot move the vendor-versus-independent gap, which pairs like with like.
    assert after["swe_vendor_gap"]["value"] == before["swe_vendor_gap"]["value"]
    page = (built_copy / "_build" / "html" / "chapters" / "coding.html").read_text()
    assert f"{best + 1.5:g}% (Some model + Epoch AI scaffold)" in page


def newest_public_horizon(rows: list[dict], day: str) -> dict:
    """The newest model's TH1.1 horizon as public on `day`, worked out from the CSV as a reader would."""
    public = [r for r in rows if r["suite"] == "TH1.1" and (r["published"] or r["release_date"]) <= day]
    latest = {}
    for r in public:  # a later publication of a model replaces its earlier one
        if r["model"] not in latest or r["published"] > latest[r["model"]]["published"]:
            latest[r["model"]] = r
    return max(latest.values(), key=lambda r: (r["release_date"], float(r["p50_minutes"])))


def test_parameters_from_the_command_line_are_stated_on_the_page(built_copy):
    day = "2026-04-01"
    proc = run_build(built_copy, "--as-of", day)
    assert proc.returncode == 0, proc.stderr
    page = (built_copy / "_build" / "html" / "chapters" / "claims.html").read_text()
    assert f"As of <strong>{day}</strong>" in page
    assert f"non-default parameters: <code>as_of = &#x27;{day}&#x27;</code>" in page
    # A figure is as of the newest row it used, which was public by the build's date.
    assert all(f["as_of"] is None or f["as_of"] <= day for f in figures(built_copy))
    assert f"after this edition&#x27;s date ({day}): it had made no claim to check yet" in page
    # The coding chapter as it would have read then: GPT-5.4, released on 2026-03-05, was not on METR's
    # page until 2026-04-10, so the newest horizon is another model's.
    rows = list(csv.DictReader((built_copy / "data" / "coding" / "metr_time_horizons.csv").open()))
    newest = newest_public_horizon(rows, day)
    latest = next(f for f in figures(built_copy) if f["key"] == "metr_latest_p50_minutes")
    assert latest["value"] == pytest.approx(float(newest["p50_minutes"]), abs=0.05)
    assert newest["model"] in latest["label"] and newest["model"] != "GPT-5.4"
    assert latest["as_of"] <= day


@pytest.mark.parametrize("as_of", ["2023-06-30", "2024-06-30"])
def test_the_claims_chapter_builds_before_the_essay_appeared(project, as_of):
    """`--as-of` before Import AI 455: the claims page and the chapters it reads build and say so.

    The book here holds only those chapters (with a landing page linking them), so the test
    follows this chapter whatever the state of the others.
    """
    read = ["claims", "kernels", "alignment_clock", "coding"]
    (project / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n"
                                      + "".join(f"- file: chapters/{c}\n" for c in read))
    (project / "index.md").write_text("# Mosaic\n\n" + "".join(f"- [{c}](chapters/{c})\n" for c in read))
    proc = run_build(project, "--as-of", as_of)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (project / "_build" / "html" / "chapters" / "claims.html").read_text()
    assert (f"Import AI 455 was published on 2026-05-04, after this edition&#x27;s date ({as_of}): it had made no "
            "claim to check yet.") in page
    assert "21 claims are made in sources published after this edition&#x27;s date" in page
    assert "id=\"chart-claims-vs-sources\"" not in page  # no chart, its note instead
    claims = [f for f in figures(project) if f["chapter"] == "claims"]
    assert claims and all(f["value"] == 0 and f["as_of"] is None for f in claims)


def test_a_failing_chapter_leaves_the_published_site_unchanged(built_copy):
    site = built_copy / "_build" / "html"
    before = tree_digest(site)
    md = built_copy / "chapters" / "claims.md"
    md.write_text(md.read_text().replace("## The evidence\n", "## The evidence\n\n```{code-cell} ipython3\n"
                                         "raise RuntimeError('a deliberate failure')\n```\n", 1))
    proc = run_build(built_copy)
    assert proc.returncode != 0
    assert "chapter 'claims' failed in cell" in proc.stderr
    assert "raise RuntimeError('a deliberate failure')" in proc.stderr
    assert "RuntimeError: a deliberate failure" in proc.stderr
    assert "The published site was left as it was." in proc.stderr
    assert tree_digest(site) == before


def test_a_render_warning_fails_the_build_and_keeps_the_site(built_copy):
    site = built_copy / "_build" / "html"
    before = tree_digest(site)
    page = built_copy / "changelog.md"
    page.write_text(page.read_text() + "\nSee [a missing page](chapters/missing).\n")
    proc = run_build(built_copy)
    assert proc.returncode != 0
    assert "jupyter-book build failed" in proc.stderr and "missing" in proc.stderr
    assert tree_digest(site) == before
