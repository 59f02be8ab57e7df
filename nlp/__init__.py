"""Vietnamese NLP for policekb: a pure extract(document) -> Extraction."""
from nlp.extraction import EXTRACTOR_VERSION, Extraction, extract

__all__ = ["EXTRACTOR_VERSION", "Extraction", "extract"]
