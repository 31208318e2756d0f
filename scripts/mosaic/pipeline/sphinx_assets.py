"""A Sphinx extension (listed in _config.yml): which of the book's heavy scripts each page loads.

jupyter-book adds every .js file under _static to every page. Two are too heavy for that:

- MathJax (2.2 MB, served from _static/vendor/mathjax/): sphinx.ext.mathjax adds it to the pages
  that have mathematics, so it is taken off the list for every page; Sphinx also counts a page as
  having mathematics when a page in its table of contents has some (the book's first page lists them
  all), so it is taken off those pages too;
- the vega bundle (about 1 MB, staged as _static/vendor/vega-bundle.<content hash>.js by
  pipeline/render.py): added to the pages that draw a chart, ahead of mosaic-charts.js. Its name
  changes only when its bytes do, so a browser fetches it once for the whole book.

Bundles left in the output by earlier builds are removed once a build has finished, and so is
a general index page an earlier build wrote (the book has none: html_use_index is off).
"""
from __future__ import annotations

import re
from pathlib import Path

MATHJAX = "vendor/mathjax/"
BUNDLE = re.compile(r"^vendor/vega-bundle(\.[0-9a-f]{16})?\.js$")
CHART = 'class="mosaic-chart"'  # book/charts.py's <figure>


def _name(entry) -> str:
    return entry[0] if isinstance(entry, (tuple, list)) else entry


def drop_heavy_scripts(app, config) -> None:
    """Take MathJax and the vega bundle off the scripts every page loads; drop duplicates."""
    kept, seen = [], set()
    for entry in config.html_js_files:
        name = _name(entry) or ""
        if name.startswith(MATHJAX) or BUNDLE.match(name) or (name and name in seen):
            continue
        seen.add(name)
        kept.append(entry)
    config.html_js_files = kept


def bundle(app) -> str | None:
    """The staged bundle's path under _static ('vendor/vega-bundle.<hash>.js'), or None if there is none."""
    found = set()
    for folder in app.config.html_static_path:
        vendor = Path(app.confdir, folder, "vendor")
        found |= {f"vendor/{p.name}" for p in vendor.glob("vega-bundle.*.js") if BUNDLE.match(f"vendor/{p.name}")}
    if len(found) > 1:
        raise RuntimeError(f"more than one vega bundle is staged: {', '.join(sorted(found))}")
    return found.pop() if found else None


def mathjax_where_the_mathematics_is(app, pagename, templatename, context, doctree) -> None:
    """After sphinx.ext.mathjax (priority 500): keep MathJax only if this very page has mathematics."""
    if app.env.get_domain("math").data["has_equations"].get(pagename):
        return
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = [js for js in scripts if MATHJAX not in str(getattr(js, "filename", js))
                      and "MathJax" not in str(getattr(js, "attributes", {}).get("body", ""))]


def charts_load_the_bundle(app, pagename, templatename, context, doctree) -> None:
    if CHART in context.get("body", ""):
        name = bundle(app)
        if name is None:
            raise RuntimeError(f"page {pagename} draws a chart but no vega bundle is staged")
        app.builder.add_js_file(name, priority=700)  # before mosaic-charts.js (800), which calls it


def drop_old_bundles(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    current = bundle(app)
    vendor = Path(app.outdir, "_static", "vendor")
    for p in vendor.glob("vega-bundle*.js"):
        if f"vendor/{p.name}" != current:
            p.unlink()
    if not app.config.html_use_index:
        Path(app.outdir, "genindex.html").unlink(missing_ok=True)


def setup(app):
    app.connect("config-inited", drop_heavy_scripts, priority=900)  # after Sphinx reads html_js_files (800)
    app.connect("html-page-context", mathjax_where_the_mathematics_is, priority=600)
    app.connect("html-page-context", charts_load_the_bundle)
    app.connect("build-finished", drop_old_bundles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
