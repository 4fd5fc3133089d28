"""The JSON API: ``/api/search``, ``/api/facets/<name>``, ``/api/articles/<id>``,
``/api/articles/<id>/differences/<other_id>`` and ``/api/openapi.json`` (``web.openapi``).

A thin layer over the engine (``search.engines.open_engine``): parse the query string into a ``SearchRequest``,
ask the engine, return its response as JSON. Errors are answered by the app's handlers
(``web.app``) as ``{"error": {type, message, param}}`` with a 4xx status, never a stack trace.
"""

from __future__ import annotations

import threading

from flask import Blueprint, current_app, jsonify, request, url_for

from newsfacet.search.engines import open_engine
from newsfacet.search.facet_values import parse_value_list
from newsfacet.search.indexer import IndexError_
from newsfacet.search.request import SearchError, parse_request

from .openapi import openapi_document

api = Blueprint("api", __name__, url_prefix="/api")
_open_lock = threading.Lock()


def get_engine():
    """The app's engine (``ENGINE``: on ``INDEX_DIR``, or on ``OPENSEARCH_INDEX`` of the
    cluster at ``OPENSEARCH_URL``), opened once and cached in the app's extensions."""
    engine = current_app.extensions.get("newsfacet_engine")
    if engine is None:
        with _open_lock:
            engine = current_app.extensions.get("newsfacet_engine")
            if engine is None:
                config = current_app.config
                try:
                    engine = open_engine(config["ENGINE"], config.get("INDEX_DIR"),
                                         config.get("OPENSEARCH_URL"),
                                         config.get("OPENSEARCH_INDEX"), config["TIME_BUDGET_MS"])
                except (IndexError_, ValueError) as exc:
                    raise SearchError(str(exc), None, type="no_index", status=503) from None
                current_app.extensions["newsfacet_engine"] = engine
    return engine


@api.get("/search")
def search():
    """Ranked, highlighted, faceted results for the query string (see openapi.json)."""
    result = get_engine().search(parse_request(request.args))
    response = jsonify(result)
    if result["next"]:
        # A relative reference: the client resolves it against the URL it asked, so
        # nothing the request says about the host (Host, X-Forwarded-*) is echoed.
        response.headers["Link"] = f'<{url_for("api.search")}{result["next"]}>; rel="next"'
    return response


@api.get("/facets/<name>")
def facet(name: str):
    """Every value of one facet for a search, filtered (``prefix``, ``contains``) and paged
    (``page``, ``per_page`` of values); the other parameters are the search's."""
    req, listing = parse_value_list(request.args)
    return jsonify(get_engine().facet_values(req, name, listing))


@api.get("/articles/<path:article_id>")
def article(article_id: str):
    """One article's full record, with its ``copies`` and ``similar`` articles; ``q`` marks
    its words."""
    return jsonify(get_engine().article(article_id, q=request.args.get("q", "")))


@api.get("/articles/<path:article_id>/differences/<path:other_id>")
def differences(article_id: str, other_id: str):
    """The paragraphs only in one of two articles, and the count of those in both."""
    return jsonify(get_engine().differences(article_id, other_id))


@api.get("/openapi.json")
def openapi():
    """The OpenAPI description of these endpoints."""
    return jsonify(openapi_document())
