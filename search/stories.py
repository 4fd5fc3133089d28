"""Stories: articles that are the same text republished (syndicated and lightly edited copies).

How copies are found
--------------------
* Each article's text is cut into **shingles**, the runs of ``SHINGLE_WORDS`` consecutive
  words of its lower-cased text (``shingles``); the title is not used, so a reprint under
  another title is still a copy.
* At index time, in the worker that extracts the article, a **MinHash signature** of its
  shingles (``datasketch``, ``NUM_PERM`` permutations, over the top 32 bits of each
  shingle's hash) is computed and stored with the article (``signature``: ``NUM_PERM`` little-endian uint32, the schema's ``minhash`` column).
  An article of fewer than ``MIN_WORDS`` words has no signature (all zero bytes) and is a
  story of its own: so short a text cannot tell a copy from a template that many different
  articles fill in the same way (dividend notices, earnings tables, a placeholder body).
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
  values are dropped before reading any text (their Jaccard is far below ``JACCARD``), and
  pairs whose signatures agree on ``ESTIMATE_SURE`` or more are copies without reading it
  (their Jaccard is above ``JACCARD`` but with a chance under 1e-12): only the pairs in
  between are compared on their texts.
* Confirmed pairs are joined with union-find: a story is a connected group of copies.
* Similarities once computed are kept in the index folder (``Similarities``): a pair of
  articles (content hashes) always has the same one, so a new generation only compares the
  candidate pairs its new articles bring.

Why per generation: the signatures are computed once, at index time, and never again; the
grouping is rebuilt for each committed generation from the live articles only (LSH over
the signatures, and the pairs not compared before), so adding articles joins them to the
stories already there and removing one (the first copy included) leaves every story as its
remaining copies make it, with nothing to repair. Its cost is measured by ``bench/stories.py``.

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

import functools
import io
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .arrays import distinct, groups

NUM_PERM = 128
SHINGLE_WORDS = 5
# Reuters-21578 (../shared/corpora/reuters21578) holds 1,604 placeholder bodies ("Blah blah
# blah") and dividend notices of about 14 words that differ only in their numbers, each about
# another company named only in its title: with no floor they made a "story" of 1,604
# articles. 25 words is about two sentences of news.
MIN_WORDS = 25
LSH_THRESHOLD = 0.5
# Copies planted by ../shared/tools/make_scale_corpus.py (another header and footer, a
# paragraph cut) all have 0.75 or more; articles that share a few paragraphs of a source
# reach 0.5-0.65. On its 10,000 articles, pair precision/recall against its copy_of at
# 0.5: 0.25/0.998, 0.6: 0.35/0.998, 0.7: 0.53/0.998, 0.8: 0.76/0.990 (most pairs it does
# not plant are texts the generator really repeats). Merging two different articles hides
# one under collapse=story, so the threshold errs towards keeping them apart.
JACCARD = 0.7
ESTIMATE_FLOOR = 0.5   # JACCARD less 5 standard errors of a 128-value estimate
# A pair whose signatures agree on this share of their values or more is a copy without
# reading its texts: for two texts of a true similarity under JACCARD, 122 or more of 128
# values agree with a probability under 6e-13 (the binomial tail at 0.7).
ESTIMATE_SURE = 122 / NUM_PERM
SHINGLE_CACHE = 1024   # articles whose shingles are kept while pairs are compared
SIGNATURE_BYTES = NUM_PERM * 4
NO_SIGNATURE = bytes(SIGNATURE_BYTES)
_SEED = 1
_SCHEME = "affine32"   # datasketch 2's permutation scheme for 32-bit hash values
_WORD = re.compile(r"\w+")
# Odd 64-bit multipliers, one per word of a shingle: a run's hash is the sum of its words'
# hashes times these (wrapping at 2**64), so word order counts.
_RUN_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                     0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD][:SHINGLE_WORDS], dtype=np.uint64)


def shingles(text: str) -> np.ndarray:
    """The article's shingles, as their distinct 64-bit hashes, sorted: every run of
    ``SHINGLE_WORDS`` words of its lower-cased text (a shorter text is one shingle of all
    its words; no words, no shingle). Each word is hashed once (CRC-32 of its UTF-8 bytes)
    and each run combined in numpy; two different runs share a hash with a probability of
    about 2**-64, so Jaccard similarities over these hashes are exact in practice."""
    return _runs(_WORD.findall(text.lower()))


def _runs(words: list[str]) -> np.ndarray:
    """The shingles (see ``shingles``) of a text's lower-cased words."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    hashed = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64,
                         count=len(words))
    width = min(SHINGLE_WORDS, len(words))
    runs = np.lib.stride_tricks.sliding_window_view(hashed, width)
    return distinct((runs * _RUN_MIX[:width]).sum(axis=1, dtype=np.uint64))


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity of two shingle sets (``shingles``; 0 when either is empty)."""
    if not len(a) or not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


@functools.lru_cache(maxsize=1)
def _permutations():
    """datasketch's random permutations for ``NUM_PERM`` and the seed, made once per process."""
    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


def signature(text: str) -> bytes:
    """The MinHash signature of ``text``'s shingles as stored in the index
    (``NO_SIGNATURE`` for a text of fewer than ``MIN_WORDS`` words)."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return NO_SIGNATURE
    hashes = _runs(words) >> np.uint64(32)   # datasketch's scheme takes 32-bit values
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=int, permutations=_permutations(),
                      scheme=_SCHEME)
    minhash.update_batch(hashes.tolist())
    return minhash.hashvalues.astype("<u4").tobytes()


def _bands() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's LSH picks for ``LSH_THRESHOLD``."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def candidate_pairs(signatures: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j), i < j, of rows of ``signatures`` (n x NUM_PERM uint32) that agree on
    a whole band and on at least ``ESTIMATE_FLOOR`` of their values, and those shares
    (``agreement``); rows of zeros (no signature) are never candidates. Each bucket pairs
    its members with its first member and with the member before it (union-find joins the
    rest through them), so a bucket of k rows gives fewer than 2k pairs, never k * k."""
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
    agree = agreement(signatures, pairs)   # same band by hash: check the values
    kept = agree >= ESTIMATE_FLOOR         # ... and drop pairs far apart
    return pairs[kept], agree[kept]


PAIRS_AT_ONCE = 65_536   # pairs whose signatures are compared in one numpy step


def agreement(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """For each pair (i, j), the share of values rows i and j of ``signatures`` agree on
    (the MinHash estimate of their similarity), a chunk of pairs at a time (flat memory)."""
    out = np.empty(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), PAIRS_AT_ONCE):
        chunk = pairs[start:start + PAIRS_AT_ONCE]
        out[start:start + len(chunk)] = (signatures[chunk[:, 0]] == signatures[chunk[:, 1]]).mean(axis=1)
    return out


def group(signatures: np.ndarray, similarity, joined: list | None = None) -> np.ndarray:
    """For each row of ``signatures``, the row number of its story's representative (the
    union-find root): rows joined when LSH makes them candidates and ``similarity(i, j)``
    (``Similarities.judge``) is ``JACCARD`` or more, or, with no texts read, when their
    signatures agree on ``ESTIMATE_SURE`` of their values or more. ``joined``, when given,
    receives each pair (i, j, similarity or estimate) that joined two groups."""
    parent = np.arange(len(signatures))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs, estimates = candidate_pairs(signatures)
    order = _by_cluster(len(signatures), pairs)
    for (i, j), estimate in zip(pairs[order].tolist(), estimates[order].tolist()):
        a, b = root(i), root(j)
        if a == b:
            continue
        found = estimate if estimate >= ESTIMATE_SURE else similarity(i, j)
        if found >= JACCARD:
            parent[max(a, b)] = min(a, b)
            if joined is not None:
                joined.append((i, j, found))
    return np.array([root(i) for i in range(len(signatures))], dtype=np.int64)


def _by_cluster(rows: int, pairs: np.ndarray) -> np.ndarray:
    """The order in which to judge ``pairs``: cluster by cluster (the connected groups the
    candidate pairs make among ``rows`` rows), in row order within each. A cluster's rows
    then come close together, so ``Similarities.judge`` makes each row's shingles once
    (in row order alone, a pair's second row comes anywhere later: its shingles were made
    again for nearly every pair). The roots ``group`` finds do not depend on the order."""
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])),
                       shape=(rows, rows))
    labels = connected_components(graph, directed=False)[1]
    return np.argsort(labels[pairs[:, 0]], kind="stable")


class Similarities:
    """The exact Jaccard similarities of the article pairs already compared, by article id.

    An id is a hash of the article's content, so a pair's similarity never changes: the
    indexer keeps them in the index folder (``FILE``) after each commit, and each generation
    reads them, so that only the candidate pairs new articles bring are compared (reading
    their stored texts). Pairs of articles no longer in the index are dropped when saved.
    """

    FILE = "story-pairs.npz"

    def __init__(self, known: dict | None = None):
        self.known: dict[tuple[int, int], float] = known or {}
        self.compared = 0   # pairs compared (not known) since made

    @classmethod
    def load(cls, index_dir) -> "Similarities":
        """The similarities kept in ``index_dir`` (none when the file is absent or unreadable:
        they are then computed again)."""
        try:
            with np.load(Path(index_dir) / cls.FILE) as data:
                a, b, found = data["a"], data["b"], data["similarity"]
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return cls()
        return cls(dict(zip(zip(a.tolist(), b.tolist()), found.tolist())))

    def to_bytes(self, live_ids: np.ndarray) -> bytes:
        """The file (``FILE``, for the index folder) holding the pairs of ``live_ids``
        (article ids as numbers)."""
        live = set(live_ids.tolist())
        pairs = [(a, b, s) for (a, b), s in self.known.items() if a in live and b in live]
        out = io.BytesIO()
        np.savez(out, a=np.array([p[0] for p in pairs], dtype=np.uint64),
                 b=np.array([p[1] for p in pairs], dtype=np.uint64),
                 similarity=np.array([p[2] for p in pairs], dtype=np.float32))
        return out.getvalue()

    def judge(self, ids: np.ndarray, text_of):
        """``similarity(i, j)`` for ``group``: rows i and j are articles ``ids[i]`` and
        ``ids[j]``; a pair not known yet is compared on ``text_of(row)``'s shingles, the
        last ``SHINGLE_CACHE`` articles' kept (``group`` judges the pairs cluster by cluster,
        so each row's are made once unless its cluster is larger than that, and memory stays
        flat whatever the collection)."""
        shingles_of = functools.lru_cache(maxsize=SHINGLE_CACHE)(
            lambda row: shingles(text_of(row)))

        def similarity(i: int, j: int) -> float:
            a, b = sorted((int(ids[i]), int(ids[j])))
            found = self.known.get((a, b))
            if found is None:
                found = self.known[(a, b)] = resemblance(shingles_of(i), shingles_of(j))
                self.compared += 1
            return found
        return similarity


class Stories:
    """The stories of one index generation, by document number.

    ``of[docnum]``: the story number of each shown (live, one per article) document, -1 for
    the others; ``multi``: True for the documents in a story of several articles,
    ``members[story]`` their document numbers and ``by_story`` all of them, story by story.
    ``record`` gives an article's story fields.
    """

    def __init__(self, docnums: np.ndarray, roots: np.ndarray, ids: np.ndarray,
                 days: np.ndarray, outlets_of, size: int):
        """``docnums``: the shown documents; ``roots``: their union-find roots (``group``);
        ``ids`` (article ids as numbers) and ``days`` (publication day, negative: unknown)
        per document number; ``outlets_of(docnum)``: a document's outlets."""
        self._ids, self._days, self._outlets_of = ids, days, outlets_of
        # each story's documents together, in document order; stories numbered in the
        # order of their roots
        order, starts, counts = groups(roots)
        self.of = np.full(size, -1, dtype=np.int32)
        self.of[docnums[order]] = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        self.count = len(counts)
        self.size = counts
        in_several = docnums[order[np.repeat(counts > 1, counts)]]
        self.multi = np.zeros(size, dtype=bool)
        self.multi[in_several] = True
        #: the documents in stories of several, story by story (32-bit document numbers)
        self.by_story = in_several.astype(np.int32)
        self.members = {s: docnums[order[starts[s]:starts[s] + counts[s]]]
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
        return single + int(np.count_nonzero(np.bincount(self.of[mask & self.multi],
                                                         minlength=self.count)))
