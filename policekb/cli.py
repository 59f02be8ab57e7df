"""The policekb command line: parses options, calls the library, prints."""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from policekb.config import Home, resolve_home
from policekb.indexing import IndexBusy


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        home = resolve_home(args.home, args.database)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        code = args.func(args, home) or 0
        sys.stdout.flush()  # here, so a closed pipe is caught below and not at exit
        return code
    except KeyboardInterrupt:
        return 130
    except (IndexBusy, CliError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `policekb export … | head`: the reader has all it wants
        _silence_stdout()
        return 0


def _silence_stdout() -> None:
    """What is still buffered goes nowhere, so Python does not complain when it exits."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind stdout (tests)
        pass


class CliError(RuntimeError):
    """A problem the user can fix, reported as one line."""


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Descriptions wrapped, examples line by line; defaults shown where there is one to show."""

    def _fill_text(self, text, width, indent):
        if text.startswith("examples:"):
            return super()._fill_text(text, width, indent)
        return argparse.HelpFormatter._fill_text(self, text, width, indent)

    def _get_help_string(self, action):
        if action.default is None or isinstance(action.default, bool):
            return action.help
        return super()._get_help_string(action)


def _command(sub, name: str, summary: str, description: str, examples: list[str]) -> argparse.ArgumentParser:
    epilog = "examples:\n" + "\n".join(f"  {line}" for line in examples)
    return sub.add_parser(name, help=summary, description=description, epilog=epilog, formatter_class=HelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policekb", description="Knowledge base of Vietnamese police news and directives.",
        formatter_class=HelpFormatter,
        epilog="examples:\n  policekb demo\n  policekb --home ~/kb import ~/tai-lieu/\n  policekb --home ~/kb serve")
    parser.add_argument("--home", help="folder holding the SQLite file and the index (default: $POLICEKB_HOME or "
                        "a per-user data folder)")
    parser.add_argument("--database", metavar="URL", help="a PostgreSQL knowledge base shared by several machines "
                        "(postgresql://user@host/db; default: $POLICEKB_DATABASE, else the SQLite file in --home); "
                        "the search index stays in --home")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add in (_import_parser, _crawl_parser, _extract_parser, _reextract_parser, _index_parser, _check_parser,
                _serve_parser, _replication_parser, _export_parser, _demo_parser):
        add(sub)
    return parser


def _import_parser(sub) -> None:
    p = _command(sub, "import", "import .txt, .html, .pdf and .docx files and folders into the knowledge base",
                 "Import files, and the supported files inside folders (recursively), into the knowledge base, "
                 "creating it if needed, and bring the search index up to date (building it if there is none). "
                 "Re-importing an unchanged file is a no-op; bad files are reported and skipped.",
                 ["policekb import ~/tai-lieu/", "policekb --home ~/kb import kh-245.pdf bai-01.html"])
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    _cluster_options(p)
    p.set_defaults(func=cmd_import)


def _crawl_parser(sub) -> None:
    p = _command(sub, "crawl", "collect pages from the portals in sources.toml (obeys robots.txt, resumable)",
                 "Collect articles and the directives they link to from the portals in sources.toml, politely "
                 "(robots.txt, one request at a time per host), store them and keep the search index up to date. "
                 "Ctrl-C stops after the current page; run the same command again to resume.",
                 ["policekb crawl", "policekb crawl --source congan-nghean --max-pages 20",
                  "policekb crawl --since 2024-01-01", "policekb crawl --reparse",
                  "policekb crawl --check --source cand --max-pages 5"])
    p.add_argument("--sources", metavar="FILE", help="sources file (default: sources.toml in the home folder, "
                   "else the packaged one)")
    p.add_argument("--source", metavar="NAME", help="crawl only this source (default: every source)")
    p.add_argument("--since", metavar="DATE", type=_iso_date, help="skip articles published before DATE (YYYY-MM-DD)")
    p.add_argument("--max-pages", metavar="N", type=int, help="stop each source after N requests (default: the "
                   "source's max_pages, else no limit)")
    p.add_argument("--reparse", action="store_true", help="parse the stored pages again, without the network")
    p.add_argument("--check", action="store_true", help="fetch a few pages of each source (--max-pages, default 10) "
                   "and print what the crawl would do with every URL met: article, listing, or skipped and why; "
                   "stores nothing")
    p.set_defaults(func=cmd_crawl)


def _extract_parser(sub) -> None:
    p = _command(sub, "extract", "print the extracted facts of documents as JSON Lines (touches no database)",
                 "Read files and print what the extractor finds in each, one JSON object per document, "
                 "without touching any knowledge base.",
                 ["policekb extract kh-245.pdf", "policekb extract ../shared/seeds/*.txt > out.jsonl"])
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to read")
    p.add_argument("--format", choices=["jsonl"], default="jsonl", help="output format")
    p.set_defaults(func=cmd_extract)


def _reextract_parser(sub) -> None:
    p = _command(sub, "reextract", "run the current extractor again over every stored document",
                 "Run the current extractor again over every document of the knowledge base, replacing its facts "
                 "(after an upgrade of policekb's extraction rules). Then run `policekb index`.",
                 ["policekb reextract && policekb index", "policekb reextract --workers 4"])
    _cluster_options(p)
    p.set_defaults(func=cmd_reextract)


def _check_parser(sub) -> None:
    p = _command(sub, "check", "check the knowledge base and the search index, and repair what can be",
                 "Report the SQLite file's integrity (PRAGMA integrity_check), documents missing from the search "
                 "index or held there in an older version, documents the index holds that the store lost, and raw "
                 "content no document refers to. With --repair, bring the index level with the store and delete "
                 "the orphaned content. Exits 1 while a problem remains.",
                 ["policekb check", "policekb --home ~/kb check --repair"])
    p.add_argument("--repair", action="store_true", help="fix what can be fixed")
    p.set_defaults(func=cmd_check)


def _index_parser(sub) -> None:
    p = _command(sub, "index", "(re)build the search index from the knowledge base",
                 "Rebuild the search index from the knowledge base, into a fresh folder swapped in when it is "
                 "complete (a running `policekb serve` keeps answering meanwhile).",
                 ["policekb index", "POLICEKB_INDEX_PROCS=2 policekb --home ~/kb index"])
    p.set_defaults(func=cmd_index)


def _serve_parser(sub) -> None:
    p = _command(sub, "serve", "serve the search app over HTTP",
                 "Serve the search app (no debugger) over an existing knowledge base.",
                 ["policekb serve", "policekb --home ~/kb serve --host 0.0.0.0 --port 8080"])
    _serve_options(p)
    p.set_defaults(func=cmd_serve)


def _replication_parser(sub) -> None:
    p = _command(sub, "replication", "print the replication table: per model, scope and unit the latest "
                 "achieved count, with its target, history and sources",
                 "Print the replication table (see replication.md). By default only the latest achieved rows; "
                 "--all adds rows that only have targets or increases.",
                 ["policekb replication --model 'camera an ninh'",
                  "policekb replication --model 'camera an ninh' --format csv > camera.csv",
                  "policekb replication --all --format xlsx -o nhan-rong.xlsx"])
    p.add_argument("--model", metavar="TEXT", help="only models whose name contains these words (accents ignored; "
                   "default: every model)")
    p.add_argument("--all", action="store_true", help="also rows with only targets or increases")
    p.add_argument("--format", choices=["table", "jsonl", "csv", "xlsx"], default="table", help="output format")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: standard output; required for "
                   "xlsx on a terminal)")
    p.set_defaults(func=cmd_replication)


def _export_parser(sub) -> None:
    p = _command(sub, "export", "export facts (one row per fact) or the replication table",
                 "Export the facts (a model count with its model, other figures on their own) or the replication "
                 "table, as CSV (UTF-8 with BOM), XLSX or JSON Lines.",
                 ["policekb export facts --format xlsx -o facts.xlsx",
                  "policekb export replication --model 'tiếng kẻng' -o keng.csv", "policekb export csv | head",
                  "policekb export spacy -o corpus.spacy"])
    p.add_argument("what", choices=["facts", "replication", "spacy", "csv", "xlsx"],
                   help="facts, replication, or spacy (a DocBin of every document with its facts as spans, for "
                   "annotation and training tools; needs -o); 'csv' and 'xlsx' alone mean the facts")
    p.add_argument("--format", choices=["csv", "xlsx", "jsonl"], help="output format (default: csv, or from the "
                   "-o file's suffix)")
    p.add_argument("--model", metavar="TEXT", help="only these models (default: every model)")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)


def _demo_parser(sub) -> None:
    p = _command(sub, "demo", "import the bundled sample corpus, extract, index and serve it",
                 "Import the bundled samples (corpus/samples), extract, index and serve them: a knowledge base "
                 "to try policekb on.",
                 ["policekb demo", "policekb --home /tmp/demo demo --no-serve"])
    _serve_options(p)
    p.add_argument("--no-serve", action="store_true", help="build the demo knowledge base and stop")
    p.set_defaults(func=cmd_demo)


def _cluster_options(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--workers", type=int, metavar="N", help="parse, OCR and extract on a local Dask cluster of "
                       "N worker processes (needs dask[distributed])")
    group.add_argument("--scheduler", metavar="ADDRESS", help="use the Dask cluster at ADDRESS "
                       "(tcp://HOST:8786); files are read here and sent to the workers, which need policekb installed")


def _runner(args):
    """The runner --workers/--scheduler ask for, with its dashboard printed; None when neither was given."""
    if not (getattr(args, "workers", None) or getattr(args, "scheduler", None)):
        return None
    try:
        from policekb.runners import runner_for

        runner = runner_for(args.workers, args.scheduler)
    except ImportError:
        raise CliError("--workers and --scheduler need Dask: pip install 'dask[distributed]'") from None
    except OSError as exc:
        raise CliError(f"cannot reach the Dask scheduler {args.scheduler}: {exc}") from None
    print(f"running on {runner.description}", file=sys.stderr, flush=True)
    return runner


def _serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=5000, help="port to listen on")
    p.add_argument("--threads", type=int, default=8, help="worker threads of the production server (waitress)")
    p.add_argument("--sync-every", type=float, metavar="SECONDS", help="bring this node's search index in step "
                   "with the knowledge base every SECONDS (default: 60 with a PostgreSQL --database, whose other "
                   "writers are other machines; 0 otherwise, as import and crawl keep a local index in step)")
    p.add_argument("--processes", type=int, default=1, help="server processes sharing the port (POSIX): one per "
                   "core lets the server use every core")
    p.add_argument("--dev", action="store_true", help="Werkzeug's development server instead (no access log)")


def _iso_date(value: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (expected YYYY-MM-DD)") from None


def progress(items: Iterable, total: int | None, desc: str) -> Iterable:
    """A tqdm bar on stderr when it is a terminal; the items unchanged otherwise (the command's
    one-line summary says how it went)."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    try:
        sized = os.get_terminal_size(sys.stderr.fileno()).columns > 0
    except (OSError, ValueError):
        sized = False  # tqdm draws nothing on a terminal that reports no size: give it one
    return tqdm(items, total=total, desc=desc, unit="doc", file=sys.stderr, leave=False, dynamic_ncols=sized,
                **({} if sized else {"ncols": 100}))


def _store(home: Home):
    from corpus import Store

    return Store(home.database)


def _existing_store(home: Home):
    """The knowledge base, or None (said on stderr) when the home has none: commands that only
    read it must not leave an empty one behind."""
    if not home.has_database():
        print(f"error: no knowledge base at {home.database_label}; run `policekb import PATH…` or `policekb demo` "
              "first (or give the right --home)", file=sys.stderr)
        return None
    return _store(home)


def cmd_import(args, home: Home) -> int:
    from policekb.pipeline import import_paths, sync_index

    runner = _runner(args)
    try:
        with _store(home) as store:
            report = import_paths(store, args.paths, progress=progress, runner=runner)
            index_state = sync_index(store, home.index, report.document_ids, progress=progress)
    finally:
        if runner:
            runner.close()
    for path, reason in report.failed:
        print(f"error: {path}: {reason}", file=sys.stderr)
    print(f"imported {len(report.added)} new, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
          f"{len(report.failed)} failed -> {home.database_label}{_index_note(index_state)}")
    return 1 if report.failed else 0


def _index_note(state: str) -> str:
    return {"built": "; search index built", "updated": "; search index updated",
            "busy": "; the search index is being built by another command: run `policekb index` after it"}.get(state, "")


def cmd_crawl(args, home: Home) -> int:
    from ingest.sources import SourceError
    from policekb.crawling import check, crawl, load_selected, reparse, sources_path
    from policekb.pipeline import refresh_derived, sync_index

    path = sources_path(home.root, args.sources)
    try:
        sources = load_selected(path, args.source)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:  # touches no knowledge base
        counts = check(sources, max_pages=args.max_pages, since=args.since, out=lambda line: print(line, flush=True))
        return 0 if all(c["fetched"] > c["failed"] + c["skipped"] for c in counts.values()) else 1
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
                      f"{stats.failed} failed, {stats.skipped} skipped (robots.txt, or {stats.off_source} redirected off the source), {stats.queued} queued")
        refresh_derived(store)
        note = _index_note(sync_index(store, home.index, ids, progress=progress))
        if note:
            print(note.lstrip("; "))
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

    store = _existing_store(home)
    if store is None:
        return 1
    from policekb.pipeline import sync_index

    runner = _runner(args)
    try:
        with store:
            count = reextract(store, progress=progress, runner=runner)
            state = sync_index(store, home.index, progress=progress)
    finally:
        if runner:
            runner.close()
    print(f"re-extracted {count} documents{_index_note(state)}")
    return 0


def cmd_check(args, home: Home) -> int:
    from policekb.indexing import differences, sync
    from search_engine.engine import IndexMissing, SearchEngine

    store = _existing_store(home)
    if store is None:
        return 1
    with store:
        problems = store.integrity_problems()
        orphans = store.orphaned_blobs()
        try:
            missing, stale, extra = differences(store, SearchEngine.open(home.index))
            index_state = f"{len(missing)} missing, {len(stale)} stale, {len(extra)} extra"
        except IndexMissing as exc:
            missing, stale, extra, index_state = [None], [], [], f"unusable ({exc})"
        print(f"store: {store.count_documents()} documents; integrity: {'ok' if not problems else '; '.join(problems)}")
        print(f"search index: {index_state}")
        print(f"orphaned raw content: {len(orphans)}")
        if args.repair:
            state = sync(store, home.index)
            store.delete_blobs(orphans)
            print(f"repaired: search index {state or 'already level'}; {len(orphans)} orphaned contents deleted")
            missing, stale, extra, orphans = [], [], [], []
    return 1 if problems or missing or stale or extra or orphans else 0


def cmd_index(args, home: Home) -> int:
    from policekb.pipeline import build_index

    store = _existing_store(home)
    if store is None:
        return 1
    with store:
        count = build_index(store, home.index, progress=progress)
    print(f"indexed {count} documents -> {home.index}")
    return 0


def cmd_serve(args, home: Home) -> int:
    from werkzeug.serving import run_simple

    from search_app import create_app

    store = _existing_store(home)
    if store is None:
        return 1
    from corpus import derived

    with store:  # a knowledge base from an older version gets its derived tables
        derived.rebuild_if_stale(store)
    app = create_app({"DATABASE": str(home.database), "INDEX": str(home.index)})
    print(f"serving {home.database_label} on http://{args.host}:{args.port}/", flush=True)
    with _index_follower(args, home):
        if getattr(args, "dev", False):
            run_simple(args.host, args.port, app, threaded=True, use_debugger=False, use_reloader=False)
            return 0
        from policekb.server import serve, serve_processes

        if args.processes > 1 and hasattr(os, "fork"):
            serve_processes(app, args.host, args.port, args.processes, threads=args.threads)
        else:
            serve(app, args.host, args.port, threads=args.threads)
    print("stopped", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _index_follower(args, home: Home):
    """On a web node of a shared database, a process that keeps this node's index in step
    (started before any server thread or process, so nothing is forked with threads running)."""
    every = args.sync_every if args.sync_every is not None else (60.0 if home.database_url else 0.0)
    if every <= 0:
        yield
        return
    import multiprocessing

    from policekb.indexing import follow

    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    follower = context.Process(target=follow, args=(home.database, home.index, every, stop), daemon=True,
                               name="policekb index follower")
    follower.start()
    try:
        yield
    finally:
        stop.set()
        follower.join(30)
        if follower.is_alive():
            follower.terminate()


def cmd_replication(args, home: Home) -> int:
    from corpus import answers, derived

    store = _existing_store(home)
    if store is None:
        return 1
    with store:
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

    store = _existing_store(home)
    if store is None:
        return 1
    what = "facts" if args.what in ("csv", "xlsx") else args.what
    if what == "spacy":
        return _export_spacy(store, args.output)
    fmt = args.format or (args.what if args.what in ("csv", "xlsx") else None) or _suffix_format(args.output)
    with store:
        derived.rebuild_if_stale(store)
        ids = answers.find_models(store, args.model) if args.model else None
        if what == "replication":
            rows = answers.replication_rows(store, ids)
        else:
            rows = list(answers.fact_rows(store, model_ids=ids))
    return _write_rows(rows, fmt, what, args.output)


def _export_spacy(store, output: str | None) -> int:
    """The knowledge base as a spaCy DocBin: stored facts become spans, nothing is extracted again."""
    if not output:
        print("error: a DocBin is binary: give -o FILE (for example -o corpus.spacy)", file=sys.stderr)
        return 2
    from nlp.spacy_pipeline import to_docbin  # spaCy loads only for this command

    with store:
        records = ({**row, "extraction": store.facts(row["id"])} for row in store.documents())
        docbin = to_docbin(records)
    docbin.to_disk(output)
    print(f"wrote {len(docbin)} documents -> {output}")
    return 0


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
        if output:
            with open(output, "wb") as fh:
                exports.write_xlsx(flat, columns, fh, sheet_title=what)
            return 0
        book = io.BytesIO()  # whole, then written at once: a pipe closing midway must not break the zip writer
        exports.write_xlsx(flat, columns, book, sheet_title=what)
        sys.stdout.flush()
        sys.stdout.buffer.write(book.getvalue())
        return 0
    if fmt == "jsonl":
        _write_text((json.dumps(r, ensure_ascii=False) + "\n" for r in rows), output)
        return 0
    flat = [answers.flat(r) for r in rows] if what == "replication" else rows
    _write_text(exports.csv_lines(flat, columns), output)
    return 0


def _write_text(lines, output: str | None) -> None:
    """To the file, else to stdout (a closed pipe is handled once, in main)."""
    if output:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.writelines(lines)
        return
    sys.stdout.writelines(lines)


def samples_dir() -> Path:
    return Path(str(resources.files("corpus").joinpath("samples")))


def cmd_demo(args, home: Home) -> int:
    from policekb.pipeline import build_index, import_paths

    with _store(home) as store:
        report = import_paths(store, [samples_dir()], progress=progress)
        count = build_index(store, home.index, progress=progress)
    for path, reason in report.failed:
        print(f"error: {path}: {reason}", file=sys.stderr)
    print(f"demo: {len(report.added)} new, {len(report.unchanged)} unchanged, {len(report.failed)} failed; "
          f"indexed {count} documents in {home.root}")
    if args.no_serve:
        return 1 if report.failed else 0
    return cmd_serve(args, home)


if __name__ == "__main__":
    sys.exit(main())
