"""The tantivy baseline of bench/search.py, run by an interpreter that has tantivy installed
(tantivy is no dependency of policekb: `python3 -m venv /tmp/tv && /tmp/tv/bin/pip install tantivy`,
then `bench/search.py --tantivy-python /tmp/tv/bin/python`).

  bench_tantivy.py build DIR N    index N generated documents, print build figures (JSON)
  bench_tantivy.py serve DIR      read the queries (JSON) on stdin, print latencies (JSON)

Text is lower-cased and ASCII-folded (đ -> d), so queries without diacritics match; document
numbers are a phrase over their parts; the faceted class applies its filters, and counts the
kind, year and province values of the matches with tantivy's terms aggregation."""
from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import tantivy

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline_queries import query_parts  # noqa: E402


def _schema():
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True)
    builder.add_text_field("title", stored=True, tokenizer_name="vn")
    builder.add_text_field("text", stored=True, tokenizer_name="vn")
    builder.add_text_field("numbers", tokenizer_name="vn")
    for name in ("kind", "year", "province"):
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    return builder.build()


def _register(index) -> None:
    analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()).build())
    index.register_tokenizer("vn", analyzer)


def build(folder: Path, count: int) -> dict:
    from corpus_gen import documents

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index = tantivy.Index(_schema(), path=str(folder))
    _register(index)
    writer = index.writer(heap_size=200_000_000, num_threads=2)
    start = time.perf_counter()
    for record in documents(count):
        doc = record["document"]
        writer.add_document(tantivy.Document(
            id=doc["id"], title=doc["title"], text=doc["text"],
            numbers=" ".join(r["number"] for r in record["doc_refs"]), kind=doc["kind"],
            year=doc["published"][:4], province=record["places"][0]["province"]))
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
    return {"docs": count, "seconds": seconds, "docs_per_s": count / seconds, "size_mb": size}


def serve(folder: Path, queries: dict) -> dict:
    start = time.perf_counter()
    index = tantivy.Index.open(str(folder))
    _register(index)
    index.reload()
    searcher = index.searcher()
    open_ms = (time.perf_counter() - start) * 1000
    latency, hits = {}, {}
    for cls, items in queries.items():
        run(index, searcher, cls, items[0])
        latency[cls], totals = [], []
        for query in items:
            t = time.perf_counter()
            totals.append(run(index, searcher, cls, query))
            latency[cls].append((time.perf_counter() - t) * 1000)
        hits[cls] = sum(totals) / max(len(totals), 1)
    return {"latency_ms": latency, "hits": hits, "open_ms": open_ms, "peak_mb": _peak_mb()}


def run(index, searcher, cls: str, query: dict) -> int:
    text = _query_text(query["q"])
    filters = query.get("filters") or {}
    for name, value in filters.items():
        text = f'({text}) AND {name}:"{value}"'
    parsed = index.parse_query(text, ["title", "text"])
    result = searcher.search(parsed, 10, count=True)
    for _, address in result.hits:
        searcher.doc(address)  # the stored fields of a page of hits, as a results page needs
    if cls == "faceted":
        for name in ("kind", "year", "province"):
            searcher.aggregate(parsed, {"counts": {"terms": {"field": name}}})
    return result.count


def _query_text(text: str) -> str:
    kind, tokens = query_parts(text)
    if kind == "number":
        return 'numbers:"' + " ".join(tokens) + '"'
    if kind == "phrase":
        return '"' + " ".join(tokens) + '"'
    return " AND ".join(tokens) or '""'


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    command, folder = sys.argv[1], Path(sys.argv[2])
    if command == "build":
        print(json.dumps(build(folder, int(sys.argv[3]))))
    else:
        print(json.dumps(serve(folder, json.load(sys.stdin))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
