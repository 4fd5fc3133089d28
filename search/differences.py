"""What differs between two articles, paragraph by paragraph: for the copies of a story.

A copy of a story is usually the same text with a paragraph cut, one added, or another
header and footer. ``compare`` lines up the two texts' paragraphs (``difflib``'s longest
matching runs, over whitespace-normalised paragraphs) and says of each paragraph whether it
is in both, only in this article (**removed** in the other) or only in the other (**added**
in the other). The paragraphs in both are given as counted runs, not in full: a reader wants
the changes, each placed in this article's paragraphs.

A paragraph is a line of the article's stored text, as the article page shows it. The work
is bounded: each side is compared on its first ``max_paragraphs`` paragraphs, as long as they
hold at most ``max_chars`` characters (``Settings.max_diff_paragraphs``,
``Settings.max_diff_chars``); ``limited`` then says that the rest was not compared.
"""

from __future__ import annotations

import difflib
import re

_LINE = re.compile(r"\s*\n\s*")


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text`` (its lines that hold anything), whitespace-normalised."""
    out = (" ".join(line.split()) for line in _LINE.split(text or ""))
    return [p for p in out if p]


def _bounded(found: list[str], max_paragraphs: int, max_chars: int) -> tuple[list[str], bool]:
    """The first paragraphs of ``found``: at most ``max_paragraphs``, holding at most
    ``max_chars`` characters together (a first paragraph longer than that is cut); and
    whether that is all of ``found``."""
    kept, chars = [], 0
    for paragraph in found[:max_paragraphs]:
        if chars + len(paragraph) > max_chars:
            if not kept:
                kept.append(paragraph[:max_chars])
            return kept, False
        kept.append(paragraph)
        chars += len(paragraph)
    return kept, len(kept) == len(found)


def _numbered(found: list[str]) -> list[tuple[str, int]]:
    """Each paragraph with how many times the same text came before it in ``found``.

    The k-th copy of a repeated paragraph ("Advertisement") is matched only with the k-th copy
    in the other article: every item is then unique on its side, which keeps ``difflib``'s
    work near linear per matching run, where many equal items would make it cubic."""
    seen: dict[str, int] = {}
    out = []
    for paragraph in found:
        seen[paragraph] = seen.get(paragraph, -1) + 1
        out.append((paragraph, seen[paragraph]))
    return out


def compare(text: str, other_text: str, max_paragraphs: int, max_chars: int) -> dict:
    """The paragraphs of ``text`` (this article) against those of ``other_text``.

    ``parts``, in reading order, each ``{kind, count, article, other, after, text}``:

    * ``common``: a run of ``count`` paragraphs in both; ``article`` and ``other`` are the
      numbers (from 1) of its first paragraph in each, ``text`` is null;
    * ``removed``: one paragraph only in this article: its number there (``article``),
      ``other`` null;
    * ``added``: one paragraph only in the other: its number there (``other``), ``article``
      null.

    ``after`` is the number of this article's paragraph that comes just before the part (0:
    it is at the start). Also the totals ``common``, ``removed`` and ``added`` (paragraphs),
    each side's ``paragraphs`` and ``compared`` (paragraphs in all, and compared), and
    ``limited`` (True when a side was not compared whole).
    """
    ours_all, theirs_all = paragraphs(text), paragraphs(other_text)
    ours, ours_whole = _bounded(ours_all, max_paragraphs, max_chars)
    theirs, theirs_whole = _bounded(theirs_all, max_paragraphs, max_chars)
    parts: list[dict] = []
    totals = {"common": 0, "removed": 0, "added": 0}
    matcher = difflib.SequenceMatcher(None, _numbered(ours), _numbered(theirs), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append({"kind": "common", "count": i2 - i1, "article": i1 + 1,
                          "other": j1 + 1, "after": i1, "text": None})
            totals["common"] += i2 - i1
            continue
        for i in range(i1, i2):
            parts.append({"kind": "removed", "count": 1, "article": i + 1, "other": None,
                          "after": i, "text": ours[i]})
        for j in range(j1, j2):
            parts.append({"kind": "added", "count": 1, "article": None, "other": j + 1,
                          "after": i2, "text": theirs[j]})
        totals["removed"] += i2 - i1
        totals["added"] += j2 - j1
    return {**totals, "parts": parts,
            "paragraphs": {"article": len(ours_all), "other": len(theirs_all)},
            "compared": {"article": len(ours), "other": len(theirs)},
            "limited": not (ours_whole and theirs_whole)}
