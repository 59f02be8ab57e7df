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

    p = sub.add_parser("replication", help="print the replication table: per model, scope and unit the latest "
                       "achieved count, with its target, history and sources",
                       description="Print the replication table (see replication.md). By default only the latest "
                       "achieved rows; --all adds rows that only have targets or increases.",
                       epilog="example: policekb replication --model 'camera an ninh' --format csv > camera.csv")
    p.add_argument("--model", metavar="TEXT", help="only models whose name contains these words (accents ignored)")
    p.add_argument("--all", action="store_true", help="also rows with only targets or increases")
    p.add_argument("--format", choices=["table", "jsonl", "csv", "xlsx"], default="table", help="default: table")
    p.add_argument("-o", "--output", help="file to write (default: standard output; required for xlsx on a terminal)")
    p.set_defaults(func=cmd_replication)

    p = sub.add_parser("export", help="export facts (one row per fact) or the replication table",
                       description="Export the facts (a model count with its model, other figures on their own) "
                       "or the replication table, as CSV (UTF-8 with BOM), XLSX or JSON Lines.",
                       epilog="examples: policekb export facts --format xlsx -o facts.xlsx; "
                       "policekb export replication --model 'tiếng kẻng' -o keng.csv")
    p.add_argument("what", choices=["facts", "replication", "csv", "xlsx"],
                   help="facts or replication ('csv' and 'xlsx' alone mean the facts in that format)")
    p.add_argument("--format", choices=["csv", "xlsx", "jsonl"], help="default: csv, or from the -o file's suffix")
    p.add_argument("--model", metavar="TEXT", help="only these models")
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
    from policekb.pipeline import refresh_derived

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
        refresh_derived(store)
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
    from corpus import derived

    with _store(home) as store:  # a knowledge base from an older version gets its derived tables
        derived.rebuild_if_stale(store)
    app = create_app({"DATABASE": str(home.database), "INDEX": str(home.index)})
    print(f"serving {home.database} on http://{args.host}:{args.port}/", flush=True)
    run_simple(args.host, args.port, app, threaded=True, use_debugger=False, use_reloader=False)
    return 0


def cmd_replication(args, home: Home) -> int:
    from corpus import answers, derived

    if not home.database.exists():
        print(f"error: no knowledge base at {home.database}", file=sys.stderr)
        return 1
    with _store(home) as store:
        derived.rebuild_if_stale(store)
        ids = answers.find_models(store, args.model) if args.model else None
        rows = answers.replication_rows(store, ids, include_all=args.all)
    if args.format == "table":
        _write_text(_table_lines(rows), args.output)
        return 0
    return _write_rows(rows, args.format, "replication", args.output)


def _table_lines(rows: list[dict]):
    yield f"{'model':32} {'scope':28} {'unit':16} {'value':>8} {'as_of':10} {'status':8} target  sources\n"
    for r in rows:
        target = f"{r['target']['value']:g}@{r['target']['as_of'] or '?'}" if r.get("target") else ""
        value = "" if r["value"] is None else f"{r['value']:g}" + ("*" if r.get("partial") else "")
        yield (f"{r['model'][:32]:32} {(r['scope'] or '—')[:28]:28} {r['unit'][:16]:16} {value:>8} "
               f"{r['as_of'] or '':10} {r['status']:8} {target:7} {len(r['sources'])}\n")
    if any(r.get("partial") for r in rows):
        yield "* a sum over the places below it that state a figure (partial): no source states it\n"


def cmd_export(args, home: Home) -> int:
    from corpus import answers, derived

    if not home.database.exists():
        print(f"error: no knowledge base at {home.database}", file=sys.stderr)
        return 1
    what = "facts" if args.what in ("csv", "xlsx") else args.what
    fmt = args.format or (args.what if args.what in ("csv", "xlsx") else None) or _suffix_format(args.output)
    with _store(home) as store:
        derived.rebuild_if_stale(store)
        ids = answers.find_models(store, args.model) if args.model else None
        if what == "replication":
            rows = answers.replication_rows(store, ids)
        else:
            rows = list(answers.fact_rows(store, model_ids=ids))
    return _write_rows(rows, fmt, what, args.output)


def _suffix_format(output: str | None) -> str:
    suffix = Path(output or "").suffix.lower().lstrip(".")
    return suffix if suffix in ("xlsx", "jsonl") else "csv"


def _write_rows(rows: list[dict], fmt: str, what: str, output: str | None) -> int:
    from corpus import answers, exports

    columns = exports.REPLICATION_COLUMNS if what == "replication" else exports.FACT_COLUMNS
    if fmt == "xlsx":
        if not output and sys.stdout.isatty():
            print("error: an .xlsx file is binary: give -o FILE", file=sys.stderr)
            return 2
        flat = [answers.flat(r) for r in rows] if what == "replication" else rows
        with (open(output, "wb") if output else sys.stdout.buffer) as fh:
            exports.write_xlsx(flat, columns, fh, sheet_title=what)
        return 0
    if fmt == "jsonl":
        _write_text((json.dumps(r, ensure_ascii=False) + "\n" for r in rows), output)
        return 0
    flat = [answers.flat(r) for r in rows] if what == "replication" else rows
    _write_text(exports.csv_lines(flat, columns), output)
    return 0


def _write_text(lines, output: str | None) -> None:
    if output:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.writelines(lines)
        return
    try:
        sys.stdout.writelines(lines)
        sys.stdout.flush()
    except BrokenPipeError:  # `policekb export … | head` ends quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


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
