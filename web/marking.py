"""The article page's text: paragraphs whose names link to searches and whose query words are marked.

The engine gives the article's clean text, its mentions (places, people and
organisations with character offsets) and, when the page is reached from a
search, the text with the query's words marked (whose offsets ``marked_spans``
recovers). This module cuts the text at those
offsets into plain pieces; the template escapes each piece and wraps it in a
link or ``<mark>``, so no corpus text ever reaches the page unescaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from newsfacet.search.facet_registry import BY_MENTION

from .urls import search_url

#: Mention type -> the search parameter that filters on it.
MENTION_PARAMS = {kind: facet.name for kind, facet in BY_MENTION.items()}
_BREAK = re.compile(r"[ \t]*\n\s*")
_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def marked_spans(marked_html: str) -> list[tuple[int, int]]:
    """The character spans of the original text that ``<mark>`` wraps in the engine's highlight.

    The engine's full-text highlight is the text escaped with ``<mark>`` added;
    unescaping the pieces between the marks gives back the original offsets.
    """
    spans, pos, last = [], 0, 0
    for m in _MARK.finditer(marked_html or ""):
        pos += len(unescape(marked_html[last:m.start()]))
        word = len(unescape(m.group(1)))
        spans.append((pos, pos + word))
        pos += word
        last = m.end()
    return spans


@dataclass
class Piece:
    """A stretch of text, marked when it is one of the query's words."""

    text: str
    mark: bool = False


@dataclass
class Run:
    """Consecutive pieces, linked to a search when they are a mention."""

    pieces: list = field(default_factory=list)
    mention: dict | None = None
    href: str | None = None


def _valid_spans(spans, length: int) -> list[tuple[int, int]]:
    return [(s, e) for s, e in spans if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= length]


def _outermost(mentions: list[dict], length: int) -> list[dict]:
    """Mentions inside the text, the longest first where they overlap."""
    kept, end = [], 0
    for m in sorted(mentions, key=lambda m: (m.get("start", -1), -m.get("end", -1))):
        if m.get("field", "text") != "text" or m.get("type") not in MENTION_PARAMS or not _valid_spans([(m.get("start"), m.get("end"))], length):
            continue
        if m["start"] >= end:
            kept.append(m)
            end = m["end"]
    return kept


def mark_text(text: str, mentions: list[dict], marks: list[tuple[int, int]]) -> list[list[Run]]:
    """The text as paragraphs of runs: mentions become links, ``marks`` are marked.

    Offsets out of range are ignored rather than trusted; a line break starts a
    new paragraph.
    """
    mentions = _outermost(mentions or [], len(text))
    marks = _valid_spans(marks or [], len(text))
    cuts = {0, len(text)}
    for m in mentions:
        cuts.update((m["start"], m["end"]))
    for s, e in marks:
        cuts.update((s, e))
    cuts = sorted(cuts)

    paragraphs: list[list[Run]] = [[]]
    m_index = 0
    for start, end in zip(cuts, cuts[1:]):
        while m_index < len(mentions) and mentions[m_index]["end"] <= start:
            m_index += 1
        mention = mentions[m_index] if m_index < len(mentions) and mentions[m_index]["start"] <= start else None
        marked = any(s <= start and end <= e for s, e in marks)
        for n, part in enumerate(_BREAK.split(text[start:end])):
            if n:
                paragraphs.append([])
            if not part:
                continue
            runs = paragraphs[-1]
            if not runs or runs[-1].mention is not mention:
                href = search_url(**{MENTION_PARAMS[mention["type"]]: mention["name"]}) if mention else None
                runs.append(Run(mention=mention, href=href))
            runs[-1].pieces.append(Piece(part, marked))
    return [p for p in paragraphs if p]
