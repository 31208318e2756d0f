"""Render: stage the book (skeleton, executed notebooks, chart data, figures.json) and build its HTML.

jupyter-book runs with execution off: the notebooks it reads were executed by the
pipeline, so rendering only turns them into pages. Warnings are errors.
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import re
import subprocess
import sys
from pathlib import Path

from .chapters import ChapterSource, is_notebook, toc_entries
from .edition import LICENCE

BUNDLE = "_static/vendor/vega-bundle.js"  # staged as vega-bundle.<content hash>.js: see bundle_path


def bundle_path(data: bytes) -> str:
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


def vega_bundle(cache: Path) -> bytes:
    """The vega, vega-lite and vega-embed bundle matching Altair's Vega-Lite version, cached."""
    import altair as alt
    import vl_convert

    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    path = cache / f"vega-bundle-{version}-{vl_convert.__version__}-wrapped.js"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        # Wrapped in a function so that the bundle's top-level names (`_`, `t`, ...) do not
        # collide with Sphinx's own globals; it still sets window.vegaEmbed and friends.
        tmp.write_text("(function () {\n" + vl_convert.javascript_bundle(vl_version=version) + "\n})();\n")
        tmp.rename(path)
    return path.read_bytes()


def _put(path: Path, data: bytes, written: set[Path]) -> None:
    """Write only when the bytes differ, so Sphinx re-reads only what changed."""
    written.add(path)
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def stage(root: Path, chapters: list[ChapterSource], executed: Path, stage_dir: Path, cache: Path,
          editions=()) -> list[dict]:
    """Lay out the book to render: skeleton, executed notebooks, chart data, figures.json, vega bundle.

    Each figure in figures.json carries its chapter's released version (null when the page
    is not a released version) and the start of its content hash, from `editions`.
    """
    by_name = {ed.name: ed for ed in editions}
    written: set[Path] = set()
    for f in skeleton_files(root):
        _put(stage_dir / f.relative_to(root), f.read_bytes(), written)
    bundle = vega_bundle(cache)
    _put(stage_dir / bundle_path(bundle), bundle, written)
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


def render(stage_dir: Path, out_dir: Path, echo=print) -> Path:
    """Run jupyter-book on the staged book; warnings are errors. Returns the html folder."""
    remove_stale_pages(stage_dir, out_dir / "_build" / "html")
    # Sphinx 7.4 neither overwrites a static file it copied before nor copies at all when no page changed:
    # put edited static files (html_static_path is _static) in place ourselves.
    built = out_dir / "_build" / "html" / "_static"
    for source in (stage_dir / "_static").rglob("*"):
        copy = built / source.relative_to(stage_dir / "_static")
        if source.is_file() and built.is_dir() and (not copy.is_file() or copy.read_bytes() != source.read_bytes()):
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(source.read_bytes())
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(stage_dir), "--path-output", str(out_dir), "--builder", "html",
           "--warningiserror", "--nitpick", "--keep-going", "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = (proc.stderr + proc.stdout).splitlines()
        found = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln or "Error" in ln] or lines[-30:]
        raise RenderError(f"jupyter-book build failed (exit {proc.returncode}):\n" + "\n".join(found[:40]))
    complete_redirect(out_dir / "_build" / "html")
    return out_dir / "_build" / "html"


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
