"""The words of one text field in one index generation, sorted, for cheap term expansion.

Prefix, wildcard, range and fuzzy terms stand for the index words they match. Whoosh finds
those by walking the term list in Python once per field and per use (a fuzzy term computes an
edit distance against every word sharing its first letter, three times per request). Here the
words are read once per generation, straight from each segment's term file
(``whoosh_internals.segment_words``: Whoosh's merged term iterator took half a second for
80,000 words, on the first fuzzy search of every generation), or, for the text fields, from
the file ``newsfacet index`` wrote when it committed the generation (``PackedWords``: reading
the segments took 0.8-1.6 s at a million articles); a prefix is a bisection, a
wildcard a regular expression over the words of its prefix, and a fuzzy term one call of
rapidfuzz's edit distance in C over the words of its prefix. Each expansion is remembered for
the generation. An expansion not yet remembered is computed only while the request's time
budget lasts (``TimeUp`` otherwise).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .budget import TimeUp
from .whoosh_internals import segment_words

_LAST_CHAR = "\U0010ffff"
_MEMO_SIZE = 10_000   # expansions remembered per field and generation


class Lexicon:
    """The sorted words of one field, and what a prefix, pattern, range or fuzzy term matches."""

    def __init__(self, words: Sequence[str]):
        """``words``: the field's words, sorted (``field_words`` or ``PackedWords``)."""
        self.words = words
        self._memo: dict = {}
        self._lock = threading.Lock()

    def _remember(self, key, compute, budget=None) -> list[str]:
        with self._lock:
            found = self._memo.get(key)
        if found is None:
            if budget is not None and not budget.left():
                raise TimeUp()
            found = compute()
            with self._lock:
                if len(self._memo) >= _MEMO_SIZE:
                    self._memo.clear()
                self._memo[key] = found
        return found

    def _span(self, prefix: str) -> tuple[int, int]:
        return bisect_left(self.words, prefix), bisect_left(self.words, prefix + _LAST_CHAR)

    def prefixed(self, prefix: str, limit: int) -> list[str]:
        """The first ``limit`` words starting with ``prefix``."""
        start, stop = self._span(prefix)
        return self.words[start:min(stop, start + limit)]

    def matching(self, prefix: str, pattern: str, limit: int, budget=None) -> list[str]:
        """Up to ``limit`` words starting with ``prefix`` that match the whole regular
        expression ``pattern`` (``TimeUp`` when not remembered and ``budget`` is spent)."""
        def compute():
            start, stop = self._span(prefix)
            full = re.compile(pattern, re.DOTALL).fullmatch
            found = []
            for word in self.words[start:stop]:
                if full(word):
                    found.append(word)
                    if len(found) >= limit:
                        break
            return found
        return self._remember(("pattern", prefix, pattern, limit), compute, budget)

    def between(self, start: str | None, end: str | None, start_excl: bool, end_excl: bool,
                limit: int) -> list[str]:
        """Up to ``limit`` words in a range (None: open at that end)."""
        lo = 0 if start is None else (bisect_right if start_excl else bisect_left)(self.words, start)
        hi = (len(self.words) if end is None
              else (bisect_left if end_excl else bisect_right)(self.words, end))
        return self.words[lo:min(hi, lo + limit)] if hi > lo else []

    def within(self, text: str, maxdist: int, prefix_chars: int,
               limit: int, budget=None) -> list[tuple[str, int]]:
        """Up to ``limit`` (word, distance) pairs: the words within ``maxdist`` edits
        (insertions, deletions, substitutions and swaps of neighbours, as Whoosh counts them)
        of ``text`` that share its first ``prefix_chars`` characters, closest first
        (``TimeUp`` when not remembered and ``budget`` is spent)."""
        def compute():
            start, stop = self._span(text[:prefix_chars])
            found = process.extract(text, self.words[start:stop], scorer=OSA.distance,
                                    score_cutoff=maxdist, limit=None)
            found.sort(key=lambda item: (item[1], item[0]))
            return [(word, int(distance)) for word, distance, _ in found[:limit]]
        return self._remember(("fuzzy", text, maxdist, prefix_chars, limit), compute, budget)

    def __contains__(self, word: str) -> bool:
        i = bisect_left(self.words, word)
        return i < len(self.words) and self.words[i] == word


def field_words(reader, fieldname: str) -> list[str]:
    """Every indexed word of a field, sorted: each segment's term file read in one pass, or
    Whoosh's merged term list where a segment is stored otherwise."""
    parts = []
    for leaf, _ in reader.leaf_readers():
        words = segment_words(leaf, fieldname)
        if words is None:
            return [b.decode("utf-8") for b in reader.lexicon(fieldname)]
        parts.append(words)
    merged = parts[0] if len(parts) == 1 else sorted(set().union(*parts))
    return [b.decode("utf-8") for b in merged]


_SEPARATOR = ord("\n")   # no word of a text field holds one: its tokenizer splits there


def pack_words(words: list[str]) -> np.ndarray:
    """Sorted words as the bytes ``PackedWords`` reads: each word in UTF-8, then a newline."""
    return np.frombuffer("".join(w + "\n" for w in words).encode("utf-8"), dtype=np.uint8)


def is_packed(packed: np.ndarray) -> bool:
    """Whether ``packed`` is whole as ``pack_words`` made it (a cut one has no last newline)."""
    return not len(packed) or packed[-1] == _SEPARATOR


class PackedWords(Sequence):
    """A field's sorted words as written at commit (``pack_words``), mapped from the file:
    a word is decoded only when a bisection looks at it or a slice holds it, so the field's
    words never become a list of Python strings (some 60 bytes a word, per generation)."""

    def __init__(self, packed: np.ndarray):
        self._packed = packed
        self._starts = np.concatenate(([0], np.flatnonzero(packed == _SEPARATOR) + 1))

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step != 1:
                raise ValueError("only a run of neighbouring words can be taken")
            if start >= stop:
                return []
            return self._packed[self._starts[start]:self._starts[stop] - 1].tobytes().decode("utf-8").split("\n")
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._packed[self._starts[i]:self._starts[i + 1] - 1].tobytes().decode("utf-8")


def accent_free(word: str) -> str:
    """The word without accents: "garzón" -> "garzon"."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


class NameSpellings:
    """Other spellings, in this collection, of the words of people's names.

    Transliterations and typing vary a name by a letter ("Nebenzya", "Nabenzya";
    "Zelensky", "Zelenskyy") or an accent ("Garzón", "Garzon"). The spellings of a word
    are the words of people's names equal to it without accents and, for a word of six
    letters or more, those one edit away from it (for shorter words one edit is too
    little: it turns "Blair" into "Clair").
    """

    MIN_FUZZY_LENGTH = 6

    def __init__(self, names: list[str]):
        self.words = sorted({w for name in names for w in name.lower().split() if len(w) >= 3 and w.isalpha()})
        self._folded: dict[str, list[str]] = {}
        for w in self.words:
            self._folded.setdefault(accent_free(w), []).append(w)
        self._memo: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def of(self, word: str) -> list[str]:
        """The other spellings of `word` (lower-cased) in the collection's person names."""
        word = word.lower()
        with self._lock:
            found = self._memo.get(word)
        if found is None:
            found = [w for w in self._folded.get(accent_free(word), []) if w != word]
            if len(word) >= self.MIN_FUZZY_LENGTH:
                start = bisect_left(self.words, word[0])
                stop = bisect_left(self.words, word[0] + _LAST_CHAR)
                found += [w for w, _, _ in process.extract(word, self.words[start:stop], scorer=OSA.distance,
                                                           score_cutoff=1, limit=None)
                          if w != word and w not in found and len(w) >= self.MIN_FUZZY_LENGTH]
            with self._lock:
                if len(self._memo) >= _MEMO_SIZE:
                    self._memo.clear()
                self._memo[word] = found
        return found
