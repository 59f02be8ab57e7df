"""Links built without Werkzeug's URL map on every call.

A results page holds some ninety links (facet values, numbers, pages, copies); url_for
costs tens of microseconds each, more than the search itself. A route's URL is built once
per script root (app_url), a document's from its route's pattern (document_url), and a
search's query string appended to the search page's URL (with_query)."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote_plus

from flask import current_app, request, url_for

QUERY_SAFE = "!$'()*,/:;?@"  # as Werkzeug leaves them in query strings
_CACHE = "policekb.urls"
_MAX_CACHED = 1024


def app_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values) for a link that depends on nothing but the values and the
    script root the app is mounted at (the navigation, the stylesheet), built once."""
    cache = current_app.extensions.setdefault(_CACHE, {})
    key = (request.script_root, endpoint, tuple(values.items()))
    url = cache.get(key)
    if url is None:
        if len(cache) >= _MAX_CACHED:
            cache.clear()
        url = cache[key] = url_for(endpoint, **values)
    return url


def with_query(base: str, **params) -> str:
    """base?k=v&… for the params that are not None, encoded as Werkzeug encodes them."""
    query = "&".join([query_pair(k, v) for k, v in params.items() if v is not None])
    return f"{base}?{query}" if query else base


def document_url(document_id: int) -> str:
    """url_for("documents.show", document_id=…), from the route's URL built once with a marker."""
    head, tail = _split_at_marker("documents.show", "document_id")
    return f"{head}{int(document_id)}{tail}"


_MARKER = 918273645


def _split_at_marker(endpoint: str, name: str) -> tuple[str, str]:
    head, _, tail = app_url(endpoint, **{name: _MARKER}).partition(str(_MARKER))
    return head, tail


def query_pair(key: str, value) -> str:
    """key=value, encoded for a query string."""
    return _pair(key, str(value))


@lru_cache(maxsize=4096)  # the same query and filters recur in every link of a page
def _pair(key: str, value: str) -> str:
    return f"{quote_plus(key, safe=QUERY_SAFE)}={quote_plus(value, safe=QUERY_SAFE)}"


def init_app(app) -> None:
    app.jinja_env.globals["app_url"] = app_url
