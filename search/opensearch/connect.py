"""The command-line options and client of an OpenSearch cluster, shared by ``newsfacet
index --to opensearch`` and ``newsfacet serve --engine opensearch``."""

from __future__ import annotations

import argparse
import os

from opensearchpy import OpenSearch

#: The alias newsfacet loads into and serves from when none is named.
DEFAULT_INDEX = "newsfacet"
#: Seconds a request to the cluster may take (a bulk request of 500 articles included).
REQUEST_TIMEOUT = 60


def add_options(parser: argparse.ArgumentParser) -> None:
    """``--opensearch-url`` (default ``$NEWSFACET_OPENSEARCH_URL``) and
    ``--opensearch-index`` (default ``$NEWSFACET_OPENSEARCH_INDEX`` or ``newsfacet``)."""
    parser.add_argument("--opensearch-url", default=os.environ.get("NEWSFACET_OPENSEARCH_URL"),
                        metavar="URL", help="the OpenSearch cluster, e.g. http://localhost:9200 "
                                            "(default: $NEWSFACET_OPENSEARCH_URL)")
    parser.add_argument("--opensearch-index", metavar="NAME",
                        default=os.environ.get("NEWSFACET_OPENSEARCH_INDEX") or DEFAULT_INDEX,
                        help="the alias the articles are loaded behind and served from "
                             "(default: $NEWSFACET_OPENSEARCH_INDEX or %(default)s)")


def client(url: str | None) -> OpenSearch:
    """A client of the cluster at ``url``; a ValueError saying what to give when none."""
    if not url:
        raise ValueError("no OpenSearch cluster given: pass --opensearch-url URL or set "
                         "NEWSFACET_OPENSEARCH_URL")
    return OpenSearch(hosts=[url], timeout=REQUEST_TIMEOUT)
