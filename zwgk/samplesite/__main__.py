"""Command line: `python -m zwgk.samplesite generate DIR` / `python -m zwgk.samplesite serve DIR [--port N]`."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .generator import generate
from .server import serve


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m zwgk.samplesite", description="示例县 sample site: generate or serve")
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write the site and answer_key.json into DIR")
    g.add_argument("dir", type=Path)
    g.add_argument("--seed", type=int, default=2023)
    g.add_argument("--scale", type=int, default=1)
    s = sub.add_parser("serve", help="serve DIR on 127.0.0.1 (generating it first if it has no answer key)")
    s.add_argument("dir", type=Path)
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = ap.parse_args(argv)
    if args.cmd == "generate":
        key = generate(args.dir, seed=args.seed, scale=args.scale)
        c = key["counts"]
        print(f"wrote {c['files']} files ({c['html_pages']} HTML pages, {c['documents']} documents, "
              f"{c['defects']} planted defects) to {args.dir}")
        return 0
    if not (args.dir / "answer_key.json").is_file():
        generate(args.dir)
    srv = serve(args.dir, port=args.port, verbose=args.verbose)
    print(f"serving {args.dir} at {srv.url} (external stand-in: {srv.external_url}); Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
