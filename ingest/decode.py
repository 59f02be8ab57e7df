"""Bytes to Unicode text without silently replacing characters.

Order: a BOM, UTF-8, the declared charset, then the single-byte legacy fonts
(TCVN3, VNI: bytes read as windows-1252 and converted, see ingest/legacy.py) and
windows-1258. Text in a legacy font that was already turned into Unicode
characters ("B¶o Th¾ng" saved as UTF-8) is converted as well."""
from __future__ import annotations

import codecs
import unicodedata

from ingest.document import ParseError
from ingest.legacy import fix_legacy

# windows-1258 writes Vietnamese with combining tone marks; NFC composes them.
FALLBACK_ENCODINGS = ("cp1258",)
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_text(data: bytes, declared: str | None = None) -> str:
    return decode_with_encoding(data, declared)[0]


def decode_with_encoding(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, what it was written in: "utf-8", "cp1258", "TCVN3", "VNI", ...)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _finish(data.decode(encoding), encoding)
    for encoding in dict.fromkeys(c.lower() for c in ["utf-8"] + ([declared] if declared else [])):
        try:
            return _finish(data.decode(encoding), encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    legacy = _legacy_font_text(data)
    if legacy is not None:
        return legacy
    for encoding in FALLBACK_ENCODINGS:
        try:
            return _finish(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError("text is in no known encoding (tried utf-8, TCVN3, VNI, windows-1258)")


def _legacy_font_text(data: bytes) -> tuple[str, str] | None:
    """TCVN3 and VNI files are bytes of a font's private layout; Windows editors saved
    them as windows-1252 (latin-1 for the five bytes it leaves undefined)."""
    try:
        raw = data.decode("cp1252")
    except UnicodeDecodeError:
        raw = data.decode("latin-1")
    fixed, legacy = fix_legacy(_newlines(raw))
    return (unicodedata.normalize("NFC", fixed), legacy) if legacy else None


def _finish(text: str, encoding: str) -> tuple[str, str]:
    fixed, legacy = fix_legacy(_newlines(text))
    return unicodedata.normalize("NFC", fixed), legacy or encoding


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
