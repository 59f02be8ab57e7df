"""PDF text: pypdfium2 for the text layer (fast, reading order good enough for
directives), pdfplumber for ruled tables, tesseract for scanned pages.

Every PDF is parsed in a worker process with a time and memory limit
(ingest/sandbox.py). Encrypted files with an empty password open; other
encrypted, truncated or corrupt files raise ParseError. Pages with no text
layer, or one that is glyph-id garbage, are OCRed; other pages are not."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.directive_header import read_header, read_signature
from ingest.document import ParseError
from ingest.layout import Segment, page_segments
from ingest.sandbox import run_limited
from ingest.tables import Table, may_hold_table, open_tables_reader, page_tables

CID_GARBAGE = re.compile(r"\(cid:\d+\)")
MAX_PAGES = 3000  # a directive or bulletin has tens; a page-count bomb has millions
HEADER_HINT = re.compile(r"Số\s*[:.]")
HEADER_CHARS = 1500
UNREADABLE = re.compile(r"[\ufffd\ufffe\uffff\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class ParsedPDF:
    text: str
    header: dict[str, str] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)  # 1-based numbers of the pages read by OCR


@dataclass
class _Page:
    text: str
    segments: list[Segment]
    width: float
    ocr: bool = False


def read_pdf(data: bytes, timeout: float | None = None, memory_mb: int | None = None) -> ParsedPDF:
    """parse_pdf in a child process with a time and memory limit."""
    _check_signature(data)
    _preload()
    return run_limited(parse_pdf, data, timeout=timeout, memory_mb=memory_mb)


def parse_pdf(data: bytes) -> ParsedPDF:
    _check_signature(data)
    pdf = _open(data)
    count = len(pdf)
    if count > MAX_PAGES:
        pdf.close()
        raise ParseError(f"the PDF has {count} pages (limit {MAX_PAGES})")
    tables = _LazyTables(data)
    try:
        pages: list[_Page] = []
        for index in range(count):
            pages.append(_read_page(pdf, index, tables, _layout_wanted(pages, index, count)))
    finally:
        tables.close()
        pdf.close()
    ocr_pages = [number for number, page in enumerate(pages, 1) if page.ocr]
    text = "\n\n".join(page.text for page in pages if page.text.strip())
    if not text.strip():
        if ocr_pages:
            raise ParseError(f"no text found in the PDF, not even by OCR of its {len(ocr_pages)} scanned page(s)")
        raise ParseError("no text found in the PDF (its pages are blank)")
    return ParsedPDF(text=text, header=_header(pages), ocr_pages=ocr_pages)


def _preload() -> None:
    """Import the parsers in this process: a worker forked from it (again after a
    timeout or crash) starts with them loaded instead of importing them itself."""
    import pdfplumber  # noqa: F401
    import pypdfium2  # noqa: F401


def _check_signature(data: bytes) -> None:
    if b"%PDF" not in data[:1024]:  # some writers put junk before the header; readers allow 1 KB
        raise ParseError("not a PDF file (no %PDF header)")


def _open(data: bytes):
    """The document, opened through pdfium's own calls so that every message belongs to this file.
    pdfium keeps one "last error" per process, set only when a load fails: pypdfium2 also reads it
    when a document loads but has no pages, which in a reused worker reports the previous file's
    error (an encrypted PDF, then a page-count bomb "encrypted with a password"). Here it is read
    only right after this file's load failed, the one time it is this file's."""
    import pypdfium2 as pdfium  # native library: loaded on first use
    import pypdfium2.raw as pdfium_c

    handle = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if not handle:
        raise ParseError(_load_error(pdfium_c.FPDF_GetLastError()))
    if pdfium_c.FPDF_GetPageCount(handle) < 1:
        pdfium_c.FPDF_CloseDocument(handle)
        raise ParseError("the PDF has no pages it can read (its page tree is empty or broken)")
    return pdfium.PdfDocument(handle)  # `data` outlives it: parse_pdf holds it until the document is closed


def _layout_wanted(done: list[_Page], index: int, count: int) -> float | None:
    """How much of the page, from the top, needs positioned text: the top half of page
    one for the header; the whole of the last two pages of a directive for the
    signature; None when no layout is needed."""
    if index == 0:
        return 1.0 if count <= 2 else 0.5
    if index >= count - 2 and done[0].segments:
        return 1.0
    return None


def _read_page(pdf, index: int, tables: "_LazyTables", layout_share: float | None) -> _Page:
    page = pdf[index]
    textpage = page.get_textpage()
    try:
        text = _clean(textpage.get_text_bounded())
        if needs_ocr(text, page):
            from ingest.ocr import ocr_page  # tesseract is only needed for scans

            scanned = ocr_page(page)
            return _Page(scanned.text, scanned.segments, page.get_width(), ocr=True)
        if may_hold_table(page):
            found = tables.of_page(index)
            if found:
                text = _text_around_tables(page, textpage, found)
        segments = []
        if layout_share and (index > 0 or HEADER_HINT.search(text[:HEADER_CHARS])):
            segments = page_segments(page, textpage, top_share=layout_share)
        return _Page(text, segments, page.get_width())
    finally:
        textpage.close()
        page.close()


def needs_ocr(text: str, page) -> bool:
    """No text layer (but something drawn), or a text layer that is garbage: glyph
    ids ("(cid:12)") or private-use and replacement characters from fonts without
    a Unicode map."""
    visible = len("".join(text.split()))
    if not visible:
        return _draws_something(page)
    garbage = len(CID_GARBAGE.findall(text)) * 6 + len(UNREADABLE.findall(text))
    return garbage > 0.3 * visible


def _draws_something(page) -> bool:
    return next(iter(page.get_objects(max_depth=1)), None) is not None


def _text_around_tables(page, textpage, tables: list[Table]) -> str:
    """The page text with each table region replaced by its rows, cells " | "-separated."""
    width, height = page.get_size()
    parts, top = [], 0.0
    for table in tables:
        parts.append(_band_text(textpage, width, height, top, table.top))
        parts.append(table.render())
        top = table.bottom
    parts.append(_band_text(textpage, width, height, top, height))
    return "\n".join(part for part in parts if part.strip())


def _band_text(textpage, width: float, height: float, top: float, bottom: float) -> str:
    if bottom - top < 1:
        return ""
    return _clean(textpage.get_text_bounded(left=0, bottom=height - bottom, right=width, top=height - top)).strip()


def _header(pages: list[_Page]) -> dict[str, str]:
    first = pages[0]
    header = read_header(first.segments, first.width) if first.segments else {}
    if header:
        header.update(read_signature([(page.segments, page.width) for page in pages[-2:]]))
    return header


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _load_error(code: int) -> str:
    """What FPDF_GetLastError says about the load that just failed."""
    import pypdfium2.raw as pdfium_c

    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return "the PDF is encrypted with a password"
    if code in (pdfium_c.FPDF_ERR_FILE, pdfium_c.FPDF_ERR_FORMAT):
        return "the PDF is damaged or truncated"
    if code == pdfium_c.FPDF_ERR_PAGE:
        return "the PDF's pages cannot be read (page not found or content error)"
    return f"the PDF cannot be opened (pdfium error {code})"


class _LazyTables:
    """Opens the PDF with pdfplumber only when a page may hold a table."""

    def __init__(self, data: bytes):
        self.data = data
        self.reader = None

    def of_page(self, index: int) -> list[Table]:
        if self.reader is None:
            self.reader = open_tables_reader(self.data)
        return page_tables(self.reader, index)

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
