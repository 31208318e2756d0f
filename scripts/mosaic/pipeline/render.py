"""Render: stage the book (skeleton, executed notebooks, chart data, figures.json) and build its HTML.

jupyter-book runs with execution off: the notebooks it reads were executed by the
pipeline, so rendering only turns them into pages. Warnings are errors.

jupyter-book is driven through its Python API and Sphinx's application API (`Renderer`),
in a thread of the build: Sphinx is set up (imports, extensions, theme, the saved
environment) while the chapters execute, and builds once they are staged. This is
what `jupyter-book build` does in a process of its own, less that process's start and
teardown. `render_command` runs that command, as builds did before; the reference build
(`--reference`) uses it to check that both give the same pages.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
from importlib import metadata
from pathlib import Path

from .chapters import ChapterSource, is_notebook, toc_entries
from .edition import LICENCE

BUNDLE = "_static/vendor/vega-bundle.js"  # staged as vega-bundle.<content hash>.js: see staged_bundle_path


def staged_bundle_path(data: bytes) -> str:
    """Where the bundle is staged: named by its content, so a browser caches it once and a new bundle gets a
    new name (pipeline/sphinx_assets.py puts it on the pages that draw a chart; the archive keeps the name)."""
    return BUNDLE.replace(".js", f".{hashlib.sha256(data).hexdigest()[:16]}.js")


def skeleton_files(root: Path) -> list[Path]:
    """The book files that are not chapter notebooks: config, toc, plain pages, static assets."""
    files = [root / "_config.yml", root / "_toc.yml"]
    files += [root / f"{e}.md" for e in toc_entries(root) if not is_notebook(root / f"{e}.md")]
    static = root / "_static"
    if static.exists():
        files += sorted(p for p in static.rglob("*") if p.is_file())
    return files


def bundle_path(cache: Path) -> Path:
    """Where the vega bundle is cached, named by the installed versions of altair and vl-convert-python,
    read from their package metadata: importing altair only to name it cost a fifth of a second."""
    installed = f"altair-{metadata.version('altair')}-vl-convert-{metadata.version('vl-convert-python')}"
    return cache / f"vega-bundle-{installed}-wrapped.js"


def write_bundle(path: Path) -> None:
    """Make the vega, vega-lite and vega-embed bundle matching Altair's Vega-Lite version."""
    import altair as alt
    import vl_convert

    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    # Wrapped in a function so that the bundle's top-level names (`_`, `t`, ...) do not
    # collide with Sphinx's own globals; it still sets window.vegaEmbed and friends.
    tmp.write_text("(function () {\n" + vl_convert.javascript_bundle(vl_version=version) + "\n})();\n")
    os.replace(tmp, path)


def start_bundle(cache: Path) -> subprocess.Popen | None:
    """Make the bundle in a process of its own when it is not cached (a clean build): some seconds of work
    that then overlap the chapters' instead of following them. `vega_bundle` waits for it."""
    path = bundle_path(cache)
    if path.exists():
        return None
    code = "import sys; from pathlib import Path; from mosaic.pipeline.render import write_bundle; " \
           "write_bundle(Path(sys.argv[1]))"
    scripts = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(scripts), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, "-c", code, str(path)], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def vega_bundle(cache: Path, job: subprocess.Popen | None = None) -> bytes:
    """The vega bundle, cached: made here, or by `job` (from `start_bundle`) if one is under way."""
    path = bundle_path(cache)
    if job is not None:
        job.communicate()  # its error, if any, is met again below
    if not path.exists():
        write_bundle(path)
    return path.read_bytes()


def _put(path: Path, data: bytes, written: set[Path]) -> None:
    """Write only when the bytes differ, so Sphinx re-reads only what changed."""
    written.add(path)
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def stage_skeleton(root: Path, stage_dir: Path, cache: Path, bundle: subprocess.Popen | None = None,
                   early: bool = False) -> set[Path]:
    """Lay out the book around the chapters: config, toc, plain pages, static files and the vega bundle.

    `early` (before any chapter runs) lays out what Sphinx reads when it is set up, and leaves
    the vega bundle, which only the finished build copies, to `stage`.
    """
    written: set[Path] = set()
    for f in skeleton_files(root):
        _put(stage_dir / f.relative_to(root), f.read_bytes(), written)
    if not early:
        data = vega_bundle(cache, bundle)
        _put(stage_dir / staged_bundle_path(data), data, written)
    # html_extra_path: Sphinx drops an entry that does not exist when it starts; figures.json comes later.
    (stage_dir / "_extra").mkdir(parents=True, exist_ok=True)
    return written


def stage(root: Path, chapters: list[ChapterSource], executed: Path, stage_dir: Path, cache: Path,
          editions=(), bundle: subprocess.Popen | None = None) -> list[dict]:
    """Lay out the book to render: skeleton, executed notebooks, chart data, figures.json, vega bundle.

    Each figure in figures.json carries its chapter's released version (null when the page
    is not a released version) and the start of its content hash, from `editions`.
    """
    by_name = {ed.name: ed for ed in editions}
    written = stage_skeleton(root, stage_dir, cache, bundle)
    figures = []
    first: dict[str, str] = {}
    for ch in chapters:
        out = executed / ch.name
        rel = ch.path.relative_to(root).with_suffix(".ipynb")
        _put(stage_dir / rel, (out / "notebook.ipynb").read_bytes(), written)
        for csv in sorted((out / "data").glob("*.csv")) if (out / "data").exists() else ():
            _put(stage_dir / "_static" / "data" / ch.name / csv.name, csv.read_bytes(), written)
        if (out / "figures.json").exists():
            for f in json.loads((out / "figures.json").read_text()):
                if f["key"] in first:
                    raise RenderError(f"figure '{f['key']}' is published by both '{first[f['key']]}' and "
                                      f"'{ch.name}': compute it once and glue it from the other chapter")
                first[f["key"]] = ch.name
                ed = by_name.get(ch.name)
                f["chapter_version"] = ed.released.version if ed and ed.released else None
                f["chapter_content"] = ed.content_hash[:12] if ed else None
                figures.append(f)
    _put(stage_dir / "_extra" / "figures.json", strict_json(figures).encode(), written)
    for path in sorted(stage_dir.rglob("*"), reverse=True):
        if path.is_file() and path not in written and "_build" not in path.relative_to(stage_dir).parts:
            path.unlink()
    return figures


def strict_json(figures: list[dict]) -> str:
    """figures.json as strict JSON: a NaN or infinity stops the build, naming the figure."""
    for f in figures:
        for name, value in f.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise RenderError(f"figures.json: figure '{f.get('key')}' of chapter '{f.get('chapter')}' has "
                                  f"{name} = {value}, not a finite number; nothing was published")
    return json.dumps(figures, indent=1, allow_nan=False)


def remove_stale_pages(stage_dir: Path, html_dir: Path) -> None:
    """Delete rendered pages whose document is no longer in the book.

    Sphinx never deletes the page of a removed document, and writes the index.html that
    redirects to the book's root only when no index.html exists: without this, a page dropped
    from _toc.yml (or the old landing page, when another became the root) would be published on.
    """
    if not html_dir.is_dir():
        return
    for page in sorted(html_dir.rglob("*.html")):
        rel = page.relative_to(html_dir)
        if rel.parts[0].startswith("_") or rel.as_posix() in ("genindex.html", "search.html"):
            continue
        source = stage_dir / rel.with_suffix("")
        if not any(source.with_suffix(suffix).exists() for suffix in (".md", ".ipynb")):
            page.unlink()


STATIC_PLACED = "static-placed.json"  # beside the output: the staged static files `put_static` placed last time


def put_static(stage_dir: Path, out_dir: Path) -> None:
    """Sphinx 7.4 neither overwrites a static file it copied before nor copies at all when no page changed, and
    never deletes one: put edited static files (html_static_path is _static) in place ourselves, and take out
    those the stage no longer has. A chart's data file is named by its rows' hash, so each new row left one
    more behind, published on beside the current one. Only files staged before are taken out, never the
    theme's or Sphinx's own."""
    built = out_dir / "_build" / "html" / "_static"
    record = out_dir / STATIC_PLACED
    staged = {p.relative_to(stage_dir / "_static").as_posix(): p
              for p in sorted((stage_dir / "_static").rglob("*")) if p.is_file()}
    try:
        before = set(json.loads(record.read_text()))
    except (OSError, ValueError):  # a render from before this record: the chapters' data folder is wholly staged
        before = {p.relative_to(built).as_posix() for p in (built / "data").rglob("*") if p.is_file()}
    if built.is_dir():
        for rel in sorted(before - staged.keys()):
            (built / rel).unlink(missing_ok=True)
        for rel, source in staged.items():
            copy, data = built / rel, source.read_bytes()
            if not copy.is_file() or copy.read_bytes() != data:
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(data)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(sorted(staged), indent=0))


def failed(code, lines: list[str]) -> "RenderError":
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", ln) for ln in lines]  # Sphinx colours its warnings
    found = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln or "Error" in ln] or lines[-30:]
    return RenderError(f"jupyter-book build failed (exit {code}):\n" + "\n".join(found[:40]))


def render_command(stage_dir: Path, out_dir: Path, echo=print) -> Path:
    """Run the jupyter-book command on the staged book (the reference path); warnings are errors."""
    remove_stale_pages(stage_dir, out_dir / "_build" / "html")
    put_static(stage_dir, out_dir)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(stage_dir), "--path-output", str(out_dir), "--builder", "html",
           "--warningiserror", "--nitpick", "--keep-going", "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise failed(proc.returncode, (proc.stderr + proc.stdout).splitlines())
    complete_redirect(out_dir / "_build" / "html")
    return out_dir / "_build" / "html"


INCOMPLETE = "render-incomplete"  # beside the output while Sphinx writes; a build stopped midway leaves it


def sphinx_config(stage_dir: Path) -> tuple[dict, dict, list[str]]:
    """What `jupyter-book build STAGE --nitpick` hands Sphinx: its configuration, jupyter-book's extras, any
    _config.yml validation message (the command prints those; here they join a failure's message)."""
    from jupyter_book.config import get_final_config, validate_yaml

    import yaml

    user = stage_dir / "_config.yml"
    notes: list[str] = []
    validate_yaml(yaml.safe_load(user.read_text(encoding="utf-8")) or {}, print_func=notes.append)
    cli = {"external_toc_path": (stage_dir / "_toc.yml").as_posix(), "latex_individualpages": False,
           "nitpicky": True}
    config, meta = get_final_config(user_yaml=user, cli_config=cli, sourcedir=stage_dir, validate=False,
                                    use_external_toc=True)
    # Sphinx's default templates_path is one list for every application a process makes, and the themes
    # append their folders to it: each application set up again in the same process (the live mode) saw
    # the folders of all the ones before, its configuration never matched the last build's, and Sphinx
    # wrote every page again after every save. Each application gets a list of its own.
    config["templates_path"] = list(config.get("templates_path", []))
    return config, meta, notes


def templates_cache(app, folder: Path) -> None:
    """Keep the theme's compiled page templates between builds (jinja's bytecode cache, keyed by each
    template's source): a fresh process compiled them all again before writing its first page."""
    from jinja2 import FileSystemBytecodeCache

    templates = getattr(app.builder, "templates", None)
    if templates is not None and getattr(templates, "environment", None) is not None:
        folder.mkdir(parents=True, exist_ok=True)
        templates.environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def warm_selectors() -> None:
    """Compile soupsieve's CSS grammar now, while chapters run: the theme selects parts of each page's
    table of contents with BeautifulSoup, and the first selector a process compiles builds the grammar's
    regular expressions, a quarter of the time Sphinx then spends writing one changed page."""
    try:
        import soupsieve
    except ImportError:  # a theme without it
        return
    soupsieve.compile("li.toctree-l1.current > details:not(.x), ul[class~=nav] p.caption ~ a")


class Renderer:
    """jupyter-book's Sphinx for one staged book, set up in a thread while chapters execute.

    `prepare()` starts the set-up once the skeleton is staged (Sphinx reads _config.yml,
    _toc.yml and the saved environment when it starts); `build()` builds once the chapters
    are staged and returns the html folder. One Sphinx application builds once, as one
    `jupyter-book build` does: `prepare()` again sets up the next (the live mode does so
    right after each build, so that the next change finds Sphinx ready).
    """

    def __init__(self, stage_dir: Path, out_dir: Path):
        self.stage_dir = stage_dir
        self.out_dir = out_dir
        self._job: dict | None = None

    def _inputs(self) -> bytes:
        """What a prepared application has read: config and toc (pages and static files are read when it builds)."""
        return b"".join((self.stage_dir / n).read_bytes() for n in ("_config.yml", "_toc.yml"))

    def prepare(self, after: threading.Event | None = None) -> None:
        """Start setting Sphinx up in a thread; with `after`, once that is set (what the chapters need first)."""
        if self._job is not None and self._job["inputs"] == self._inputs() and not self._job["go"].is_set():
            return
        # An application set up for another config must be gone first: each holds docutils' global
        # registries patched (docutils_namespace) until its thread ends.
        self.discard(wait=True)
        job = {"inputs": self._inputs(), "go": threading.Event(), "done": threading.Event(), "build": True,
               "error": None, "status": 0, "warnings": io.StringIO(), "notes": [], "after": after}
        job["thread"] = threading.Thread(target=self._run, args=(job,), name="sphinx", daemon=True)
        self._job = job
        job["thread"].start()

    def _run(self, job: dict) -> None:
        try:
            if job["after"] is not None:
                job["after"].wait(10)
            from jupyter_book.pdf import update_latex_documents
            from sphinx.application import Sphinx
            from sphinx.util.docutils import docutils_namespace, patch_docutils

            config, meta, job["notes"] = sphinx_config(self.stage_dir)
            html = self.out_dir / "_build" / "html"
            marker = self.out_dir / INCOMPLETE
            if marker.exists():
                # A build stopped while writing leaves pages its saved environment thinks current: render
                # everything again, from nothing, as a clean build does.
                shutil.rmtree(html.parent, ignore_errors=True)
            # As jupyter_book.sphinx.build_sphinx does for `jupyter-book build`.
            with patch_docutils(None), docutils_namespace():
                app = Sphinx(srcdir=self.stage_dir, confdir=None, outdir=html, doctreedir=html.parent / ".doctrees",
                             buildername="html", confoverrides=config, status=None, warning=job["warnings"],
                             freshenv=False, warningiserror=True, tags=None, verbosity=0, parallel=1,
                             keep_going=True)
                app.config.latex_documents = update_latex_documents(app.config.latex_documents,
                                                                    meta["latex_doc_overrides"])
                templates_cache(app, self.out_dir / "jinja")
                warm_selectors()
                job["go"].wait()
                if not job["build"]:
                    return
                marker.touch()
                app.build(False, [])
                marker.unlink()  # finished, with or without warnings: every page it meant to write is whole
                job["status"] = app.statuscode
        except BaseException as exc:  # reported by build()
            job["error"] = exc
        finally:
            job["done"].set()

    def build(self) -> Path:
        """Build the staged book with the prepared Sphinx; warnings are errors. Returns the html folder."""
        self.prepare()  # a no-op when prepared for this config and toc
        job, self._job = self._job, None
        remove_stale_pages(self.stage_dir, self.out_dir / "_build" / "html")
        put_static(self.stage_dir, self.out_dir)
        job["go"].set()
        while not job["done"].wait(0.5):  # waiting in short steps, so that Ctrl-C is heard at once
            pass
        lines = job["notes"] + job["warnings"].getvalue().splitlines()
        if job["error"] is not None:
            exc = job["error"]
            raise failed(1, lines + [f"{type(exc).__name__}: {exc}"]) from exc
        if job["status"]:
            raise failed(job["status"], lines)
        complete_redirect(self.out_dir / "_build" / "html")
        return self.out_dir / "_build" / "html"

    def discard(self, wait: bool = False) -> None:
        """Let a prepared application go unused (with `wait`, until its thread has ended)."""
        job, self._job = self._job, None
        if job is not None and not job["go"].is_set():
            job["build"] = False
            job["go"].set()
            if wait:
                job["thread"].join()


REDIRECT = re.compile(r'^<meta http-equiv="Refresh" content="0; url=([^"]+)" />\s*$')


def complete_redirect(html_dir: Path) -> None:
    """The index.html that sends a reader to the book's root page, as a whole page with the book's icon.

    When the root page is not index, Sphinx writes index.html as one bare <meta> line: a browser then
    asks for /favicon.ico, which the site does not have, before it moves on.
    """
    index = html_dir / "index.html"
    found = REDIRECT.match(index.read_text(encoding="utf-8")) if index.is_file() else None
    if not found:
        return
    url = html.escape(found.group(1))
    index.write_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\" />\n"
        f"<meta http-equiv=\"Refresh\" content=\"0; url={url}\" />\n<title>Mosaic</title>\n"
        "<link rel=\"icon\" href=\"_static/favicon.svg\" />\n"
        f"<link rel=\"canonical\" href=\"{url}\" /></head>\n"
        f"<body><p>The book starts at <a href=\"{url}\">{url}</a>.</p>\n"
        f"<footer>Text and data: <a href=\"{LICENCE['path']}\">{LICENCE['title']}</a> ({LICENCE['name']})."
        "</footer></body></html>\n", encoding="utf-8")


class RenderError(Exception):
    pass
