"""Positioned text runs of a page, grouped into lines, for column-aware reading.

pdfium already groups characters into runs ("rects"): a run never spans the gap
between the two columns of a directive's header, so runs keep issuer and
national motto apart where the plain text interleaves them. Coordinates are PDF
points measured from the top of the page."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


def page_segments(page, textpage, top_share: float = 1.0, limit: int = 4000) -> list[Segment]:
    """The text runs of a pypdfium2 page in its top `top_share` (a header needs the
    top half only), at most `limit` of them: a bomb page must not cost much."""
    height = page.get_height()
    segments = []
    for index in range(min(textpage.count_rects(), limit)):
        left, bottom, right, top = textpage.get_rect(index)
        if height - top > top_share * height:
            continue
        text = " ".join(textpage.get_text_bounded(left, bottom, right, top).split())
        if text:
            segments.append(Segment(left, height - top, right, height - bottom, text))
    return segments


def words_to_segments(words: list[tuple[str, float, float, float, float]]) -> list[Segment]:
    """Join OCR words (text, x0, top, x1, bottom) into runs: words on one line
    closer than about two letter heights belong to the same run."""
    segments: list[Segment] = []
    for line in group_lines([Segment(x0, top, x1, bottom, text) for text, x0, top, x1, bottom in words]):
        run = line[0]
        for word in line[1:]:
            gap = word.x0 - run.x1
            if gap < 2 * (word.bottom - word.top):
                run = Segment(run.x0, min(run.top, word.top), word.x1, max(run.bottom, word.bottom),
                              f"{run.text} {word.text}")
            else:
                segments.append(run)
                run = word
        segments.append(run)
    return segments


def group_lines(segments: list[Segment]) -> list[list[Segment]]:
    """Segments that share a baseline band, each line sorted left to right."""
    lines: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: (s.top, s.x0)):
        middle = (segment.top + segment.bottom) / 2
        current = lines[-1] if lines else None
        if current and min(s.top for s in current) <= middle <= max(s.bottom for s in current):
            current.append(segment)
        else:
            lines.append([segment])
    return [sorted(line, key=lambda s: s.x0) for line in lines]


def line_text(line: list[Segment]) -> str:
    return " ".join(segment.text for segment in line)
