"""The release ledger: every released chapter version, committed as releases/ledger.json.

The ledger sits in releases/ beside the archive it describes (releases/v/), not in
data/ (which holds only validated source data) nor in _build/ (which a clean clone does
not have). It is append-only: `make release` adds one entry per release and never edits
an earlier one, and the build checks every archived page against the hash recorded here.

    {"format": 1, "releases": [
      {"id": "2026-11-27", "date": "2026-11-27", "commit": "<git commit of code and data>",
       "tag": "release-2026-11-27", "data_hash": "sha256:...",
       "versions": [{"chapter": "kernels", "version": 2, "date": "2026-11-27", "title": "...",
                     "content_hash": "...", "data_hash": "sha256:...", "commit": "...",
                     "url": "https://.../v/kernels/2/", "page_sha256": "...", "parts": {...},
                     "params": {...}, "summary": "...", "changes": {...}}]}]}
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

LEDGER = Path("releases") / "ledger.json"
ARCHIVE = Path("releases") / "v"
FORMAT = 1


class LedgerError(Exception):
    pass


@dataclass
class Version:
    """One released version of one chapter."""

    chapter: str
    version: int
    date: str
    release: str
    title: str
    content_hash: str
    data_hash: str
    commit: str
    url: str
    page_sha256: str = ""
    parts: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    summary: str = ""
    changes: dict = field(default_factory=dict)

    @property
    def path(self) -> str:
        """Its folder in the site and under releases/: v/<chapter>/<n>/."""
        return f"v/{self.chapter}/{self.version}/"

    def record(self) -> dict:
        d = asdict(self)
        d.pop("release")
        return d


@dataclass
class Ledger:
    releases: list[dict] = field(default_factory=list)
    raw: bytes = b""

    @classmethod
    def load(cls, root: Path) -> "Ledger":
        path = root / LEDGER
        if not path.exists():
            return cls()
        raw = path.read_bytes()
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LedgerError(f"{LEDGER}: not valid JSON (line {exc.lineno}): {exc.msg}") from None
        if data.get("format") != FORMAT:
            raise LedgerError(f"{LEDGER}: unknown format {data.get('format')!r} (expected {FORMAT})")
        return cls(list(data.get("releases", [])), raw)

    def text(self) -> str:
        return json.dumps({"format": FORMAT, "releases": self.releases}, indent=1, ensure_ascii=False) + "\n"

    def save(self, root: Path) -> None:
        path = root / LEDGER
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(self.text(), encoding="utf-8")
        tmp.replace(path)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text().encode()).hexdigest()

    def all_versions(self) -> list[Version]:
        out = []
        for r in self.releases:
            for v in r["versions"]:
                out.append(Version(release=r["id"], **v))
        return out

    def versions(self, chapter: str) -> list[Version]:
        return sorted((v for v in self.all_versions() if v.chapter == chapter), key=lambda v: v.version)

    def latest(self, chapter: str) -> Version | None:
        found = self.versions(chapter)
        return found[-1] if found else None

    def chapters(self) -> list[str]:
        return list(dict.fromkeys(v.chapter for v in self.all_versions()))

    @property
    def last(self) -> dict | None:
        return self.releases[-1] if self.releases else None

    def next_id(self, day: dt.date) -> str:
        """The id of a release cut on `day`: the date, with .2, .3, ... for later releases that day."""
        taken = {r["id"] for r in self.releases}
        base = day.isoformat()
        if base not in taken:
            return base
        n = 2
        while f"{base}.{n}" in taken:
            n += 1
        return f"{base}.{n}"

    def append(self, release: dict) -> "Ledger":
        """A new ledger with one more release (this one is left as it was)."""
        return Ledger(self.releases + [release], self.raw)
