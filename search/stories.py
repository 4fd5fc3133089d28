"""Stories: articles that are the same text republished (syndicated and lightly edited copies).

How copies are found
--------------------
* Each article's text is cut into **shingles**, the runs of ``SHINGLE_WORDS`` consecutive
  words of its lower-cased text (``shingles``); the title is not used, so a reprint under
  another title is still a copy.
* At index time, in the worker that extracts the article, a **MinHash signature** of its
  shingles (``datasketch``, ``NUM_PERM`` permutations) is computed and stored with the
  article (``signature``: ``NUM_PERM`` little-endian uint32, the schema's ``minhash`` column).
  An article without words has no signature (all zero bytes) and is a story of its own.
* Per index generation, the live articles' signatures are read from the column and grouped
  with **LSH banding**: the signature is cut into ``b`` bands of ``r`` values (``b`` and
  ``r`` are the ones ``datasketch.MinHashLSH`` chooses for ``LSH_THRESHOLD``); articles
  whose values agree on a whole band are candidates. Never all pairs: only articles sharing
  a band bucket are compared. The bucketing is numpy over the signature matrix (datasketch's
  own LSH index inserts one article at a time in Python: 5 s per 100,000 articles).
* Each candidate pair is **confirmed by the exact Jaccard similarity** of the two articles'
  shingle sets (from their stored text): ``JACCARD`` or more makes them copies. A paragraph
  cut or a different header and footer keeps most shingles in common; two articles written
  separately about the same event, or a rewrite of a wire story, share few 5-word runs and
  stay apart. Pairs whose signatures already agree on fewer than ``ESTIMATE_FLOOR`` of their
  values are dropped before reading any text (their Jaccard is far below ``JACCARD``).
* Confirmed pairs are joined with union-find: a story is a connected group of copies.

Why per generation: the signatures are computed once, at index time, and never again; the
grouping is rebuilt for each committed generation from the live articles only, so adding
articles joins them to the stories already there and removing one (the first copy
included) leaves every story as its remaining copies make it, with nothing to repair. Its
cost is measured by ``bench/stories.py``.

What a story says about an article
----------------------------------
* ``story``: the smallest article id among the story's copies (a story of one article has
  the article's own id). It does not depend on which copy was indexed first.
* ``story_size``: how many articles the story has.
* ``first_copy``: the id of the earliest published copy: the earliest known publication
  date; copies with the same date, or when no copy has a known date, the smallest id
  (copies without a date come after every dated one).
* ``story_outlets``: the outlets of the story's copies, sorted, each once.
"""

from __future__ import annotations

import re

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE_WORDS = 5
LSH_THRESHOLD = 0.5
JACCARD = 0.5
ESTIMATE_FLOOR = 0.25
SIGNATURE_BYTES = NUM_PERM * 4
NO_SIGNATURE = bytes(SIGNATURE_BYTES)
_SEED = 1
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[str]:
    """The article's shingles: every run of ``SHINGLE_WORDS`` words of its lower-cased
    text (a shorter text is one shingle of all its words; no words, no shingle)."""
    words = _WORD.findall(text.lower())
    if not words:
        return set()
    return {" ".join(words[i:i + SHINGLE_WORDS])
            for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}


def resemblance(a: set, b: set) -> float:
    """The Jaccard similarity of two shingle sets (0 when either is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0


def signature(text: str) -> bytes:
    """The MinHash signature of ``text``'s shingles as stored in the index
    (``NO_SIGNATURE`` for a text without words)."""
    found = shingles(text)
    if not found:
        return NO_SIGNATURE
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED)
    minhash.update_batch([s.encode("utf-8") for s in found])
    return minhash.hashvalues.astype("<u4").tobytes()


def _bands() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's LSH picks for ``LSH_THRESHOLD``."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def candidate_pairs(signatures: np.ndarray) -> np.ndarray:
    """Pairs (i, j), i < j, of rows of ``signatures`` (n x NUM_PERM uint32) that agree on
    a whole band and on at least ``ESTIMATE_FLOOR`` of their values; rows of zeros (no
    signature) are never candidates. Each bucket pairs its members with its first member
    and with the member before it (union-find joins the rest through them), so a bucket of
    k rows gives fewer than 2k pairs, never k * k."""
    rows = np.flatnonzero(signatures.any(axis=1))
    bands, width = _bands()
    found = []
    mix = np.array([0x9E3779B97F4A7C15 * (k + 1) & 0xFFFFFFFFFFFFFFFF for k in range(width)],
                   dtype=np.uint64)
    for band in range(bands):
        part = signatures[rows, band * width:(band + 1) * width].astype(np.uint64)
        keys = (part * mix).sum(axis=1, dtype=np.uint64) if len(rows) else np.empty(0, np.uint64)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]] if len(keys) else np.empty(0, bool)
        first = order[np.maximum.accumulate(np.where(starts, np.arange(len(keys)), 0))]
        joined = first != order
        found.append(np.stack([rows[first[joined]], rows[order[joined]]], axis=1))
        # ... and with the member before it, so that two copies in a bucket whose first
        # member is no copy of theirs are still compared
        after = np.flatnonzero(~starts[1:]) + 1 if len(keys) else np.empty(0, np.int64)
        found.append(np.stack([rows[order[after - 1]], rows[order[after]]], axis=1))
    pairs = (np.unique(np.sort(np.concatenate(found), axis=1), axis=0) if found
             else np.empty((0, 2), np.int64))
    if len(pairs):   # same band by hash: check the values, and drop pairs far apart
        agree = (signatures[pairs[:, 0]] == signatures[pairs[:, 1]]).mean(axis=1)
        pairs = pairs[agree >= ESTIMATE_FLOOR]
    return pairs


def group(signatures: np.ndarray, text_of) -> np.ndarray:
    """For each row of ``signatures``, the row number of its story's representative (the
    union-find root): rows joined when LSH makes them candidates and ``text_of(row)``'s
    shingle sets have a Jaccard similarity of ``JACCARD`` or more."""
    parent = np.arange(len(signatures))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cache: dict[int, set] = {}

    def shingled(i: int) -> set:
        if i not in cache:
            cache[i] = shingles(text_of(i))
        return cache[i]

    for i, j in candidate_pairs(signatures).tolist():
        a, b = root(i), root(j)
        if a != b and resemblance(shingled(i), shingled(j)) >= JACCARD:
            parent[max(a, b)] = min(a, b)
    return np.array([root(i) for i in range(len(signatures))], dtype=np.int64)


class Stories:
    """The stories of one index generation, by document number.

    ``of[docnum]``: the story number of each shown (live, one per article) document, -1 for
    the others; ``multi``: True for the documents in a story of several articles, and
    ``members[story]`` their document numbers. ``record`` gives an article's story fields.
    """

    def __init__(self, docnums: np.ndarray, roots: np.ndarray, ids: np.ndarray,
                 days: np.ndarray, outlets_of, size: int):
        """``docnums``: the shown documents; ``roots``: their union-find roots (``group``);
        ``ids`` (article ids as numbers) and ``days`` (publication day, negative: unknown)
        per document number; ``outlets_of(docnum)``: a document's outlets."""
        self._ids, self._days, self._outlets_of = ids, days, outlets_of
        self.of = np.full(size, -1, dtype=np.int64)
        _, story, counts = np.unique(roots, return_inverse=True, return_counts=True)
        self.of[docnums] = story
        self.count = len(counts)
        self.size = counts
        self.multi = np.zeros(size, dtype=bool)
        self.multi[docnums[counts[story] > 1]] = True
        order = np.argsort(story, kind="stable")
        ends = np.cumsum(counts)
        self.members = {s: docnums[order[ends[s] - counts[s]:ends[s]]]
                        for s in np.flatnonzero(counts > 1).tolist()}

    def _id(self, docnum: int) -> str:
        return f"{int(self._ids[docnum]):016x}"

    def record(self, docnum: int) -> dict:
        """The story fields of the article shown as ``docnum`` (see the module doc)."""
        s = int(self.of[docnum])
        members = self.members.get(s, [docnum])
        ids = {int(d): self._id(int(d)) for d in members}
        dated = [(int(self._days[d]), ids[d]) for d in ids if self._days[d] >= 0]
        return {"story": min(ids.values()), "story_size": len(ids),
                "first_copy": min(dated)[1] if dated else min(ids.values()),
                "story_outlets": sorted({o for d in ids for o in self._outlets_of(d)})}

    def copies(self, docnum: int) -> list[int]:
        """The document numbers of the other articles of ``docnum``'s story."""
        return [int(d) for d in self.members.get(int(self.of[docnum]), []) if d != docnum]

    def distinct(self, mask: np.ndarray) -> int:
        """How many stories the documents of ``mask`` belong to."""
        single = int(np.count_nonzero(mask & ~self.multi))
        return single + len(np.unique(self.of[mask & self.multi]))
