"""Safe defaults: a strict Content-Security-Policy and no framing or sniffing; stored originals
served so that nothing in them can run."""
from __future__ import annotations

import io
import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from flask import Response, send_file

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# A stored original is someone else's file: a unique opaque origin with no scripts, forms or
# subresources. Chromium's PDF viewer needs nothing more (checked with Chromium 156, tests/test_originals.py).
ORIGINAL_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What each stored media type is served as: HTML only ever as text, anything unknown as bytes.
SERVED_AS = {"application/pdf": "application/pdf", DOCX: DOCX, "text/plain": "text/plain",
             "text/html": "text/plain"}
SUFFIXES = {"application/pdf": (".pdf",), DOCX: (".docx",), "text/plain": (".txt",), "text/html": (".html", ".htm")}
INLINE = {"application/pdf"}  # opens in the browser's viewer; everything else is downloaded


def safe_url(url: str | None) -> str | None:
    """Only http(s) links from scraped pages are shown as links."""
    if url and urlparse(url).scheme in {"http", "https"}:
        return url
    return None


def download_name(source: str | None, media_type: str, document_id: int) -> str:
    """The original's file name: the last part of its URL or path (never the folders above it),
    with the suffix of its type, so the download opens with the right program."""
    path = unquote(urlparse(source).path) if safe_url(source) else (source or "")
    name = re.split(r"[\\/]", path.rstrip("/\\"))[-1] if path.strip("/\\") else ""
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or f"tai-lieu-{document_id}"
    suffixes = SUFFIXES.get(media_type, ())
    if suffixes and PurePosixPath(name).suffix.lower() not in suffixes:
        name += suffixes[0]
    return name


def original_response(content: bytes, media_type: str, filename: str) -> Response:
    """The stored bytes: PDFs inline, other types as attachments; never a live page."""
    served = SERVED_AS.get(media_type, "application/octet-stream")
    response = send_file(io.BytesIO(content), mimetype=served, as_attachment=media_type not in INLINE,
                         download_name=filename, etag=False, conditional=False)
    response.headers["Content-Type"] = served  # no charset claim: the bytes are as they were fetched
    response.headers["Content-Security-Policy"] = ORIGINAL_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def init_app(app) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app.jinja_env.filters["safe_url"] = safe_url
