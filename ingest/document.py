"""The record every parser produces."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass


class ParseError(ValueError):
    """Raised when a file cannot be read as a document; the message says why."""


@dataclass
class Document:
    source: str
    text: str
    media_type: str
    content_hash: str
    title: str | None = None
    published: str | None = None
    kind: str | None = None
    author: str | None = None
    # Directive header read by layout (issuer, number, place, date, type, subject,
    # recipients, signer_title, signer_name); only for PDFs that open like a directive.
    header: dict[str, str] | None = None
    ocr_pages: list[int] | None = None  # 1-based pages whose text came from OCR
    legacy_encoding: str | None = None  # "TCVN3" or "VNI" when the text was converted
    warnings: list[str] | None = None  # what reading had to repair ("3 bytes that are not UTF-8 …")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
