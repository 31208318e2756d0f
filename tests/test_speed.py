"""The fast build publishes what the build before it published, and runs chapters as it did.

Chapters run in warm kernels (started ahead, imports made) and jupyter-book renders in the
build's own process; `--reference` runs each chapter in a kernel papermill starts for it and
renders with the jupyter-book command, as builds did before. These tests hold the fast path
to the reference: the same bytes in every published file, the same notebook semantics (a
fresh interpreter per chapter, papermill's hidden parameters cell, execution counts from 1),
nothing left running. How fast it is, `make bench` measures; no test here is timed.
"""
from __future__ import annotations

import gc
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, add_swe_bench_row, run_build, run_mosaic
from mosaic.pipeline import chapters as chapter_sources
from mosaic.pipeline.bench import add_row
from mosaic.pipeline.build import build, warm_modules
from mosaic.pipeline.execute import first_later
from mosaic.pipeline.kernels import BLAS_THREADS, LATER_NICE, Pool, kernel_env
from mosaic.pipeline.project import copy_project
from test_input import processes_in, wait_until_gone


def run_python(root: Path, code: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter in the project `root`, its scripts importable, as `python -m mosaic` runs."""
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(root / "scripts")})


def published(root: Path) -> dict[str, bytes]:
    """Every file of the published site, by path."""
    site = (root / "_build" / "html").resolve()
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted({p for p in a.keys() | b.keys() if a.get(p) != b.get(p)})


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The project built the way builds ran before warm kernels: papermill's own kernels, the jupyter-book command."""
    root = copy_project(ROOT, tmp_path_factory.mktemp("reference") / "book")
    proc = run_build(root, "--reference")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


def test_every_published_file_is_byte_identical_to_the_reference_build(built, reference):
    fast, ref = published(built), published(reference)
    assert any(p.startswith("chapters/") and p.endswith(".html") for p in fast)
    assert differences(fast, ref) == []


def test_after_one_new_row_both_builds_publish_the_same_bytes(built_copy, reference, tmp_path):
    # The incremental path: one chapter in a warm kernel, the other pages left to Sphinx's saved environment.
    ref = tmp_path / "reference"
    shutil.copytree(reference, ref, symlinks=True)
    for root in (built_copy, ref):
        add_row(root, 7)
    fast_proc, ref_proc = run_build(built_copy), run_build(ref, "--reference")
    assert fast_proc.returncode == 0, fast_proc.stderr
    assert ref_proc.returncode == 0, ref_proc.stderr
    first = re.compile(r"\[1/\d+\] coding: done")  # then the chapters that read coding, if what it published changed
    assert first.search(fast_proc.stdout) and first.search(ref_proc.stdout)
    page = (built_copy / "_build" / "html" / "chapters" / "coding.html").read_text()
    assert "90.7% (Benchmark model 7 + Epoch AI scaffold)" in page  # the page did change
    assert differences(published(built_copy), published(ref)) == []


PROBE = """```{code-cell} ipython3
import os
print("probe", os.getpid(), os.getcwd(), sorted(k for k in globals() if not k.startswith("_")))
```

"""


def probe(root: Path, chapter: str) -> None:
    """A cell right after the chapter's parameters cell that prints its process, folder and namespace."""
    md = root / "chapters" / f"{chapter}.md"
    text = md.read_text()
    at = text.index("```{code-cell}", text.index(":tags: [parameters]"))
    md.write_text(text[:at] + PROBE + text[at:])


def probed(root: Path, chapter: str) -> tuple[dict, list]:
    nb = json.loads((root / "_build" / "executed" / chapter / "notebook.ipynb").read_text())
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    out = next(c for c in cells if "".join(c["source"]).startswith("import os\nprint(\"probe\""))
    return out, cells


def test_each_chapter_runs_in_a_fresh_kernel_of_its_own_in_its_folder(built_copy):
    for chapter in ("kernels", "economy"):
        probe(built_copy, chapter)
    proc = run_build(built_copy)
    assert proc.returncode == 0, proc.stderr
    seen = {}
    for chapter in ("kernels", "economy"):
        cell, cells = probed(built_copy, chapter)
        _, pid, cwd, names = "".join(cell["outputs"][0]["text"]).strip().split(" ", 3)
        seen[chapter] = pid
        # papermill's cwd: the chapter's own build folder (renamed into place once it succeeded)
        assert cwd == str(built_copy / "_build" / "executed" / f"{chapter}.partial")
        # A fresh namespace: the parameters, papermill's injected values and IPython's own names; nothing
        # the kernel imported before the chapter started is bound to a name.
        params = set(chapter_sources.read(built_copy / "chapters" / f"{chapter}.md").defaults)
        assert set(eval(names)) == params | {"In", "Out", "exit", "get_ipython", "open", "os", "quit"}
        # Execution counts start at 1 and follow the cells: what warmed the kernel left no trace.
        counts = [c["execution_count"] for c in cells]
        assert counts == list(range(1, len(cells) + 1))
    assert seen["kernels"] != seen["economy"]
    assert wait_until_gone(built_copy / "_build") == []


def test_the_injected_parameters_are_tagged_and_hidden_as_papermill_does(built_copy):
    proc = run_build(built_copy, "--param", "kernels.n_boot=300")
    assert proc.returncode == 0, proc.stderr
    variant = next((built_copy / "_build" / "variants").iterdir())
    nb = json.loads((variant / "executed" / "kernels" / "notebook.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"]["tags"] == ["parameters", "remove-cell"]
    assert code[1]["metadata"]["tags"] == ["injected-parameters", "remove-cell"]
    assert "n_boot = 300" in "".join(code[1]["source"])
    assert nb["metadata"]["papermill"]["parameters"]["n_boot"] == 300
    page = (built_copy / "_build" / "html" / "chapters" / "kernels.html").read_text()
    assert page.count("n_boot = 300") == 1  # stated once, in the edition line; the cell itself is not shown
    assert "<code>n_boot = 300</code> (default 2000)" in page


def test_a_build_with_nothing_to_do_loads_neither_notebooks_kernels_nor_sphinx(built_copy):
    code = ("import sys\nfrom mosaic.__main__ import run\nassert run(['build']) == 0\n"
            "print(sorted(m for m in ('jupytext', 'papermill', 'jupyter_client', 'sphinx', 'altair', 'nbformat') "
            "if m in sys.modules))")
    proc = run_python(built_copy, code)
    assert proc.returncode == 0, proc.stderr
    assert "Nothing changed" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_the_command_line_reads_its_options_without_importing_the_pipeline_that_runs_after_the_first_kernel_starts():
    # The first kernel starts as soon as the options are read; what the build imports before that delays it.
    code = ("import sys\nfrom mosaic.__main__ import run\ntry:\n    run(['build', '--help'])\nexcept SystemExit:\n"
            "    pass\nprint(sorted(m for m in sys.modules if m.startswith('mosaic.')))")
    proc = run_python(ROOT, code)
    assert proc.returncode == 0, proc.stderr
    assert "--timeout SECONDS" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "['mosaic.__main__', 'mosaic.pipeline', 'mosaic.pipeline.kernels']"


def test_a_rebuild_after_new_data_runs_its_chapters_without_importing_jupytext_and_a_changed_chapter_is_converted(
        built_copy):
    # jupytext converts a chapter file to the notebook papermill runs; a file unchanged since the last build
    # has its notebook kept in _build/cache/notebooks/, so that new data alone does not import jupytext.
    add_swe_bench_row(built_copy, "No jupytext model", 97.5)
    code = ("import sys\nfrom mosaic.__main__ import run\nassert run(['build']) == 0\n"
            "print('jupytext' in sys.modules)")
    proc = run_python(built_copy, code)
    assert proc.returncode == 0, proc.stderr
    assert "coding: done" in proc.stdout and proc.stdout.strip().splitlines()[-1] == "False"
    executed = json.loads((built_copy / "_build" / "executed" / "coding" / "notebook.ipynb").read_text())
    assert any("ch.chart(plot.horizons(k))" in "".join(c["source"]) for c in executed["cells"])

    md = built_copy / "chapters" / "coding.md"
    md.write_text(md.read_text().replace("ch.chart(plot.horizons(k))", "ch.chart(plot.horizons(k))  # edited", 1))
    proc = run_python(built_copy, code)
    assert proc.returncode == 0, proc.stderr
    assert "coding: done" in proc.stdout and proc.stdout.strip().splitlines()[-1] == "True"
    executed = json.loads((built_copy / "_build" / "executed" / "coding" / "notebook.ipynb").read_text())
    assert any("ch.chart(plot.horizons(k))  # edited" in "".join(c["source"]) for c in executed["cells"])
    kept = sorted(p.name for p in (built_copy / "_build" / "cache" / "notebooks").glob("coding.*"))
    assert len(kept) == 1


def test_chapter_discovery_keeps_what_it_read_until_the_notebook_changes(tmp_path):
    root = copy_project(ROOT, tmp_path / "book")
    first = chapter_sources.discover(root)
    assert (root / "_build" / "cache" / "chapters.json").exists()
    assert chapter_sources.discover(root) == first
    md = root / "chapters" / "economy.md"
    md.write_text(md.read_text().replace("  sources: [amdahl-1967, ", "  sources: [import-ai-455, amdahl-1967, ", 1))
    economy = next(c for c in chapter_sources.discover(root) if c.name == "economy")
    assert economy.extra_sources == ("import-ai-455", "amdahl-1967", "jones-w34779", "kremer-1993",
                                     "gans-goldfarb-w34639")
    assert economy == chapter_sources.read(md)  # the same as reading it afresh, without the cache


def test_a_render_stopped_midway_is_redone_whole(built_copy):
    # An interrupted Sphinx may leave a page half written that its saved environment thinks current.
    render = built_copy / "_build" / "render"
    page = render / "_build" / "html" / "chapters" / "economy.html"
    whole = page.read_bytes()
    shown = (built_copy / "_build" / "html" / "chapters" / "economy.html").read_bytes()
    page.write_bytes(whole[: len(whole) // 2])
    (render / "render-incomplete").touch()
    add_row(built_copy, 3)  # something to build; the economy chapter does not read it
    proc = run_build(built_copy)
    assert proc.returncode == 0, proc.stderr
    assert "economy: up to date" in proc.stdout
    assert page.read_bytes() == whole
    assert (built_copy / "_build" / "html" / "chapters" / "economy.html").read_bytes() == shown
    assert not (render / "render-incomplete").exists()


def test_replaced_sites_do_not_pile_up(built_copy):
    for n in range(3):
        add_row(built_copy, n)
        proc = run_build(built_copy)
        assert proc.returncode == 0, proc.stderr
    assert len(list((built_copy / "_build" / "sites").iterdir())) == 1
    trash = built_copy / "_build" / "trash"
    assert not trash.exists() or len(list(trash.iterdir())) <= 1  # the site the last build replaced, at most


def test_no_kernel_outlives_a_failed_build(built_copy):
    md = built_copy / "chapters" / "claims.md"
    md.write_text(md.read_text().replace("## The evidence\n", "## The evidence\n\n```{code-cell} ipython3\n"
                                         "raise RuntimeError('a deliberate failure')\n```\n", 1))
    proc = run_build(built_copy)
    assert proc.returncode == 1
    assert "chapter 'claims' failed in cell" in proc.stderr
    assert wait_until_gone(built_copy / "_build") == []
    assert processes_in(built_copy) == []


def test_kernels_warm_only_what_their_chapters_import():
    # scipy (the fits of the forecasts and of the landing page's growth forms) is imported ahead only by
    # kernels warmed for those chapters; pandas and altair, which every chapter uses, by every kernel.
    sets = warm_modules(ROOT, chapter_sources.discover(ROOT))
    assert {"pandas", "altair", "numpy", "mosaic.book.chapter"} <= set(sets.common)
    assert not any(m.split(".")[0] == "scipy" for m in sets.common)
    assert "scipy" in sets.extra["forecasts"] and "scipy" in sets.extra["mosaic"]
    assert "coding" not in sets.extra
    assert "scipy" not in sets.modules(["coding"]) and "scipy" in sets.modules(["coding", "mosaic"])
    assert set(sets.modules(None)) >= {"scipy", "scoringrules"}


def test_kernels_run_this_interpreter_whatever_python3_kernel_the_user_registered(tmp_path, monkeypatch):
    # jupyter_client looks "python3" up in the user's Jupyter folders first: a kernel registered there for
    # another Python would run the chapters without the book's packages (here, one that cannot start).
    registered = tmp_path / "jupyter" / "kernels" / "python3"
    registered.mkdir(parents=True)
    (registered / "kernel.json").write_text(json.dumps(
        {"argv": ["/bin/false", "{connection_file}"], "display_name": "Another Python", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    pool = Pool(ROOT, tmp_path / "kernels", warm_modules(ROOT, chapter_sources.discover(ROOT)), limit=1)
    try:
        kernel = pool.take("coding")
        assert kernel.ready.wait(60) and kernel.start_error is None, kernel.start_error
        import psutil

        assert psutil.Process(kernel.process.pid).cmdline()[:3] == [sys.executable, "-m", "ipykernel_launcher"]
    finally:
        pool.close()
    assert wait_until_gone(tmp_path / "kernels") == []


def test_a_kernels_linear_algebra_runs_on_one_thread_unless_the_user_set_a_number(tmp_path, monkeypatch):
    # Chapters run side by side, a kernel per processor: a BLAS thread per processor in each kernel spun
    # against the other processes and made a chapter's fits three to four times slower.
    for name in BLAS_THREADS:
        monkeypatch.delenv(name, raising=False)
    pool = Pool(ROOT, tmp_path / "kernels", warm_modules(ROOT, chapter_sources.discover(ROOT)), limit=1)
    seen = tmp_path / "threads.json"

    def pools(kernel):
        from jupyter_core.utils import run_sync

        code = ("import json, numpy, scipy.linalg\nfrom threadpoolctl import threadpool_info\n"
                f"open({str(seen)!r}, 'w').write(json.dumps([[i['user_api'], i['num_threads']] "
                "for i in threadpool_info()]))")
        run_sync(kernel.run_silently)(code, 30)

    try:
        kernel = pool.take("mosaic")
        kernel.submit(pools).result(60)
    finally:
        pool.close()
    found = json.loads(seen.read_text())
    assert ["blas", 1] in found and all(n == 1 for _, n in found), found
    # A number the user chose is theirs, for every library (OpenBLAS reads OMP_NUM_THREADS too).
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    env = kernel_env(ROOT)
    assert env["OMP_NUM_THREADS"] == "3" and "OPENBLAS_NUM_THREADS" not in env and "MKL_NUM_THREADS" not in env
    assert wait_until_gone(tmp_path / "kernels") == []


def nice_of(kernel) -> int:
    return os.getpriority(os.PRIO_PROCESS, kernel.process.pid)


def session_nice_of(kernel) -> int | None:
    """The nice value of the kernel's session where Linux groups processes by session (autogroup), else None."""
    try:
        return int(Path(f"/proc/{kernel.process.pid}/autogroup").read_text().split("nice")[1])
    except OSError:
        return None


def test_kernels_for_later_chapters_warm_up_at_a_lower_priority_and_chapters_get_kernels_warmed_for_them(tmp_path):
    sets = warm_modules(ROOT, chapter_sources.discover(ROOT))
    pool = Pool(ROOT, tmp_path / "kernels", sets, limit=2)
    try:
        # A kernel for the chapter that can run now, and one for the chapters waiting for it.
        pool.spare(2, upcoming=[["coding"], ["alignment_clock", "mosaic", "claims"]], later=1)
        first, second = pool._spares
        for k in (first, second):
            assert k.ready.wait(60) and k.start_error is None
        assert "scipy" not in first.modules and "scipy" in second.modules
        assert (nice_of(first), nice_of(second)) == (0, LATER_NICE)
        # With autogroup each kernel is a session of its own, weighed against the others by its session's nice.
        grouped = Path("/proc/self/autogroup").exists()
        assert (session_nice_of(first), session_nice_of(second)) == ((0, LATER_NICE) if grouped else (None, None))
        # The landing chapter takes the kernel that has its imports made, though the other one is first.
        taken = pool.take("mosaic")
        assert taken is second
        # Taken, it runs at the usual priority again where the system lets a process raise it.
        probe = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            os.setpriority(os.PRIO_PROCESS, probe.pid, LATER_NICE)
            try:
                os.setpriority(os.PRIO_PROCESS, probe.pid, 0)
                allowed = True
            except PermissionError:
                allowed = False
        finally:
            probe.kill()
            probe.wait()
        assert nice_of(second) == (0 if allowed else LATER_NICE)
        assert session_nice_of(second) == ((0 if allowed else LATER_NICE) if grouped else None)
        assert pool.take("coding") is first
        # What the warm-up imported is frozen out of the chapter's garbage collections (gc.freeze).
        counted = tmp_path / "frozen.txt"

        def count_frozen(kernel):
            from jupyter_core.utils import run_sync

            code = f"open({str(counted)!r}, 'w').write(str(__import__('gc').get_freeze_count()))"
            run_sync(kernel.run_silently)(code, 30)

        first.submit(count_frozen).result(60)
        assert int(counted.read_text()) > 100_000  # 120,000 here; pandas and altair alone track some 90,000
    finally:
        pool.close()
    assert wait_until_gone(tmp_path) == []


def test_a_kernel_for_a_waiting_chapter_warms_at_the_usual_priority_only_on_a_processor_no_chapter_can_use():
    # Two processors. After one CSV row its chapter runs alone: the landing chapter's kernel (index 1) takes the
    # other processor at the usual priority. A clean build has more chapters ready than processors.
    assert first_later(ready=1, busy=0, workers=2) == 2
    assert first_later(ready=6, busy=0, workers=2) == 6
    # Both processors running chapters: kernels for chapters waiting on them warm up at a lower priority.
    assert first_later(ready=0, busy=2, workers=2) == 0
    assert first_later(ready=0, busy=1, workers=2) == 1
    assert first_later(ready=1, busy=0, workers=1) == 1


def test_sphinx_set_up_again_in_the_same_process_writes_no_page_that_did_not_change(built_copy):
    # The live mode sets Sphinx up anew for each build, in one process. Sphinx's default templates_path
    # was one list shared by every application there, which the themes appended to: no configuration
    # matched the last, and Sphinx wrote every page again after every save.
    code = ("from pathlib import Path\nfrom mosaic.pipeline.render import Renderer\n"
            "def render():\n"
            "    r = Renderer(Path.cwd() / '_build/stage', Path.cwd() / '_build/render')\n    r.prepare()\n"
            "    return r.build()\n"
            "html = render()  # this copy of the book lives in another folder: its first render writes every page\n"
            # index.html, sphinx-external-toc's redirect to the first chapter, is written by every build
            "before = {p: p.stat().st_mtime_ns for p in html.rglob('*.html') if p.name != 'index.html'}\n"
            "render()\nrender()\n"
            "print(len(before), sorted(p.name for p in before if p.stat().st_mtime_ns != before[p]))\n")
    proc = run_python(built_copy, code)
    assert proc.returncode == 0, proc.stderr
    pages, rewritten = proc.stdout.strip().splitlines()[-1].split(" ", 1)
    assert int(pages) > 8 and rewritten == "[]"


def test_sphinx_sets_up_only_once_the_first_kernels_are_warm(tmp_path):
    # Sphinx's set-up takes a processor for about half a second: while the first kernels warm up it delayed
    # the kernel the second chapter of a one-row rebuild waits for. `settled` is what it waits for.
    sets = warm_modules(ROOT, chapter_sources.discover(ROOT))
    pool = Pool(ROOT, tmp_path / "kernels", sets, limit=2)
    try:
        pool.spare(3, upcoming=[["coding"], ["mosaic"], ["claims"]])
        first, second = pool._spares[:2]
        pool.import_for_running()
        assert pool.imported.is_set()
        if not (first.ready.is_set() and second.ready.is_set()):
            assert not pool.settled.is_set()
        assert pool.settled.wait(60)
        assert first.ready.is_set() and second.ready.is_set()
    finally:
        pool.close()
    assert pool.settled.is_set()  # a closed pool never keeps Sphinx waiting
    assert wait_until_gone(tmp_path) == []


def test_a_build_collects_no_garbage_while_it_runs_and_restores_the_setting(built_copy):
    # A full collection stalls every thread of the build for about 0.1 s; the build turns collection off
    # while it runs and leaves it as it found it.
    seen = []
    assert gc.isenabled()
    build(built_copy, echo=lambda line: seen.append(gc.isenabled()))
    assert seen and not any(seen)
    assert gc.isenabled()
    gc.disable()
    try:
        build(built_copy, echo=lambda line: None)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_build_command_never_collects_garbage_before_its_process_ends(built_copy):
    # `python -m mosaic build` ends without the interpreter's teardown; collection turned back on after the
    # build ran one full collection of everything the build held, just before the process ended.
    add_swe_bench_row(built_copy, "GC model", 97.5)
    code = ("import gc\nfrom mosaic.__main__ import run\nfull = gc.get_stats()[2]['collections']\n"
            "assert run(['build']) == 0\nprint(gc.isenabled(), gc.get_stats()[2]['collections'] - full)")
    proc = run_python(built_copy, code)
    assert proc.returncode == 0, proc.stderr
    assert "coding: done" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "False 0"


def cache_is_fresh(module: Path) -> bool:
    """Whether Python would import `module` from its cache: the cache exists and its header (PEP 552) names
    this interpreter's magic number and the source's modification time and size, as the import checks."""
    try:
        header = Path(importlib.util.cache_from_source(str(module))).read_bytes()[:16]
    except OSError:
        return False
    st = module.stat()
    return (header[:4] == importlib.util.MAGIC_NUMBER and header[4:8] == bytes(4)
            and int.from_bytes(header[8:12], "little") == int(st.st_mtime) & 0xFFFFFFFF
            and int.from_bytes(header[12:16], "little") == st.st_size & 0xFFFFFFFF)


def test_a_build_caches_the_books_compiled_modules_where_python_writes_no_bytecode_and_only_once(project):
    # Each kernel imports the book's modules; with PYTHONDONTWRITEBYTECODE set, every process compiled them
    # anew. The build writes their caches itself, before anything else (here, before failing validation).
    modules = sorted((project / "scripts" / "mosaic").rglob("*.py"))
    assert len(modules) > 50 and not any(cache_is_fresh(m) for m in modules)
    bad = project / "data" / "coding" / "swe_bench.csv"
    bad.write_text(bad.read_text() + "not a date,,,,,,,,,,,\n")
    no_bytecode = {"PYTHONDONTWRITEBYTECODE": "1", "SOURCE_DATE_EPOCH": ""}
    proc = run_mosaic(project, "build", env=no_bytecode)
    assert proc.returncode == 1 and "data/coding/swe_bench.csv" in proc.stderr, proc.stderr
    assert [m.relative_to(project).as_posix() for m in modules if not cache_is_fresh(m)] == []

    caches = {m: Path(importlib.util.cache_from_source(str(m))).stat().st_mtime_ns for m in modules}
    changed = project / "scripts" / "mosaic" / "analyses" / "coding.py"
    changed.write_text(changed.read_text() + "\n# a change\n")
    proc = run_mosaic(project, "build", env=no_bytecode)
    assert proc.returncode == 1
    assert cache_is_fresh(changed)
    recompiled = [m.name for m in modules
                  if Path(importlib.util.cache_from_source(str(m))).stat().st_mtime_ns != caches[m]]
    assert recompiled == ["coding.py"]


CHECKED_WHOLE = """
import altair as alt, pandas as pd
from altair.utils.schemapi import SchemaValidationError
from mosaic.book import charts
from mosaic.book.chapter import chapter

def bad():
    return alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x=alt.X("a:Q", axis=alt.Axis(labelAngle="steep")))

try:
    bad()
    print("made before a chapter opened")
except SchemaValidationError:
    print("refused on creation before a chapter opened")
chapter("coding", globals())
chart = bad()
print("made in a chapter")
try:
    charts.spec(chart, finding="f", description="d", sources=[("x", "y")])
    print("spec passed")
except SchemaValidationError as exc:
    print("spec refused:", str(exc).splitlines()[0])
"""


def test_a_chapters_charts_are_checked_against_the_schema_once_whole_and_a_bad_one_is_still_refused(built):
    # Altair checks each part of a chart as it is made and the whole spec again when `spec` converts it. Chapters
    # keep the whole check only; tests and any other caller keep both, whose message points at the wrong part.
    folder = built / "_build" / "executed" / "coding"
    proc = subprocess.run([sys.executable, "-c", CHECKED_WHOLE], cwd=folder, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(built / "scripts")})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "refused on creation before a chapter opened",
        "made in a chapter",
        "spec refused: 'steep' is an invalid value for `labelAngle`. "
        "Valid values are of type `float | Mapping[str, Any]`.",
    ]
