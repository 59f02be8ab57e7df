"""spaCy as the interface for researchers: the "policekb" pipeline component.

    from nlp.spacy_pipeline import spacy_pipeline
    nlp = spacy_pipeline()          # spacy.blank("vi") with the policekb tokenizer, + "policekb"
    doc = nlp("Mô hình “Camera an ninh” được xây dựng tại 32 điểm trên địa bàn huyện Cam Lộ.")
    for span in doc.spans["counts"]:
        print(span.text, span.label_, span._.model, span._.value, span._.unit)

The component runs the pure ``nlp.extract`` on ``doc.text`` and maps each fact's character
offsets to spans (``doc.char_span(start, end, alignment_mode="expand")``) in four span groups:

    doc.spans["models"]    MODEL        one span per mention of a named model
    doc.spans["places"]    PLACE        one span per mention of a place (the name, no level word)
    doc.spans["doc_refs"]  DOC_REF      one span per reference to a document
    doc.spans["counts"]    MODEL_COUNT  a count of a named model (carries its model)
                           COUNT        any other figure

``span._.policekb`` is the fact's dict as ``extract`` returns it; its fields can also be read one
by one (``span._.value``, ``span._.unit``, ``span._.model``, ``span._.status``, ``span._.as_of``,
``span._.number``, ``span._.type``, ``span._.level``, ``span._.province``...).
``doc._.policekb`` holds the document-level fields (kind, title, published, number, issuer,
extractor_version).

Nothing else in policekb imports this module, so ``import nlp`` does not import spaCy. Importing
this module imports spaCy and registers the factory "policekb" and the tokenizer
"policekb.Tokenizer.v1"; the extensions are registered when a component is created.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span, SpanGroup

from nlp.extraction import extract
from nlp.spacy_render import LABELS, SPAN_KEYS, labelled_facts, tokenize

__all__ = ["COMPONENT", "LABELS", "SPAN_KEYS", "TOKENIZER", "PolicekbComponent", "PolicekbTokenizer",
           "annotate", "register_extensions", "spacy_pipeline", "to_docbin"]

COMPONENT = "policekb"
TOKENIZER = "policekb.Tokenizer.v1"
# Record fields kept in doc.user_data by to_docbin(); extract() reads source, title, kind, published.
META_FIELDS = ("id", "source", "title", "kind", "published", "number", "issuer", "url")
DOC_FIELDS = ("kind", "title", "published", "number", "issuer", "extractor_version")
# Fact fields readable as span._.<name> (getters over span._.policekb).
FACT_FIELDS = ("value", "unit", "model", "place", "status", "as_of", "number", "type", "date", "issuer",
               "own", "name", "canonical", "aliases", "level", "province", "district", "lat", "lon")


# --- tokenizer -----------------------------------------------------------------------------------
class PolicekbTokenizer:
    """Syllable tokenizer (nlp.spacy_render.tokenize): whitespace and punctuation split tokens.

    Needs no download (spaCy's own "vi" tokenizer wants pyvi), keeps doc.text equal to the input,
    and puts a token boundary wherever extract() puts the edge of a fact.
    """

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = tokenize(text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # No settings, so nothing to serialize; these let nlp.to_disk()/from_disk() work.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "PolicekbTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> "PolicekbTokenizer":
        return self


@spacy.registry.tokenizers(TOKENIZER)
def make_tokenizer():
    def create(nlp: Language) -> PolicekbTokenizer:
        return PolicekbTokenizer(nlp.vocab)
    return create


# --- extensions ----------------------------------------------------------------------------------
def _field_getter(name: str):
    def get(span: Span):
        fact = span._.policekb
        return fact.get(name) if isinstance(fact, Mapping) else None
    return get


def register_extensions() -> None:
    """Span._.policekb (the fact), Doc._.policekb (document fields) and the per-field span getters.

    Called when a component is created and by to_docbin(); safe to call again. A field getter is
    not registered where an extension of that name already exists (span._.policekb still has it).
    """
    Span.set_extension("policekb", default=None, force=True)
    Doc.set_extension("policekb", default=None, force=True)
    for name in FACT_FIELDS:
        if not Span.has_extension(name):
            Span.set_extension(name, getter=_field_getter(name))


# --- the component -------------------------------------------------------------------------------
@dataclass
class _Document:
    """What extract() reads of a document: its text, and metadata found in doc.user_data."""
    source: str
    text: str
    title: str | None = None
    kind: str | None = None
    published: str | None = None


def annotate(doc: Doc, extraction: Any) -> Doc:
    """Fill doc.spans and the extensions from an extraction of doc.text; extract() is not run.

    ``extraction`` is an Extraction or its as_dict(), or Store.facts(id) of a stored document
    whose text is doc.text (nlp.spacy_render.labelled_facts reads both). Offsets are widened
    to whole tokens; facts without offsets or outside the text are skipped. Each group's spans are
    in text order. spaCy keeps span extension values by character offsets, so two facts on exactly
    the same characters share one span._.policekb (the one listed last).
    """
    register_extensions()
    ex = extraction.as_dict() if hasattr(extraction, "as_dict") else dict(extraction)
    groups: dict[str, list[tuple[Span, dict]]] = {key: [] for key in SPAN_KEYS}
    length = len(doc.text)
    for key, label, start, end, fact in labelled_facts(ex):
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= length:
            continue
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None and len(span):
            groups[key].append((span, fact))
    for key, pairs in groups.items():
        pairs.sort(key=lambda pair: (pair[0].start, pair[0].end))
        doc.spans[key] = SpanGroup(doc, name=key, spans=[span for span, _ in pairs])
        for span, fact in pairs:
            span._.policekb = dict(fact)
    doc._.policekb = {name: ex.get(name) for name in DOC_FIELDS}
    return doc


class PolicekbComponent:
    """The "policekb" pipe: extract(doc.text) → doc.spans and extensions (see the module docstring).

    doc.user_data's "source", "title", "kind" and "published", when set, are passed to extract()
    as the document's own fields, as the importer passes them.
    """

    def __init__(self, nlp: Language, name: str = COMPONENT):
        self.name = name
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        meta = doc.user_data
        document = _Document(source=str(meta.get("source") or ""), text=doc.text, title=meta.get("title"),
                             kind=meta.get("kind"), published=meta.get("published"))
        return annotate(doc, extract(document))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32):
        for doc in docs:
            yield self(doc)


@Language.factory(COMPONENT, assigns=["doc.spans"])
def make_policekb(nlp: Language, name: str) -> PolicekbComponent:
    return PolicekbComponent(nlp, name)


def spacy_pipeline(lang: str = "vi") -> Language:
    """spacy.blank(lang) with the policekb tokenizer and the "policekb" component; no downloads."""
    nlp = spacy.blank(lang, config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.add_pipe(COMPONENT)
    return nlp


# --- corpora -------------------------------------------------------------------------------------
def to_docbin(records: Iterable[str | Mapping], nlp: Language | None = None) -> DocBin:
    """A DocBin of annotated documents (for annotation and training tools).

    Each record is a text, or a mapping with "text" (a Store.documents() row works as is): its
    id, source, title, kind, published, number, issuer and url go to doc.user_data, and the
    pipeline (default spacy_pipeline(); a "policekb" pipe is added if missing) annotates it.
    A mapping with an "extraction" (an Extraction or its dict, or the document's Store.facts(id);
    offsets into "text") is annotated with that instead of being extracted again. The DocBin keeps spans, labels, user_data and the
    extension values; read it back with ``DocBin().from_bytes(data).get_docs(nlp.vocab)`` (or
    DocBin().from_disk(path)) once this module is imported and register_extensions() has run
    (creating a pipeline does it).
    """
    nlp = nlp or spacy_pipeline()
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT)
    register_extensions()
    out = DocBin(store_user_data=True)
    for record in records:
        if isinstance(record, str):
            record = {"text": record}
        doc = nlp.make_doc(record.get("text") or "")
        for name in META_FIELDS:
            if record.get(name) is not None:
                doc.user_data[name] = record[name]
        given = record.get("extraction")
        if given is None:
            doc = nlp(doc)
        else:
            for _, proc in nlp.pipeline:
                if not isinstance(proc, PolicekbComponent):
                    doc = proc(doc)
            doc = annotate(doc, given)
        out.add(doc)
    return out
