"""Near-duplicate links between stored documents (MinHash signatures from ingest.dedup).

Each repost stays a document of its own; it is linked both ways to the documents
whose text it repeats, so counts can be de-duplicated downstream."""
from __future__ import annotations

import json

from corpus.store import Store
from ingest.dedup import NearDuplicateIndex, signature


class DuplicateLinks:
    def __init__(self, store: Store, threshold: float = 0.8):
        self.store = store
        self.threshold = threshold
        self._index: NearDuplicateIndex | None = None

    def _loaded(self) -> NearDuplicateIndex:
        if self._index is None:
            self._index = NearDuplicateIndex(self.threshold)
            for doc_id, sig in self.store.conn.execute("SELECT document_id, signature FROM document_signatures"):
                self._index.add(doc_id, tuple(json.loads(sig)))
        return self._index

    def record(self, document_id: int, text: str) -> list[tuple[int, float]]:
        """Store the document's signature and its links; returns the documents it repeats."""
        sig = signature(text)
        index = self._loaded()
        matches = [(other, score) for other, score in index.find(sig) if other != document_id]
        with self.store.conn:
            self.store.conn.execute("DELETE FROM near_duplicates WHERE document_id = ? OR other_id = ?",
                                    (document_id, document_id))
            self.store.conn.execute("INSERT OR REPLACE INTO document_signatures VALUES (?, ?)",
                                    (document_id, json.dumps(sig)))
            for other, score in matches:
                self.store.conn.executemany("INSERT OR REPLACE INTO near_duplicates VALUES (?, ?, ?)",
                                            [(document_id, other, score), (other, document_id, score)])
        index.add(document_id, sig)
        return matches

    def links(self, document_id: int) -> list[dict]:
        rows = self.store.conn.execute(
            "SELECT d.id, d.title, d.source, d.published, n.similarity FROM near_duplicates n "
            "JOIN documents d ON d.id = n.other_id WHERE n.document_id = ? ORDER BY n.similarity DESC",
            (document_id,))
        return [dict(zip(("id", "title", "source", "published", "similarity"), row)) for row in rows]
