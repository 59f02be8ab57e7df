"""Read a file into a Document, choosing the parser by its suffix.

HTML, PDF and Word files are parsed in a child process with a time and memory
limit (ingest/sandbox.py); HTML larger than MAX_HTML_BYTES (POLICEKB_HTML_MAX_MB,
default 10) is refused before parsing. Text in the legacy TCVN3 and VNI fonts is
converted to Unicode whatever the format (ingest/legacy.py).

Only regular files are read from a path (read_file): the size is checked with
stat before reading, and FIFOs, devices, sockets, folders and dangling links are
refused without being opened for reading, so none is waited on or read whole."""
from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

from ingest.decode import decode_with_warnings
from ingest.document import Document, ParseError, content_hash
from ingest.furniture import strip_furniture
from ingest.html import byline
from ingest.legacy import fix_legacy
from ingest.pdf import read_pdf
from ingest.sandbox import run_limited

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SUPPORTED_SUFFIXES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf",
                      ".docx": DOCX}
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_HTML_BYTES = int(float(os.environ.get("POLICEKB_HTML_MAX_MB", "10")) * 1024 * 1024)
FILE_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
              (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def media_type_of_path(path: str | Path) -> str:
    """The media type read_bytes parses a file as, by its suffix; ParseError for other files."""
    suffix = Path(path).suffix.lower()
    if suffix == ".doc":
        raise ParseError("old binary Word .doc files are not read: convert it to .docx or PDF first "
                         "(e.g. libreoffice --headless --convert-to docx FILE.doc)")
    if suffix not in SUPPORTED_SUFFIXES:
        raise ParseError(f"unsupported file type {suffix or '(none)'}; policekb reads .txt, .html, .htm, .pdf and .docx")
    return SUPPORTED_SUFFIXES[suffix]


def read_path(path: str | Path, data: bytes | None = None) -> Document:
    """The document in the file at `path`; `data`, when given, is its bytes already read with read_file."""
    path = Path(path)
    media_type = media_type_of_path(path)
    return read_bytes(read_file(path) if data is None else data, str(path), media_type)


def read_file(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. The size and the file type are checked
    with stat before opening, and again (fstat) on what was opened; the file is opened non-blocking
    and read up to the limit, so a FIFO, a device (a .txt link to /dev/zero) or a file swapped or
    grown in between is refused, never waited on nor read whole. ParseError says why."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise ParseError(f"dangling symbolic link (to {os.readlink(path)}, which does not exist)") from None
        raise
    _check_regular(info, limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        _check_regular(os.fstat(fd), limit)
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise ParseError(f"file is too large (it grew past the limit of {limit} bytes while read)")
    finally:
        os.close(fd)


def _check_regular(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in FILE_KINDS if test(info.st_mode)), "not a regular file")
        raise ParseError(f"not a regular file ({kind}): only regular files are read")
    if info.st_size > limit:
        raise ParseError(f"file is too large ({info.st_size} bytes, limit {limit})")


def read_bytes(data: bytes, source: str, media_type: str) -> Document:
    if not data.strip():
        raise ParseError("the file is empty")
    document = Document(source=source, text="", media_type=media_type, content_hash=content_hash(data))
    if media_type == "text/html":
        parsed = read_html(data)
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
        text, encoding, warnings = decode_with_warnings(data)
        document.text = strip_furniture(text)
        document.warnings = warnings or None
        document.legacy_encoding = encoding if encoding in ("TCVN3", "VNI") else None
        document.author = byline(document.text)
    _finish(document)
    return document


def read_html(data: bytes, timeout: float | None = None, memory_mb: int | None = None):
    """ingest.html.parse_html in the parse worker, under the same time and memory limits as PDF
    and Word files; pages over MAX_HTML_BYTES are refused before any parsing."""
    if len(data) > MAX_HTML_BYTES:
        raise ParseError(f"the HTML page is too large to parse ({len(data)} bytes, limit {MAX_HTML_BYTES}; "
                         "POLICEKB_HTML_MAX_MB sets it)")
    _preload_html()
    return run_limited(_parse_html, data, timeout=timeout, memory_mb=memory_mb)


def _parse_html(data: bytes):
    from ingest.html import parse_html

    return parse_html(data)


_html_ready = False


def _preload_html() -> None:
    """Import the HTML parsers in this process, and let them set up what they set up on first use,
    once: every worker forked from it (a fresh one every sandbox.MAX_JOBS files) starts warm."""
    global _html_ready
    if _html_ready:
        return
    from ingest.html import parse_html

    try:
        parse_html("<html><head><title>Tin</title></head><body><article><p>Công an xã Cam Hiếu lắp 45 camera "
                   "an ninh tại các thôn.</p></article></body></html>".encode())
    except Exception:  # noqa: BLE001 - a warm-up only; real pages report their own errors
        pass
    _html_ready = True


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
    # NUL is no character of any text and PostgreSQL cannot store it: both backends get U+FFFD.
    document.text = unicodedata.normalize("NFC", document.text).replace("\x00", "\ufffd").strip()
    if not document.text:
        raise ParseError("the file has no text")

