"""The live mode (`make serve`): a save rebuilds what changed and reloads the open page.

Each test starts `python -m mosaic serve` on a copy of the built book, as a person adding data
would, and stops it at the end (its kernels with it). No test is timed; `make bench` measures
the time from a save to the updated page.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import run_build, tree_digest
from mosaic.pipeline.bench import add_row
from test_browser import browser, open_page  # noqa: F401  (the real-browser fixture and page opener)
from test_input import processes_in, wait_until_gone
from test_speed import differences, published


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Live:
    """One `mosaic serve` process, its output collected line by line."""

    def __init__(self, root: Path, *, via_parent: bool = False):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "mosaic", "serve", f"--port={self.port}"]
        if via_parent:  # started by a process of its own, which a test can then kill
            cmd = [sys.executable, "-c", "import subprocess, sys, time\n"
                   f"p = subprocess.Popen({cmd!r})\nprint('serve', p.pid, flush=True)\ntime.sleep(600)"]
        self.proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.serve_pid = self.proc.pid
        if via_parent:
            self.serve_pid = int(self.wait_for(r"^serve (\d+)$").group(1))
        self.wait_for(r"^Serving http://")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 180) -> re.Match:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in self.lines[after:]:
                m = re.search(pattern, line)
                if m:
                    return m
            if self.proc.poll() is not None and not self.alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"no line matching {pattern!r}:\n" + "\n".join(self.lines))

    def alive(self) -> bool:
        """The serve process runs (a zombie, ended and waiting for whoever adopted it to reap it, does not)."""
        try:
            state = Path(f"/proc/{self.serve_pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            return False
        return state not in ("Z", "X")

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return r.read()

    def status(self) -> dict:
        return json.loads(self.get("/_mosaic/status"))

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=60)
        if self.alive():
            os.kill(self.serve_pid, signal.SIGKILL)


@pytest.fixture
def live(built, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(built, root, symlinks=True)
    server = Live(root)
    yield server
    server.stop()
    assert wait_until_gone(root) == []  # no kernel left behind




def test_the_pages_it_serves_are_the_published_files_with_one_script_added(live):
    site = live.root / "_build" / "html"
    for path in ("index.html", "chapters/coding.html"):
        served = live.get("/" + path)
        assert served == (site / path).read_bytes().replace(
            b"</body>", b'<script src="/_mosaic/live.js"></script></body>')
    [bundle] = (site / "_static" / "vendor").glob("vega-bundle.*.js")  # named by its content
    assert live.get(f"/_static/vendor/{bundle.name}") == bundle.read_bytes()
    script = live.get("/_mosaic/live.js").decode()
    assert "EventSource(\"/_mosaic/events\")" in script and "location.reload()" in script
    assert "http" not in script  # served by the book itself: nothing fetched from elsewhere
    assert live.status()["site"] == site.resolve().name


def test_a_build_waits_until_every_open_page_was_sent_the_new_site_and_no_longer(tmp_path):
    # The live mode gets ready for the next save (kernels, Sphinx) only once the open pages have been told.
    from mosaic.pipeline.serve import Announcer, LiveHandler, Server

    announcer = Announcer()
    announcer.publish("site-1")
    handler = type("Handler", (LiveHandler,), {"announcer": announcer, "site": tmp_path})
    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        events = urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/_mosaic/events", timeout=30)
        assert [events.readline() for _ in range(2)] == [b"event: site\n", b"data: site-1\n"]
        # A page whose stream cannot be written to yet: its build waits for it, then gives up.
        release, written = threading.Event(), []

        def stalled(message: bytes) -> None:
            written.append(message)
            if len(written) == 2:
                release.wait(60)

        listener = threading.Thread(target=announcer.follow, args=(stalled,), daemon=True)
        listener.start()
        assert announcer.wait_sent(30)  # both pages had the current site
        announcer.publish("site-2")
        assert not announcer.wait_sent(0.3)  # the stalled page has not been sent it
        release.set()
        assert announcer.wait_sent(30)
        assert written == [b"event: site\ndata: site-1\n\n", b"event: site\ndata: site-2\n\n"]
        events.readline()
        assert events.readline() == b"event: site\n" and events.readline() == b"data: site-2\n"
        # A page that went away no longer counts.
        events.close()
        announcer.publish("site-3")
        assert announcer.wait_sent(30)  # written into the closed connection, or the page dropped
        announcer.close()
        listener.join(30)
        assert not listener.is_alive() and announcer.wait_sent(0)
    finally:
        announcer.close()
        server.shutdown()
        server.server_close()


def test_it_holds_the_build_lock(live):
    proc = run_build(live.root)
    assert proc.returncode == 75
    assert "another build is already running" in proc.stderr and "`python -m mosaic serve" in proc.stderr


@pytest.mark.browser
def test_a_saved_row_reloads_the_open_page_with_it(live, browser, built, tmp_path):
    page, problems = open_page(browser, f"{live.url}/chapters/coding.html", live.url)
    page.evaluate("window.mosaicNotReloaded = true")
    site = live.status()["site"]
    seen = len(live.lines)
    system = add_row(live.root, 1)
    page.wait_for_function("() => window.mosaicNotReloaded === undefined", timeout=120_000)
    page.wait_for_load_state("load")
    assert f"90.1% ({system})" in page.content()
    assert live.status()["site"] != site
    live.wait_for(r"^Page updated [\d.]+ s after the save", after=seen)
    log = "\n".join(live.lines[seen:])
    # coding first; the chapters that read its outputs follow only if what it publishes changed
    assert "coding: execute (data/coding/swe_bench.csv changed)" in log and re.search(r"\[1/\d+\] coding: done", log)
    assert problems == []
    # What the live process published is what a build in a fresh process publishes for the same files.
    fresh = tmp_path / "fresh"
    shutil.copytree(built, fresh, symlinks=True)
    shutil.copy(live.root / "data" / "coding" / "swe_bench.csv", fresh / "data" / "coding" / "swe_bench.csv")
    proc = run_build(fresh)
    assert proc.returncode == 0, proc.stderr
    assert differences(published(live.root), published(fresh)) == []


@pytest.mark.browser
def test_a_bad_row_shows_its_error_on_the_page_and_keeps_the_site(live, browser):
    site = live.root / "_build" / "html"
    before = tree_digest(site)
    csv = live.root / "data" / "coding" / "swe_bench.csv"
    good = csv.read_text()
    page, problems = open_page(browser, f"{live.url}/chapters/coding.html", live.url)
    csv.write_text(good + "2026-11-01,,Bad model,Bad model,Some lab,Verified,120,independent,Epoch AI,"
                          "independent eval,epoch-swe-bench-verified,\n")
    banner = page.locator("#mosaic-live-error")
    banner.wait_for(timeout=120_000)
    line = len(good.splitlines()) + 1
    assert f"data/coding/swe_bench.csv:{line}: column 'percent_resolved'" in banner.text_content()
    assert tree_digest(site) == before
    csv.write_text(good)  # fixed: the message goes, and the page (still the current site) stays
    banner.wait_for(state="detached", timeout=120_000)
    assert live.status()["error"] is None
    assert tree_digest(site) == before
    assert problems == []


@pytest.mark.parametrize("changed", ["scripts/mosaic/pipeline/pages.py", "requirements.txt"])
def test_a_change_to_its_own_code_or_requirements_restarts_it(live, changed):
    seen = len(live.lines)
    kernels_before = set(processes_in(live.root)) - {live.serve_pid}
    path = live.root / changed
    path.write_text(path.read_text() + "\n# an edit\n")
    live.wait_for(rf"^{re.escape(changed)} changed: restarting\.$", after=seen)
    live.wait_for(r"^Serving http://", after=seen + 1, timeout=300)
    assert live.alive() and live.proc.poll() is None  # the same process, running the new code
    assert live.status()["error"] is None
    log = "\n".join(live.lines[seen:])
    assert "Published in" in log  # the new code built the book again before serving it
    if changed == "requirements.txt":
        every = len(list((live.root / "chapters").glob("*.md")))
        assert f"[{every}/{every}]" in log  # every chapter's fingerprint holds the requirements
    # The kernels of the process before the restart are gone.
    assert not kernels_before & set(processes_in(live.root))


def test_it_never_outlives_the_process_that_started_it(built, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(built, root, symlinks=True)
    server = Live(root, via_parent=True)
    try:
        assert server.alive() and processes_in(root)
        os.kill(server.proc.pid, signal.SIGKILL)  # the parent dies without a word
        assert wait_until_gone(root, 15) == []
        assert not server.alive()
    finally:
        server.stop()


def test_ctrl_c_stops_it_in_one_line_and_releases_the_lock(built, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(built, root, symlinks=True)
    server = Live(root)
    os.killpg(server.proc.pid, signal.SIGINT)
    assert server.proc.wait(timeout=60) == 0
    time.sleep(0.2)
    assert server.lines[-1] == "Stopped serving."
    assert not any("Traceback" in line or "KeyboardInterrupt" in line for line in server.lines)
    assert wait_until_gone(root) == []
    proc = run_build(root)
    assert proc.returncode == 0 and "Nothing changed" in proc.stdout
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(server.url, timeout=2)
