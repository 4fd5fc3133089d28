"""Benchmark: the paragraph comparison behind "what differs" on texts at its bounds.

    python bench/differences.py

Each case compares two texts of ``Settings.max_diff_paragraphs`` paragraphs chosen to make
``difflib`` work hard (one paragraph repeated throughout, few distinct paragraphs in random
order, every other paragraph missing, a shuffled and a reversed copy) and prints the time
it took and what it found: how long a request for the worst article pair may take.
"""

from __future__ import annotations

import random
import time

from newsfacet.search.differences import compare
from newsfacet.search.settings import SETTINGS


def cases(n: int) -> dict[str, tuple[str, str]]:
    """Pairs of texts of ``n`` paragraphs, by name."""
    rng = random.Random(1)
    numbered = [f"Paragraph {i} of a long page." for i in range(n)]
    few = [f"Paragraph {rng.choice('abcd')} of a long page." for _ in range(n)]
    return {
        "one paragraph repeated": ("\n".join(["Advertisement"] * n),
                                   "\n".join(["Advertisement", "Read more"] * (n // 2))),
        "four distinct paragraphs": ("\n".join(few), "\n".join(rng.sample(few, n))),
        "every other one missing": ("\n".join(numbered), "\n".join(numbered[::2])),
        "shuffled": ("\n".join(numbered), "\n".join(rng.sample(numbered, n))),
        "reversed": ("\n".join(numbered), "\n".join(reversed(numbered))),
    }


def main() -> int:
    n = SETTINGS.max_diff_paragraphs
    print(f"{n:,} paragraphs a side")
    for name, (text, other) in cases(n).items():
        started = time.perf_counter()
        found = compare(text, other, n, SETTINGS.max_diff_chars)
        took = time.perf_counter() - started
        print(f"{name:26} {took * 1000:8.1f} ms   common {found['common']:5,}  removed "
              f"{found['removed']:5,}  added {found['added']:5,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
