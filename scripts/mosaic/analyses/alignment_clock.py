"""The alignment_clock chapter's analysis: `ch.analyse()` finds a chapter's headline by the chapter's name.

The analysis itself is in `alignment`, named after its topic like the catalogue's and the plots' modules.
"""
from __future__ import annotations

from .alignment import headline

__all__ = ["headline"]
