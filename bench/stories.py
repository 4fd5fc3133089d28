"""Benchmark: story detection (MinHash signatures, LSH grouping, Jaccard confirmation).

    python bench/stories.py                    # the 100,000-article scale corpus and combined/
    python bench/stories.py --n 10000          # a smaller scale corpus
    python bench/stories.py FILE.jsonl.gz ...  # any JSONL (a "text" or "body" per record)

Times the two parts of ``search/stories.py`` on the records' texts, as the indexer and a
generation run them: the signatures (computed once per article at index time, in the workers)
and the grouping of a whole collection (done for each index generation), per 10,000 articles.
Prints the share of articles in stories of several. On the scale corpus (made by
../shared/tools/make_scale_corpus.py, whose copies name their original in ``copy_of``) it
also prints the precision and recall of the grouping, counted over pairs of articles: a pair
found in one story that the corpus made as copies of one original is right. The corpus also
makes copies it does not name: it pads a short article with the whole of another's
paragraphs, so two "independent" articles can be one text under two titles. A second
precision counts such a pair as right too when nearly all of the shorter text
(``CONTAINED``, by characters) is paragraphs the other has word for word: a test made on
paragraphs, not on the shingles the grouping uses.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np

from newsfacet.search.stories import (SIGNATURE_BYTES, Similarities, candidate_pairs, group,
                                      signature)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from index import scale_corpus  # noqa: E402

COMBINED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "combined" / "news_combined.jsonl.gz"


def read(path: Path) -> list[dict]:
    """The records of a JSONL file (gzip or not)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pairs_of(groups: dict) -> set:
    """Every pair of members of each group (members sorted), as a set."""
    return {pair for members in groups.values() if len(members) > 1
            for pair in combinations(sorted(members), 2)}


CONTAINED = 0.8


def contained(a: str, b: str) -> float:
    """The share of the shorter of two texts, in characters, that is paragraphs the other
    text has word for word."""
    pa, pb = set(a.split("\n\n")), set(b.split("\n\n"))
    short = pa if len(a) <= len(b) else pb
    return sum(len(p) for p in pa & pb) / max(sum(len(p) for p in short), 1)


def orig(records: list[dict], row: dict, i: int) -> int:
    """The row of the article record ``i`` is a copy of (itself when it is no copy)."""
    return row.get(records[i].get("copy_of"), i)


def measure(path: Path) -> None:
    records = read(path)
    texts = [r.get("text") or r.get("body") or "" for r in records]
    n = len(texts)
    started = time.perf_counter()
    signatures = np.frombuffer(b"".join(signature(t) for t in texts), dtype="<u4").reshape(n, -1)
    signed = time.perf_counter() - started
    started = time.perf_counter()
    candidates = len(candidate_pairs(signatures)[0])
    banded = time.perf_counter() - started
    started = time.perf_counter()
    joined: list = []
    similarities = Similarities()
    roots = group(signatures, similarities.judge(np.arange(n), lambda row: texts[row]), joined)
    grouped = time.perf_counter() - started
    sizes = Counter(roots.tolist())
    in_stories = sum(size for size in sizes.values() if size > 1)
    print(f"\n{path}: {n} articles ({SIGNATURE_BYTES} signature bytes each)")
    print(f"signatures:      {signed:.1f} s ({signed / n * 10_000:.2f} s per 10k articles, "
          f"{n / signed:.0f} articles/s on one core)")
    print(f"grouping:        {grouped:.2f} s ({grouped / n * 10_000:.2f} s per 10k articles), "
          f"of which LSH candidates {banded:.2f} s: {candidates} candidate pairs, "
          f"{similarities.compared} compared on their shingles")
    started = time.perf_counter()
    group(signatures, similarities.judge(np.arange(n), lambda row: texts[row]))
    again = time.perf_counter() - started
    print(f"again:           {again:.2f} s ({again / n * 10_000:.2f} s per 10k articles) with "
          "every pair's similarity known, as a server opening a generation the indexer has "
          "grouped")
    print(f"stories:         {len(sizes)}; {sum(1 for s in sizes.values() if s > 1)} of several, "
          f"holding {in_stories} articles ({in_stories / n:.1%}); largest {max(sizes.values())}")
    if any("copy_of" in r for r in records):
        row = {r["id"]: i for i, r in enumerate(records)}
        truth: dict[int, set] = {}
        for i in range(n):
            truth.setdefault(orig(records, row, i), set()).add(i)
        found: dict[int, set] = {}
        for i, root in enumerate(roots.tolist()):
            found.setdefault(root, set()).add(i)
        expected, got = pairs_of(truth), pairs_of(found)
        right = len(expected & got)
        print(f"against copy_of: precision {right / max(len(got), 1):.4f}, recall "
              f"{right / max(len(expected), 1):.4f} ({len(expected)} copy pairs planted, "
              f"{len(got)} found in one story, {right} of them planted)")
        unnamed = sum(1 for i, j in got - expected if contained(texts[i], texts[j]) >= CONTAINED)
        print(f"with unnamed copies: precision {(right + unnamed) / max(len(got), 1):.4f} "
              f"({unnamed} of the other pairs are texts whose shorter one is at least "
              f"{CONTAINED:.0%} paragraphs of the other; {len(got) - right - unnamed} pairs "
              "are neither)")
        # The joins themselves: a join of two articles that are not planted copies is a pair
        # whose texts really share that much (the generator pads articles with paragraphs of
        # others), or a false join.
        planted = [(orig(records, row, i) == orig(records, row, j), s) for i, j, s in joined]
        wrong = sorted(s for ok, s in planted if not ok)
        print(f"joins:           {len(joined)}; {len(joined) - len(wrong)} between planted copies; "
              f"{len(wrong)} between articles not planted as copies, with Jaccard "
              + (f"min {wrong[0]:.2f}, median {wrong[len(wrong) // 2]:.2f}" if wrong else "-"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="JSONL files instead of the defaults")
    parser.add_argument("--n", type=int, default=100_000, help="scale corpus size (default %(default)s)")
    args = parser.parse_args()
    paths = args.paths or [scale_corpus(args.n), *([COMBINED] if COMBINED.exists() else [])]
    for path in paths:
        measure(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
