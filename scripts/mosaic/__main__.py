"""Command line: python -m mosaic {build,release,validate,serve,bench,deploy-check}.

`make book ARGS="..."` hands ARGS over as one string (`--make-args=...`), never split or
globbed by the shell; `make_args` splits it into options here, so that a value may hold
spaces: `make book ARGS="--param economy.x=a b --as-of 2024-06-30"`.
"""
from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import json
import os
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C (128 + SIGINT)
TEARDOWN_NEEDLESS: list[str] = []  # set by the commands whose process may end without the interpreter's teardown


def make_args(text: str) -> list[str]:
    """ARGS as make passes it, as argv: an option starts at '--' after a space and runs to the next one.

    '--param economy.x=a b --force' -> ['--param=economy.x=a b', '--force']. A value wrapped
    whole in quotes loses them, as in a shell: --param 'economy.x=a b', --as-of "2024-06-30",
    and so does a value written NAME='a b'. JSON stays as written: --param coding.t={"a b": 40}.
    """
    out = []
    for group in re.split(r"\s+(?=--[A-Za-z])", text.strip()):
        m = re.fullmatch(r"(--[A-Za-z][\w-]*)(?:=|\s+)(.*)", group, re.S)
        if not m:
            if group:
                out.append(group)  # a flag, or something argparse will name as unrecognised
            continue
        option, value = m.group(1), m.group(2).strip()
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            try:
                words = shlex.split(value)
            except ValueError:
                words = []
            if len(words) == 1:
                value = words[0]
        name, eq, rest = value.partition("=")
        if eq and len(rest) > 1 and rest[0] == rest[-1] == "'":
            value = f"{name}={rest[1:-1]}"
        out.append(f"{option}={value}")
    return out


def expand(argv: list[str]) -> list[str]:
    """argv with any --make-args=TEXT replaced by the options TEXT holds."""
    out = []
    for a in argv:
        out += make_args(a.partition("=")[2]) if a.startswith("--make-args=") else [a]
    return out


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def locked_build(args, *, release: bool) -> int:
    """A build (or a release) holding the build lock; every failure is reported in words, never a traceback."""
    from .pipeline.lock import Busy, build_lock, command_line

    what = "Release" if release else "Build"
    reference = getattr(args, "reference", False)
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(build_lock(ROOT, command_line()))
        except Busy as exc:
            print(f"{what} not started: {exc}", file=sys.stderr)
            return 75  # EX_TEMPFAIL: try again later
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            from .pipeline.build import DISK_FULL

            print(f"{what} failed: {DISK_FULL}", file=sys.stderr)
            return 1
        pool = None
        if not reference and not getattr(args, "force", False):
            # A kernel starts while the rest of the pipeline is imported (kernels imports nothing heavy).
            from .pipeline.kernels import early_pool

            pool = early_pool(ROOT)
            if pool is not None:
                held.callback(pool.close)
        from .pipeline.build import DISK_FULL, BuildError, Warm, build

        warm = None if reference else Warm(ROOT, args.workers, pool)
        if warm is not None:
            held.callback(warm.close)
        try:
            build(ROOT, as_of=getattr(args, "as_of", None), overrides=getattr(args, "param", []),
                  force=getattr(args, "force", False), workers=args.workers, release=release, timeout=args.timeout,
                  reference=reference, warm=warm)
        except BuildError as exc:
            print(f"{what} failed: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            print(f"{what} failed: {DISK_FULL}", file=sys.stderr)
            return 1
    return 0


def deploy_check(args) -> int:
    """Before a deploy: citations point at this site, and every version online is still in the new site."""
    from .pipeline.archive import missing_from
    from .pipeline.edition import Book

    problems = []
    if args.base_url is not None:
        want = args.base_url.rstrip("/") + "/"
        have = Book.load(ROOT).url
        if have != want:
            problems.append(f"html.baseurl in _config.yml is {have or 'not set'!r} but the site is deployed at "
                            f"{want!r}: citations would carry the wrong permanent URLs")
    if args.online:
        online = json.loads(Path(args.online).read_text() or "{}")
        problems += missing_from(ROOT / "_build" / "html", online)
    print("\n".join(problems) if problems else "The site keeps every version online and cites its own address.")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    try:
        return run(expand(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        # One line, no traceback: the pipeline publishes in one rename at the very end, so a build
        # stopped at any earlier point leaves the published site as it was.
        print("Interrupted: nothing more was done; the published site in _build/html is as it was.",
              file=sys.stderr)
        return INTERRUPTED


def quiet_root_logger() -> None:
    """Keep the root logger as a plain process has it, now that Sphinx and papermill run in this one.

    A pygments style the book's theme loads (a11y_pygments) calls logging.basicConfig(level=INFO)
    when imported; in this process that would print every INFO line of papermill, watchfiles and
    jupyter_client. A handler that does nothing makes that call do nothing (as jupyter-book in a
    process of its own, and papermill in worker processes, kept this terminal quiet).
    """
    import logging

    logging.getLogger().addHandler(logging.NullHandler())


def run(argv: list[str]) -> int:
    from .pipeline.kernels import CHAPTER_TIMEOUT

    ap = argparse.ArgumentParser(prog="python -m mosaic", description="Build the Mosaic book.")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate data, execute stale chapters, render and publish")
    b.add_argument("--as-of", help="use only data published on or before this ISO date (all chapters)")
    b.add_argument("--param", action="append", default=[], metavar="CHAPTER.NAME=VALUE",
                   help="set one chapter parameter for this build; repeatable; checked against the type of "
                        "the default in the chapter's parameters cell before anything runs")
    b.add_argument("--force", action="store_true", help="execute every chapter")
    b.add_argument("--workers", type=int, help="chapters executed at once (default: cores)")
    b.add_argument("--reference", action="store_true",
                   help="run each chapter in a kernel started for it and render with the jupyter-book command, as "
                        "builds did before warm kernels: slower, for checking that both publish the same pages")
    b.add_argument("--timeout", type=positive_seconds, default=CHAPTER_TIMEOUT, metavar="SECONDS",
                   help=f"stop a chapter that runs longer than this, kernel start included, and name it "
                        f"(default {CHAPTER_TIMEOUT:g})")
    r = sub.add_parser("release", help="build, then release a new version of each chapter whose content changed")
    r.add_argument("--workers", type=int, help="chapters executed at once (default: cores)")
    r.add_argument("--timeout", type=positive_seconds, default=CHAPTER_TIMEOUT, metavar="SECONDS",
                   help=f"stop a chapter that runs longer than this (default {CHAPTER_TIMEOUT:g})")
    sub.add_parser("validate", help="check every CSV under data/ against its schema")
    s = sub.add_parser("serve", help="build, serve the site on localhost, rebuild on every save and reload the page")
    s.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)")
    s.add_argument("--as-of", help="use only data published on or before this ISO date (all chapters)")
    s.add_argument("--param", action="append", default=[], metavar="CHAPTER.NAME=VALUE",
                   help="set one chapter parameter; repeatable")
    s.add_argument("--workers", type=int, help="chapters executed at once (default: cores)")
    s.add_argument("--timeout", type=positive_seconds, default=CHAPTER_TIMEOUT, metavar="SECONDS",
                   help=f"stop a chapter that runs longer than this (default {CHAPTER_TIMEOUT:g})")
    k = sub.add_parser("bench", help="measure build times and page sizes")
    k.add_argument("--runs", type=int, default=5, help="runs of each build (medians; at least 5 for the budgets)")
    k.add_argument("--before", default=None, metavar="REV",
                   help="the commit whose clean full build the budget compares with (default: the last one before "
                        "warm kernels)")
    k.add_argument("--only", choices=["archive", "forecasts"],
                   help="measure only publishing with 100 archived versions, or only the forecasts chapter")
    d = sub.add_parser("deploy-check", help="before a deploy: the configured address and the archive online")
    d.add_argument("--base-url", help="the address the site is deployed at")
    d.add_argument("--online", metavar="INDEX_JSON", help="v/index.json of the site online now")
    args = ap.parse_args(argv)

    if args.command == "validate":
        from .pipeline.validate import validate_all

        problems = validate_all(ROOT).problems
        print("\n".join(problems) if problems else "Every CSV under data/ is valid.")
        return 1 if problems else 0
    if args.command in ("build", "release", "serve"):
        quiet_root_logger()
        from .pipeline.bytecode import compile_modules

        compile_modules(ROOT)  # before any kernel imports the book's modules
    if args.command in ("build", "release"):
        TEARDOWN_NEEDLESS.append(args.command)
        # The process ends right after the build without the interpreter's teardown (`exit_now`), so it never
        # needs its garbage collected. `build` turns collection off while it runs and restores what it found:
        # turned back on, the first allocation ran a full collection (Sphinx's environment, every frame) that
        # took 0.08 s of a one-row rebuild, just before the process ended.
        gc.disable()
        return locked_build(args, release=args.command == "release")
    if args.command == "deploy-check":
        return deploy_check(args)
    if args.command == "serve":
        from .pipeline.serve import serve

        TEARDOWN_NEEDLESS.append(args.command)
        return serve(ROOT, argv[argv.index("serve") + 1:], port=args.port, as_of=args.as_of, overrides=args.param,
                     timeout=args.timeout, workers=args.workers)
    if args.command == "bench":
        from .pipeline.bench import BEFORE, main as bench

        return bench(ROOT, args.runs, args.only, args.before or BEFORE)
    return 0


def exit_now(code: int) -> None:
    """End the process without the interpreter's teardown.

    After a build the process holds Sphinx's environment, docutils trees and pandas frames;
    freeing them one by one on the way out took a few tenths of a second, after everything
    was published and every kernel killed. Output is flushed first; files were closed by
    the code that wrote them.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    code = main()
    if TEARDOWN_NEEDLESS:
        exit_now(code)
    sys.exit(code)
