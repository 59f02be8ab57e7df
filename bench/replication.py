"""Replication table rebuild time at 100,000 model counts (target: <= 10 s).

Builds a knowledge base of generated documents whose model counts spread over models, provinces,
districts, communes, units, years and statuses, with near-duplicate copies, then times
`corpus.derived.rebuild` (read facts, group models, build the table, write it) and the pure
`corpus.replication.build` on its own. Run: .venv/bin/python bench/replication.py [FACTS]"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from corpus import Store, derived
from nlp.normalize import match_key

MODELS = ["Camera an ninh", "Tổ liên gia tự quản về ANTT", "Tiếng kẻng an ninh", "Zalo an ninh trật tự",
          "Dòng họ tự quản về ANTT", "Ngõ xóm bình yên", "Tổ tuần tra nhân dân", "Bến đò an toàn"]
UNITS = ["điểm", "thôn", "xã, thị trấn", "mắt camera", "tổ", "dòng họ"]
STATUSES = ["achieved"] * 6 + ["target"] * 3 + ["increase"]
FACTS_PER_DOCUMENT = 20


def populate(store: Store, facts: int, rng: random.Random) -> None:
    provinces = [f"Tỉnh {i}" for i in range(40)]
    documents = facts // FACTS_PER_DOCUMENT
    with store.conn:
        store.conn.execute("INSERT INTO blobs VALUES ('h', 'text/plain', 1, x'00', '2024-01-01')")
        for doc in range(1, documents + 1):
            province = rng.choice(provinces)
            district = f"Huyện {rng.randint(1, 12)} {province[-2:]}"
            text = "Câu nguồn của số liệu. " * 40
            store.conn.execute(
                "INSERT INTO documents(id, source, content_hash, media_type, kind, title, published, text, imported_at, "
                "updated_at) VALUES (?, ?, 'h', 'text/plain', ?, 't', ?, ?, '', '')",
                (doc, f"https://congan.example.gov.vn/bai-{doc}", rng.choice(["article", "directive"]),
                 f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", text))
            places = [("tỉnh", province, None), ("huyện", district, district)] + \
                     [("xã", f"Xã {i} {district}", district) for i in range(4)]
            store.conn.executemany(
                "INSERT INTO places(document_id, name, level, province, district, lat, lon, extractor_version) "
                "VALUES (?, ?, ?, ?, ?, 16.0, 107.0, 'bench')",
                [(doc, name, level, province, d) for level, name, d in places])
            rows = []
            for i in range(FACTS_PER_DOCUMENT):
                model = rng.choice(MODELS)
                level, name, _ = rng.choice(places)
                rows.append((doc, model, match_key(model), rng.randint(1, 500), rng.choice(UNITS), f"{level} {name}",
                             rng.choice(STATUSES), str(rng.randint(2015, 2025)), i * 20, i * 20 + 19))
            store.conn.executemany(
                "INSERT INTO model_counts(document_id, model, model_key, value, unit, place, status, as_of, "
                "sentence_start, sentence_end, start_offset, extractor_version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench')",
                [(*r[:8], r[8], r[9], r[8]) for r in rows])
            store.conn.executemany("INSERT INTO models(document_id, name, canonical, model_key, extractor_version) "
                                   "VALUES (?, ?, ?, ?, 'bench')", [(doc, m, m.lower(), match_key(m)) for m in MODELS[:3]])
            if doc > 1 and rng.random() < 0.1:  # a repost of an earlier document
                store.conn.execute("INSERT INTO near_duplicates VALUES (?, ?, 0.9), (?, ?, 0.9)",
                                   (doc, doc - 1, doc - 1, doc))


def main(facts: int = 100_000) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "kb.sqlite3") as store:
        populate(store, facts, rng)
        count = store.conn.execute("SELECT count(*) FROM model_counts").fetchone()[0]
        started = time.perf_counter()
        rows = derived.rebuild(store)
        elapsed = time.perf_counter() - started
        print(f"model counts: {count:,}; replication rows: {rows:,}")
        print(f"rebuild (read, group, build, write): {elapsed:.2f} s  (target <= 10 s)")
        from corpus import replication
        from corpus.model_groups import group_models

        groups = group_models(store.model_variants(), store.model_document_ids())
        facts_list = list(derived._facts(store, {k: g for g in groups for k in g.keys}, derived.copy_clusters(store)))
        started = time.perf_counter()
        replication.build(facts_list)
        print(f"build alone over {len(facts_list):,} facts: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
