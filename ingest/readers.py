"""Read a file into a Document, choosing the parser by its suffix.

PDF and Word files are parsed in a child process with a time and memory limit
(ingest/sandbox.py); text in the legacy TCVN3 and VNI fonts is converted to
Unicode whatever the format (ingest/legacy.py)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from ingest.decode import decode_with_encoding
from ingest.document import Document, ParseError, content_hash
from ingest.furniture import strip_furniture
from ingest.html import byline, parse_html
from ingest.legacy import fix_legacy
from ingest.pdf import read_pdf
from ingest.sandbox import run_limited

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SUPPORTED_SUFFIXES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf",
                      ".docx": DOCX}
MAX_FILE_BYTES = 50 * 1024 * 1024


def read_path(path: str | Path) -> Document:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise ParseError("old binary Word .doc files are not read: convert it to .docx or PDF first "
                         "(e.g. libreoffice --headless --convert-to docx FILE.doc)")
    if suffix not in SUPPORTED_SUFFIXES:
        raise ParseError(f"unsupported file type {suffix or '(none)'}; policekb reads .txt, .html, .htm, .pdf and .docx")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ParseError(f"file is too large ({size} bytes, limit {MAX_FILE_BYTES})")
    return read_bytes(path.read_bytes(), str(path), SUPPORTED_SUFFIXES[suffix])


def read_bytes(data: bytes, source: str, media_type: str) -> Document:
    if not data.strip():
        raise ParseError("the file is empty")
    document = Document(source=source, text="", media_type=media_type, content_hash=content_hash(data))
    if media_type == "text/html":
        parsed = parse_html(data)
        document.text, document.title, document.published = parsed.text, parsed.title, parsed.published
        document.author = parsed.author
    elif media_type == "application/pdf":
        parsed = read_pdf(data)
        document.text, document.header, document.ocr_pages = parsed.text, parsed.header or None, parsed.ocr_pages
    elif media_type == DOCX:
        import docx  # noqa: F401  (imported here, so a worker forked from this process has it)

        parsed = run_limited(_parse_docx, data)
        document.text, document.header = parsed.text, parsed.header or None
    else:
        text, encoding = decode_with_encoding(data)
        document.text = strip_furniture(text)
        document.legacy_encoding = encoding if encoding in ("TCVN3", "VNI") else None
        document.author = byline(document.text)
    _finish(document)
    return document


def _parse_docx(data: bytes):
    from ingest.docx import parse_docx  # python-docx and lxml: only for Word files

    return parse_docx(data)


def _finish(document: Document) -> None:
    """Legacy-font conversion for the formats that carry fonts, NFC, and a final check."""
    if document.media_type in ("application/pdf", DOCX):
        document.text, legacy = fix_legacy(document.text)
        if legacy and document.header:
            document.header = {key: fix_legacy(value)[0] for key, value in document.header.items()}
        document.legacy_encoding = legacy
    document.text = unicodedata.normalize("NFC", document.text).strip()
    if not document.text:
        raise ParseError("the file has no text")

