"""Which engine answers: the Whoosh engine on an index folder, or the OpenSearch engine on
an index of a cluster. Both have the same methods and responses; the web app and the
commands open one here and never ask which it is."""

from __future__ import annotations

import argparse

from .engine import Engine
from .indexer import IndexError_
from .settings import SETTINGS

#: The engines a server and the commands can answer from.
ENGINES = ("whoosh", "opensearch")


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """``--engine`` and the OpenSearch cluster's options (``connect.add_options``), for
    ``newsfacet serve``, ``search``, ``export`` and ``stats`` (``--index`` is added by the
    caller)."""
    from .opensearch import connect

    parser.add_argument("--engine", choices=ENGINES, default="whoosh",
                        help="answer from the index folder (whoosh, the default) or from an "
                             "index of an OpenSearch cluster (opensearch: see --opensearch-url)")
    connect.add_options(parser)


def engine_of(args):
    """The engine a command's options name (``--index``, ``add_engine_options``);
    ``IndexError_`` says why it cannot be opened."""
    try:
        return open_engine(args.engine, args.index, args.opensearch_url, args.opensearch_index)
    except ValueError as exc:
        raise IndexError_(str(exc)) from None


def open_engine(engine: str = "whoosh", index_dir=None, opensearch_url: str | None = None,
                opensearch_index: str | None = None,
                time_budget_ms: float | None = SETTINGS.time_budget_ms):
    """The engine ``engine`` names: Whoosh's on ``index_dir``, or OpenSearch's on index (or
    alias) ``opensearch_index`` of the cluster at ``opensearch_url``. ``IndexError_`` says
    why it cannot be opened; a ValueError names what is missing."""
    if engine == "opensearch":
        from .opensearch.connect import DEFAULT_INDEX
        from .opensearch.engine import OpenSearchEngine
        if not opensearch_url:
            raise ValueError("the OpenSearch engine needs a cluster: pass --opensearch-url URL "
                             "or set NEWSFACET_OPENSEARCH_URL")
        return OpenSearchEngine.connect(opensearch_url, opensearch_index or DEFAULT_INDEX,
                                        time_budget_ms)
    if engine != "whoosh":
        raise ValueError(f"no engine named {engine!r}; the engines are {', '.join(ENGINES)}")
    if not index_dir:
        raise ValueError("the server has no index configured (INDEX_DIR)")
    return Engine(index_dir, time_budget_ms)
