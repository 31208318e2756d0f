"""A safe publish: one build at a time, caches that other parameters cannot poison, and a full disk
that leaves the published site as it was."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import add_swe_bench_row, run_build, tree_digest


def start_build(root: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(root / "scripts"))
    return subprocess.Popen([sys.executable, "-m", "mosaic", "build", *args], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def chapter_pages(root: Path) -> list[Path]:
    return sorted((root / "_build" / "html" / "chapters").glob("*.html"))


def test_two_builds_at_once_publish_one_whole_site(built_copy):
    default_figures = json.loads((built_copy / "_build" / "html" / "figures.json").read_text())
    # Both have work to do: every chapter executes again, for the default date and for another one.
    builds = {"latest data": start_build(built_copy, "--force"),
              "2025-06-30": start_build(built_copy, "--as-of", "2025-06-30")}
    done = {as_of: (p.wait(timeout=900), p.stdout.read(), p.stderr.read()) for as_of, p in builds.items()}
    winners = [as_of for as_of, (rc, _, _) in done.items() if rc == 0]
    assert len(winners) == 1, done
    (loser, (rc, out, err)), = [(k, v) for k, v in done.items() if k not in winners]
    assert rc == 75 and out == ""
    assert re.fullmatch(r"Build not started: another build is already running in \S+ \(`python -m mosaic build "
                        r"[^`]*`, process \d+, started [\d-]+ [\d:]+\); this one stopped without touching _build/\. "
                        r"Run it again when that one has finished\.\n", err), err
    # One site, wholly from the winner: every page and every figure as of its date.
    sites = [p.name for p in (built_copy / "_build" / "sites").iterdir()]
    assert len(sites) == 1 and (built_copy / "_build" / "html").resolve().name == sites[0]
    for page in chapter_pages(built_copy):
        text = page.read_text()
        assert f"As of <strong>{winners[0]}</strong>" in text, page.name
        assert f"As of <strong>{loser}</strong>" not in text, page.name
    figures = json.loads((built_copy / "_build" / "html" / "figures.json").read_text())
    if winners[0] == "2025-06-30":
        assert figures != default_figures
        assert all(f["as_of"] is None or f["as_of"] <= "2025-06-30" for f in figures)
    else:
        assert figures == default_figures


def test_a_build_for_another_date_never_poisons_the_default_one(built_copy):
    default_notebooks = {p: p.read_bytes() for p in (built_copy / "_build" / "executed").glob("*/notebook.ipynb")}
    default_figures = (built_copy / "_build" / "html" / "figures.json").read_text()
    proc = run_build(built_copy, "--as-of", "2025-06-30")
    assert proc.returncode == 0, proc.stderr
    every = len(list((built_copy / "chapters").glob("*.md")))  # each chapter runs again for that date
    assert "in _build/variants/" in proc.stdout and f"[{every}/{every}]" in proc.stdout
    assert all(p.read_bytes() == b for p, b in default_notebooks.items())
    # Back to the default: nothing executes again, and the site is the default one again.
    proc = run_build(built_copy)
    assert proc.returncode == 0, proc.stderr
    assert "execute" not in proc.stdout.split("Plan:")[1].split("Staged")[0]
    assert "[1/" not in proc.stdout
    assert (built_copy / "_build" / "html" / "figures.json").read_text() == default_figures


DISK_FULL_AFTER = """
import errno, shutil, sys
real, calls = shutil.copyfile, [0]
def copyfile(src, dst, *args, **kwargs):
    calls[0] += 1
    if calls[0] > 25:  # the disk fills up while the new site is being copied
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))
    return real(src, dst, *args, **kwargs)
shutil.copyfile = copyfile
from mosaic.__main__ import main
sys.exit(main(["build"]))
"""


def test_a_full_disk_leaves_the_site_intact_and_says_so_in_one_line(built_copy):
    site = built_copy / "_build" / "html"
    before, published = tree_digest(site), site.resolve()
    page = built_copy / "changelog.md"
    page.write_text(page.read_text() + "\nOne more sentence, so that the site is published again.\n")
    env = dict(os.environ, PYTHONPATH=str(built_copy / "scripts"))
    proc = subprocess.run([sys.executable, "-c", DISK_FULL_AFTER], cwd=built_copy, env=env, capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("Build failed: the disk is full (no space left on device while assembling the "
                                  "new site in _build/sites/")
    assert proc.stderr.endswith("the published site was left as it was: free some space and build again\n")
    assert tree_digest(site) == before and site.resolve() == published
    assert [p.name for p in (built_copy / "_build" / "sites").iterdir()] == [published.name]  # no partial copy
    # With space again, the same build publishes, and only then is the old copy removed.
    proc = run_build(built_copy)
    assert proc.returncode == 0, proc.stderr
    assert [p for p in (built_copy / "_build" / "sites").iterdir()] == [site.resolve()] != [published]
    assert "One more sentence" in (site / "changelog.html").read_text()


def test_a_rebuild_links_what_did_not_change_and_never_touches_the_site_it_replaces(built_copy):
    html = built_copy / "_build" / "html"
    old_site = html.resolve()
    old = {p.relative_to(old_site): p.read_bytes() for p in old_site.rglob("*") if p.is_file()}
    bundle = next((old_site / "_static" / "vendor").glob("vega-bundle*.js")).relative_to(old_site)
    add_swe_bench_row(built_copy, "Linked model", 97.5)
    proc = run_build(built_copy)
    assert proc.returncode == 0, proc.stderr
    new_site = html.resolve()
    assert new_site != old_site
    # The old site went to the trash at the switch, every file as it was published.
    trashed, = (built_copy / "_build" / "trash").iterdir()
    assert {p.relative_to(trashed): p.read_bytes() for p in trashed.rglob("*") if p.is_file()} == old
    # What the row did not change is the very file the old site served; what it changed is a new file.
    assert (new_site / bundle).stat().st_ino == (trashed / bundle).stat().st_ino
    page = Path("chapters") / "coding.html"
    assert (new_site / page).stat().st_ino != (trashed / page).stat().st_ino
    assert "Linked model" in (new_site / page).read_text() and "Linked model" not in old[page].decode()
    # So with what publishing writes itself: the data package of a chapter the row left as it was is the
    # published file, that of the chapter with the row a new one; the old site holds the old bytes.
    same, changed = Path("_static/data/economy/datapackage.json"), Path("_static/data/coding/SHA256SUMS")
    assert (new_site / same).stat().st_ino == (trashed / same).stat().st_ino
    assert (new_site / changed).stat().st_ino != (trashed / changed).stat().st_ino
    assert (new_site / changed).read_bytes() != old[changed]


def site_files(root: Path) -> list[str]:
    site = (root / "_build" / "html").resolve()
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def test_after_new_rows_the_site_holds_the_files_a_clean_build_of_the_same_data_publishes(built_copy, tmp_path):
    # A chart's data file is named by its rows' hash, so each row makes a new one. Sphinx never deletes a
    # static file, and the old one had been published on beside the new one, after every row.
    charts = []
    for model, percent in (("Row model A", 90.1), ("Row model B", 90.2)):
        add_swe_bench_row(built_copy, model, percent)
        proc = run_build(built_copy)
        assert proc.returncode == 0, proc.stderr
        charts.append([f for f in site_files(built_copy) if f.startswith("_static/data/coding/chart-")])
    assert len(charts[0]) == len(charts[1]) == 1 and charts[0] != charts[1]
    clean = tmp_path / "clean"
    shutil.copytree(built_copy, clean, symlinks=True, ignore=shutil.ignore_patterns("_build"))
    proc = run_build(clean)
    assert proc.returncode == 0, proc.stderr
    assert site_files(built_copy) == site_files(clean)


def test_the_themes_translation_catalogues_are_rendered_but_not_published(built):
    # sphinx-book-theme keeps its .po/.mo files in its static folder; they translate its templates while
    # Sphinx renders, and no page of the book loads them.
    rendered = built / "_build" / "render" / "_build" / "html"
    assert len(list((rendered / "_static" / "locales").rglob("*.mo"))) > 40
    site = (built / "_build" / "html").resolve()
    assert not (site / "_static" / "locales").exists()
    assert (site / "_static" / "vendor").is_dir() and (site / "chapters" / "coding.html").is_file()
    texts = [p.read_text(encoding="utf-8") for p in site.rglob("*") if p.suffix in (".html", ".js", ".css")]
    assert len(texts) > 20 and not [t for t in texts if "locales/" in t and "booktheme" in t]


def stopped_by_lock(root: Path, late_name: str) -> str:
    """The message of a build stopped by the lock of `root`, which another holds and names as `late_name`
    0.1 s after the stopped build first looks."""
    import threading

    from filelock import FileLock

    from mosaic.pipeline.lock import HOLDER, LOCK, Busy, build_lock

    out = root / "_build"
    out.mkdir(exist_ok=True)
    first = FileLock(out / LOCK, timeout=0)
    first.acquire()
    try:
        naming = threading.Timer(0.1, (out / HOLDER).write_text, args=(late_name,))
        naming.start()
        with pytest.raises(Busy) as stopped:
            with build_lock(root, "python -m mosaic build --as-of 2025-06-30"):
                pass
        naming.join()
    finally:
        first.release()
    return str(stopped.value)


def test_a_build_stopped_by_the_lock_never_names_a_build_that_has_ended(tmp_path):
    from mosaic.pipeline.lock import HOLDER, build_lock

    # A build that was killed left its name; the build that has just taken the lock names itself 0.1 s later.
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    out = tmp_path / "_build"
    out.mkdir()
    (out / HOLDER).write_text(f"`python -m mosaic build`, process {ended.pid}, started 2026-11-01 10:00:00")
    message = stopped_by_lock(tmp_path, f"`python -m mosaic build --force`, process {os.getpid()}")
    assert f"(`python -m mosaic build --force`, process {os.getpid()})" in message
    # A build that ends takes its name away with it.
    with build_lock(tmp_path, "python -m mosaic build"):
        assert (out / HOLDER).exists()
    assert not (out / HOLDER).exists()


def test_a_build_stopped_by_the_lock_names_the_holder_even_before_it_has_named_itself(tmp_path):
    from mosaic.pipeline.lock import HOLDER, LOCK, build_lock

    # The first build of a folder has the lock but has not written its name yet when the second looks.
    message = stopped_by_lock(tmp_path, "`python -m mosaic build`, process 1")
    assert "(`python -m mosaic build`, process 1)" in message
    # A holder names itself whole, in one rename, leaving nothing beside the name.
    out = tmp_path / "_build"
    with build_lock(tmp_path, "python -m mosaic release"):
        assert (out / HOLDER).read_text().startswith("`python -m mosaic release`, process ")
        assert sorted(p.name for p in out.iterdir()) == [LOCK, HOLDER]
