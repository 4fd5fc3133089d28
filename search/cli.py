"""The ``newsfacet`` command: index, export, stats, search and serve.

A thin layer: it parses arguments, calls the engine and prints. Every command
takes ``--index DIR`` (default ``$NEWSFACET_INDEX`` or ``./newsfacet-index``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter

from web.serve import add_serve_arguments, run_serve  # imports Flask only when serving

from .indexer import IndexError_, index_paths, last_report, open_index
from .schema import to_article
from .searchcli import add_search_arguments, run_search

DEFAULT_INDEX = "newsfacet-index"


def _default_index() -> str:
    return os.environ.get("NEWSFACET_INDEX") or DEFAULT_INDEX


def _add_index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", default=_default_index(), metavar="DIR",
                        help="index folder (default: $NEWSFACET_INDEX or ./%(default)s)")


def _cmd_index(args) -> int:
    try:
        report = index_paths(args.paths, args.index, rebuild=args.rebuild, prune=args.prune,
                             workers=args.workers, progress=sys.stderr.isatty() and not args.quiet)
    except (FileNotFoundError, IndexError_) as exc:
        print(f"newsfacet index: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsfacet index: interrupted; the previous index is unchanged", file=sys.stderr)
        return 130
    for item in report.failed:
        print(f"failed: {item['file']}: {item['reason']}", file=sys.stderr)
    if report.skipped:
        print(f"skipped {len(report.skipped)} files of other types "
              f"(listed in {os.path.join(args.index, 'last-build.json')})", file=sys.stderr)
    print(report.summary())
    if report.articles == 0:
        print("newsfacet index: error: nothing could be indexed", file=sys.stderr)
        return 1
    if args.strict and report.failed:
        return 1
    return 0


def _iter_articles(index_dir):
    """Every indexed article, streamed in index order."""
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        for stored in searcher.reader().all_stored_fields():
            yield to_article(stored)


def _cmd_export(args) -> int:
    try:
        for article in _iter_articles(args.index):
            sys.stdout.write(json.dumps(article.to_record(), ensure_ascii=False) + "\n")
    except IndexError_ as exc:
        print(f"newsfacet export: error: {exc}", file=sys.stderr)
        return 2
    return 0


def collection_stats(index_dir, top: int = 10) -> dict:
    """Articles, outlets, date range, top places and people, and the last build's problems."""
    outlets, places, people, orgs = Counter(), Counter(), Counter(), Counter()
    dates, undated, total = [], 0, 0
    for article in _iter_articles(index_dir):
        total += 1
        outlets[article.outlet or "(unknown)"] += 1
        places.update(article.places)
        people.update(article.people)
        orgs.update(article.organizations)
        if article.published:
            dates.append(article.published)
        else:
            undated += 1
    build = last_report(index_dir) or {}
    return {
        "articles": total,
        "outlets": outlets.most_common(),
        "published": {"first": min(dates, default=None), "last": max(dates, default=None),
                      "unknown": undated},
        "places": places.most_common(top),
        "people": people.most_common(top),
        "organizations": orgs.most_common(top),
        "skipped": build.get("skipped", []),
        "failed": build.get("failed", []),
    }


def _cmd_stats(args) -> int:
    try:
        stats = collection_stats(args.index, top=args.top)
    except IndexError_ as exc:
        print(f"newsfacet stats: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=1))
        return 0
    pub = stats["published"]
    print(f"articles:      {stats['articles']}")
    print(f"published:     {pub['first'] or '-'} … {pub['last'] or '-'} ({pub['unknown']} with unknown date)")
    for label, key in (("outlets", "outlets"), ("places", "places"), ("people", "people"),
                       ("organizations", "organizations")):
        values = stats[key][: args.top]
        print(f"{label + ':':<15}" + (", ".join(f"{v} ({n})" for v, n in values) or "-"))
    print(f"last build:    {len(stats['skipped'])} files skipped, {len(stats['failed'])} failed")
    for item in stats["failed"][: args.top]:
        print(f"  failed: {item['file']}: {item['reason']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``newsfacet`` command."""
    parser = argparse.ArgumentParser(prog="newsfacet", description="Search engine for news collections.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build or update the index from files and folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help=".txt, .html, .json, .jsonl (or .gz) files or folders")
    _add_index_option(p)
    p.add_argument("--rebuild", action="store_true", help="start the index from scratch")
    p.add_argument("--prune", action="store_true", help="drop articles whose file is gone")
    p.add_argument("--strict", action="store_true", help="exit 1 if any file failed")
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes that read, extract and index (default: one per core)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("export", help="print every indexed article as one JSON record a line")
    _add_index_option(p)
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("stats", help="what the index holds")
    _add_index_option(p)
    p.add_argument("--top", type=int, default=10, help="values per list (default 10)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("search", help="search the index")
    _add_index_option(p)
    add_search_arguments(p)
    p.set_defaults(func=run_search)

    p = sub.add_parser("serve", help="serve the web front end on the index")
    _add_index_option(p)
    add_serve_arguments(p)
    p.set_defaults(func=run_serve)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``newsfacet`` console script."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
