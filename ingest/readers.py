"""Read a file into a Document, choosing the parser by its suffix."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from ingest.decode import decode_text
from ingest.document import Document, ParseError, content_hash
from ingest.furniture import strip_furniture
from ingest.html import parse_html
from ingest.pdf import parse_pdf

SUPPORTED_SUFFIXES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf"}
MAX_FILE_BYTES = 50 * 1024 * 1024


def read_path(path: str | Path) -> Document:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ParseError(f"unsupported file type {suffix or '(none)'}; policekb reads .txt, .html, .htm and .pdf")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ParseError(f"file is too large ({size} bytes, limit {MAX_FILE_BYTES})")
    return read_bytes(path.read_bytes(), str(path), SUPPORTED_SUFFIXES[suffix])


def read_bytes(data: bytes, source: str, media_type: str) -> Document:
    if not data.strip():
        raise ParseError("the file is empty")
    title = published = None
    if media_type == "text/html":
        parsed = parse_html(data)
        text, title, published = parsed.text, parsed.title, parsed.published
    elif media_type == "application/pdf":
        text = parse_pdf(data)
    else:
        text = strip_furniture(decode_text(data))
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise ParseError("the file has no text")
    return Document(source=source, text=text, media_type=media_type, content_hash=content_hash(data),
                    title=title, published=published)
