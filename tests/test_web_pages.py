"""The pages' navigation and controls through the real app (``create_app``'s test client):
the article page's way back to its search and to the neighbouring hits, the date
controls and histogram, the skip links, and static files under versioned URLs."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

from test_web import anchors, api_twin, get_ok, index_dir, total_on_page  # noqa: F401 (fixture)


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


# --- dates: the from/to form and the histogram ---------------------------------------------

class _Form(HTMLParser):
    """The fields of the form with class ``cls``: (name, value, type) of each input."""

    def __init__(self, cls: str):
        super().__init__()
        self.cls, self.inside, self.action, self.fields = cls, False, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.cls in (attrs.get("class") or "").split():
            self.inside, self.action = True, attrs.get("action")
        elif tag == "input" and self.inside:
            self.fields.append((attrs.get("name"), attrs.get("value") or "", attrs.get("type")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def _date_form(html: str) -> _Form:
    form = _Form("date-range")
    form.feed(html)
    assert form.action == "/search", "no date form"
    return form


def test_the_date_form_keeps_the_search_and_narrows_to_whole_days(client):
    html = get_ok(client, "/search?q=drone&outlet=TASS&outlet=Kyiv+Independent&sort=oldest"
                          "&from=2024-05&page=1")
    form = _date_form(html)
    assert ("from", "2024-05-01", "date") in form.fields and ("to", "", "date") in form.fields
    kept = [(n, v) for n, v, t in form.fields if t == "hidden"]
    assert kept == [("q", "drone"), ("outlet", "TASS"), ("outlet", "Kyiv Independent"),
                    ("sort", "oldest")]
    # submitted as a browser would, with the dates typed in
    fields = [(n, "2024-05-15" if n == "from" else "2024-05-31" if n == "to" else v)
              for n, v, _ in form.fields]
    narrowed = get_ok(client, "/search?" + urlencode(fields))
    titles = [h["title"] for h in api_twin(client, "/search?" + urlencode(fields))["hits"]]
    assert titles == ["Belgorod says drones hit the city"] and total_on_page(narrowed) == 1
    # an empty input is the same as none
    assert total_on_page(get_ok(client, "/search?q=drone&from=&to=")) == \
        total_on_page(get_ok(client, "/search?q=drone"))


def test_histogram_links_only_buckets_with_articles_and_labels_the_tallest(client):
    html = get_ok(client, "/search?q=drone")
    facet = api_twin(client, "/search?q=drone")["facets"]["published"]
    dated = [b for b in facet if b["value"] != "unknown"]
    bars = anchors(html, "bar")
    # 17 months on the axis, 2 of them with articles: only those 2 are links
    assert 'aria-label="Results by publication date, by month, from January 2023 to May 2024"' in html
    assert len(bars) == len(dated) == 2
    assert all(re.fullmatch(r"(\w+ )*\d{4}: \d+ articles?", b["aria-label"]) for b in bars)
    tallest = max(b["count"] for b in dated)
    assert re.search(rf'<text class="peak"[^>]*>{tallest}</text>', html)


# --- static files ----------------------------------------------------------------------------

def test_static_files_have_versioned_urls_cached_for_long(client):
    html = get_ok(client, "/")
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert {urlsplit(u).path for u in urls} >= {"/static/app.css", "/static/app.js"}
    for url in urls:
        assert re.fullmatch(r"v=[0-9a-f]{10}", urlsplit(url).query), url
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    css = next(u for u in urls if "app.css" in u)
    for stale in ("/static/app.css", "/static/app.css?v=0000000000"):
        assert client.get(stale).headers["Cache-Control"] == "no-cache"
    again = client.get(css, headers={"If-None-Match": client.get(css).headers["ETag"]})
    assert again.status_code == 304 and "immutable" in again.headers["Cache-Control"]
    gz = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.get_data()) == client.get(css).get_data()
