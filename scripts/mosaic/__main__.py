"""Command line: python -m mosaic {build,release,validate,serve,bench,deploy-check}."""
from __future__ import annotations

import argparse
import errno
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def locked_build(args, *, release: bool) -> int:
    """A build (or a release) holding the build lock; every failure is reported in words, never a traceback."""
    from .pipeline.build import DISK_FULL, BuildError, build
    from .pipeline.lock import Busy, build_lock, command_line

    what = "Release" if release else "Build"
    try:
        with build_lock(ROOT, command_line()):
            build(ROOT, as_of=getattr(args, "as_of", None), overrides=getattr(args, "param", []),
                  force=getattr(args, "force", False), workers=args.workers, release=release)
    except Busy as exc:
        print(f"{what} not started: {exc}", file=sys.stderr)
        return 75  # EX_TEMPFAIL: try again later
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
    ap = argparse.ArgumentParser(prog="python -m mosaic", description="Build the Mosaic book.")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate data, execute stale chapters, render and publish")
    b.add_argument("--as-of", help="use only data published on or before this ISO date (all chapters)")
    b.add_argument("--param", action="append", default=[], metavar="CHAPTER.NAME=VALUE",
                   help="set one chapter parameter for this build; repeatable")
    b.add_argument("--force", action="store_true", help="execute every chapter")
    b.add_argument("--workers", type=int, help="chapters executed at once (default: cores)")
    r = sub.add_parser("release", help="build, then release a new version of each chapter whose content changed")
    r.add_argument("--workers", type=int, help="chapters executed at once (default: cores)")
    sub.add_parser("validate", help="check every CSV under data/ against its schema")
    s = sub.add_parser("serve", help="serve the published site on localhost")
    s.add_argument("--port", type=int, default=8000)
    k = sub.add_parser("bench", help="measure build times and page sizes")
    k.add_argument("--runs", type=int, default=3)
    k.add_argument("--only", choices=["archive"], help="measure only publishing with 100 archived versions")
    d = sub.add_parser("deploy-check", help="before a deploy: the configured address and the archive online")
    d.add_argument("--base-url", help="the address the site is deployed at")
    d.add_argument("--online", metavar="INDEX_JSON", help="v/index.json of the site online now")
    args = ap.parse_args(argv)

    if args.command == "validate":
        from .pipeline.validate import validate_all

        problems = validate_all(ROOT).problems
        print("\n".join(problems) if problems else "Every CSV under data/ is valid.")
        return 1 if problems else 0
    if args.command in ("build", "release"):
        return locked_build(args, release=args.command == "release")
    if args.command == "deploy-check":
        return deploy_check(args)
    if args.command == "serve":
        import functools
        import http.server

        site = ROOT / "_build" / "html"
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        print(f"Serving {site} on http://127.0.0.1:{args.port}/ (Ctrl-C stops)")
        http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler).serve_forever()
    if args.command == "bench":
        from .pipeline.bench import main as bench

        return bench(ROOT, args.runs, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
