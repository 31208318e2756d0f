"""Params: each chapter's parameters, its defaults from its parameters cell, overridden for one build."""
from __future__ import annotations

import datetime as dt
import json

from .chapters import ChapterSource


class ParameterError(Exception):
    pass


def parse_value(text: str):
    """'0.9' -> 0.9, 'true' -> True, '[1, 2]' -> [1, 2]; anything else stays a string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def resolve(chapters: list[ChapterSource], as_of: str | None = None,
            overrides: list[str] = ()) -> dict[str, dict]:
    """Each chapter's parameters for this build; unknown chapters or names are errors."""
    params = {c.name: dict(c.defaults) for c in chapters}
    if as_of is not None:
        if as_of != "latest":
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                raise ParameterError(f"--as-of {as_of!r}: expected an ISO date (YYYY-MM-DD) or 'latest'")
            if day > dt.date.today():
                raise ParameterError(f"--as-of {as_of}: that date is in the future; a book can only be built "
                                     f"as of today ({dt.date.today().isoformat()}) or earlier")
        for p in params.values():
            p["as_of"] = as_of
    for item in overrides:
        target, sep, value = item.partition("=")
        chapter, dot, name = target.partition(".")
        if not sep or not dot:
            raise ParameterError(f"--param {item!r}: expected CHAPTER.NAME=VALUE, e.g. coding.ci_level=0.9")
        if chapter not in params:
            raise ParameterError(f"--param {item!r}: no chapter {chapter!r} (chapters: {', '.join(params)})")
        if name not in params[chapter]:
            raise ParameterError(
                f"--param {item!r}: chapter {chapter!r} has no parameter {name!r} "
                f"(parameters: {', '.join(params[chapter])})"
            )
        params[chapter][name] = parse_value(value)
    return params
