"""Command line: python -m mosaic {build,validate,serve,bench}."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mosaic", description="Build the Mosaic book.")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate data, execute stale chapters, render and publish")
    b.add_argument("--as-of", help="use only data published on or before this ISO date (all chapters)")
    b.add_argument("--param", action="append", default=[], metavar="CHAPTER.NAME=VALUE",
                   help="set one chapter parameter for this build; repeatable")
    b.add_argument("--force", action="store_true", help="execute every chapter")
    b.add_argument("--workers", type=int, help="chapters executed at once (default: cores)")
    sub.add_parser("validate", help="check every CSV under data/ against its schema")
    s = sub.add_parser("serve", help="serve the published site on localhost")
    s.add_argument("--port", type=int, default=8000)
    k = sub.add_parser("bench", help="measure build times and page sizes")
    k.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)

    if args.command == "validate":
        from .pipeline.validate import validate_all

        problems = validate_all(ROOT).problems
        print("\n".join(problems) if problems else "Every CSV under data/ is valid.")
        return 1 if problems else 0
    if args.command == "build":
        from .pipeline.build import BuildError, build

        try:
            build(ROOT, as_of=args.as_of, overrides=args.param, force=args.force, workers=args.workers)
        except BuildError as exc:
            print(f"Build failed: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.command == "serve":
        import functools
        import http.server

        site = ROOT / "_build" / "html"
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        print(f"Serving {site} on http://127.0.0.1:{args.port}/ (Ctrl-C stops)")
        http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler).serve_forever()
    if args.command == "bench":
        from .pipeline.bench import main as bench

        return bench(ROOT, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
