"""Safe defaults: a strict Content-Security-Policy and no framing or sniffing."""
from __future__ import annotations

from urllib.parse import urlparse

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def safe_url(url: str | None) -> str | None:
    """Only http(s) links from scraped pages are shown as links."""
    if url and urlparse(url).scheme in {"http", "https"}:
        return url
    return None


def init_app(app) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app.jinja_env.filters["safe_url"] = safe_url
