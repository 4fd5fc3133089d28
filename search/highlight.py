"""Highlights: HTML-safe snippets of an article with the matched words wrapped in ``<mark>``.

The article's own text is always escaped; ``<mark>`` is the only markup added. Words are
matched the way the index matched them (same tokenizer, same stemming), so a search for
"strikes" marks "strike", and a variant expansion (Kharkov -> Kharkiv) marks the spelling
the article actually uses. Only the shown page is highlighted.
"""

from __future__ import annotations

import re
from html import escape

from whoosh import query as wq

from .query import TEXT_FIELDS, expansion
from .settings import SETTINGS

SNIPPET_CHARS = 240       # length of the lead snippet when there is no query
CONTEXT_CHARS = 80        # characters of context on each side of a match
MAX_FRAGMENTS = 3


def positive_leaves(q) -> list:
    """The leaves of ``q`` in the title, text or name-spelling fields that a matching article
    may hold (those under a NOT left out): the words a highlight marks, and the terms an
    OpenSearch highlight is asked to mark (``opensearch/body.py``)."""
    leaves: list = []

    def walk(node):
        if isinstance(node, wq.Not):
            return
        if isinstance(node, (wq.AndNot, wq.AndMaybe)):
            walk(node.a)
            if isinstance(node, wq.AndMaybe):
                walk(node.b)
            return
        if isinstance(node, wq.CompoundQuery):
            for sub in node.subqueries:
                walk(sub)
            return
        if getattr(node, "fieldname", None) in TEXT_FIELDS:
            leaves.append(node)

    if q is not None:
        walk(q)
    return leaves


def query_words(q, columns, budget=None) -> set[str]:
    """The indexed words (stemmed) that the positive parts of ``q`` search the text for
    (a wildcard or fuzzy term's within the request's time ``budget``)."""
    words: set[str] = set()
    for node in positive_leaves(q):
        if isinstance(node, wq.Term):
            words.add(node.text if isinstance(node.text, str) else node.text.decode("utf-8"))
        elif isinstance(node, wq.Phrase):
            words.update(node.words)
        elif isinstance(node, wq.MultiTerm):
            words.update(expansion(node, columns, budget)[:SETTINGS.max_expanded])
    return words


_STEMS: dict[str, tuple] = {}   # lowercased token -> its indexed forms, shared by all queries
_MAX_CACHED = 500_000


class Highlighter:
    """Marks the words of one query in titles and texts, using the index's analyzer."""

    def __init__(self, schema, words: set[str]):
        self._analyzer = schema["text"].analyzer
        self.words = words
        # Candidates: tokens starting like one of the query's words (a stem keeps all but
        # perhaps the last of its word's letters: "citi" <- "city", "hope" <- "hoping"); each
        # candidate is then checked by analysing it the way the index did.
        # The candidates are searched for in the lowercased text without ``\b`` (which keeps
        # Python's regex from skipping ahead to a likely start: several times slower), and a
        # found one that starts inside a word is passed over.
        prefixes = {w[:max(3, len(w) - 1)].lower() for w in words if w}
        self._pattern = r"%s\w*(?:\.?\w+)*" % _trie(prefixes)
        self._candidates = re.compile(self._pattern) if prefixes else None

    def _matches(self, token: str) -> bool:
        key = token.lower()
        forms = _STEMS.get(key)
        if forms is None:
            if len(_STEMS) > _MAX_CACHED:
                _STEMS.clear()
            forms = _STEMS[key] = tuple(t.text for t in self._analyzer(token, mode="query"))
        return any(f in self.words for f in forms)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the words in ``text`` that the query matched."""
        if self._candidates is None or not text:
            return []
        lowered = text.lower()
        candidates = self._candidates
        if len(lowered) != len(text):   # rare (a dotted capital I): the text as it is, any case
            lowered, candidates = text, re.compile(self._pattern, re.IGNORECASE)
        spans, pos = [], 0
        while (found := candidates.search(lowered, pos)) is not None:
            a, b = found.span()
            if a and _word_char(text[a - 1]):     # inside a word: look again one letter on
                pos = a + 1
                continue
            if self._matches(text[a:b]):
                spans.append((a, b))
            pos = b
        return spans

    @staticmethod
    def mark(text: str, spans, start: int = 0, end: int | None = None) -> str:
        """``text[start:end]`` escaped, with ``spans`` wrapped in ``<mark>``."""
        end = len(text) if end is None else end
        out, pos = [], start
        for a, b in spans:
            if a < start or b > end:
                continue
            out.append(escape(text[pos:a]))
            out.append(f"<mark>{escape(text[a:b])}</mark>")
            pos = b
        out.append(escape(text[pos:end]))
        return "".join(out)

    def title(self, title: str) -> str:
        """The whole title, escaped and marked."""
        return self.mark(title or "", self.spans(title or ""))

    def full(self, text: str) -> str:
        """The whole text, escaped and marked (the article page)."""
        return self.mark(text, self.spans(text))

    def fragments(self, text: str) -> list[str]:
        """A few escaped fragments around the matched words; with none, the start of the text."""
        spans = self.spans(text)
        if not spans:
            return [self._lead(text)] if text else []
        windows = []   # [start, end, spans inside]
        for a, b in spans:
            start, end = max(0, a - CONTEXT_CHARS), min(len(text), b + CONTEXT_CHARS)
            if windows and start <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], end)
                windows[-1][2].append((a, b))
            else:
                windows.append([start, end, [(a, b)]])
        best = sorted(windows, key=lambda w: (-len({text[a:b].lower() for a, b in w[2]}),
                                              -len(w[2]), w[0]))[:MAX_FRAGMENTS]
        out = []
        for start, end, inside in sorted(best, key=lambda w: w[0]):
            start, end = _snap(text, start, end)
            out.append(("…" if start > 0 else "") + self.mark(text, inside, start, end)
                       + ("…" if end < len(text) else ""))
        return out

    @staticmethod
    def _lead(text: str) -> str:
        start, end = _snap(text, 0, min(len(text), SNIPPET_CHARS))
        return escape(text[:end].strip()) + ("…" if end < len(text) else "")


def _trie(prefixes: set[str]) -> str:
    """A regular expression for any of ``prefixes`` (followed by anything): the prefixes in
    a trie ("gover", "grove" -> ``g(?:over|rove)``), so that at each position of a text a
    few letters are compared, not every prefix of a fuzzy word's hundred expansions."""
    shortest = {p for p in prefixes if not any(p.startswith(q) for q in prefixes if q != p)}
    if shortest == {""}:
        return ""
    parts = []
    for first in sorted({p[0] for p in shortest}):
        rest = {p[1:] for p in shortest if p[0] == first}
        parts.append(re.escape(first) + _trie(rest))
    return parts[0] if len(parts) == 1 else "(?:%s)" % "|".join(parts)


def _word_char(char: str) -> bool:
    """Whether ``char`` is one of the characters regular expressions call ``\\w``."""
    return char.isalnum() or char == "_"


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen/narrow a window so it does not cut words in half."""
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    if end < len(text):
        space = text.rfind(" ", end - 20, end)
        end = space if space > start else end
    return start, end
