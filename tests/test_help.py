"""The /help page: the query syntax with examples, every example a link that runs and finds
what it says on the sample corpus."""

from __future__ import annotations

import re
from html import unescape

import pytest

from newsfacet.web.app import create_app
from newsfacet.web.help import SECTIONS


@pytest.fixture(scope="module")
def client(sample_index):
    return create_app({"INDEX_DIR": str(sample_index)}).test_client()


def total(client, q: str, **params) -> int:
    response = client.get("/api/search", query_string={"q": q, **params})
    assert response.status_code == 200, (q, response.get_data(as_text=True))
    return response.get_json()["total"]


def test_the_search_form_links_to_help(client):
    assert 'href="/help"' in client.get("/search?q=belgorod").get_data(as_text=True)
    assert 'href="/help"' in client.get("/").get_data(as_text=True)


def test_every_example_link_runs_and_finds_articles(client):
    page = client.get("/help")
    assert page.status_code == 200
    links = [unescape(href) for href in re.findall(r'href="(/search\?[^"]+)"',
                                                   page.get_data(as_text=True))]
    examples = [example for _, _, group in SECTIONS for example in group]
    assert len(links) == len(examples) > 20
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert "No results" not in response.get_data(as_text=True), link
    for example in examples:
        assert total(client, example.q, **example.params) > 0, example


def test_examples_find_what_they_say(client):
    assert total(client, "belgorod -kharkiv") == total(client, "belgorod") - total(
        client, "belgorod kharkiv")
    assert total(client, "belgorod NOT kharkiv") == total(client, "belgorod -kharkiv")
    assert total(client, "kharkov", variants="off") < total(client, "kharkov")
    assert total(client, '"drone attack"~3') >= total(client, '"drone attack"')
    assert total(client, "drone OR missile") >= max(total(client, "drone"),
                                                    total(client, "missile"))
    assert total(client, "civilans~") == total(client, "civilians")


def test_every_field_a_query_may_name_has_an_example():
    from newsfacet.search.query import QUERY_FIELDS
    fields = {example.q.split(":")[0] for _, _, group in SECTIONS for example in group
              if re.match(r"^\w+:", example.q)}
    assert set(QUERY_FIELDS) | {"date"} == fields
