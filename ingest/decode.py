"""Bytes to Unicode text without silently replacing characters."""
from __future__ import annotations

import codecs
import unicodedata

from ingest.document import ParseError

# windows-1258 writes Vietnamese with combining tone marks; NFC composes them.
FALLBACK_ENCODINGS = ("cp1258",)


def decode_text(data: bytes, declared: str | None = None) -> str:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _nfc(data.decode(encoding))
    candidates = ["utf-8"] + ([declared] if declared else []) + list(FALLBACK_ENCODINGS)
    for encoding in dict.fromkeys(c.lower() for c in candidates):
        try:
            return _nfc(data.decode(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    raise ParseError("text is in no known encoding (tried utf-8, windows-1258)")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
