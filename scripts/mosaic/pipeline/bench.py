"""Benchmark: both ways of building, against their budgets (DESIGN.md section 9).

`make book` (fresh processes): a clean full build, the same build with the pipeline as it
was before warm kernels (`BEFORE`, the commit the budget is measured against), a rebuild
after one CSV row, a rebuild with nothing changed. The live mode (`make serve`): the time
from saving one CSV row to the updated page served. Then publishing with 100 archived
versions, page sizes and a 10,000-row CSV.

Each run works on a fresh copy of the project in a temporary folder, so the published
site in this checkout is not touched. Figures are medians over runs (at least 5); runs of
the pipeline before and after alternate, so that both meet the same machine. The machines
are shared, so ratios say more than seconds.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

from .project import copy_project

# The last commit before warm kernels and in-process rendering: "today's" build of issue 14, which the
# clean full build is held to (75% of it). `--before REV` measures another; a clone without that history
# gets the comparison left out, and says so.
BEFORE = "1112b5e52913edf47547ed652896b2b8af20f536"
MIN_RUNS = 5
BUDGET_FULL = 0.75  # of the build before
BUDGET_ROW = 0.30  # of the full build, same run
BUDGET_NOOP = 0.35  # seconds
BUDGET_LIVE = 0.20  # of the full build

ROW_CSV = "data/coding/swe_bench.csv"  # read by one chapter, as most datasets are


def timed_build(root: Path, *args: str) -> tuple[float, str]:
    env = dict(os.environ, PYTHONPATH=str(root / "scripts"))
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mosaic", "build", *args], cwd=root, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"build failed during the benchmark:\n{proc.stdout}\n{proc.stderr}")
    return seconds, proc.stdout


def add_row(root: Path, n: int) -> str:
    """Append one valid row a reader sees: a new best independent SWE-bench Verified result; returns its system.

    Its value is above every score in the file (90% and up, a tenth of a point more for each n below
    100), so the coding page names it.
    """
    system = f"Benchmark model {n} + Epoch AI scaffold"
    with (root / ROW_CSV).open("a", encoding="utf-8") as f:
        f.write(f"2026-11-01,,{system},Benchmark model {n},Some lab,Verified,{90 + n / 10:.1f},independent,"
                "Epoch AI,independent eval,epoch-swe-bench-verified,\n")
    return system


BIG_ROWS = 10_000


def add_rows(root: Path, n: int, first: int = 0) -> None:
    """Append n valid rows to ROW_CSV: its last row again under n new system names (a copy only)."""
    path = root / ROW_CSV
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, last = reader.fieldnames, list(reader)[-1]
    with path.open("a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        for i in range(first, first + n):
            w.writerow({**last, "system": f"{last['system']} (benchmark row {i})"})


def big_csv(root: Path) -> tuple[float, int, int]:
    """A clean build with BIG_ROWS more rows in ROW_CSV: seconds, the largest page and the largest file."""
    with tempfile.TemporaryDirectory(prefix="mosaic-bench-big-") as tmp:
        copy = copy_project(root, Path(tmp) / "book")
        add_rows(copy, BIG_ROWS)
        s, _ = timed_build(copy)
        html = copy / "_build" / "html"
        largest_page = max(page_sizes(html).values())
        largest_file = max(p.stat().st_size for p in (html / "_static" / "data").rglob("*.csv"))
    return s, largest_page, largest_file


def executed(output: str) -> list[str]:
    return re.findall(r"\] (\S+): done", output)


def page_sizes(html: Path) -> dict[str, int]:
    return {p.relative_to(html).as_posix(): p.stat().st_size
            for p in sorted(html.rglob("*.html"))
            if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts and "v" not in p.parts}


ASSET = re.compile(r'<(?:script|img)\b[^>]*?\ssrc="([^"]+)"'
                   r'|<link\b(?=[^>]*\srel="(?:stylesheet|preload|icon)")[^>]*?\shref="([^"]+)"'
                   r'|"url": "([^"]+)"')


def assets(html: Path, page: str) -> set[str]:
    """What a browser fetches to show `page` (site paths): its scripts, stylesheets, icons and images, and the
    data files its charts read."""
    found = set()
    for m in ASSET.finditer((html / page).read_text(encoding="utf-8")):
        url = next(g for g in m.groups() if g)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", url):
            continue
        path = os.path.normpath(os.path.join(os.path.dirname(page), url.split("?")[0].split("#")[0]))
        if (html / path).is_file():
            found.add(path)
    return found


def transfer(data: bytes, name: str) -> int:
    """Bytes on the wire: text is served compressed (gzip, as GitHub Pages does), images as they are."""
    import gzip

    return len(gzip.compress(data, 6)) if name.endswith((".html", ".js", ".css", ".csv", ".json", ".svg")) else len(data)


def page_weights(html: Path) -> dict[str, tuple[int, int]]:
    """Each page's transfer size without and with the assets it shares with other pages (a browser caches
    those once for the whole book): {page: (own bytes, bytes with shared assets)}."""
    html = html.resolve()
    pages = [p for p in page_sizes(html)] + [p for p in ("search.html",) if (html / p).is_file()]
    fetched = {page: assets(html, page) for page in pages}
    uses: dict[str, int] = {}
    for files in fetched.values():
        for f in files:
            uses[f] = uses.get(f, 0) + 1
    size = {f: transfer((html / f).read_bytes(), f) for f in uses}
    out = {}
    for page, files in fetched.items():
        own = transfer((html / page).read_bytes(), page) + sum(size[f] for f in files if uses[f] == 1)
        out[page] = (own, own + sum(size[f] for f in files if uses[f] > 1))
    return out


def weight_lines(html: Path) -> list[str]:
    return [f"page {page:40s} {own / 1e3:8.1f} kB without shared assets, {total / 1e3:8.1f} kB with them "
            f"(transferred, gzip; budget 300 kB without)" for page, (own, total) in page_weights(html).items()]


def publish_seconds(root: Path, runs: int = 5) -> float:
    """Median time to publish a built project (furnish the pages, data packages, archive, switch)."""
    from . import edition, publish
    from .chapters import discover
    from .ledger import Ledger
    from .params import resolve
    from .validate import validate_all

    validated = validate_all(root)
    chapters = discover(root)
    params = resolve(chapters)
    html = root / "_build" / "render" / "_build" / "html"
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        ledger = Ledger.load(root)
        editions = edition.collect(root, chapters, params, root / "_build" / "executed", validated, ledger)
        publish.publish(root, html, root / "_build", editions, ledger, edition.Book.load(root), validated)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def synthetic_archive(root: Path, versions: int = 100) -> None:
    """`versions` archived chapter versions in releases/, made by the real archive code from the built pages."""
    from . import archive, edition, pages
    from .chapters import discover
    from .ledger import Ledger, Version
    from .params import resolve
    from .validate import validate_all

    validated = validate_all(root)
    chapters = discover(root)
    editions = edition.collect(root, chapters, resolve(chapters), root / "_build" / "executed", validated, Ledger())
    site = (root / "_build" / "html").resolve()
    rendered = root / "_build" / "render" / "_build" / "html"
    book = edition.Book("Mosaic", "Mosaic contributors", "https://example.org/mosaic/")
    ledger, made, n = Ledger(), 0, 0
    while made < versions:
        n += 1
        day = f"2026-01-{n:02d}" if n <= 28 else f"2026-02-{n - 28:02d}"
        release = {"id": day, "date": day, "commit": "0" * 40, "tag": f"release-{day}",
                   "data_hash": "sha256:" + "0" * 64, "versions": []}
        for ed in editions[: versions - made]:
            v = Version(ed.name, n, day, day, ed.title, ed.content_hash, ed.data_hash, "0" * 40,
                        book.absolute(f"v/{ed.name}/{n}/"), "", ed.parts, ed.params, "synthetic", {"first": True})
            ed.versions = ed.versions + [v]
            page = pages.decorate_chapter((rendered / "chapters" / f"{ed.name}.html").read_text(), ed, book,
                                          day=day, archived=v)
            v.page_sha256 = archive.store(root, site, ed, v, page)
            release["versions"].append(v.record())
            made += 1
        ledger = ledger.append(release)
    ledger.save(root)


def archive_line(copy: Path, versions: int = 100) -> str:
    """The bench line: what publishing with `versions` archived versions adds to publishing with none."""
    none = publish_seconds(copy)
    synthetic_archive(copy, versions)
    full = publish_seconds(copy)
    return (f"publishing with {versions} archived versions  {full - none:+5.2f} s  "
            f"({none:.2f} s with none, {full:.2f} s with {versions}; budget +1 s)")


FORECASTS = "forecasts"  # the chapter whose ledger and backtests have their own budget


def analysis_seconds(root: Path, chapter: str = FORECASTS, runs: int = 3) -> float:
    """Median processor time of one chapter's analysis (for the forecasts chapter: its ledger and every
    backtest) on the project's own data, in this process, handed its tables as a build hands them.
    Processor time, not wall time: on a shared machine it does not count other programs' turns."""
    import importlib

    from ..book.context import Context
    from .chapters import read
    from .validate import sources_table, validate_all, write_table

    source = read(root / "chapters" / f"{chapter}.md")
    validated = validate_all(root)
    with tempfile.TemporaryDirectory(prefix="mosaic-bench-analysis-") as tmp:
        cache = Path(tmp)
        tables = {name: str(write_table(validated, name, cache)) for name in source.datasets}
        cited = validated.cited_sources(source.datasets) | set(source.extra_sources)
        tables["sources"] = str(sources_table(validated, cited, cache)[0])
        frames = Context(chapter, source.defaults, source.defaults, "bench", None, tables, {}, cache).frames()
        module = importlib.import_module(f"mosaic.analyses.{chapter}")
        times = []
        for _ in range(runs):
            t0 = time.process_time()
            module.headline(frames, {**source.defaults, "as_of": None})
            times.append(time.process_time() - t0)
    return statistics.median(times)


def without_chapter(copy: Path, chapter: str) -> None:
    """Take `chapter` out of a copied book: out of the toc, out of every front matter that reads it (those
    chapters then say they have nothing from it), and its links made plain text."""
    toc = copy / "_toc.yml"
    toc.write_text("".join(line for line in toc.read_text().splitlines(keepends=True)
                           if line.strip() != f"- file: chapters/{chapter}"))
    (copy / "chapters" / f"{chapter}.md").unlink()
    for md in (copy / "chapters").glob("*.md"):
        text = re.sub(r"^(  chapters: \[.*)\b" + chapter + r"\b,? ?", r"\1", md.read_text(), flags=re.M)
        text = re.sub(r",\s*\]", "]", text)
        md.write_text(re.sub(rf"\[([^\]]*)\]\({chapter}\)", r"\1", text))


def forecasts_line(root: Path, runs: int = 3) -> str:
    """The bench line of the forecasts chapter: what it adds to a clean full build (median of clean builds
    with and without it, taken in turn so that the machine's load falls on both alike; without it, the landing
    chapter shows the growth forms unweighted), and its analysis alone, in processor time."""
    if not (root / "chapters" / f"{FORECASTS}.md").exists():
        return "forecasts chapter: not in this book"
    with_it, without = [], []
    for _ in range(runs):
        for keep, out in ((True, with_it), (False, without)):
            with tempfile.TemporaryDirectory(prefix="mosaic-bench-forecasts-") as tmp:
                copy = copy_project(root, Path(tmp) / "book")
                if not keep:
                    without_chapter(copy, FORECASTS)
                out.append(timed_build(copy)[0])
    full, bare = statistics.median(with_it), statistics.median(without)
    alone = analysis_seconds(root, FORECASTS, runs)
    return (f"forecast ledger and backtests  +{full - bare:5.2f} s to a clean full build (median {full:.2f} s with "
            f"the forecasts chapter, {bare:.2f} s without; budget +3 s: {verdict(full - bare <= 3)}); the analysis "
            f"alone {alone:.2f} s of processor time")


def before_tree(root: Path, rev: str, dest: Path) -> Path | None:
    """The project's files as commit `rev` has them (None when this clone does not have that commit)."""
    proc = subprocess.run(["git", "archive", "--format=tar", rev], cwd=root, capture_output=True)
    if proc.returncode != 0:
        return None
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def verdict(ok: bool) -> str:
    return "UNDER budget" if ok else "OVER budget"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 30) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def live_saves(copy: Path, saves: int = MIN_RUNS, first: int = 50) -> list[float]:
    """`mosaic serve` on a built copy: seconds from saving one more CSV row to the updated page fetched, per save."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(copy / "scripts"))
    proc = subprocess.Popen([sys.executable, "-m", "mosaic", "serve", f"--port={port}"], cwd=copy, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 300
        while True:
            try:
                status = json.loads(get(base + "/_mosaic/status", 1))
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > end:
                    raise SystemExit(f"mosaic serve did not start:\n{proc.stdout.read()}")
                time.sleep(0.1)
        events = urllib.request.urlopen(base + "/_mosaic/events", timeout=120)
        site = None
        times = []
        for i in range(saves + 1):  # the first save also starts what stays warm afterwards; it is not counted
            time.sleep(2.0)  # a person reads the page before the next save
            t0 = time.perf_counter()
            system = add_row(copy, first + i)
            while True:
                line = events.readline().decode()
                if not line:
                    raise SystemExit(f"mosaic serve stopped:\n{proc.stdout.read()}")
                if line.startswith("event: failed"):
                    raise SystemExit(f"a live rebuild failed: {events.readline().decode()}")
                if line.startswith("data: ") and line[6:].strip() != site:
                    new = line[6:].strip()
                    if site is None:  # the site published when the stream opened
                        site = new
                        continue
                    site = new
                    break
            page = get(base + "/chapters/coding.html")
            seconds = time.perf_counter() - t0
            if system.encode() not in page:
                raise SystemExit(f"the page served after save {i + 1} does not show the row saved ({system})")
            if i:
                times.append(seconds)
        events.close()
        return times
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def main(root: Path, runs: int = MIN_RUNS, only: str | None = None, before: str | None = BEFORE) -> int:
    if only == "forecasts":
        print(forecasts_line(root))
        return 0
    if only == "archive":
        with tempfile.TemporaryDirectory(prefix="mosaic-bench-") as tmp:
            copy = copy_project(root, Path(tmp) / "book")
            timed_build(copy)
            print(archive_line(copy))
        return 0
    full, one_row, noop, old, ref = [], [], [], [], []
    ran_after_row: list[str] = []
    sizes: dict[str, int] = {}
    missing_before = None
    for i in range(runs):
        with tempfile.TemporaryDirectory(prefix="mosaic-bench-") as tmp:
            if before and missing_before is None:
                tree = before_tree(root, before, Path(tmp) / "before")
                if tree is None:
                    missing_before = f"commit {before[:12]} is not in this clone"
                else:
                    s, _ = timed_build(tree)
                    old.append(s)
            # Like with like: this very book built as builds were before (a process and a kernel per chapter,
            # the jupyter-book command), beside the commit before, whose book had fewer chapters.
            s, _ = timed_build(copy_project(root, Path(tmp) / "reference"), "--reference")
            ref.append(s)
            copy = copy_project(root, Path(tmp) / "book")
            s, _ = timed_build(copy)
            full.append(s)
            s, out = timed_build(copy)
            noop.append(s)
            if executed(out):
                raise SystemExit(f"a rebuild with nothing changed executed: {executed(out)}")
            add_row(copy, i)
            s, out = timed_build(copy)
            one_row.append(s)
            ran_after_row = executed(out)
            plan_lines = [ln for ln in out.splitlines() if ln.startswith("  ") and ":" in ln and "[" not in ln]
            sizes = page_sizes(copy / "_build" / "html")
            weights = weight_lines(copy / "_build" / "html")
            bundle = sum(p.stat().st_size for p in (copy / "_build" / "html" / "_static" / "vendor").glob("vega-bundle*.js"))
            if i == runs - 1:
                live = live_saves(copy, max(runs, MIN_RUNS))
                archived = archive_line(copy)  # last: it leaves 100 synthetic versions in the copy's ledger
        was = (f", before {old[-1]:.1f} s" if old else "") + f", reference {ref[-1]:.1f} s"
        print(f"run {i + 1}/{runs}: full {full[-1]:.1f} s{was}, one row {one_row[-1]:.1f} s, "
              f"nothing changed {noop[-1]:.2f} s", flush=True)
    med_full, med_row, med_noop, med_live = (statistics.median(x) for x in (full, one_row, noop, live))
    few = f" (only {runs} runs: indicative)" if runs < MIN_RUNS else ""
    print()
    print(f"make book (fresh processes), medians of {runs} runs{few}:")
    if old:
        med_old = statistics.median(old)
        print(f"clean full build            median {med_full:6.2f} s   = {med_full / med_old:.1%} of the build before "
              f"({before[:7]}: median {med_old:.2f} s, same runs); budget {BUDGET_FULL:.0%}: "
              f"{verdict(med_full <= BUDGET_FULL * med_old)}")
    else:
        print(f"clean full build            median {med_full:6.2f} s   (not compared with the build before: "
              f"{missing_before or 'no --before commit'})")
    med_ref = statistics.median(ref)
    print(f"                            median {med_full:6.2f} s   = {med_full / med_ref:.1%} of this book built the "
          f"way builds were before (--reference: median {med_ref:.2f} s, same runs); budget {BUDGET_FULL:.0%}: "
          f"{verdict(med_full <= BUDGET_FULL * med_ref)}")
    print(f"rebuild after one CSV row   median {med_row:6.2f} s   = {med_row / med_full:.1%} of the full build; "
          f"budget {BUDGET_ROW:.0%}: {verdict(med_row <= BUDGET_ROW * med_full)}; "
          f"executed: {', '.join(ran_after_row) or 'none'}")
    print(f"rebuild with nothing changed median {med_noop:6.2f} s   budget {BUDGET_NOOP:.2f} s: "
          f"{verdict(med_noop < BUDGET_NOOP)}")
    print(f"live mode (make serve), medians of {len(live)} saves:")
    print(f"save one CSV row to updated page median {med_live:6.2f} s   = {med_live / med_full:.1%} of the full "
          f"build; budget {BUDGET_LIVE:.0%}: {verdict(med_live <= BUDGET_LIVE * med_full)}")
    print("plan printed after the one-row change:")
    print("\n".join(plan_lines))
    print(archived)
    print(forecasts_line(root))
    print(f"shared vega bundle: {bundle / 1e6:.2f} MB (loaded once, cached by the browser)")
    for page, size in sizes.items():
        print(f"page {page:40s} {size / 1e3:8.1f} kB   (budget 1 MB)")
    print("\n".join(weights))
    s, page, data = big_csv(root)
    print(f"{BIG_ROWS:,} more rows in {ROW_CSV}: clean full build {s:6.2f} s (budget: it builds); largest page "
          f"{page / 1e3:.1f} kB (budget 300 kB); largest data file {data / 1e6:.2f} MB, fetched when its chart draws")
    return 0
