"""The live mode (`make serve`): build, serve the site on localhost, rebuild on save, reload the open page.

For people adding data: one long-lived process holds the build lock, keeps warm kernels
and a Sphinx application set up for the next build (see `build.Warm`), and watches
data/, chapters/, scripts/, _static/ and the book's own files at the top (_config.yml,
_toc.yml, the plain pages, requirements.txt). A save starts the same incremental build
`make book` runs (only the chapters whose inputs changed execute), publishes it, and tells
every open page to reload.

The pages it serves are the published files, byte for byte, with one line added on the
way out: `<script src="/_mosaic/live.js">`, a small script this server serves itself (no
CDN), which listens to `/_mosaic/events` (server-sent events) and reloads the page when
a new site is published, or shows the build's error when a build fails.

A change under scripts/ or to requirements.txt restarts the process (the code already
imported, and the modules warm kernels hold, would be stale): kernels stopped, lock
released, the same command run again in the same process (`os.execv`). The process ends
when Ctrl-C or SIGTERM asks, and on its own when the process that started it is gone, so
that it never outlives a test or a terminal; its kernels end with it.
"""
from __future__ import annotations

import functools
import gc
import http.server
import json
import os
import queue
import signal
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from .build import BuildError, Warm, build
from .lock import Busy, build_lock, command_line

WATCHED_FOLDERS = ("data", "chapters", "scripts", "_static")
RESTART_ON = ("scripts/", "requirements.txt")
TOP_FILES = (".md", ".yml", ".yaml")  # the book's own files at the top: config, toc, plain pages
LIVE_JS = """(function () {
  // Mosaic's live mode: reload this page when a new build is published; show a failed build's message.
  var shown = null, box = null;
  function banner(text) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "mosaic-live-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:9999;margin:0;padding:1em;" +
        "max-height:40vh;overflow:auto;white-space:pre-wrap;background:#fff4e5;color:#000;" +
        "border-top:3px solid #d55e00;font:14px/1.4 monospace";
      document.body.appendChild(box);
    }
    box.textContent = text;
  }
  function listen() {
    var events = new EventSource("/_mosaic/events");
    events.addEventListener("site", function (e) {
      if (shown === null) { shown = e.data; }
      if (e.data !== shown) { location.reload(); return; }
      if (box) { box.remove(); box = null; }  // fixed, and the site it shows is still current
    });
    events.addEventListener("failed", function (e) { banner(JSON.parse(e.data)); });
  }
  listen();
})();
"""
# How long a build waits for the open pages to be sent its news before the live mode gets ready for the
# next one: a page on this machine takes a few milliseconds; a stalled connection is not waited for longer.
SEND_SECONDS = 1.0
SCRIPT_TAG = b'<script src="/_mosaic/live.js"></script>'


class Announcer:
    """The state open pages follow: the published site's name, or the last build's error.

    Each open page's event stream `follow`s it; `wait_sent` waits until every one of them has been
    sent the latest state, so that the live mode's work between builds (starting kernels and Sphinx
    for the next save) comes after the page has heard of the new site.
    """

    def __init__(self):
        lock = threading.Lock()
        self.cond = threading.Condition(lock)  # a new state (or closing)
        self.delivered = threading.Condition(lock)  # a page was sent a state, or went away
        self.site = ""
        self.error: str | None = None
        self.serial = 0
        self.closed = False
        self._sent: dict[int, int] = {}  # each following page: the serial of the last state sent to it
        self._pages = 0

    def publish(self, site: str) -> None:
        with self.cond:
            self.site, self.error = site, None
            self.serial += 1
            self.cond.notify_all()

    def fail(self, message: str) -> None:
        with self.cond:
            self.error = message
            self.serial += 1
            self.cond.notify_all()

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def event(self) -> bytes:
        if self.error is not None:
            return f"event: failed\ndata: {json.dumps(self.error)}\n\n".encode()
        return f"event: site\ndata: {self.site}\n\n".encode()

    def follow(self, write) -> None:
        """Send one page the current state, then each new one, with `write(bytes)`, until closing or until
        the page goes away (`write` raises OSError). A comment now and then finds closed connections."""
        with self.cond:
            self._pages += 1
            page = self._pages
            self._sent[page] = seen = -1
        try:
            while True:
                with self.cond:
                    while self.serial == seen and not self.closed:
                        if not self.cond.wait(15):
                            break
                    if self.closed:
                        return
                    message = self.event() if self.serial != seen else b": still here\n\n"
                    serial = self.serial
                write(message)
                with self.cond:
                    seen = self._sent[page] = serial
                    self.delivered.notify_all()
        except OSError:  # the page went away
            return
        finally:
            with self.cond:
                del self._sent[page]
                self.delivered.notify_all()

    def wait_sent(self, timeout: float) -> bool:
        """Until every page following has been sent the latest state; False if one has not after `timeout` s."""
        end = time.monotonic() + timeout
        with self.cond:
            while any(serial != self.serial for serial in self._sent.values()):
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.delivered.wait(left)
            return True


class LiveHandler(http.server.SimpleHTTPRequestHandler):
    """The published site, each HTML page with the live script added; the script; the event stream."""

    announcer: Announcer
    site: Path

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.site), **kwargs)

    def log_message(self, *args):  # the terminal shows builds, not requests
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")  # a reload fetches what changed, revalidates the rest
        super().end_headers()

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == "/_mosaic/live.js":
            return self._send(LIVE_JS.encode(), "text/javascript; charset=utf-8")
        if path == "/_mosaic/events":
            return self._events()
        if path == "/_mosaic/status":
            a = self.announcer
            return self._send(json.dumps({"site": a.site, "error": a.error, "serial": a.serial}).encode(),
                              "application/json")
        file = Path(self.translate_path(path))
        if file.is_dir():
            if not path.endswith("/"):
                return super().do_GET()  # the redirect to the folder's address
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            page = file.read_bytes()
            at = page.rfind(b"</body>")
            page = page[:at] + SCRIPT_TAG + page[at:] if at >= 0 else page + SCRIPT_TAG
            return self._send(page, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def write(message: bytes) -> None:
            self.wfile.write(message)
            self.wfile.flush()

        self.announcer.follow(write)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def watched(root: Path):
    """The watchers' paths and filters: folders recursively, the top level for the book's own files."""
    from watchfiles import DefaultFilter

    folders = [root / f for f in WATCHED_FOLDERS if (root / f).is_dir()]
    recursive_filter = DefaultFilter()

    def top(change, path: str) -> bool:
        p = Path(path)
        return p.parent == root and (p.suffix in TOP_FILES or p.name == "requirements.txt")

    return folders, recursive_filter, top


class Live:
    def __init__(self, root: Path, *, port: int = 8000, as_of=None, overrides=(), timeout: float | None = None,
                 workers: int | None = None, argv: list[str] | None = None, echo=print):
        self.root = root
        self.port = port
        self.as_of = as_of
        self.overrides = list(overrides)
        self.timeout = timeout
        self.workers = workers
        self.argv = argv if argv is not None else sys.argv[1:]
        self.echo = echo
        self.changes: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.announcer = Announcer()
        self.warm = Warm(root, workers)
        self.server: Server | None = None
        self.parent = os.getppid()

    # -- watching --------------------------------------------------------------------------------
    def _watch(self, paths, watch_filter, recursive: bool) -> None:
        from watchfiles import watch

        try:
            for batch in watch(*paths, watch_filter=watch_filter, stop_event=self.stop, step=30,
                               raise_interrupt=False, recursive=recursive, rust_timeout=500):
                self.changes.put((time.monotonic(), {p for _, p in batch}))
        except Exception as exc:  # a watcher that stops says so rather than leaving saves unseen
            if not self.stop.is_set():
                self.changes.put((time.monotonic(), exc))

    def _parent_gone(self) -> None:
        while not self.stop.wait(0.5):
            if os.getppid() != self.parent:
                self.echo("The process that started `mosaic serve` has gone; stopping.")
                self.changes.put((time.monotonic(), "stop"))
                return

    # -- building --------------------------------------------------------------------------------
    def build_once(self, saved: float | None = None) -> bool:
        from .kernels import CHAPTER_TIMEOUT

        t0 = time.perf_counter()
        try:
            site = build(self.root, as_of=self.as_of, overrides=self.overrides, workers=self.workers,
                         timeout=self.timeout or CHAPTER_TIMEOUT, echo=self.echo, warm=self.warm)
        except BuildError as exc:
            self.echo(f"Build failed: {exc}")
            if self.changes.empty():  # else a newer save is about to be built: no need to alarm the page
                self.announcer.fail(f"The last build failed; the page shows the site as it was.\n\n{exc}")
                self.announcer.wait_sent(SEND_SECONDS)
            return False
        name = site.resolve().name
        changed = name != self.announcer.site
        self.announcer.publish(name)
        self.announcer.wait_sent(SEND_SECONDS)  # the open pages hear of it before getting ready for the next save
        if saved is not None and changed:
            self.echo(f"Page updated {time.monotonic() - saved:.2f} s after the save "
                      f"(build {time.perf_counter() - t0:.2f} s).")
        return True

    def ready_for_next(self) -> None:
        try:
            self.warm.ready_for_next()
        except Exception as exc:  # the next build starts its own, as `make book` does
            self.echo(f"Nothing kept warm for the next build: {exc}")

    def run(self) -> int:
        """Serve until stopped; returns the exit code, or re-runs itself (scripts/ or requirements.txt changed)."""
        folders, recursive_filter, top = watched(self.root)
        threads = [threading.Thread(target=self._watch, args=(folders, recursive_filter, True), daemon=True),
                   threading.Thread(target=self._watch, args=([self.root], top, False), daemon=True),
                   threading.Thread(target=self._parent_gone, daemon=True)]
        for t in threads:
            t.start()
        self.build_once()
        handler = type("Handler", (LiveHandler,), {"announcer": self.announcer, "site": self.root / "_build" / "html"})
        self.server = Server(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        watching = ", ".join(f"{f.name}/" for f in folders)
        self.echo(f"Serving http://127.0.0.1:{self.server.server_address[1]}/ ; watching {watching} and the book's "
                  "files; a save rebuilds and reloads the page (Ctrl-C stops)")
        self.ready_for_next()
        garbage = True
        try:
            while True:
                try:
                    saved, what = self.changes.get(timeout=0.5)  # in short steps, so that Ctrl-C is heard
                except queue.Empty:
                    # What the last build left in cycles (builds collect none: see `build`), collected once
                    # half a second has passed with no save: a full collection holds the interpreter for
                    # about 0.1 s, which right after a build delayed the page the reader was reloading.
                    if garbage:
                        gc.collect()
                        garbage = False
                    continue
                if what == "stop":
                    return 0
                if isinstance(what, Exception):
                    raise what
                time.sleep(0.01)
                while not self.changes.empty():  # one build for every save made meanwhile
                    _, more = self.changes.get()
                    if more == "stop":
                        return 0
                    if isinstance(more, set):
                        what |= more
                rel = sorted(Path(p).relative_to(self.root).as_posix() for p in what)
                if any(r.startswith(RESTART_ON) for r in rel):
                    self.echo(f"{', '.join(r for r in rel if r.startswith(RESTART_ON))} changed: restarting.")
                    return self.restart()
                self.echo(f"Changed: {', '.join(rel)}")
                self.build_once(saved)
                self.ready_for_next()
                garbage = True
        finally:
            self.close()

    def close(self) -> None:
        self.stop.set()
        self.announcer.close()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        self.warm.close()

    def restart(self) -> int:
        self.close()
        raise Restart()


class Restart(Exception):
    """Run the same command again, in this process (the code it runs changed)."""


def serve(root: Path, argv: list[str], *, port: int, as_of=None, overrides=(), timeout=None, workers=None) -> int:
    """`python -m mosaic serve`: hold the build lock, build, serve and rebuild until stopped."""
    def terminate(signum, frame):  # SIGTERM ends it as Ctrl-C does: kernels stopped, lock released
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    echo = functools.partial(print, flush=True)
    try:
        return _serve(root, argv, echo, port=port, as_of=as_of, overrides=overrides, timeout=timeout, workers=workers)
    except KeyboardInterrupt:
        print("Stopped serving.", file=sys.stderr)
        return 0


def _serve(root: Path, argv: list[str], echo, *, port, as_of, overrides, timeout, workers) -> int:
    # Just after a restart the lock may be taken by a build started meanwhile: wait for it a little.
    deadline = time.monotonic() + (30 if os.environ.get("MOSAIC_SERVE_RESTARTED") else 0)
    while True:
        try:
            with build_lock(root, command_line()):
                live = Live(root, port=port, as_of=as_of, overrides=overrides, timeout=timeout, workers=workers,
                            argv=argv, echo=echo)
                try:
                    return live.run()
                except Restart:
                    pass
            break
        except Busy as exc:
            if time.monotonic() >= deadline:
                print(f"Serve not started: {exc}", file=sys.stderr)
                return 75
            time.sleep(0.5)
    # The lock is released and the kernels are stopped: run the same command again.
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, "-m", "mosaic", "serve", *argv],
              {**os.environ, "MOSAIC_SERVE_RESTARTED": "1"})
    return 0  # not reached

