"""Measure people / places / organisations extraction on CoNLL-2003 (English dev split).

    python scripts/eval_ner.py [--data PATH] [--show N]

Each document goes the way the indexer takes it: written as a .txt file, read by
``read_file`` (headline, dateline) and turned into an Article by ``extract``. Per
document, the set of distinct surface forms in ``Article.mentions`` (text,
case-folded) of each type is compared with the gold set (person<->PER,
place<->LOC, organization<->ORG; MISC is not scored); true positives, false
positives and false negatives are summed over all documents. The data (216
Reuters documents, see its SOURCE.md) is read from ../shared/corpora/conll2003-dev,
or NEWSFACET_SHARED.

This split is the one the rules were tuned on: its figures are tuning figures,
not quality claims.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


from newsfacet.search.extract import extract
from newsfacet.search.readers import ReadProblem, read_file

LABELS = {"person": "PER", "place": "LOC", "organization": "ORG"}


def default_data() -> Path:
    """The CoNLL docs file under the shared folder."""
    shared = Path(os.environ.get("NEWSFACET_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    return shared / "corpora" / "conll2003-dev" / "eng.testa.docs.jsonl"


def mentions_as_indexed(text: str, folder: Path) -> list[dict]:
    """The mentions the indexer stores for `text` saved as a .txt file."""
    path = folder / "doc.txt"
    path.write_text(text, encoding="utf-8")
    raw = next(iter(read_file(path)))
    if isinstance(raw, ReadProblem):
        raise SystemExit(f"eval_ner: the reader refused a document: {raw.reason}")
    return extract(raw).mentions


def score(docs) -> tuple[dict, Counter, Counter]:
    """Per label (tp, fp, fn) summed over docs, plus the commonest errors."""
    totals = {label: [0, 0, 0] for label in LABELS.values()}
    false_pos, false_neg = Counter(), Counter()
    folder = Path(tempfile.mkdtemp(prefix="eval_ner-"))
    for doc in docs:
        found = {label: set() for label in LABELS.values()}
        for m in mentions_as_indexed(doc["text"], folder):
            found[LABELS[m["type"]]].add(m["text"].casefold())
        gold = {label: set() for label in LABELS.values()}
        for ent in doc["entities"]:
            if ent["label"] in gold:
                gold[ent["label"]].add(ent["text"].casefold())
        for label in LABELS.values():
            totals[label][0] += len(found[label] & gold[label])
            totals[label][1] += len(found[label] - gold[label])
            totals[label][2] += len(gold[label] - found[label])
            false_pos.update(f"{label} {t}" for t in found[label] - gold[label])
            false_neg.update(f"{label} {t}" for t in gold[label] - found[label])
    return totals, false_pos, false_neg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--show", type=int, default=0, help="print the N commonest errors of each kind")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"eval_ner: {args.data} not found (set NEWSFACET_SHARED to the shared folder)")
    docs = []
    for lineno, line in enumerate(args.data.read_text(encoding="utf-8").splitlines(), 1):
        try:
            docs.append(json.loads(line))
        except json.JSONDecodeError as err:
            sys.exit(f"eval_ner: {args.data}:{lineno}: not JSON ({err})")
    score(docs[:1])   # warm up: data files are read on first use
    started = time.perf_counter()
    totals, false_pos, false_neg = score(docs)
    elapsed = time.perf_counter() - started
    print(f"{len(docs)} documents, {elapsed * 1000 / len(docs):.2f} ms per document")
    print(f"{'type':<14}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}")
    for type_, label in LABELS.items():
        tp, fp, fn = totals[label]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{type_:<14}{p:7.3f}{r:7.3f}{f1:7.3f}{tp:6}{fp:6}{fn:6}")
    if args.show:
        print("commonest false positives:", false_pos.most_common(args.show))
        print("commonest false negatives:", false_neg.most_common(args.show))


if __name__ == "__main__":
    main()
