"""The ``newsfacet`` command's engine commands: index, export, stats and search.

A thin layer: it parses arguments, calls the engine and prints. Every command
takes ``--index DIR`` (default ``$NEWSFACET_INDEX`` or ``./newsfacet-index``);
``search``, ``export`` and ``stats`` also ``--engine opensearch`` with the cluster's
options (``engines.add_engine_options``), and print the same whichever engine answers.
The installed command (``newsfacet.web.serve.main``) adds ``serve``; the engine
never imports the web front end.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import sys
from contextlib import nullcontext
from importlib import metadata

from .engine import Engine
from .engines import add_engine_options, engine_of
from .opensearch import connect
from .indexer import (REPORT, IndexError_, NothingToIndex, StopSignals, Terminated, damaged,
                      index_paths, last_report)
from .readers import UNSUPPORTED, printable
from .request import SearchError, parse_request
from .searchcli import add_search_arguments, run_search
from .settings import SETTINGS

DEFAULT_INDEX = "newsfacet-index"


def _default_index() -> str:
    return os.environ.get("NEWSFACET_INDEX") or DEFAULT_INDEX


def add_index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", default=_default_index(), metavar="DIR",
                        help="index folder (default: $NEWSFACET_INDEX or ./%(default)s)")


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {text!r}")
    return value


def error(command: str, message: str) -> None:
    """Print a command's error in the one wording every command uses."""
    print(f"newsfacet {command}: error: {printable(message)}", file=sys.stderr)


def _load(args):
    """``newsfacet index --to opensearch``: the load's report."""
    from opensearchpy.exceptions import TransportError

    from .opensearch import dask_workers
    from .opensearch.load import load_paths

    try:
        client = connect.client(args.opensearch_url)
    except ValueError as exc:
        raise IndexError_(str(exc)) from None
    try:
        with (dask_workers.connect(args.dask_scheduler) if args.dask_scheduler
              else nullcontext()) as pool:
            return load_paths(args.paths, client, args.opensearch_index, rebuild=args.rebuild,
                              prune=args.prune, workers=args.workers,
                              follow_symlinks=args.follow_symlinks, shards=args.shards,
                              replicas=args.replicas, pool=pool, progress=not args.quiet)
    except TransportError as exc:
        raise IndexError_(f"the OpenSearch cluster at {args.opensearch_url} failed: {exc}; "
                          "run the same command again once it answers") from None


def _cmd_index(args) -> int:
    if args.dask_scheduler and args.to != "opensearch":
        error("index", "--dask-scheduler loads into OpenSearch: add --to opensearch")
        return 2
    with StopSignals() as signals:    # also while the report is shown: the build is complete then
        try:
            if args.to == "opensearch":
                report = _load(args)
            else:
                report = index_paths(args.paths, args.index, rebuild=args.rebuild,
                                     prune=args.prune, workers=args.workers,
                                     progress=not args.quiet,
                                     follow_symlinks=args.follow_symlinks,
                                     checkpoint=args.checkpoint)
        except NothingToIndex as exc:
            error("index", str(exc))
            return 1
        except FileNotFoundError as exc:
            error("index", str(exc))
            return 2
        except KeyboardInterrupt as exc:
            how, code = ("stopped (SIGTERM)", 143) if isinstance(exc, Terminated) else ("interrupted", 130)
            kept = getattr(exc, "checkpoint_articles", None)
            if args.to == "opensearch":
                print(f"newsfacet index: {how}; what was sent to {printable(args.opensearch_index)} "
                      "stays (a first load or --rebuild leaves the alias as it was); the same "
                      "command finishes the load", file=sys.stderr)
            elif kept is None:
                print(f"newsfacet index: {how}; the index in {printable(args.index)} is as it was "
                      "before this run", file=sys.stderr)
            else:
                print(f"newsfacet index: {how}; the index in {printable(args.index)} holds {kept} "
                      f"articles, as this run's last checkpoint left it; to carry on, run: "
                      f"{_again(args)}", file=sys.stderr)
            return code
        signals.finishing()
        return _show_build(report, args)


def _again(args) -> str:
    """The command that carries on a stopped build: the same, without --rebuild (the
    index already holds what the stopped build committed)."""
    words = ["newsfacet", "index", *args.paths, "--index", args.index]
    words += ["--prune"] * args.prune + ["--strict"] * args.strict + ["--follow-symlinks"] * args.follow_symlinks
    if args.workers:
        words += ["--workers", str(args.workers)]
    if args.checkpoint != SETTINGS.checkpoint_articles:
        words += ["--checkpoint", str(args.checkpoint)]
    return " ".join(shlex.quote(printable(str(word))) for word in words)


def _show_build(report, args) -> int:
    """Print what a build did; its exit status."""
    for item in report.failed:
        print(f"failed: {printable(item['file'])}: {printable(item['reason'])}", file=sys.stderr)
    for item in report.skipped:
        if item["reason"] != UNSUPPORTED:
            print(f"skipped: {printable(item['file'])}: {item['reason']}", file=sys.stderr)
    others = sum(item["reason"] == UNSUPPORTED for item in report.skipped)
    if others:
        listed = ("" if args.to == "opensearch"
                  else f" (listed in {printable(os.path.join(args.index, REPORT))})")
        print(f"skipped {others} files of other types{listed}", file=sys.stderr)
    for note in report.notes:
        print(f"note: {printable(note)}", file=sys.stderr)
    print(report.summary())
    if report.articles == 0:
        left = ("" if args.to == "opensearch" or os.path.isdir(args.index)
                else "; no index folder was left behind")
        error("index", f"nothing could be indexed{left}")
        return 1
    if args.strict and report.failed:
        return 1
    return 0


def iter_records(engine):
    """Every indexed article's export record, from ``engine`` (an ``Engine`` or any engine
    ``engines.open_engine`` opens; one record per article, with every path it was found at)."""
    try:
        yield from engine.iter_records(parse_request({}))
    except Exception as exc:   # a damaged file of a Whoosh index shows only when read
        if not isinstance(engine, Engine):
            raise
        raise damaged(engine.path, exc) from None


def _cmd_export(args) -> int:
    for record in iter_records(engine_of(args)):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def collection_stats(engine, top: int = 10) -> dict:
    """Articles, the number of outlets and the ``top`` of them (and of places, people and
    organisations, each [value, articles]), the date range, and the last build's problems:
    the engine's overview, counted on its value columns (or by the cluster), so it costs the
    same at any size. The last build's report is kept in a Whoosh index folder only:
    ``skipped`` and ``failed`` are None for another engine."""
    overview = engine.overview(top)

    def pairs(key: str) -> list:
        return [[v["value"], v["count"]] for v in overview[key]]

    without = overview["without_outlet"]
    first, last = overview["date_span"] or (None, None)
    build = (last_report(engine.path) or {}) if isinstance(engine, Engine) else {
        "skipped": None, "failed": None}
    return {
        "articles": overview["articles"],
        "outlet_count": overview["outlet_count"],
        "outlets": pairs("outlets") + ([["(unknown)", without]] if without else []),
        "published": {"first": first, "last": last, "unknown": overview["without_date"]},
        "places": pairs("places"),
        "people": pairs("people"),
        "organizations": pairs("organizations"),
        "skipped": build.get("skipped", []),
        "failed": build.get("failed", []),
    }


def _cmd_stats(args) -> int:
    stats = collection_stats(engine_of(args), top=args.top)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=1))
        return 0
    pub = stats["published"]
    print(f"articles:      {stats['articles']} from {stats['outlet_count']} outlets")
    print(f"published:     {pub['first'] or '-'} … {pub['last'] or '-'} ({pub['unknown']} with unknown date)")
    for label, key in (("outlets", "outlets"), ("places", "places"), ("people", "people"),
                       ("organizations", "organizations")):
        values = stats[key][: args.top]
        print(f"{label + ':':<15}" + (", ".join(f"{printable(v)} ({n})" for v, n in values) or "-"))
    if stats["failed"] is None:
        print("last build:    not kept in OpenSearch (the load printed its own report)")
        return 0
    print(f"last build:    {len(stats['skipped'])} files skipped, {len(stats['failed'])} failed")
    for item in stats["failed"][: args.top]:
        print(f"  failed: {printable(item['file'])}: {printable(item['reason'])}")
    return 0


def build_parser(more_commands=()) -> argparse.ArgumentParser:
    """The argument parser of the ``newsfacet`` command.

    Each of ``more_commands`` is called with the subparsers to add its own command.
    """
    parser = argparse.ArgumentParser(prog="newsfacet", description="Search engine for news collections.")
    parser.add_argument("--version", action="version", version=f"newsfacet {_version()}")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("index", help="build or update the index from files and folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help=".txt, .html, .json, .jsonl (or .gz) files or folders")
    add_index_option(p)
    p.add_argument("--rebuild", action="store_true", help="start the index from scratch")
    p.add_argument("--prune", action="store_true", help="drop articles whose file is gone")
    p.add_argument("--strict", action="store_true", help="exit 1 if any file failed")
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="worker processes that read, extract and index (default: one per core)")
    p.add_argument("--follow-symlinks", action="store_true",
                   help="follow symbolic links inside folders (each file is read once)")
    p.add_argument("--quiet", action="store_true",
                   help="no progress (a bar on a terminal, otherwise a line every few seconds)")
    p.add_argument("--checkpoint", type=_positive_int, default=SETTINGS.checkpoint_articles, metavar="N",
                   help="commit what is done every N extracted articles, so that a stopped build "
                        "keeps it and the next run carries on (default %(default)s)")
    p.add_argument("--to", choices=("whoosh", "opensearch"), default="whoosh",
                   help="build the index folder (whoosh, the default) or load an OpenSearch "
                        "index (opensearch: see --opensearch-url)")
    connect.add_options(p)
    p.add_argument("--shards", type=_positive_int, default=1,
                   help="--to opensearch: primary shards of a new index (default 1)")
    p.add_argument("--replicas", type=int, default=0,
                   help="--to opensearch: copies of each shard of a new index (default 0)")
    p.add_argument("--dask-scheduler", metavar="ADDRESS",
                   help="--to opensearch: read and extract the files on the workers of this "
                        "Dask scheduler (e.g. tcp://10.0.0.5:8786) rather than in local "
                        "processes; needs pip install 'newsfacet[dask]'")
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("export", help="print every indexed article as one JSON record a line")
    add_index_option(p)
    add_engine_options(p)
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("stats", help="what the index holds")
    add_index_option(p)
    add_engine_options(p)
    p.add_argument("--top", type=int, default=10, help="values per list (default 10)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("search", help="search the index")
    add_index_option(p)
    add_engine_options(p)
    add_search_arguments(p)
    p.set_defaults(func=run_search)

    for add_command in more_commands:
        add_command(sub)
    return parser


def _version() -> str:
    """The installed package's version."""
    try:
        return metadata.version("newsfacet")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def main(argv=None, more_commands=()) -> int:
    """Run the ``newsfacet`` command (alone, it prints its help); the exit status."""
    parser = build_parser(more_commands)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        code = args.func(args)
        sys.stdout.flush()
    except IndexError_ as exc:   # the index folder's problems, worded the same for every command
        error(args.command, str(exc))
        code = 2
    except SearchError as exc:
        error(args.command, f"{exc.param}: {exc.message}" if exc.param else exc.message)
        if exc.fix:
            print(f"try: newsfacet {args.command} {shlex.quote(exc.fix)}", file=sys.stderr)
        code = 2
    except BrokenPipeError:   # e.g. `newsfacet export | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    if argv is None:   # the program itself: its work is done, Ctrl-C or SIGTERM now only cut its exit short
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
    return code


if __name__ == "__main__":
    sys.exit(main())
