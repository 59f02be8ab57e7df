"""The knowledge base: one SQLite file holding raw content, documents and facts."""
from corpus.store import NotFound, Store

__all__ = ["NotFound", "Store"]
