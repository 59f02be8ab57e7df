"""Turn sources into Document records: reading files, decoding text, parsing HTML and PDF."""
from ingest.document import Document, ParseError
from ingest.readers import read_bytes, read_path, SUPPORTED_SUFFIXES

__all__ = ["Document", "ParseError", "read_bytes", "read_path", "SUPPORTED_SUFFIXES"]
