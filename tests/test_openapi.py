"""``/api/openapi.json`` says what the server does: its parameters, statuses and bodies.

The last test runs schemathesis (``--checks all``) against the document, on a real
waitress server over an index of the sample corpus: every generated request must
be answered as the document says (status, content type, headers, body schema),
schema-invalid ones refused, methods the document does not list answered 405
with ``Allow``. It runs with a fixed seed so that a failure can be replayed; set
NEWSFACET_SCHEMATHESIS_SEED to explore other requests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import running_server
from newsfacet.search.indexer import index_paths
from newsfacet.search.model import RECORD_FIELDS
from newsfacet.search.request import FILTER_PARAMS, PARAMS
from newsfacet.web.app import create_app
from newsfacet.web.openapi import openapi_document

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PATHS = ("/api/search", "/api/facets/{name}", "/api/articles/{id}",
         "/api/articles/{id}/differences/{other_id}", "/api/export", "/api/compare")
MAX_EXAMPLES = 60      # per operation: the run stays well under a minute on a shared machine


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    index = tmp_path_factory.mktemp("openapi") / "index"
    index_paths([CORPUS], index, workers=1)
    return index


def _get(doc, path):
    return doc["paths"][path]["get"]


def _params(doc, path) -> dict:
    return {p["name"]: p for p in _get(doc, path)["parameters"]}


def test_the_served_document_is_the_one_built_here(client):
    assert client.get("/api/openapi.json").get_json() == openapi_document()


def test_every_search_parameter_is_described_with_its_bounds():
    doc = openapi_document()
    search = _params(doc, "/api/search")
    assert set(PARAMS) <= set(search)
    assert search["q"]["schema"]["maxLength"] == 500
    assert "400" in search["q"]["description"]          # query syntax is refused with a 400
    for name in ("from", "to"):
        pattern = re.compile(search[name]["schema"]["pattern"])
        for good in ("2024", "2024-05", "2024-05-12", ""):
            assert pattern.search(good), (name, good)
        for bad in ("24", "2024-5", "2024/05/12", "May 2024", "2024-05-12T00:00"):
            assert not pattern.search(bad), (name, bad)
    for name in FILTER_PARAMS:
        assert search[name]["schema"]["type"] == "array" and search[name]["explode"]
    assert search["page"]["schema"]["maximum"] == 100_000
    export = _params(doc, "/api/export")
    assert (set(PARAMS) - {"page", "per_page", "facet_size", "facet_rank"}
            | {"format", "bom", "paths"}) == set(export)
    assert search["facet_rank"]["schema"]["enum"] == ["count", "distinctive"]
    assert "facet_rank" in _params(doc, "/api/facets/{name}")
    value = doc["components"]["schemas"]["FacetValue"]["properties"]
    assert value["g2"]["type"] == "number" and value["g2"]["nullable"]
    assert _params(doc, "/api/articles/{id}")["q"]["schema"]["maxLength"] == 500


def test_every_status_a_path_can_answer_is_listed():
    doc = openapi_document()
    for path in PATHS:
        statuses = set(_get(doc, path)["responses"])
        assert {"200", "400", "413", "414", "503"} <= statuses, path
    assert "404" in _get(doc, "/api/articles/{id}")["responses"]
    assert "404" in _get(doc, "/api/articles/{id}/differences/{other_id}")["responses"]
    assert "404" in _get(doc, "/api/facets/{name}")["responses"]
    assert "Content-Disposition" in _get(doc, "/api/export")["responses"]["200"]["headers"]
    assert "Link" in _get(doc, "/api/search")["responses"]["200"]["headers"]


def test_the_article_schema_names_every_record_field():
    article = openapi_document()["components"]["schemas"]["Article"]
    assert set(RECORD_FIELDS) <= set(article["properties"])
    assert {"highlights", "similar", "copies"} <= set(article["required"])


@pytest.mark.parametrize("url, status", [
    ("/api/search?q=Kharkov+AND+(", 400),
    ("/api/articles/no-such-id", 404),
    ("/api/export?q=%ff", 400),
    ("/api/export?format=xml", 400),
    ("/api/no-such-endpoint", 404),
    ("/api/search?outlet=" + "x" * 40_000, 414),
])
def test_real_errors_have_the_described_shape(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    error = response.get_json()["error"]
    required = openapi_document()["components"]["schemas"]["Error"]["properties"]["error"]["required"]
    assert set(required) == set(error)
    assert isinstance(error["type"], str) and isinstance(error["message"], str)


def test_a_missing_index_is_a_described_503(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "missing")}).test_client()
    for path in ("/api/search", "/api/articles/x", "/api/export"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert set(response.get_json()["error"]) == {"type", "message", "param", "fix"}


@pytest.fixture(scope="module")
def base_url(index_dir):
    with running_server(index_dir) as server:
        yield f"http://127.0.0.1:{server.effective_port}"


# positive_data_acceptance expects a schema-valid request to succeed. Some cannot:
# q is any string up to 500 characters in the schema, but the query language
# refuses an unbalanced bracket or an unknown field with a 400 (the document says
# so); a page past the last one, from after to, or dated=unknown with a date are
# 400s for the same reason (rules across parameters that a schema cannot state);
# and a generated article id is almost never a real one (404).
SCHEMATHESIS_CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "404"]
"""


def test_schemathesis_finds_no_difference_between_document_and_server(base_url, tmp_path):
    (tmp_path / "schemathesis.toml").write_text(SCHEMATHESIS_CONFIG)
    seed = os.environ.get("NEWSFACET_SCHEMATHESIS_SEED", "1")
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", "schemathesis.toml", "--no-color",
         "run", f"{base_url}/api/openapi.json", "--checks", "all", "--workers", "1",
         "--max-examples", str(MAX_EXAMPLES), "--seed", seed, "--request-timeout", "30",
         "--output-sanitize", "false"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
    assert re.search(rf"Tested: {len(PATHS)}\b", run.stdout), run.stdout[-2000:]
