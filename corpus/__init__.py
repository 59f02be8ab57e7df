"""The knowledge base: raw content, documents and facts, in one SQLite file or a PostgreSQL database."""
from corpus.store import NotFound, Store

__all__ = ["NotFound", "Store"]
