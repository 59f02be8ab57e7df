"""The policekb command line: parses options, calls the library, prints."""
from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path

from policekb.config import Home, resolve_home


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    home = resolve_home(args.home)
    try:
        return args.func(args, home) or 0
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policekb", description="Knowledge base of Vietnamese police news and directives.")
    parser.add_argument("--home", help="folder holding the SQLite file and the index (default: $POLICEKB_HOME or a per-user data folder)")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("import", help="import .txt, .html and .pdf files and folders into the knowledge base")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("crawl", help="collect pages from the portals in sources.toml (obeys robots.txt, resumable)")
    p.add_argument("--sources", metavar="FILE", help="sources file (default: sources.toml in the home folder, "
                   "else the packaged one)")
    p.add_argument("--source", metavar="NAME", help="crawl only this source")
    p.add_argument("--since", metavar="DATE", type=_iso_date, help="skip articles published before DATE (YYYY-MM-DD)")
    p.add_argument("--max-pages", metavar="N", type=int, help="stop each source after N requests")
    p.add_argument("--reparse", action="store_true", help="parse the stored pages again, without the network")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("extract", help="print the extracted facts of documents as JSON Lines (touches no database)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", choices=["jsonl"], default="jsonl")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("reextract", help="run the current extractor again over every stored document")
    p.set_defaults(func=cmd_reextract)

    p = sub.add_parser("index", help="(re)build the search index from the knowledge base")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("serve", help="serve the search app over HTTP")
    _serve_options(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export", help="export figures and model counts with their sources")
    p.add_argument("format", choices=["csv"])
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("demo", help="import the bundled sample corpus, extract, index and serve it")
    _serve_options(p)
    p.add_argument("--no-serve", action="store_true", help="build the demo knowledge base and stop")
    p.set_defaults(func=cmd_demo)
    return parser


def _serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)


def _iso_date(value: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (expected YYYY-MM-DD)") from None


def _store(home: Home):
    from corpus import Store

    return Store(home.database)


def cmd_import(args, home: Home) -> int:
    from policekb.pipeline import import_paths, update_index

    with _store(home) as store:
        report = import_paths(store, args.paths)
        if report.document_ids:
            update_index(store, home.index, report.document_ids)
    for path, reason in report.failed:
        print(f"error: {path}: {reason}", file=sys.stderr)
    print(f"imported {len(report.added)} new, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
          f"{len(report.failed)} failed -> {home.database}")
    return 1 if report.failed else 0


def cmd_crawl(args, home: Home) -> int:
    from ingest.sources import SourceError
    from policekb.crawling import crawl, load_selected, reparse, sources_path
    from policekb.pipeline import update_index

    path = sources_path(home.root, args.sources)
    try:
        sources = load_selected(path, args.source)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with _store(home) as store:
        if args.reparse:
            stats = reparse(store, args.source, args.since)
            ids, interrupted = stats.document_ids, False
            print(f"reparsed: {stats.stored} stored, {stats.failed} failed to parse")
        else:
            report = crawl(store, sources, since=args.since, max_pages=args.max_pages)
            ids, interrupted = report.document_ids, report.interrupted
            for name, stats in report.stats.items():
                print(f"{name}: {stats.fetched} fetched, {stats.stored} stored, {stats.unchanged} unchanged, "
                      f"{stats.failed} failed, {stats.skipped} skipped by robots.txt, {stats.queued} queued")
        if ids and not update_index(store, home.index, ids):
            print("no search index yet; run `policekb index` to build it")
    if interrupted:
        print("interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    return 0


def cmd_extract(args, home: Home) -> int:
    from policekb.pipeline import extract_paths

    failed = 0
    for path, result, error in extract_paths(args.paths):
        if error:
            failed += 1
            print(f"error: {path}: {error}", file=sys.stderr)
            continue
        result["source"] = str(path)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if failed else 0


def cmd_reextract(args, home: Home) -> int:
    from policekb.pipeline import reextract

    with _store(home) as store:
        count = reextract(store)
    print(f"re-extracted {count} documents; run `policekb index` to refresh the search index")
    return 0


def cmd_index(args, home: Home) -> int:
    from policekb.pipeline import build_index

    with _store(home) as store:
        count = build_index(store, home.index)
    print(f"indexed {count} documents -> {home.index}")
    return 0


def cmd_serve(args, home: Home) -> int:
    from werkzeug.serving import run_simple

    from search_app import create_app

    if not home.database.exists():
        print(f"error: no knowledge base at {home.database}; run `policekb import` or `policekb demo` first",
              file=sys.stderr)
        return 1
    app = create_app({"DATABASE": str(home.database), "INDEX": str(home.index)})
    print(f"serving {home.database} on http://{args.host}:{args.port}/", flush=True)
    run_simple(args.host, args.port, app, threaded=True, use_debugger=False, use_reloader=False)
    return 0


def cmd_export(args, home: Home) -> int:
    from corpus import Store
    from search_app.csv_export import csv_lines

    with Store(home.database) as store:
        lines = csv_lines(store.export_rows())
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as fh:
                fh.writelines(lines)
        else:
            sys.stdout.writelines(lines)
    return 0


def samples_dir() -> Path:
    return Path(str(resources.files("corpus").joinpath("samples")))


def cmd_demo(args, home: Home) -> int:
    from policekb.pipeline import build_index, import_paths

    with _store(home) as store:
        report = import_paths(store, [samples_dir()])
        count = build_index(store, home.index)
    for path, reason in report.failed:
        print(f"error: {path}: {reason}", file=sys.stderr)
    print(f"demo: {len(report.added)} new, {len(report.unchanged)} unchanged, {len(report.failed)} failed; "
          f"indexed {count} documents in {home.root}")
    if args.no_serve:
        return 1 if report.failed else 0
    return cmd_serve(args, home)


if __name__ == "__main__":
    sys.exit(main())
