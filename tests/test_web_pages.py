"""The pages' navigation and controls through the real app (``create_app``'s test client):
the article page's way back to its search and to the neighbouring hits, the date
controls and histogram, the skip links, and static files under versioned URLs."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from test_web import anchors, api_twin, get_ok, index_dir, total_on_page  # noqa: F401 (fixture)
from newsfacet.web.app import create_app


@pytest.fixture(scope="module")
def client(index_dir):  # noqa: F811
    return create_app({"INDEX_DIR": str(index_dir)}).test_client()


def _params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def _trail(html: str, cls: str) -> dict | None:
    found = anchors(html, cls)
    return found[0] if found else None


# --- the article page: back to the search, previous and next hit -------------------------

SEARCH = "q=drone&outlet=TASS&outlet=Reuters&outlet=Evil+Times&sort=oldest&per_page=1"


def test_next_and_previous_walk_the_hits_of_the_search_in_order(client):
    expected = [h["id"] for h in api_twin(client, "/search?" + SEARCH.replace(
        "per_page=1", "per_page=100"))["hits"]]
    assert len(expected) == 3
    first_page = get_ok(client, "/search?" + SEARCH)
    link = next(a["href"] for a in anchors(first_page) if a["href"].startswith("/articles/"))
    seen, pages = [], []
    while link:
        html = get_ok(client, link)
        seen.append(urlsplit(link).path.rsplit("/", 1)[1])
        # the article's link carries the whole search, on the page the hit is on
        params = _params(link)
        assert ("q", "drone") in params and ("sort", "oldest") in params
        assert [v for k, v in params if k == "outlet"] == ["TASS", "Reuters", "Evil Times"]
        pages.append(dict(params).get("page", "1"))
        assert f"Hit {len(seen)} of 3" in html
        back = _trail(html, "trail-back")
        assert back["href"] == f"/search?{urlsplit(link).query}#hit-1"
        assert back["text"] == "← Results for drone"
        # the results page it leads back to shows this very article
        results = get_ok(client, back["href"].split("#")[0])
        assert urlsplit(link).path in [urlsplit(a["href"]).path for a in anchors(results)]
        nxt = _trail(html, "trail-next")
        link = nxt["href"] if nxt else None
    assert seen == expected
    assert pages == ["1", "2", "3"]
    # and back again from the last
    prev = _trail(html, "trail-prev")
    assert urlsplit(prev["href"]).path == f"/articles/{expected[1]}"
    assert "Hit 2 of 3" in get_ok(client, prev["href"])


def test_an_article_reached_without_a_search_has_no_trail(client):
    hit = api_twin(client, "/search?q=drone")["hits"][0]
    html = get_ok(client, f"/articles/{hit['id']}")
    assert 'class="trail' not in html


def test_an_article_no_longer_on_its_page_keeps_only_the_way_back(client):
    hits = api_twin(client, "/search?q=drone&sort=oldest")["hits"]
    html = get_ok(client, f"/articles/{hits[-1]['id']}?q=drone&sort=oldest&per_page=1")
    assert _trail(html, "trail-back")["href"] == "/search?q=drone&sort=oldest&per_page=1"
    assert _trail(html, "trail-next") is None and _trail(html, "trail-prev") is None
    assert "Hit " not in html
    # a search the engine refuses: the article, and a way back to the refusal
    html = get_ok(client, f"/articles/{hits[0]['id']}?q=drone+AND+(&sort=oldest")
    back = _trail(html, "trail-back")["href"]
    assert _params(back) == [("q", "drone AND ("), ("sort", "oldest")]
    assert client.get(back).status_code == 400
