"""Publish: put a rendered site in place in one rename.

The published site is `_build/html`, a symbolic link to one folder under
`_build/sites/`. A new site is copied beside the old one, and the link is swapped
in one rename, so a reader or a failed build never sees half a site.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path


def publish(html: Path, build: Path) -> Path:
    """Copy the rendered site under _build/sites/ and point _build/html at it in one rename."""
    sites = build / "sites"
    sites.mkdir(parents=True, exist_ok=True)
    site = sites / f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}"
    shutil.copytree(html, site, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
    link = build / "html"
    if link.exists() and not link.is_symlink():  # a site from before links existed
        link.rename(sites / "previous")
    tmp = build / ".html.swap"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(site.relative_to(build), tmp)
    os.replace(tmp, link)
    for old in sites.iterdir():
        if old != site:
            shutil.rmtree(old, ignore_errors=True)
    return site
