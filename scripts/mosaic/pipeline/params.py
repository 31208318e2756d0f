"""Params: each chapter's parameters, its defaults from its parameters cell, overridden for one build.

An override is checked against the type of the default in the chapter's parameters cell
before any chapter runs, so `--param coding.ci_level=abc` stops the build at once, naming
the chapter, the parameter, the type it expects and the value given, rather than failing
later inside the chapter:

    default          accepts
    0.95 (float)     any finite number
    2000 (int)       a whole number (2000 or 2000.0)
    true (bool)      true or false
    "TH1.1" (text)   any text, as typed (a JSON string in quotes loses its quotes)
    [..] / {..}      a JSON list / object whose items are like the default's items
    None             anything
    as_of            'latest' or an ISO date that is not in the future
"""
from __future__ import annotations

import datetime as dt
import json
import math

from .chapters import ChapterSource


class ParameterError(ValueError):
    pass


def parse_value(text: str):
    """'0.9' -> 0.9, 'true' -> True, '[1, 2]' -> [1, 2]; anything else stays a string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def check_as_of(value: str, where: str) -> str:
    """'latest' or an ISO date on or before today; ParameterError naming `where` otherwise."""
    if value == "latest":
        return value
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{where} {value!r}: expected an ISO date (YYYY-MM-DD) or 'latest'") from None
    if day > dt.date.today():
        raise ParameterError(f"{where} {value}: that date is in the future; a book can only be built "
                             f"as of today ({dt.date.today().isoformat()}) or earlier")
    return value


def kind(default) -> str:
    """The type a parameter's default stands for, in words."""
    if default is None:
        return "anything"
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number"
    if isinstance(default, float):
        return "a number"
    if isinstance(default, str):
        return "text"
    if isinstance(default, (list, tuple)):
        return "a JSON list"
    if isinstance(default, dict):
        return "a JSON object"
    return type(default).__name__


def conforms(value, default) -> bool:
    """Whether `value` has the type of `default` (items of a list or object: like one of the default's)."""
    if default is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if isinstance(default, int):
        return (isinstance(value, int) or isinstance(value, float) and math.isfinite(value)
                and value.is_integer())
    if isinstance(default, float):
        return isinstance(value, (int, float)) and math.isfinite(value)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, (list, tuple)):
        return isinstance(value, list) and (not default or all(any(conforms(v, d) for d in default)
                                                                for v in value))
    if isinstance(default, dict):
        return isinstance(value, dict) and (not default or all(any(conforms(v, d) for d in default.values())
                                                                for v in value.values()))
    return isinstance(value, type(default))


def typed(chapter: str, name: str, default, text: str):
    """The value of `--param chapter.name=text`, of the default's type, or ParameterError saying why not."""
    where = f"--param {chapter}.{name}"
    if name == "as_of":
        try:
            return check_as_of(text, where)
        except ParameterError as exc:
            raise ParameterError(f"{where}={text}: chapter '{chapter}', parameter 'as_of' expects 'latest' or an "
                                 f"ISO date (YYYY-MM-DD) on or before today; got {text!r}") from exc
    value = parse_value(text)
    if isinstance(default, str):
        return value if isinstance(value, str) else text  # text stays as typed: '2023' is not a number here
    if isinstance(default, int) and not isinstance(default, bool) and isinstance(value, float) and conforms(value, default):
        value = int(value)
    if not conforms(value, default):
        shown = json.dumps(default, ensure_ascii=False)
        raise ParameterError(f"{where}={text}: chapter '{chapter}', parameter '{name}' expects {kind(default)} "
                             f"(its default is {shown}); got {text!r}"
                             + ("" if not isinstance(value, float) or math.isfinite(value)
                                else ", which is not a finite number"))
    return value


def resolve(chapters: list[ChapterSource], as_of: str | None = None,
            overrides: list[str] = ()) -> dict[str, dict]:
    """Each chapter's parameters for this build; unknown chapters or names, or wrong types, are errors."""
    params = {c.name: dict(c.defaults) for c in chapters}
    if as_of is not None:
        check_as_of(as_of, "--as-of")
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
        defaults = next(c.defaults for c in chapters if c.name == chapter)
        params[chapter][name] = typed(chapter, name, defaults[name], value)
    return params
