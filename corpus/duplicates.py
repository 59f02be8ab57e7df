"""Near-duplicate links between stored documents (MinHash signatures from ingest.dedup).

Each repost stays a document of its own; it is linked both ways to the documents
whose text it repeats, so counts can be de-duplicated downstream.

Several writers (two crawls and an import) may record at once: each reads, under the store's
write lock, the signatures the others stored since it last looked (by their sequence number),
compares, and writes its own before the lock is released, so no pair goes unseen by both. An
import writes its documents with their signatures and links (save_all), a batch of them in one
transaction under that lock."""
from __future__ import annotations

import json

from corpus.store import Store
from ingest.dedup import NearDuplicateIndex, signature


class DuplicateLinks:
    def __init__(self, store: Store, threshold: float = 0.8):
        self.store = store
        self.threshold = threshold
        self._index: NearDuplicateIndex | None = None
        self._seq = 0  # the highest sequence number of a stored signature read into the index

    def _loaded(self) -> NearDuplicateIndex:
        """The index with every stored signature, those stored by other writers since the last call included."""
        if self._index is None:
            self._index = NearDuplicateIndex(self.threshold)
            rows = self.store.conn.execute("SELECT document_id, signature, seq FROM document_signatures")
        else:
            rows = self.store.conn.execute("SELECT document_id, signature, seq FROM document_signatures "
                                           "WHERE seq > ? ORDER BY seq", (self._seq,))
        for doc_id, sig, seq in rows:
            if doc_id not in self._index:  # not one this object added itself
                self._index.add(doc_id, tuple(json.loads(sig)))
            self._seq = max(self._seq, seq or 0)
        return self._index

    def record(self, document_id: int, text: str) -> list[tuple[int, float]]:
        """Store the document's signature and its links; returns the documents it repeats."""
        sig = signature(text)
        with self.store.conn:
            self.store.write_lock("near_duplicates")
            matches = self._write(document_id, sig)
        self._index.add(document_id, sig)
        return matches

    def save(self, document, raw: bytes, extraction: dict | None = None) -> int:
        """Store.save_document and record in one transaction; returns the document's id."""
        return self.save_all([(document, raw, extraction)])[0][0]

    def save_all(self, items: list[tuple]) -> list[tuple[int, bool]]:
        """Store.save_document and record for each (document, raw, extraction), in order, in one
        transaction: the documents, their facts, signatures and links commit together (a page
        written by several documents is written once). The signatures are computed before the
        transaction; the write lock is taken first and held until the commit, so each document is
        compared with every signature stored before it, by any writer or earlier in the list.
        Returns (id, whether its source was stored before) for each document."""
        signatures = [signature(document.text) for document, _, _ in items]
        saved = []
        try:
            with self.store.conn:
                self.store.write_lock("near_duplicates")
                for (document, raw, extraction), sig in zip(items, signatures):
                    existed = self.store.has_source(document.source)
                    document_id = self.store.write_document(document, raw, extraction)
                    self._write(document_id, sig)
                    self._index.add(document_id, sig)  # the next in the list is compared with this one
                    saved.append((document_id, existed))
        except BaseException:
            self._index, self._seq = None, 0  # it may hold what was rolled back: read it again
            raise
        return saved

    def _write(self, document_id: int, sig: tuple[int, ...]) -> list[tuple[int, float]]:
        """Under the write lock: compare with every stored signature, write this one and the links."""
        index = self._loaded()
        matches = [(other, score) for other, score in index.find(sig) if other != document_id]
        self.store.conn.execute("DELETE FROM near_duplicates WHERE document_id = ? OR other_id = ?",
                                (document_id, document_id))
        self.store.conn.execute(
            "INSERT INTO document_signatures(document_id, signature, seq) VALUES (?, ?, "
            "(SELECT coalesce(max(seq), 0) + 1 FROM document_signatures)) ON CONFLICT(document_id) "
            "DO UPDATE SET signature = excluded.signature, seq = excluded.seq", (document_id, json.dumps(sig)))
        if matches:
            self.store.conn.executemany(
                "INSERT INTO near_duplicates VALUES (?, ?, ?) ON CONFLICT(document_id, other_id) "
                "DO UPDATE SET similarity = excluded.similarity",
                [pair for other, score in matches for pair in ((document_id, other, score), (other, document_id, score))])
        return matches

    def links(self, document_id: int) -> list[dict]:
        rows = self.store.conn.execute(
            "SELECT d.id, d.title, d.source, d.published, n.similarity FROM near_duplicates n "
            "JOIN documents d ON d.id = n.other_id WHERE n.document_id = ? ORDER BY n.similarity DESC",
            (document_id,))
        return [dict(zip(("id", "title", "source", "published", "similarity"), row)) for row in rows]
