"""Measure the HTML reader and extraction against the saved pages' expected dates and titles.

Reads ``manifest.tsv`` of the shared HTML corpus (see its SOURCE.md), runs
``read_file`` + ``extract`` on each page and prints the share of pages whose
publication date is right (of those with an expected date) and whose title is
right (normalised: case, punctuation and spacing ignored), then every miss. The
date score of htmldate alone (``find_date`` on the raw page, ``original_date=True``)
is printed beside it: the pipeline should never do worse than its dependency. The
share of right author lists (same names, normalised) is printed too, for
information: some expected author lists are a library's output, not human gold.

    python scripts/eval_html.py [--pages DIR]   (default: ../shared/corpora/html)
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
import unicodedata
from pathlib import Path


import htmldate                           

from newsfacet.search.extract import extract        
from newsfacet.search.readers import ReadProblem, page_text, read_file

_NOT_WORD = re.compile(r"[\W_]+")
_NAME_SEPARATORS = re.compile(r"\s*(?:;|/|,|\band\b|\bund\b)\s*")


def default_dir() -> Path:
    shared = os.environ.get("NEWSFACET_SHARED") or Path(__file__).resolve().parents[2] / "shared"
    return Path(shared) / "corpora" / "html"


def norm_title(title: str | None) -> str:
    """A title reduced to lower-case words, for comparison."""
    title = unicodedata.normalize("NFKC", title or "").lower()
    return " ".join(_NOT_WORD.sub(" ", title).split())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=default_dir(), help="folder holding manifest.tsv")
    args = parser.parse_args(argv)
    manifest = args.pages / "manifest.tsv"
    if not manifest.is_file():
        print(f"eval_html: {manifest} not found", file=sys.stderr)
        return 2
    with manifest.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    dated = dates_ok = htmldate_ok = titled = titles_ok = authored = authors_ok = 0
    misses = []
    seconds = 0.0
    for row in rows:
        path = args.pages / row["file"]
        started = time.perf_counter()
        results = list(read_file(path))
        article = None if isinstance(results[0], ReadProblem) else extract(results[0])
        seconds += time.perf_counter() - started
        if article is None:
            misses.append(f"READ  {row['file']}: {results[0].reason}")
        if row["expected_date"]:
            dated += 1
            got = article.published if article else None
            alone = htmldate.find_date(page_text(path), original_date=True)
            htmldate_ok += alone == row["expected_date"][:10]
            if got == row["expected_date"][:10]:
                dates_ok += 1
            else:
                misses.append(f"DATE  {row['file']}: expected {row['expected_date']}, got {got} "
                              f"({article.date_source if article else '-'}; htmldate alone: {alone})")
        if row["expected_title"]:
            titled += 1
            got = article.title if article else None
            if norm_title(got) == norm_title(row["expected_title"]):
                titles_ok += 1
            else:
                misses.append(f"TITLE {row['file']}: expected {row['expected_title']!r}, got {got!r}")
        if row["expected_author"]:
            authored += 1
            expected = {norm_title(n) for n in _NAME_SEPARATORS.split(row["expected_author"])} - {""}
            if article and {norm_title(n) for n in article.authors} == expected:
                authors_ok += 1
    print(f"pages: {len(rows)} read and extracted in {seconds:.1f} s "
          f"({seconds / max(len(rows), 1) * 1000:.0f} ms a page)")
    print(f"date correct:  {dates_ok}/{dated} = {dates_ok / max(dated, 1):.1%}")
    print(f"date correct, htmldate alone: {htmldate_ok}/{dated} = {htmldate_ok / max(dated, 1):.1%}")
    print(f"title correct: {titles_ok}/{titled} = {titles_ok / max(titled, 1):.1%}")
    print(f"authors correct: {authors_ok}/{authored} = {authors_ok / max(authored, 1):.1%} (for information)")
    print("misses:", *misses, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
