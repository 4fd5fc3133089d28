"""Benchmark: search latency of the engine against plain Whoosh ``groupedby``, side by side.

    python bench/search.py                    # 100,000-article scale corpus
    python bench/search.py --n 10000          # a smaller one
    python bench/search.py --n 10000 --replicate 10   # 10 copies of the 10k index: 100k docs

Builds (or reuses, under bench/out/) an index of the scale corpus made by
../shared/tools/make_scale_corpus.py, then runs a fixed mix of queries (single words,
phrases, broad and narrow, with and without filters, fuzzy and prefix terms, phrases of stop
words only). For each it times

- plain Whoosh: ``searcher.search(q, limit=20, filter=..., groupedby=...)`` with a yearly
  ``DateRangeFacet`` on ``published`` and two multi-valued ``FieldFacet``s (places, people);
- the engine: ``Engine.search`` (all seven facets, the date histogram, highlights, top 20),
  both on each query's first run (its words' postings not yet cached) and on repeats,

and prints p50/p95 of each and their ratios, and the engine's p50/p95 of the fuzzy, prefix and
stop-word phrase queries apart. ``--replicate K`` writes K copies of the
extracted articles (ids made unique) when extraction of the full corpus would take too long;
the copies are labelled as such in the output.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta
from whoosh import query as wq
from whoosh import sorting
from whoosh.index import create_in

from index import scale_corpus  # bench/index.py (this script's folder is on sys.path): makes and caches the corpus
from newsfacet.search.engine import Engine
from newsfacet.search.indexer import index_paths, last_report
from newsfacet.search.request import parse_request
from newsfacet.search.schema import build_schema, to_article, to_document

HERE = Path(__file__).resolve().parent

OUT = HERE / "out"


def base_index(n: int, workers: int) -> Path:
    """The index of the ``n``-article scale corpus, built with the real indexer on first use."""
    index_dir = OUT / f"search-index-{n}"
    if last_report(index_dir) is None:   # absent or never finished
        corpus = scale_corpus(n)
        print(f"indexing {corpus} into {index_dir} (extraction included; this takes a while) …",
              flush=True)
        started = time.perf_counter()
        report = index_paths([corpus], index_dir, rebuild=True, workers=workers,
                             progress=sys.stderr.isatty())
        print(f"{report.summary()} [{time.perf_counter() - started:.0f} s]", flush=True)
    return index_dir


def replicated_index(base: Path, n: int, copies: int) -> Path:
    """``copies`` copies of every article of ``base`` (new ids and keys) in one index."""
    index_dir = OUT / f"search-index-{n}x{copies}"
    done = index_dir / "replicated.ok"
    if done.exists():
        return index_dir
    print(f"writing {copies} copies of {base} into {index_dir} …", flush=True)
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = create_in(str(index_dir), build_schema())
    with Engine(base).generation() as gen:
        source = gen.searcher
    writer = ix.writer(limitmb=512)
    for stored in source.reader().all_stored_fields():
        article = to_article(stored)
        base_id = article.id
        for copy in range(copies):
            article.id = hashlib.sha1(f"{base_id}-{copy}".encode()).hexdigest()[:16]
            writer.add_document(**to_document(article, "0:0", f"{stored['key']}#copy{copy}", ""))
    writer.commit()
    done.write_text("ok\n")
    return index_dir


def query_mix(engine: Engine) -> list[dict]:
    """The fixed mix: request parameters, filter values taken from what the index holds."""
    overview = engine.overview()
    outlet = overview["outlets"][0]["value"]
    place = overview["places"][0]["value"] if overview["places"] else None
    person = overview["people"][0]["value"] if overview["people"] else None
    mix = [
        {"q": "government"}, {"q": "oil"}, {"q": "football"}, {"q": "election"},
        {"q": '"prime minister"'}, {"q": '"oil prices"'}, {"q": '"interest rates"'},
        {"q": "said"}, {"q": "people year"},
        {"q": "chelsea striker"}, {"q": "opec output"}, {"q": "microsoft antitrust"},
        {"q": "government", "outlet": outlet}, {"q": "oil", "from": "2010", "to": "2015"},
        {"q": "election OR vote", "sort": "newest"}, {},
        {"q": "brown~"}, {"q": "goverment~2"}, {"q": "minster~ oil"},
        {"q": "gov*"}, {"q": "elect*"}, {"q": "econom* growth"},
        {"q": '"to be or not to be"'}, {"q": "to be or not to be"}, {"q": '"it is"'},
    ]
    if place:
        mix += [{"place": place}, {"q": "police", "place": place}]
    if person:
        mix.append({"q": "minister", "person": person})
    return mix


def kind(params: dict) -> str | None:
    """The query form a query of the mix is timed under besides all: fuzzy, prefix or a
    phrase of stop words only."""
    q = params.get("q", "")
    if "~" in q:
        return "fuzzy"
    if "*" in q:
        return "prefix"
    if q.strip('"') in ("to be or not to be", "it is"):
        return "stop-word phrase"
    return None


def whoosh_groupedby(engine: Engine, params: dict, facets: dict) -> None:
    """The same search done the plain Whoosh way: a filter query and ``groupedby``."""
    with engine.generation() as gen:
        searcher = gen.searcher
    from newsfacet.search.query import make_parser
    q = make_parser(searcher.schema).parse(params["q"]) if params.get("q") else wq.Every()
    filters = []
    if "outlet" in params:
        filters.append(wq.Term("outlet", params["outlet"]))
    if "place" in params:
        filters.append(wq.Term("places", params["place"]))
    if "person" in params:
        filters.append(wq.Term("people", params["person"]))
    if "from" in params:
        filters.append(wq.DateRange("published", datetime(int(params["from"]), 1, 1),
                                    datetime(int(params["to"]), 12, 31)))
    flt = wq.And(filters) if filters else None
    sortedby = (sorting.FieldFacet("published", reverse=True)
                if params.get("sort") == "newest" or not params.get("q") else None)
    results = searcher.search(q, limit=20, filter=flt, groupedby=facets, sortedby=sortedby)
    for name in facets:
        results.groups(name)
    [hit.fields() for hit in results]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000,
                        help="scale corpus size (default %(default)s)")
    parser.add_argument("--replicate", type=int, default=1, metavar="K",
                        help="search K copies of the n-article index (default 1: none)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="extraction processes")
    parser.add_argument("--whoosh-runs", type=int, default=None,
                        help="timed runs of plain Whoosh per query (default: --runs; 0: skip)")
    args = parser.parse_args()
    if args.whoosh_runs is None:
        args.whoosh_runs = args.runs

    index_dir = base_index(args.n, args.workers)
    if args.replicate > 1:
        index_dir = replicated_index(index_dir, args.n, args.replicate)
    started = time.perf_counter()
    engine = Engine(index_dir)
    with engine.generation() as gen:
        searcher = gen.searcher
    print(f"index: {index_dir} ({searcher.doc_count()} articles"
          f"{f', {args.replicate} copies of {args.n}' if args.replicate > 1 else ''}); "
          f"engine opened and columns built in {time.perf_counter() - started:.2f} s")
    span = engine.overview()["date_span"] or ["2000-01-01", "2024-12-31"]
    facets = {
        "published": sorting.DateRangeFacet("published", datetime(int(span[0][:4]), 1, 1),
                                            datetime(int(span[1][:4]) + 1, 1, 1),
                                            relativedelta(years=1)),
        "places": sorting.FieldFacet("places", allow_overlap=True),
        "people": sorting.FieldFacet("people", allow_overlap=True),
    }
    mix = query_mix(engine)
    timings = {"whoosh": [], "engine": [], "engine, first run": []}
    forms = {"fuzzy": [], "prefix": [], "stop-word phrase": []}
    print(f"\n{'query':<52}{'hits':>8}{'whoosh ms':>11}{'engine ms':>11}{'first run':>11}")
    for params in mix:
        req = parse_request({k: [v] for k, v in params.items()})
        t = time.perf_counter()
        engine.search(req)   # the first run: this query's postings are not cached yet
        first = (time.perf_counter() - t) * 1000
        timings["engine, first run"].append(first)
        per = {"whoosh": [], "engine": []}
        for _ in range(args.whoosh_runs):
            t = time.perf_counter()
            whoosh_groupedby(engine, params, facets)
            per["whoosh"].append((time.perf_counter() - t) * 1000)
        for _ in range(args.runs):
            t = time.perf_counter()
            total = engine.search(req)["total"]
            per["engine"].append((time.perf_counter() - t) * 1000)
        for key, samples in per.items():
            timings[key] += samples
        if kind(params):
            forms[kind(params)] += [first] + per["engine"]
        label = " ".join(f"{k}={v}" for k, v in params.items()) or "(everything)"
        whoosh_ms = f"{statistics.median(per['whoosh']):.1f}" if per["whoosh"] else "-"
        print(f"{label[:50]:<52}{total:>8}{whoosh_ms:>11}"
              f"{statistics.median(per['engine']):>11.1f}{first:>11.1f}", flush=True)
    print()
    for key, samples in timings.items():
        if samples:
            print(f"{key:<18} p50 {percentile(samples, 50):8.1f} ms   "
                  f"p95 {percentile(samples, 95):8.1f} ms")
    for name, samples in forms.items():
        print(f"{'engine, ' + name:<18} p50 {percentile(samples, 50):8.1f} ms   "
              f"p95 {percentile(samples, 95):8.1f} ms   (first runs and repeats)")
    if timings["whoosh"]:
        for key in ("engine", "engine, first run"):
            p50 = percentile(timings["whoosh"], 50) / percentile(timings[key], 50)
            p95 = percentile(timings["whoosh"], 95) / percentile(timings[key], 95)
            print(f"{'ratio to ' + key:<27} p50 {p50:6.1f}×   p95 {p95:6.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
