"""The JSON endpoints through a real Flask test client on a real index, and their agreement
with ``newsfacet search --json``."""

from __future__ import annotations

import json

import pytest

from newsfacet.web.api import get_engine
from newsfacet.web.app import create_app
from newsfacet.web.serve import main as newsfacet
from test_engine import RECORDS, build_index


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("api"))


def cli_json(index_dir, argv, capsys) -> dict:
    assert newsfacet(["search", "--index", str(index_dir), "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def without_timing(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "took_ms"}


@pytest.mark.parametrize("query, argv", [
    ("q=belgorod", ["belgorod"]),
    ("q=Kharkov&sort=newest", ["Kharkov", "--sort", "newest"]),
    ("outlet=RT&outlet=Daily+Planet&from=2023&per_page=2&page=2",
     ["--outlet", "RT", "--outlet", "Daily Planet", "--from", "2023", "--per-page", "2",
      "--page", "2"]),
    ("dated=unknown&facet_size=3", ["--dated", "unknown", "--facet-size", "3"]),
    ("q=belgorodd&place=Belgorod", ["belgorodd", "--place", "Belgorod"]),
    ("q=belgorod+outlet:Nowhere", ["belgorod outlet:Nowhere"]),
    ("q=belgorod&outlet=Nowhere", ["belgorod", "--outlet", "Nowhere"]),
])
def test_api_and_cli_return_the_same_response(client, index_dir, capsys, query, argv):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 200
    assert without_timing(response.get_json()) == without_timing(cli_json(index_dir, argv,
                                                                          capsys))


def test_an_unknown_field_value_is_a_warning_and_no_hits(client):
    body = client.get("/api/search?q=belgorod+outlet:Nowhere").get_json()
    assert body["total"] == 0 and any("no outlet named 'Nowhere'" in w for w in body["warnings"])


def test_search_response_shape_and_next_link(client):
    response = client.get("/api/search?per_page=3")
    body = response.get_json()
    assert body["total"] == len(RECORDS) and body["pages"] == 4
    assert set(body) == {"query", "interpretation", "total", "total_stories", "unit", "page",
                         "per_page", "pages", "took_ms", "hits", "facets", "suggestion", "warnings", "timed_out",
                         "relaxations", "next"}
    assert set(body["facets"]) == {"outlet", "source_outlet", "place", "person", "org",
                                   "author", "published"}
    hit = body["hits"][0]
    for key in ("id", "title", "outlet", "source_outlet", "published", "date_source", "authors",
                "places", "people", "organizations", "url", "score", "highlights"):
        assert key in hit
    assert body["next"] == "?page=2&per_page=3"
    assert response.headers["Link"] == '</api/search?page=2&per_page=3>; rel="next"'
    second = client.get("/api/search" + body["next"]).get_json()
    assert second["page"] == 2 and not {h["id"] for h in second["hits"]} & {
        h["id"] for h in body["hits"]}
    last = client.get("/api/search?per_page=3&page=4")
    assert "Link" not in last.headers and last.get_json()["next"] is None


def test_next_link_never_names_the_requests_host(client):
    # A relative reference: a forged Host (cache poisoning, links to another site) is not echoed.
    for headers in ({"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}):
        response = client.get("/api/search?per_page=3", headers=headers)
        assert response.headers["Link"] == '</api/search?page=2&per_page=3>; rel="next"'


@pytest.mark.parametrize("query, param", [
    ("q=belgorod+AND+(", "q"), ("per_page=101", "per_page"), ("page=99", "page"),
    ("from=2023-02-30", "from"), ("sort=random", "sort"), ("outlett=RT", "outlett"),
    ("q=colour:red", "q"),
])
def test_bad_requests_are_400_json(client, query, param):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["param"] == param and error["type"] and error["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_article_endpoint(client):
    hit = client.get("/api/search?q=%22city+centre%22").get_json()["hits"][0]
    response = client.get(f"/api/articles/{hit['id']}?q=kharkov")
    assert response.status_code == 200
    article = response.get_json()
    assert article["id"] == hit["id"] and article["title"] == "Missiles fall on Kharkiv"
    assert isinstance(article["similar"], list) and article["copies"] == []
    assert "<mark>Kharkiv</mark>" in article["highlights"]["text"]


def test_unknown_article_is_404_json(client):
    response = client.get("/api/articles/does-not-exist")
    assert response.status_code == 404
    assert response.get_json()["error"]["type"] == "not_found"


def test_openapi_describes_the_endpoints(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/search", "/api/articles/{id}", "/api/export", "/api/openapi.json"} <= set(doc["paths"])
    names = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "outlet", "place", "person", "org", "author", "from", "to", "dated", "sort",
            "page", "per_page", "facet_size"} <= names


def test_one_engine_per_app(index_dir):
    app = create_app({"INDEX_DIR": str(index_dir)})
    with app.app_context():
        assert get_engine() is get_engine()
        assert app.extensions["newsfacet_engine"] is get_engine()


def test_missing_index_is_a_clear_json_error(tmp_path):
    response = create_app({"INDEX_DIR": str(tmp_path / "nowhere")}).test_client().get("/api/search?q=x")
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["type"] == "no_index" and "does not exist; build it with" in error["message"]


def test_cli_prints_results_and_errors(index_dir, capsys):
    assert newsfacet(["search", "--index", str(index_dir), "Kharkov", "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 results") and "*Kharkiv*" in out and "RT" in out
    assert newsfacet(["search", "--index", str(index_dir), "--per-page", "500"]) == 2
    assert capsys.readouterr().err.startswith("newsfacet search: error: per_page: ")
    assert newsfacet(["export", "--index", str(index_dir / "nowhere")]) == 2
    assert capsys.readouterr().err.startswith("newsfacet export: error: ")
