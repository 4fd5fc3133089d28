"""Ask an index what it holds the way users do, and check that every way agrees.

A search goes to the engine (``Engine.search``), to ``newsfacet search --json`` and to the
HTTP API (``/api/search``); an article to the engine and ``/api/articles/<id>``; the whole
collection comes from ``newsfacet export``. Tests of a changing collection look at it only
through these helpers, never through Whoosh's stored fields.
"""

from __future__ import annotations

import contextlib
import io
import json

from newsfacet.search.cli import main
from newsfacet.search.engine import Engine
from newsfacet.search.request import parse_request
from newsfacet.web.app import create_app

PER_PAGE = 100


def _params(q: str, page: int) -> dict[str, list[str]]:
    params = {"per_page": [str(PER_PAGE)], "page": [str(page)]}
    if q:
        params["q"] = [q]
    return params


def _cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def _page(index_dir, q: str, page: int, engine: Engine | None) -> dict:
    """One page of results, the same from the engine, the CLI and the HTTP API."""
    params = _params(q, page)
    engine = engine or Engine(index_dir)
    from_engine = json.loads(json.dumps(engine.search(parse_request(params))))
    code, out = _cli(["search", q, "--index", str(index_dir), "--json",
                      "--per-page", str(PER_PAGE), "--page", str(page)])
    assert code == 0, out
    from_cli = json.loads(out)
    response = create_app({"INDEX_DIR": str(index_dir)}).test_client().get(
        "/api/search", query_string={k: v[0] for k, v in params.items()})
    assert response.status_code == 200, response.get_data(as_text=True)
    from_api = response.get_json()
    for answer in (from_engine, from_cli, from_api):
        answer.pop("took_ms")
    assert from_engine == from_cli == from_api
    return from_engine


def search(index_dir, q: str = "", engine: Engine | None = None) -> dict:
    """The agreed response to ``q`` (empty: everything) with the hits of every page.

    ``engine``: an engine opened earlier (a running server) to ask as well, instead of a
    fresh one; it must see the index as it is now.
    """
    first = _page(index_dir, q, 1, engine)
    for page in range(2, first["pages"] + 1):
        first["hits"] += _page(index_dir, q, page, engine)["hits"]
    assert len(first["hits"]) == first["total"]
    return first


def titles(index_dir, q: str = "", engine: Engine | None = None) -> list[str]:
    """The sorted titles of every hit of ``q`` (empty: every article)."""
    return sorted(hit["title"] for hit in search(index_dir, q, engine)["hits"])


def article(index_dir, article_id: str) -> dict:
    """The full record of one article, the same from the engine and the HTTP API."""
    from_engine = json.loads(json.dumps(Engine(index_dir).article(article_id)))
    response = create_app({"INDEX_DIR": str(index_dir)}).test_client().get(
        f"/api/articles/{article_id}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == from_engine
    return from_engine


def exported(index_dir) -> list[dict]:
    """Every record ``newsfacet export`` prints."""
    code, out = _cli(["export", "--index", str(index_dir)])
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]
