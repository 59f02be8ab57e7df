"""Paragraphs, sentences and statements with character offsets.

Sentence splitting uses underthesea, imported on first use. Offsets always
refer to the document text, so facts can be highlighted in place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial

from nlp.scan import finditer_where


@dataclass(frozen=True, init=False)
class Span:
    start: int
    end: int
    text: str

    def __init__(self, start: int, end: int, text: str) -> None:
        # The generated __init__ of a frozen dataclass sets each field through object.__setattr__; this
        # fills the same instance dictionary directly (a document makes a hundred spans or more).
        fields = self.__dict__
        fields["start"] = start
        fields["end"] = end
        fields["text"] = text


@lru_cache(maxsize=1)
def _sent_tokenize():
    from underthesea import sent_tokenize  # heavy: loaded on first use only

    abbreviations = _punkt_abbreviations()
    return sent_tokenize if abbreviations is None else partial(_punkt_sentences, abbreviations=abbreviations)


def _punkt_abbreviations() -> frozenset[str] | None:
    """The abbreviations of underthesea's own Punkt-style splitter (9.x), or None for another one."""
    try:
        from underthesea.pipeline import sent_tokenize as module
        module._load_model()
        tokenizer = module.sentence_tokenizer
    except (ImportError, AttributeError):
        return None
    if type(tokenizer) is not getattr(module, "PunktSentenceTokenizer", None):
        return None
    return frozenset(tokenizer.abbrev_types)


_SENTENCE_MARK = re.compile(r"[.?!]")


def _punkt_sentences(text: str, abbreviations: frozenset[str]) -> list[str]:
    """underthesea's PunktSentenceTokenizer.sentences_from_text (9.x), rule for rule, but jumping from one
    sentence mark to the next instead of stepping through every character in Python (tests compare both)."""
    if not text or not text.strip():
        return []
    sentences, start, i, n = [], 0, 0, len(text)
    while (mark := _SENTENCE_MARK.search(text, i)) is not None:
        i = mark.start()
        if text[i] == "." and text.startswith("...", i):  # an ellipsis ends a sentence before upper case
            dot_end = i
            while dot_end < n and text[dot_end] == ".":
                dot_end += 1
            after = dot_end
            while after < n and text[after] in " \t":
                after += 1
            if after >= n or text[after].isupper():
                sentence = text[start:dot_end].strip()
                if sentence:
                    sentences.append(sentence)
                while dot_end < n and text[dot_end] in " \t\n\r":
                    dot_end += 1
                start = dot_end
            i = dot_end
            continue
        if text[i] == "." and (_inside_number(text, i) or _after_abbreviation(text, i, abbreviations)):
            i += 1
            continue
        end = i + 1
        while end < n and text[end] in ".?!":
            end += 1
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        while end < n and text[end] in " \t\n\r":
            end += 1
        start = i = end
    final = text[start:].strip()
    if final:
        sentences.append(final)
    return sentences


def _inside_number(text: str, pos: int) -> bool:
    """ "1.500.000", "15.12.2025": a period between digits."""
    return pos > 0 and text[pos - 1].isdigit() and pos + 1 < len(text) and text[pos + 1].isdigit()


def _after_abbreviation(text: str, pos: int, abbreviations: frozenset[str]) -> bool:
    begin = pos - 1
    while begin >= 0 and (text[begin].isalnum() or text[begin] == "."):
        begin -= 1
    word = text[begin + 1:pos]
    return bool(word) and word.lower() in abbreviations


# A line break inside a paragraph (PDF text is hard-wrapped): the line does not end a
# sentence and the next one goes on in lower case or with a quoted name.
_WRAPPED = re.compile(r"(?<![.!?:;…\]])[ \t]*\n[ \t]*(?=[a-zđà-ỹ“\"«‘]|\d+(?![\d.,]*[.)]\s)[\d.,]*\s)")
_LINE_BREAK = re.compile(r"[ \t]*\n")  # where a _WRAPPED can start


def _wrapped_breaks(text: str):
    """_WRAPPED.finditer(text), tried only where _LINE_BREAK can start, as nlp.scan.finditer_where(_WRAPPED,
    text, _LINE_BREAK) tries it: at each blank or tab before a line break (leftmost first) and at the break
    itself. The breaks are found with str.find, far faster than a regular expression's scan."""
    pos = 0
    while (newline := text.find("\n", pos)) >= 0:
        start = newline  # the leftmost position from pos on where [ \t]*\n matches
        while start > pos and text[start - 1] in " \t":
            start -= 1
        m = _WRAPPED.match(text, start)
        if m:
            yield m
            pos = m.end()
        else:
            pos = start + 1


def _join_wrapped_lines(text: str) -> str:
    """The text with each wrapped line break blanked out (offsets unchanged)."""
    pieces, last = [], 0
    for m in _wrapped_breaks(text):
        pieces += [text[last:m.start()], " " * (len(m.group()) - 1), "\x00"]
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)


def paragraphs(text: str) -> list[Span]:
    joined = _join_wrapped_lines(text)
    spans = []
    for m in re.finditer(r"[^\n]*\S[^\n]*", joined):
        spans.append(Span(m.start(), m.end(), text[m.start():m.end()]))
    return spans


def _locate(piece: str, paragraph: Span, cursor: int) -> tuple[int, int] | None:
    found = paragraph.text.find(piece, cursor)
    if found >= 0:
        return found, found + len(piece)
    # The tokenizer may have changed white space: match its words loosely.
    words = piece.split()
    if not words:
        return None
    loose = re.compile(r"\s+".join(re.escape(w) for w in words))
    m = loose.search(paragraph.text, cursor)
    return (m.start(), m.end()) if m else None


def split_sentences(paragraph: Span) -> list[Span]:
    """Sentences of one paragraph; a piece the tokenizer loses stays with its neighbour."""
    pieces = _sent_tokenize()(paragraph.text) if len(paragraph.text) > 40 else [paragraph.text]
    spans, cursor = [], 0
    for piece in pieces:
        where = _locate(piece.strip(), paragraph, cursor)
        if where is None:
            continue
        start, end = where
        spans.append(Span(paragraph.start + start, paragraph.start + end, piece.strip()))
        cursor = end
    if not spans:
        spans = [paragraph]
    return _extend_to_cover(spans, paragraph)


def _extend_to_cover(spans: list[Span], paragraph: Span) -> list[Span]:
    """Make the sentences tile the paragraph so no character is left out."""
    text = paragraph.text
    tiled = []
    for i, span in enumerate(spans):
        start = paragraph.start if i == 0 else span.start
        end = spans[i + 1].start if i + 1 < len(spans) else paragraph.end
        piece = text[start - paragraph.start:end - paragraph.start]
        stripped = piece.rstrip()
        tiled.append(Span(start, start + len(stripped), stripped))
    return tiled


def sentences(text: str) -> list[Span]:
    return [s for p in paragraphs(text) for s in split_sentences(p)]


def statements(sentence: Span) -> list[Span]:
    """Clauses of a sentence split at semicolons: the unit a count belongs to."""
    text = sentence.text
    if ";" not in text:  # most sentences: one statement, the sentence stripped
        piece = text.strip()
        lead = sentence.start + len(text) - len(text.lstrip())
        return [Span(lead, lead + len(piece), piece)] if piece else []
    parts, start = [], 0
    for m in re.finditer(r";", sentence.text):
        parts.append((start, m.start()))
        start = m.end()
    parts.append((start, len(sentence.text)))
    spans = []
    for a, b in parts:
        piece = sentence.text[a:b]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if piece:
            spans.append(Span(sentence.start + a + lead, sentence.start + a + lead + len(piece), piece))
    return spans
