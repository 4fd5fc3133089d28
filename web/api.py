"""The JSON API: ``/api/search``, ``/api/articles/<id>`` and ``/api/openapi.json``.

A thin layer over ``search.engine.Engine``: parse the query string into a ``SearchRequest``,
ask the engine, return its response as JSON. Errors are ``{"error": {type, message, param}}``
with a 4xx status, never a stack trace.
"""

from __future__ import annotations

import threading

from flask import Blueprint, current_app, jsonify, request, url_for

from search.engine import Engine
from search.request import (DEFAULT_FACET_SIZE, DEFAULT_PER_PAGE, DATED, FILTER_PARAMS,
                            MAX_FACET_SIZE, MAX_PER_PAGE, MAX_QUERY_CHARS, SORTS, SearchError,
                            parse_request)

api = Blueprint("api", __name__, url_prefix="/api")
_open_lock = threading.Lock()


def get_engine() -> Engine:
    """The app's engine on ``INDEX_DIR``, opened once and cached in the app's extensions."""
    engine = current_app.extensions.get("newsfacet_engine")
    if engine is None:
        with _open_lock:
            engine = current_app.extensions.get("newsfacet_engine")
            if engine is None:
                index_dir = current_app.config.get("INDEX_DIR")
                if not index_dir:
                    raise SearchError("the server has no index configured (INDEX_DIR)", None,
                                      type="no_index", status=503)
                try:
                    engine = Engine(index_dir)
                except (FileNotFoundError, ValueError) as exc:
                    raise SearchError(str(exc), None, type="no_index", status=503) from None
                current_app.extensions["newsfacet_engine"] = engine
    return engine


@api.errorhandler(SearchError)
def _search_error(exc: SearchError):
    return jsonify(exc.to_dict()), exc.status


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


@api.get("/articles/<path:article_id>")
def article(article_id: str):
    """One article's full record, with ``similar`` and ``same_text``; ``q`` marks its words."""
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY_CHARS:
        raise SearchError(f"the query is {len(q)} characters long; at most {MAX_QUERY_CHARS} "
                          "are allowed", "q", type="query_too_long")
    return jsonify(get_engine().article(article_id, q=q))


def _param(name: str, description: str, schema: dict, repeat: bool = False) -> dict:
    if repeat:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema, **({"explode": True} if repeat else {})}


_ERROR = {"description": "bad request (400), unknown article (404) or no index (503)",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi_document() -> dict:
    """The OpenAPI 3 description of the JSON endpoints."""
    params = [
        _param("q", "query: words (AND), \"phrases\", OR, NOT/-word, field:value (outlet, "
               "source_outlet, place, person, org, author, title, text), prefix*, fuzzy~, "
               "date:2023-05 or date:[2023-01 TO 2023-06]", {"type": "string",
                                                              "maxLength": MAX_QUERY_CHARS}),
        *[_param(name, f"only articles with this {name} (several values: any of them)",
                 {"type": "string"}, repeat=True) for name in FILTER_PARAMS],
        _param("from", "published on or after (YYYY, YYYY-MM or YYYY-MM-DD)", {"type": "string"}),
        _param("to", "published on or before (YYYY, YYYY-MM or YYYY-MM-DD)", {"type": "string"}),
        _param("dated", "unknown: only articles without a publication date", {"enum": list(DATED)}),
        _param("sort", "relevance (default with a query), newest (default without), oldest",
               {"enum": list(SORTS)}),
        _param("page", "page number, from 1", {"type": "integer", "minimum": 1, "default": 1}),
        _param("per_page", "hits per page", {"type": "integer", "minimum": 1,
                                             "maximum": MAX_PER_PAGE,
                                             "default": DEFAULT_PER_PAGE}),
        _param("facet_size", "values per facet", {"type": "integer", "minimum": 0,
                                                  "maximum": MAX_FACET_SIZE,
                                                  "default": DEFAULT_FACET_SIZE}),
    ]
    facet_value = {"type": "object", "properties": {
        "value": {"type": "string"}, "count": {"type": "integer"}, "selected": {"type": "boolean"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "newsfacet API", "version": "1",
                 "description": "Search a news collection: ranked, highlighted hits with facets."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search articles", "parameters": params,
                "responses": {"200": {"description": "the results; a Link rel=next header when "
                                                     "there is a next page",
                                      "content": {"application/json": {"schema": {
                                          "$ref": "#/components/schemas/SearchResponse"}}}},
                              "400": _ERROR, "503": _ERROR}}},
            "/api/articles/{id}": {"get": {
                "summary": "One article with similar articles and copies of the same text",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string"}},
                               _param("q", "a query whose words are marked in the highlights",
                                      {"type": "string"})],
                "responses": {"200": {"description": "the article record plus highlights, "
                                                     "similar and same_text",
                                      "content": {"application/json": {"schema": {
                                          "type": "object"}}}},
                              "404": _ERROR}}},
            "/api/export": {"get": {
                "summary": "The whole result set (every filter applied, no row cap), streamed",
                "parameters": [p for p in params if p["name"] not in ("page", "per_page", "facet_size")]
                + [_param("format", "csv (default) or jsonl", {"enum": ["csv", "jsonl"]})],
                "responses": {"200": {"description": "one row (CSV) or JSON record (JSONL) per "
                                                     "article, with the export record's fields",
                                      "content": {"text/csv": {}, "application/x-ndjson": {}}},
                              "400": _ERROR}}},
            "/api/openapi.json": {"get": {"summary": "This document",
                                          "responses": {"200": {"description": "OpenAPI 3"}}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "type": {"type": "string"}, "message": {"type": "string"},
                "param": {"type": "string", "nullable": True}}}}},
            "SearchResponse": {"type": "object", "properties": {
                "query": {"type": "object"}, "total": {"type": "integer"},
                "page": {"type": "integer"}, "per_page": {"type": "integer"},
                "pages": {"type": "integer"}, "took_ms": {"type": "integer"},
                "hits": {"type": "array", "items": {"type": "object"}},
                "facets": {"type": "object", "additionalProperties": {
                    "type": "array", "items": facet_value}},
                "suggestion": {"type": "string", "nullable": True},
                "warnings": {"type": "array", "items": {"type": "string"}},
                "next": {"type": "string", "nullable": True,
                         "description": "query string of the next page, or null"}}},
        }},
    }


@api.get("/openapi.json")
def openapi():
    """The OpenAPI description of these endpoints."""
    return jsonify(openapi_document())
