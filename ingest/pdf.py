"""PDF text with pypdfium2 (fast, reading order good enough for directives).

Encrypted files with an empty password open; other encrypted, truncated or
corrupt files raise ParseError. A PDF with no text layer is reported as a scan."""
from __future__ import annotations

import re

from ingest.document import ParseError

CID_GARBAGE = re.compile(r"\(cid:\d+\)")


def parse_pdf(data: bytes) -> str:
    import pypdfium2 as pdfium  # native library: loaded on first use

    if not data.startswith(b"%PDF"):
        raise ParseError("not a PDF file (no %PDF header)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ParseError(_pdfium_reason(exc)) from exc
    try:
        pages = [_page_text(pdf[i]) for i in range(len(pdf))]
    finally:
        pdf.close()
    text = "\n\n".join(p for p in pages if p.strip())
    if not text.strip() or len(CID_GARBAGE.findall(text)) > 10:
        raise ParseError("the PDF has no text layer (a scanned document); OCR is needed to read it")
    return text


def _page_text(page) -> str:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_bounded()
    finally:
        textpage.close()
        page.close()
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _pdfium_reason(exc: Exception) -> str:
    message = str(exc).lower()
    if "password" in message:
        return "the PDF is encrypted with a password"
    if "format" in message or "file" in message:
        return "the PDF is damaged or truncated"
    return f"the PDF cannot be opened ({exc})"
