"""Links to the search page, built without Werkzeug's URL map.

A results page holds some ninety links (facet values, numbers, pages); url_for costs
tens of microseconds each, a quarter of the page's time. The route is looked up
once per request and the query string appended."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote_plus

from flask import g, url_for

QUERY_SAFE = "!$'()*,/:;?@"  # as Werkzeug leaves them in query strings


def search_link(**params) -> str:
    base = g.get("search_base")
    if base is None:
        base = g.search_base = url_for("search.index")
    query = "&".join(_pair(k, str(v)) for k, v in params.items() if v is not None)
    return f"{base}?{query}" if query else base


@lru_cache(maxsize=4096)  # the same query and filters recur in every link of a page
def _pair(key: str, value: str) -> str:
    return f"{quote_plus(key, safe=QUERY_SAFE)}={quote_plus(value, safe=QUERY_SAFE)}"


def init_app(app) -> None:
    app.jinja_env.globals["search_link"] = search_link
