"""Page furniture put on the rendered HTML at publish time: version, versions menu, banner,
changes, citation block and `citation_*` meta tags.

None of it is in the executed notebook, so a chapter's content hash never depends on its
own version number, and a release re-renders nothing. Links are written relative to the
chapter's page (chapters/<name>.html); an archived copy has them rewritten for its own
folder (see `archive`). Every page must have the markers these are inserted at, or
publishing stops with the page's name: a silent page without its citation is worse.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re

from . import changes
from .edition import LICENCE, MANIFEST, PACKAGE, Book, Edition
from .ledger import Ledger, Version

ARTICLE = '<article class="bd-article">'
EDITION = "<div class='mosaic-edition'>"
CHANGELOG = '<div id="mosaic-changelog"></div>'
BOOK_DATA = "download/mosaic-data.zip"
ACCESSED = "<span class='mosaic-accessed'>YYYY-MM-DD</span>"  # filled with the reader's date by mosaic-edition.js
e = html.escape


class PageError(Exception):
    pass


def _once(text: str, marker: str, where: str) -> int:
    n = text.count(marker)
    if n != 1:
        raise PageError(f"{where}: expected one {marker!r} to put the edition furniture at, found {n}")
    return text.index(marker)


def short_name(title: str) -> str:
    return title.split(":")[0].strip() or title


def bibtex_escape(text: str) -> str:
    return re.sub(r"([&%#_$])", r"\\\1", text)


class Citation:
    """The ways to cite one edition of a chapter: a released version, or an unreleased draft."""

    def __init__(self, book: Book, name: str, title: str, data_hash: str, version: Version | None, day: str):
        self.book, self.name, self.title, self.data_hash, self.version = book, name, title, data_hash, version
        self.date = version.date if version else day
        self.path = version.path if version else f"chapters/{name}.html"
        self.url = version.url if version else book.absolute(self.path)
        self.label = f"version {version.version}" if version else f"unreleased draft of {day}"
        self.shown_url = self.url or "(the site's address is not configured: html.baseurl in _config.yml)"

    @property
    def book_title(self) -> str:
        """The book's title, ending a sentence."""
        t = self.book.title
        return t if t.endswith((".", "?", "!")) else t + "."

    def short(self) -> str:
        b = self.book
        return f"{b.author} ({self.date[:4]}). “{self.title}”, {self.label}. In {self.book_title} {self.shown_url}"

    def full(self, accessed: str = "YYYY-MM-DD") -> str:
        b = self.book
        released = f", released {self.date}" if self.version else ""
        return (f"{b.author}. “{self.title}”, {self.label}{released}. In {self.book_title} "
                f"Licence {LICENCE['name']}. Data {self.data_hash}. {self.shown_url} (accessed {accessed}).")

    def bibtex(self, accessed: str = "YYYY-MM-DD") -> str:
        v = self.version
        key = f"mosaic-{self.name}-v{v.version}" if v else f"mosaic-{self.name}-draft"
        fields = [
            ("author", "{" + bibtex_escape(self.book.author) + "}"),
            ("title", bibtex_escape(self.title)),
            ("chapter", bibtex_escape(short_name(self.title))),
            ("booktitle", bibtex_escape(self.book.title)),
            ("publisher", "Mosaic"),
            ("version", str(v.version) if v else "unreleased draft"),
            ("date", self.date),
            ("year", self.date[:4]),
            ("month", str(int(self.date[5:7]))),
            ("url", self.shown_url),
            ("urldate", accessed),
            ("note", f"{self.label.capitalize()}{', released ' + self.date if v else ''}; "
                     f"data {self.data_hash}; accessed {accessed}"),
        ]
        width = max(len(k) for k, _ in fields)
        body = ",\n".join(f"  {k.ljust(width)} = {{{val}}}" for k, val in fields)
        return f"@incollection{{{key},\n{body},\n}}"

    def meta(self, canonical: str = "") -> str:
        """`citation_*` tags (Highwire Press, read by Google Scholar and Zotero) and the page's canonical link."""
        day = self.date.replace("-", "/")
        tags = [("citation_title", self.title), ("citation_author", self.book.author),
                ("citation_publication_date", day), ("citation_online_date", day),
                ("citation_inbook_title", self.book.title), ("citation_publisher", "Mosaic"),
                ("citation_language", "en"), ("citation_public_url", self.url), ("citation_abstract_html_url", self.url),
                ("citation_fulltext_html_url", self.url), ("DC.rights", LICENCE["path"])]
        lines = [f'<meta name="{n}" content="{e(v)}" />' for n, v in tags if v]
        if canonical:
            lines.append(f'<link rel="canonical" href="{e(canonical)}" />')
        return "\n".join(lines) + "\n"


def change_items(entry: dict) -> str:
    return "".join(f"<li>{e(line)}</li>" for line in changes.lines(entry))


def versions_menu(name: str, versions: list[Version], current: int | None, src: str | None) -> str:
    """<details> listing every version with its date and change summary, newest first."""
    items = []
    for v in reversed(versions):
        here = " aria-current='page'" if v.version == current else ""
        items.append(f"<li{here}><a href='../{v.path}index.html'>Version {v.version}</a> · {e(v.date)} · "
                     f"<span class='mosaic-summary'>{e(v.summary)}</span></li>")
    listing = "".join(items) or "<li>No version released yet.</li>"
    data = (f" data-mosaic-src='{e(src)}' data-mosaic-chapter='{e(name)}' data-mosaic-current='{current}'"
            if src else "")
    # The archive has a page of this chapter's versions once one is released (archive.index).
    every = f"<a href='../v/{e(name)}/index.html'>Every version of this chapter</a> · " if versions else ""
    return (f"<details class='mosaic-versions'{data}><summary>All versions ({len(versions)})</summary>"
            f"<ol class='mosaic-version-list'>{listing}</ol>"
            f"<p>{every}<a href='../changelog.html'>Changelog of the book</a></p></details>")


def edition_span(ed: Edition) -> str:
    v = ed.latest
    if ed.status == "released":
        return (f"<span class='mosaic-version'>Version <strong>{ed.released.version}</strong>, released "
                f"<strong>{e(ed.released.date)}</strong></span>")
    if ed.status == "changed":
        return (f"<span class='mosaic-version mosaic-draft'>Changed since version <strong>{v.version}</strong> "
                f"({e(v.date)}): not yet released</span>")
    if ed.status == "unreleased":
        return "<span class='mosaic-version mosaic-draft'>Not yet released</span>"
    return ("<span class='mosaic-version mosaic-draft'>Built for another date or with other parameters: "
            "not a released version</span>")


def changes_section(ed: Edition, upto: int | None = None) -> str:
    shown = [v for v in ed.versions if upto is None or v.version <= upto]
    blocks = []
    if upto is None and ed.pending and not ed.pending.get("first") and ed.latest:
        blocks.append(f"<div class='mosaic-change mosaic-change-pending'><h3>Since version {ed.latest.version}, "
                      f"not yet released</h3><ul>{change_items(ed.pending)}</ul></div>")
    for v in reversed(shown):
        blocks.append(f"<div class='mosaic-change' id='change-v{v.version}'><h3><a href='../{v.path}index.html'>"
                      f"Version {v.version}</a> · {e(v.date)}</h3><ul>{change_items(v.changes)}</ul></div>")
    if not shown and not blocks:
        blocks.append("<p>No version of this chapter has been released yet.</p>")
    return ("<section id='changes' class='mosaic-changes'><h2>Changes<a class='headerlink' href='#changes' "
            "title='Link to this heading'>#</a></h2>"
            "<p>Computed from the data: rows added, corrected or removed, headline figures that moved, and "
            "whether the text or the parameters changed.</p>" + "".join(blocks) + "</section>")


def cite_section(ed: Edition, cite: Citation, data: str) -> str:
    """The citation block; `data` is the relative folder of this edition's data package."""
    if cite.version:
        what = (f"Cite {cite.label}: its permanent address serves this page as released, with its numbers "
                f"as they were, for good.")
    elif ed.latest:
        what = (f"This page is not a released version: its numbers may still change. To cite numbers that stay "
                f"put, cite <a href='../{ed.latest.path}index.html'>version {ed.latest.version}</a> from its page.")
    else:
        what = "No version of this chapter has been released yet: this citation names an unreleased draft."

    def block(kind: str, label: str, content: str, pre: bool = False) -> str:
        el = "pre" if pre else "p"
        return (f"<dt>{label}</dt><dd><{el} class='mosaic-cite-{kind}' id='cite-{kind}'>{content}</{el}>"
                f"<button type='button' class='mosaic-copy' data-copy='cite-{kind}'>Copy</button></dd>")

    accessed = ACCESSED
    short = e(cite.short())
    full = e(cite.full("\0")).replace("\0", accessed)
    bib = e(cite.bibtex("\0")).replace("\0", accessed)
    return (
        "<section id='cite' class='mosaic-cite'><h2>Cite this chapter<a class='headerlink' href='#cite' "
        "title='Link to this heading'>#</a></h2>"
        f"<p>{what}</p><dl>{block('short', 'Short', short)}{block('full', 'Full', full)}"
        f"{block('bibtex', 'BibTeX', bib, pre=True)}</dl>"
        f"<p class='mosaic-datahash'>Data hash <code>{e(cite.data_hash)}</code>: the sha256 of "
        f"<a href='{data}{MANIFEST}'>{MANIFEST}</a>, which lists the sha256 of every file of this "
        f"{'version' if cite.version else 'page'}'s data (check them with <code>sha256sum -c {MANIFEST}</code>). "
        f"Data: <a href='{data}{PACKAGE}'>{PACKAGE}</a> (Frictionless Data Package: every file, its schema and "
        f"hash) · <a href='../{BOOK_DATA}'>all the book's data (zip)</a>.</p>"
        f"<p class='mosaic-licence'>Text and data: <a href='{LICENCE['path']}'>{LICENCE['title']}</a> "
        f"({LICENCE['name']}). Each row names its source; see the data package.</p></section>")


def decorate_chapter(page: str, ed: Edition, book: Book, *, day: str, archived: Version | None = None,
                     where: str = "") -> str:
    """The chapter page with its furniture: as published (archived=None) or as the archived copy of a version."""
    where = where or f"chapters/{ed.name}.html"
    if archived is not None:
        version, versions, upto = archived, [v for v in ed.versions if v.version <= archived.version], archived.version
        span = (f"<span class='mosaic-version'>Version <strong>{archived.version}</strong>, released "
                f"<strong>{e(archived.date)}</strong></span>")
        menu = versions_menu(ed.name, versions, archived.version, f"../v/{ed.name}/versions.js")
    else:
        version = ed.released if ed.status == "released" else None
        versions, upto = ed.versions, None
        span = edition_span(ed)
        menu = versions_menu(ed.name, versions, version.version if version else None, None)
    cite = Citation(book, ed.name, ed.title, ed.data_hash, version, day)
    data = f"../_static/data/{ed.name}/"

    # head: citation meta tags, and our own canonical link in place of Sphinx's
    page = re.sub(r'<link rel="canonical" href="[^"]*" />\n?', "", page)
    i = _once(page, "</head>", where)
    canonical = archived.url if archived is not None else book.absolute(f"chapters/{ed.name}.html")
    page = page[:i] + cite.meta(canonical) + page[i:]
    # the edition line the chapter's header() drew, with version and versions menu
    if page.count(EDITION) == 1:
        i = page.index(EDITION) + len(EDITION)
        close = page.index("</div>", i)
        page = page[:i] + span + " · " + page[i:close] + menu + page[close:]
    else:
        i = _once(page, ARTICLE, where)
        h1 = page.index("</h1>", i) + len("</h1>")
        page = page[:h1] + f"\n<div class='mosaic-edition'>{span}{menu}</div>" + page[h1:]
    if archived is not None:
        i = _once(page, ARTICLE, where) + len(ARTICLE)
        banner = (f"\n<div class='mosaic-banner' role='note' data-mosaic-version='{archived.version}'>"
                  f"<strong>{e(short_name(ed.title))}, version {archived.version}, released {e(archived.date)}.</strong> "
                  f"A permanent copy: its text, figures and data stay exactly as released. "
                  f"<a class='mosaic-latest' href='../chapters/{e(ed.name)}.html'>Read the latest version</a>."
                  f"<span class='mosaic-newer'></span></div>")
        page = page[:i] + banner + page[i:]
    end = _once(page, "</article>", where)
    page = page[:end] + changes_section(ed, upto) + cite_section(ed, cite, data) + "\n" + page[end:]
    return page


def changelog_html(ledger: Ledger, editions: list[Edition]) -> str:
    """The book's changelog page: every release, newest first, and what is waiting for the next one."""
    titles = {ed.name: ed.title for ed in editions}
    parts = [f"<p><a href='v/index.html'>Every released version</a> · "
             f"<a href='{BOOK_DATA}'>All the book's data</a> (every CSV with sources.csv, "
             f"{MANIFEST} and {PACKAGE}; {LICENCE['name']}).</p>"]
    pending = [ed for ed in editions if ed.default and ed.pending and not ed.pending.get("first") and ed.latest]
    new = [ed for ed in editions if ed.default and ed.status == "unreleased"]
    if pending or new:
        items = "".join(f"<li><a href='chapters/{ed.name}.html'>{e(ed.title)}</a>: changed since version "
                        f"{ed.latest.version}<ul>{change_items(ed.pending)}</ul></li>" for ed in pending)
        items += "".join(f"<li><a href='chapters/{ed.name}.html'>{e(ed.title)}</a>: never released</li>"
                         for ed in new)
        parts.append(f"<section class='mosaic-change-pending'><h2>Not yet released</h2><ul>{items}</ul></section>")
    for r in reversed(ledger.releases):
        entries = []
        for v in r["versions"]:
            title = titles.get(v["chapter"], v["title"])
            entries.append(f"<li><a href='v/{e(v['chapter'])}/{v['version']}/index.html'>"
                           f"{e(title)}, version {v['version']}</a><ul>{change_items(v['changes'])}</ul></li>")
        parts.append(f"<section class='mosaic-release' id='release-{e(r['id'])}'><h2>Release {e(r['id'])}</h2>"
                     f"<p>{e(r['date'])} · git tag <code>{e(r['tag'])}</code> · commit <code>{e(r['commit'][:12])}"
                     f"</code> · data <code>{e(r['data_hash'][:19])}…</code></p><ul>{''.join(entries)}</ul></section>")
    if not ledger.releases:
        parts.append("<p>No release yet.</p>")
    return f"<div id='mosaic-changelog'>{''.join(parts)}</div>"


def fill_changelog(page: str, ledger: Ledger, editions: list[Edition]) -> str:
    i = _once(page, CHANGELOG, "changelog.html")
    return page[:i] + changelog_html(ledger, editions) + page[i + len(CHANGELOG):]


def versions_js(name: str, versions: list[Version]) -> str:
    """v/<chapter>/versions.js: the versions file every archived page reads for its menu (previous and next)."""
    data = [{"version": v.version, "date": v.date, "summary": v.summary, "href": f"{v.version}/index.html"}
            for v in versions]
    return (f"window.mosaicVersions = window.mosaicVersions || {{}};\n"
            f"window.mosaicVersions[{json.dumps(name)}] = {json.dumps(data, ensure_ascii=False)};\n")


def today() -> str:
    return dt.date.today().isoformat()
