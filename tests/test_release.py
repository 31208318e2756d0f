"""Releases: versions move only where content changed, changelogs come from the data, the archive never changes."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest
from conftest import OPUS_47, SITE_URL, git, run_build, run_mosaic

from mosaic.pipeline import chapters as chapter_sources

TODAY = dt.date.today().isoformat()
ROW_KEY = "Claude Opus 4.7 · System Card: Claude Opus 4.7, s.2.3.4, Table 2.3.4.A · LLM training (avg speedup)"


def ledger(root: Path) -> dict:
    return json.loads((root / "releases" / "ledger.json").read_text())


def site(root: Path) -> Path:
    return (root / "_build" / "html").resolve()


def versions(release: dict) -> dict[str, int]:
    return {v["chapter"]: v["version"] for v in release["versions"]}


def readers_of(root: Path, chapter: str) -> set[str]:
    """Chapters that read `chapter`'s published outputs, directly or through another chapter."""
    found: set[str] = set()
    chapters = chapter_sources.discover(root)
    while True:
        more = {c.name for c in chapters if set(c.depends_on) & (found | {chapter})} - found
        if not more:
            return found
        found |= more


def bibtex(page: str) -> str:
    m = re.search(r"<pre class='mosaic-cite-bibtex' id='cite-bibtex'>(.*?)</pre>", page, re.S)
    assert m, "no BibTeX on the page"
    return re.sub(r"<[^>]+>", "", m.group(1)).replace("&amp;", "&")


# -- the first release -------------------------------------------------------------------------------

def test_the_first_release_versions_every_chapter_once(released):
    root = released["root"]
    first = ledger(root)["releases"][0]
    names = [c.name for c in chapter_sources.discover(root)]
    assert versions(first) == {n: 1 for n in names}
    assert first["id"] == TODAY and first["tag"] == f"release-{TODAY}"
    assert all(v["changes"] == {"first": True} and v["summary"] == "First release" for v in first["versions"])
    # Each version names the commit of the code and data it was built from: the commit before the release's own.
    release_commit = git(root, "rev-list", "-n", "1", first["tag"])
    assert first["commit"] == git(root, "rev-parse", f"{release_commit}^")
    assert all(v["commit"] == first["commit"] for v in first["versions"])
    assert git(root, "log", "-1", "--format=%s", release_commit).startswith(f"Release {TODAY}: mosaic v1")


# -- one corrected row ------------------------------------------------------------------------------

def test_one_corrected_row_moves_only_its_chapter(released):
    root = released["root"]
    second = ledger(root)["releases"][1]
    moved = set(versions(second))
    assert "kernels" in moved and versions(second)["kernels"] == 2
    assert moved <= {"kernels"} | readers_of(root, "kernels")  # the mosaic, once it reads kernels
    assert second["id"] == f"{TODAY}.2" and second["tag"] == f"release-{TODAY}.2"
    assert git(root, "tag", "--list", "release-*").split() == [f"release-{TODAY}", f"release-{TODAY}.2"]
    # Every other chapter still has its first version and its page says so.
    for c in chapter_sources.discover(root):
        if c.name not in moved:
            page = (site(root) / "chapters" / f"{c.name}.html").read_text()
            assert "Version <strong>1</strong>, released" in page


def test_the_changelog_names_the_row_and_the_figure(released):
    root = released["root"]
    kernels = next(v for v in ledger(root)["releases"][1]["versions"] if v["chapter"] == "kernels")
    data = kernels["changes"]["data"]
    assert [d["file"] for d in data] == ["data/kernels/training_speedup.csv"]
    assert data[0]["added"] == [] and data[0]["removed"] == []
    assert data[0]["corrected"] == [{"key": ROW_KEY, "columns": {"speedup_x": ["40.81", "42.5"]}}]
    # The latest model measured is Opus 4.7: its figure moves from the old value to the new one,
    # while the highest speedup (Mythos Preview, 61.79x) does not move.
    moved = {f["key"]: (f["before"], f["after"]) for f in kernels["changes"]["figures"]}
    assert moved["training_speedup_latest"] == ("40.81×", "42.5×")
    assert "training_speedup_best" not in moved
    assert kernels["changes"]["text"] is False and kernels["changes"]["parameters"] == {}
    assert kernels["summary"].startswith("training_speedup.csv: 1 corrected · ")
    row_line = f"data/kernels/training_speedup.csv: row corrected: {ROW_KEY}: speedup_x 40.81 → 42.5"
    figure_line = "Figure moved: LLM-training optimisation speedup, the latest model measured (Claude Opus 4.7): " \
                  "40.81× → 42.5×"
    assert row_line in released["second"] and figure_line in released["second"]
    for page in (site(root) / "chapters" / "kernels.html", site(root) / "changelog.html",
                 site(root) / "v" / "kernels" / "2" / "index.html"):
        text = page.read_text()
        assert row_line in text and figure_line in text, page.name
        assert "Text unchanged." in text and "Parameters unchanged." in text


def test_the_old_version_is_served_unchanged_with_a_banner_to_the_latest(released):
    root = released["root"]
    before, served_before = released["releases_before"], released["served_before"]
    for path, data in before.items():
        if path.startswith("releases/v/"):
            assert (root / path).read_bytes() == data, f"{path} changed after a later release"
    for path, data in served_before.items():
        assert (site(root) / path).read_bytes() == data, f"{path} is served differently after a later release"
    old = (site(root) / "v" / "kernels" / "1" / "index.html").read_text()
    banner = re.search(r"<div class='mosaic-banner'.*?</div>", old, re.S).group(0)
    assert f"Kernels, version 1, released {TODAY}." in banner
    href = re.search(r"href='([^']+)'>Read the latest version", banner).group(1)
    assert href == "../../../chapters/kernels.html"
    assert (site(root) / "v" / "kernels" / "1" / href).resolve() == site(root) / "chapters" / "kernels.html"
    # Its numbers as they were; the latest page has the corrected one.
    assert '<span class="pasted-text">40.81×</span>' in old and "42.5" not in old
    assert '<span class="pasted-text">42.5×</span>' in (site(root) / "chapters" / "kernels.html").read_text()


def test_the_new_versions_bibtex_points_at_its_permanent_url(released):
    root = released["root"]
    url = f"{SITE_URL}v/kernels/2/"
    for page in (site(root) / "chapters" / "kernels.html", site(root) / "v" / "kernels" / "2" / "index.html"):
        text = page.read_text()
        bib = bibtex(text)
        assert bib.startswith("@incollection{mosaic-kernels-v2,")
        for field, value in (("title", "Kernels: AI systems making AI faster"), ("chapter", "Kernels"),
                             ("booktitle", r"Mosaic: how close is automated AI R\&D?"), ("version", "2"),
                             ("date", TODAY), ("url", url), ("urldate", "YYYY-MM-DD")):
            assert re.search(rf"^\s+{field}\s+= \{{{re.escape(value)}\}},$", bib, re.M), (field, bib)
        assert f'<meta name="citation_public_url" content="{url}" />' in text
        assert f'<meta name="citation_publication_date" content="{TODAY.replace("-", "/")}" />' in text
    old = bibtex((site(root) / "v" / "kernels" / "1" / "index.html").read_text())
    assert f"url       = {{{SITE_URL}v/kernels/1/}}" in old and "version   = {1}" in old


def test_each_version_links_its_own_data_as_it_was(released):
    root = released["root"]
    for n, value in ((1, "40.81"), (2, "42.5")):
        folder = site(root) / "v" / "kernels" / str(n)
        page = (folder / "index.html").read_text()
        links = re.findall(r'class="mosaic-download" href="([^"]+)"', page)
        assert links and all(link.startswith("data/") for link in links)
        rows = (folder / "data" / "data" / "kernels" / "training_speedup.csv").read_text()
        assert f"Claude Opus 4.7,2026-04-16,{value}," in rows
        # SHA256SUMS lists every data file with its sha256; the page's data hash is the hash of SHA256SUMS.
        sums = (folder / "data" / "SHA256SUMS").read_bytes()
        listed = dict(line.split("  ")[::-1] for line in sums.decode().splitlines())
        files = {p.relative_to(folder / "data").as_posix() for p in (folder / "data").rglob("*") if p.is_file()}
        assert set(listed) == files - {"SHA256SUMS", "datapackage.json", "LICENSE.txt"}
        for name, digest in listed.items():
            assert hashlib.sha256((folder / "data" / name).read_bytes()).hexdigest() == digest
        data_hash = "sha256:" + hashlib.sha256(sums).hexdigest()
        assert f"Data hash <code>{data_hash}</code>" in page
        recorded = next(v for r in ledger(root)["releases"] for v in r["versions"]
                        if v["chapter"] == "kernels" and v["version"] == n)
        assert recorded["data_hash"] == data_hash
        package = json.loads((folder / "data" / "datapackage.json").read_text())
        assert package["version"] == str(n) and package["licenses"][0]["name"] == "CC-BY-4.0"
        for r in package["resources"]:
            assert r["hash"] == "sha256:" + hashlib.sha256((folder / "data" / r["path"]).read_bytes()).hexdigest()
        speedup = next(r for r in package["resources"] if r["name"] == "training_speedup")
        assert speedup["schema"]["primaryKey"] == ["model", "reported_in", "metric_as_reported"]
        assert "CC-BY-4.0" in (folder / "data" / "LICENSE.txt").read_text()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def test_every_link_of_every_archived_page_resolves(released):
    root = released["root"]
    served = site(root)
    pages = sorted((served / "v").glob("*/*/index.html"))
    assert len(pages) == len(chapter_sources.discover(root)) + 1
    for page in pages:
        p = Links()
        p.feed(page.read_text())
        for url in p.found:
            if re.match(r"^([a-z]+:|//|#)", url):
                continue
            target = PurePosixPath(page.relative_to(served).parent.as_posix()) / url.split("#")[0].split("?")[0]
            resolved = (served / target).resolve()
            assert resolved.is_relative_to(served) and resolved.is_file(), f"{page.relative_to(served)}: {url}"


def test_assets_are_content_hashed_and_shared(released):
    root = released["root"]
    assets = root / "releases" / "v" / "_assets"
    names = sorted(p.name for p in assets.iterdir())
    for name in names:
        stem, digest, ext = name.rsplit(".", 2)
        assert digest == hashlib.sha256((assets / name).read_bytes()).hexdigest()[:16], name
    # Two versions of the chapter, one stylesheet file: the second release stored no new copy.
    css = [n for n in names if n.startswith("mosaic.") and n.endswith(".css")]
    assert len(css) == 1
    for n in (1, 2):
        assert f"_assets/{css[0]}" in (root / "releases" / "v" / "kernels" / str(n) / "index.html").read_text()


def test_the_books_data_download_has_every_csv_a_manifest_and_the_licence(released):
    root = released["root"]
    z = zipfile.ZipFile(site(root) / "download" / "mosaic-data.zip")
    names = set(z.namelist())
    csvs = {f"mosaic-data/{p.relative_to(root).as_posix()}" for p in (root / "data").rglob("*.csv")}
    assert csvs <= names and "mosaic-data/data/sources.csv" in names
    assert {"mosaic-data/SHA256SUMS", "mosaic-data/datapackage.json", "mosaic-data/LICENSE.txt"} <= names
    sums = z.read("mosaic-data/SHA256SUMS")
    for line in sums.decode().splitlines():
        digest, path = line.split("  ")
        assert hashlib.sha256((root / path).read_bytes()).hexdigest() == digest
    assert ledger(root)["releases"][-1]["data_hash"] == "sha256:" + hashlib.sha256(sums).hexdigest()
    assert json.loads(z.read("mosaic-data/datapackage.json"))["version"] == f"{TODAY}.2"


def test_every_page_shows_the_licence(released):
    pages = [p for p in site(released["root"]).rglob("*.html") if "_static" not in p.parts]
    assert len(pages) > 20  # the book's pages, the archived versions and the archive index
    for page in pages:
        assert "creativecommons.org/licenses/by/4.0/" in page.read_text(), page


# -- nothing changed, and what a release refuses ------------------------------------------------------

@pytest.fixture
def released_copy(released, tmp_path) -> Path:
    dest = tmp_path / "book"
    shutil.copytree(released["root"], dest, symlinks=True)
    return dest


def test_nothing_changed_releases_nothing(released_copy):
    before = (released_copy / "releases" / "ledger.json").read_bytes()
    head, tags = git(released_copy, "rev-parse", "HEAD"), git(released_copy, "tag")
    proc = run_mosaic(released_copy, "release")
    assert proc.returncode == 0, proc.stderr
    assert ("Nothing to release: every chapter's content is that of its latest version (mosaic 1, claims 1, "
            "coding 1, replication 1, kernels 2,") in proc.stdout
    assert (released_copy / "releases" / "ledger.json").read_bytes() == before
    assert git(released_copy, "rev-parse", "HEAD") == head and git(released_copy, "tag") == tags
    assert git(released_copy, "status", "--porcelain") == ""


def test_a_release_needs_everything_committed(released_copy):
    csv = released_copy / "data" / "kernels" / "training_speedup.csv"
    csv.write_text(csv.read_text().replace(OPUS_47[1], "Claude Opus 4.7,2026-04-16,43,"))
    before = (released_copy / "releases" / "ledger.json").read_bytes()
    proc = run_mosaic(released_copy, "release")
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("Release failed: uncommitted changes (data/kernels/training_speedup.csv): commit "
                                   "them first, so that every version names the commit of the code and data it was "
                                   "built from")
    assert (released_copy / "releases" / "ledger.json").read_bytes() == before


def test_a_failed_release_commit_writes_nothing(released_copy):
    csv = released_copy / "data" / "kernels" / "training_speedup.csv"
    csv.write_text(csv.read_text().replace(OPUS_47[1], "Claude Opus 4.7,2026-04-16,43,"))
    git(released_copy, "commit", "--quiet", "-am", "Another correction")
    site_before = sorted(p.name for p in (released_copy / "_build" / "sites").iterdir())
    # No identity for git to commit with: the release stops after archiving, and takes it all back.
    anonymous = {"GIT_AUTHOR_NAME": "", "GIT_AUTHOR_EMAIL": "", "GIT_COMMITTER_NAME": "", "GIT_COMMITTER_EMAIL": "",
                 "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_COUNT": "1",
                 "GIT_CONFIG_KEY_0": "user.useConfigOnly", "GIT_CONFIG_VALUE_0": "true"}
    proc = run_mosaic(released_copy, "release", env=anonymous)
    assert proc.returncode == 1 and "git commit failed" in proc.stderr
    assert git(released_copy, "status", "--porcelain", "--untracked-files=all") == ""
    assert not (released_copy / "releases" / "v" / "kernels" / "3").exists()
    assert git(released_copy, "tag", "--list", f"release-{TODAY}.3") == ""
    assert sorted(p.name for p in (released_copy / "_build" / "sites").iterdir()) == site_before


def test_an_edited_archive_stops_the_build(released_copy):
    page = released_copy / "releases" / "v" / "kernels" / "1" / "index.html"
    page.write_text(page.read_text().replace("A permanent copy", "An edited copy"))
    other = released_copy / "changelog.md"
    other.write_text(other.read_text() + "\nOne more sentence.\n")
    site_before = (released_copy / "_build" / "html").resolve()
    proc = run_build(released_copy)
    assert proc.returncode == 1
    assert ("releases/v/kernels/1/index.html differs from the page released as kernels version 1: archived versions "
            "never change (restore it from git)") in proc.stderr
    assert (released_copy / "_build" / "html").resolve() == site_before


def test_unreleased_changes_are_shown_as_such(released_copy):
    csv = released_copy / "data" / "kernels" / "training_speedup.csv"
    csv.write_text(csv.read_text().replace(OPUS_47[1], "Claude Opus 4.7,2026-04-16,43,"))
    proc = run_build(released_copy)
    assert proc.returncode == 0, proc.stderr
    page = (site(released_copy) / "chapters" / "kernels.html").read_text()
    assert f"Changed since version <strong>2</strong> ({TODAY}): not yet released" in page
    assert "Since version 2, not yet released" in page and "speedup_x 42.5 → 43" in page
    assert bibtex(page).startswith("@incollection{mosaic-kernels-draft,")
    figs = json.loads((site(released_copy) / "figures.json").read_text())
    assert {f["chapter_version"] for f in figs if f["chapter"] == "kernels"} == {None}
    assert {f["chapter_version"] for f in figs if f["chapter"] == "claims"} == {1}


def test_citation_cff_cites_the_book_as_its_pages_do():
    import yaml

    from conftest import ROOT

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert cff["title"] == config["title"]
    assert [a["name"] for a in cff["authors"]] == [config["author"]]
    assert cff["license"] == "CC-BY-4.0"
    assert "creativecommons.org/licenses/by/4.0/" in config["sphinx"]["config"]["html_theme_options"]["extra_footer"]
    assert "CC BY 4.0" in (ROOT / "LICENSE").read_text()
