"""One read-only store connection per request; the index opened on demand."""
from __future__ import annotations

from flask import current_app, g

from corpus import Store
from search_engine.engine import SearchEngine


def get_store() -> Store:
    if "store" not in g:
        g.store = Store(current_app.config["DATABASE"], readonly=True)
    return g.store


def get_engine() -> SearchEngine:
    if "engine" not in g:
        g.engine = SearchEngine.open(current_app.config["INDEX"])
    return g.engine


def close(exc=None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()
    g.pop("engine", None)


def init_app(app) -> None:
    app.teardown_appcontext(close)
