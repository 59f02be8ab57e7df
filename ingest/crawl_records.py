"""What a crawl fetched, as records: the crawler (ingest.crawl) makes them and the store
(corpus.crawlstate) keeps them. They live here, beside the crawler, so that the arrows run one
way: corpus imports ingest (these records, content hashes, near-duplicate signatures), ingest
never imports corpus."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FrontierEntry:
    url: str
    source: str
    kind: str
    depth: int


@dataclass
class FetchRecord:
    url: str
    source: str
    kind: str
    status: str
    http_status: int | None = None
    content_hash: str | None = None
    media_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    document_id: int | None = None
