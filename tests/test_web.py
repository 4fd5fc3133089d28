"""The web front end through Flask's test client, on a real index built in a temporary folder.

Covers every page, filters round-tripping through the URL, the page and its JSON
twin agreeing, escaping of hostile corpus text, the export, the histogram, the
error pages and the security headers.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sidebar import sidebar

from newsfacet.search.indexer import index_paths
from newsfacet.web.app import create_app

HOSTILE_TITLE = "<script>alert(1)</script>"

RECORDS = [
    {"title": "Drone strikes on Kharkiv overnight", "source": "Kyiv Independent",
     "date": "2024-05-12", "author": "Olena Petrenko", "url": "https://kyivindependent.example/a1",
     "text": "Russian drones struck Kharkiv overnight, the regional governor said. "
             "President Volodymyr Zelensky called for more air defence for Kharkiv.\n\n"
             "Residents of Kharkiv spent the night in shelters."},
    {"title": "Belgorod says drones hit the city", "source": "TASS", "date": "2024-05-20",
     "author": "Ivan Sidorov", "url": "https://tass.example/b1",
     "text": "Officials in Belgorod said drones hit residential buildings. Vasily Nebenzya told "
             "the United Nations Security Council that the attacks on Belgorod must stop."},
    {"title": HOSTILE_TITLE, "source": "Evil Times", "date": "2023-01-05", "author": "Mallory",
     "url": "javascript:alert(3)",
     "text": "<img src=x onerror=alert(2)> Kharkov shelling continued, reports said. "
             "The drone debate went on."},
    {"title": "=HYPERLINK(\"http://evil.example\",\"click\")", "source": "TASS",
     "date": "2023-01-20", "author": "Ivan Sidorov",
     "text": "A report on grain exports through Odesa and the Black Sea corridor."},
    {"title": "Undated note on drone production", "source": "Reuters",
     "text": "Drone production rose in several countries, analysts said, without a date."},
]


def _write_corpus(folder):
    folder.mkdir()
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as f:
        for record in RECORDS:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("web")
    corpus = _write_corpus(root / "corpus")
    report = index_paths([corpus], root / "index", workers=1)
    assert report.articles == len(RECORDS), report.failed
    return root / "index"


@pytest.fixture(scope="module")
def app(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


class _Anchors(HTMLParser):
    """Collects every <a>'s attributes and text."""

    def __init__(self):
        super().__init__()
        self.anchors, self._open = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append({**dict(attrs), "text": ""})
        for a in self._open:      # the text of separate elements stays separate words
            a["text"] += " "

    def handle_data(self, data):
        for a in self._open:
            a["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            a = self._open.pop()
            a["text"] = " ".join(a["text"].split())
            self.anchors.append(a)


def anchors(html: str, cls: str | None = None) -> list[dict]:
    parser = _Anchors()
    parser.feed(html)
    return [a for a in parser.anchors if cls is None or cls in (a.get("class") or "").split()]


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:500])
    return response.get_data(as_text=True)


def api_twin(client, url):
    parts = urlsplit(url)
    response = client.get("/api/search?" + parts.query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def total_on_page(html: str) -> int:
    start = html.index('class="result-count"')
    return int(html[start:].split(">", 1)[1].split("result")[0].strip().replace(",", ""))


# --- pages -----------------------------------------------------------------------------

def test_home_shows_the_collection_with_links_to_searches(client):
    html = get_ok(client, "/")
    assert f"Search {len(RECORDS)} news articles" in html
    assert "autofocus" in html and 'role="search"' in html
    outlets = {a["href"]: a["text"] for a in anchors(html) if a.get("href", "").startswith("/search?outlet=")}
    assert "/search?outlet=TASS" in outlets and outlets["/search?outlet=TASS"].endswith("2")
    assert any(a["href"] == "/search?place=Kharkiv" for a in anchors(html))
    assert "2023-01-05" in html and "2024-05-20" in html      # the date span


def test_results_page_matches_its_json_twin(client):
    html = get_ok(client, "/search?q=drone")
    data = api_twin(client, "/search?q=drone")
    assert total_on_page(html) == data["total"] >= 3
    titles = [a["text"] for a in anchors(html) if a.get("href", "").startswith("/articles/")]
    assert titles == [h["title"] for h in data["hits"]]
    assert "<mark>" in html                                      # highlighted snippets
    twin = [a["href"] for a in anchors(html) if a.get("type") == "application/json"]
    assert twin == ["/api/search?q=drone"]
    # the facet counts shown are the engine's counts
    shown = {v["value"]: v["count"] for v in sidebar(html).facets["outlet"]["values"]}
    assert shown == {v["value"]: v["count"] for v in data["facets"]["outlet"]["values"]}


def test_facet_click_adds_a_chip_and_the_chip_removes_it(client):
    html = get_ok(client, "/search?q=drone")
    page = sidebar(html)
    tass = next(v for v in page.facets["outlet"]["values"] if v["value"] == "TASS")
    assert not tass["checked"] and page.hidden == [("q", "drone")]
    # ticking the box and applying the form asks for the search with that value
    url = "/search?" + urlencode([*page.hidden, ("outlet", "TASS")])
    narrowed = get_ok(client, url)
    assert total_on_page(narrowed) == api_twin(client, url)["total"] == 1
    chips = anchors(narrowed, "chip-remove")
    assert [c["aria-label"] for c in chips] == ["Remove filter Outlet: TASS"]
    selected = [v for v in sidebar(narrowed).facets["outlet"]["values"] if v["checked"]]
    assert [(v["value"], v["count"]) for v in selected] == [("TASS", 1)]
    assert chips[0]["href"] == "/search?q=drone"
    assert total_on_page(get_ok(client, chips[0]["href"])) == total_on_page(html)


def test_several_values_of_one_facet_are_or_and_round_trip(client):
    url = "/search?outlet=TASS&outlet=Reuters&sort=oldest"
    html = get_ok(client, url)
    assert total_on_page(html) == api_twin(client, url)["total"] == 3
    chips = anchors(html, "chip-remove")
    assert {c["aria-label"] for c in chips} == {"Remove filter Outlet: TASS", "Remove filter Outlet: Reuters"}
    for chip in chips:   # each removal keeps the other value and the sort
        params = parse_qsl(urlsplit(chip["href"]).query)
        assert ("sort", "oldest") in params and len([p for p in params if p[0] == "outlet"]) == 1
    # the search form keeps the filters when a new query is typed
    assert '<input type="hidden" name="outlet" value="TASS">' in html
    assert '<input type="hidden" name="sort" value="oldest">' in html


def test_sort_and_paging_links(client):
    html = get_ok(client, "/search?q=drone&per_page=1")
    data = api_twin(client, "/search?q=drone&per_page=1")
    assert data["pages"] >= 3
    nxt = next(a for a in anchors(html, "pager-next"))
    assert dict(parse_qsl(urlsplit(nxt["href"]).query)) == {"q": "drone", "per_page": "1", "page": "2"}
    page2 = get_ok(client, nxt["href"])
    assert '<span class="current" aria-current="page">2</span>' in page2
    assert [a for a in anchors(page2, "pager-prev")][0]["href"] == "/search?q=drone&per_page=1"
    newest = next(a for a in anchors(page2, "sort-option") if a["text"] == "Newest")
    assert dict(parse_qsl(urlsplit(newest["href"]).query)) == {"q": "drone", "per_page": "1", "sort": "newest"}


def test_empty_result_suggests_removing_a_filter(client):
    # Needs the engine's "relaxations" (the total without each filter value, counted in
    # the same pass): until the engine gives them, the page offers no removal.
    html = get_ok(client, "/search?q=Belgorod&outlet=Reuters&to=2024-12")
    assert total_on_page(html) == 0
    assert "No results for" in html
    relax = [a for a in anchors(html) if a["text"] == "Outlet: Reuters"]
    assert relax and relax[0]["href"] == "/search?q=Belgorod&to=2024-12"
    assert "1 result" in html.split("Remove the filter", 1)[1][:300]
    # without 'to' the search would still find nothing, so that removal is not offered
    assert not [a for a in anchors(html) if a["text"] == "To: 2024-12"]


def test_an_empty_result_page_runs_one_search_however_many_filters(client, monkeypatch):
    from newsfacet.search.engine import Engine

    calls = []
    search = Engine.search
    monkeypatch.setattr(Engine, "search", lambda self, req: calls.append(req) or search(self, req))
    filters = "&".join(f"place=Nowhere{n}" for n in range(30))
    html = get_ok(client, f"/search?q=Belgorod&outlet=Reuters&{filters}")
    assert total_on_page(html) == 0
    assert len(calls) == 1


def test_did_you_mean_links_to_the_suggestion(client):
    data = api_twin(client, "/search?q=belgorodd")
    html = get_ok(client, "/search?q=belgorodd")
    if data["suggestion"] is None:
        pytest.fail("the engine gives no suggestion for 'belgorodd'")
    assert "Did you mean" in html
    assert any(a["href"] == f"/search?q={data['suggestion']}" for a in anchors(html))


def test_histogram_bars_narrow_the_dates(client):
    html = get_ok(client, "/search?q=drone")
    assert "<svg" in html and 'aria-label="Results by publication date, by ' in html
    bars = anchors(html, "bar")
    assert bars and all("from=" in b["href"] for b in bars), "no histogram bars"
    undated = [a for a in anchors(html) if "dated=unknown" in a["href"]]
    assert len(undated) == 1 and undated[0]["text"] == "1 without a date"
    assert sum(int(b["aria-label"].split(": ")[1].split()[0]) for b in bars) + 1 == total_on_page(html)
    busiest = max(bars, key=lambda b: int(b["aria-label"].split(": ")[1].split()[0]))
    count = int(busiest["aria-label"].split(": ")[1].split()[0])
    narrowed = get_ok(client, busiest["href"])
    assert total_on_page(narrowed) == count
    chip = anchors(narrowed, "chip-remove")
    assert [c["aria-label"] for c in chip] == [f"Remove filter Published: {busiest['href'].split('from=')[1].split('&')[0]}"]
    assert chip[0]["href"] == "/search?q=drone"
    assert total_on_page(get_ok(client, undated[0]["href"])) == 1


def test_article_page_links_names_and_marks_query_words(client):
    data = api_twin(client, "/search?q=Kharkiv")
    hit = next(h for h in data["hits"] if h["title"].startswith("Drone strikes"))
    html = get_ok(client, f"/articles/{hit['id']}?q=Kharkiv")
    assert "<mark>Kharkiv</mark>" in html
    mentions = anchors(html, "mention")
    assert any(a["href"] == "/search?place=Kharkiv" and a["text"] == "Kharkiv" for a in mentions)
    assert any(a["href"].startswith("/search?person=") for a in mentions)
    assert "Olena Petrenko" in html and "2024-05-12" in html and "Kyiv Independent" in html
    # without a query nothing is marked
    assert "<mark>" not in get_ok(client, f"/articles/{hit['id']}")
    # following an entity link gives a search for that name
    place = get_ok(client, "/search?place=Kharkiv")
    assert total_on_page(place) >= 1


def test_an_article_page_with_an_overlong_or_broken_query_shows_the_article_unmarked(client):
    hit = api_twin(client, "/search?q=Kharkiv")["hits"][0]
    for q in ("Kharkiv " + "x" * 600, "Kharkiv AND ("):
        response = client.get(f"/articles/{hit['id']}", query_string={"q": q})
        assert response.status_code == 200, q[:20]
        html = response.get_data(as_text=True)
        assert "<mark>" not in html and hit["title"] in html
    api = client.get(f"/api/articles/{hit['id']}", query_string={"q": "Kharkiv " * 100})
    assert api.status_code == 400 and api.get_json()["error"]["type"] == "query_too_long"


def test_syndicated_copies_are_listed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = ("The grain corridor through the Black Sea reopened on Monday after talks in Istanbul "
            "between officials of several governments, the ministry said in a statement. ") * 3
    for n, outlet in enumerate(("Reuters", "Yahoo News")):
        (corpus / f"{n}.jsonl").write_text(json.dumps(
            {"title": "Grain corridor reopens", "source": outlet, "date": "2023-08-01", "text": text}) + "\n")
    index_paths([corpus], tmp_path / "index", workers=1)
    client = create_app({"INDEX_DIR": str(tmp_path / "index")}).test_client()
    hits = client.get("/api/search?q=grain").get_json()["hits"]
    first = min(h["id"] for h in hits)             # same date: the smaller id is the first copy
    later = next(h for h in hits if h["id"] != first)
    html = get_ok(client, f"/articles/{later['id']}")
    assert "Copies of this story" in html and "Same text elsewhere" not in html
    other = next(h for h in hits if h["id"] == first)["outlet"]
    assert f"{other} · 2023-08-01 · <strong class=\"first-copy\">first copy</strong>" in html
    assert "this one was published first" in get_ok(client, f"/articles/{first}")
    results = get_ok(client, "/search?q=grain")
    assert "2 results" in results and "in 1 story" in results and "2 copies</a>" in results
    collapsed = get_ok(client, "/search?q=grain&collapse=story")
    assert "1 story" in collapsed and "also published by" in collapsed


# --- escaping and safety -----------------------------------------------------------------

def test_hostile_corpus_text_is_escaped_everywhere(client):
    for url in ("/search?q=shelling", "/search?q=alert", "/search?outlet=Evil+Times", "/"):
        html = get_ok(client, url)
        assert "<script>alert" not in html and "<img src=x" not in html, url
    html = get_ok(client, "/search?outlet=Evil+Times")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    article_id = api_twin(client, "/search?outlet=Evil+Times")["hits"][0]["id"]
    page = get_ok(client, f"/articles/{article_id}?q=shelling")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert 'href="javascript:' not in page                      # a hostile URL is not a link


def test_hostile_query_is_escaped(client):
    html = get_ok(client, "/search?q=%3Cscript%3Ealert(9)%3C%2Fscript%3E")
    assert "<script>alert(9)" not in html
    assert "&lt;script&gt;alert(9)&lt;/script&gt;" in html


def test_security_headers_on_every_response(client):
    for url in ("/", "/search?q=drone", "/api/search?q=drone", "/nope", "/search?page=0",
                "/static/app.css"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_styles(client):
    for url in ("/", "/search?q=drone", "/search?q=zzzz"):
        html = get_ok(client, url)
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert " on" + "click=" not in html


def test_no_url_reads_files_outside_the_index(client):
    for url in ("/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml",
                "/static/..%2Fapp.py", "/articles/..%2F..%2Fpyproject.toml",
                "/articles/%2Fetc%2Fpasswd", "/api/articles/..%2Fnewsfacet.json"):
        response = client.get(url)
        assert response.status_code in (400, 404), url
        body = response.get_data(as_text=True)
        assert "[project]" not in body and "root:" not in body and "create_app" not in body


def test_a_doubled_slash_is_not_found_rather_than_redirected_to_the_requests_host(client):
    # werkzeug merged slashes with a 308 to an absolute URL built from the Host header
    for url in ("/api/articles//x", "/api/articles/%2Fx", "/articles//x", "/api//search"):
        response = client.get(url, headers={"Host": "evil.example"})
        assert response.status_code == 404, url
        assert "Location" not in response.headers and "evil.example" not in response.get_data(as_text=True)


# --- errors ----------------------------------------------------------------------------

@pytest.mark.parametrize("url, words", [
    ("/search?page=0", "'page' must be between"),
    ("/search?from=2024-13", "'from' is not a real date"),
    ("/search?colour=red", "unknown parameter 'colour'"),
    ("/search?per_page=1000", "'per_page' must be between"),
])
def test_bad_parameters_show_the_engines_message_with_400(client, url, words):
    response = client.get(url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words.replace("'", "&#39;") in html
    assert 'role="alert"' in html and "Traceback" not in html


def test_unknown_article_is_a_404_page(client):
    response = client.get("/articles/no-such-id")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Not found" in html and "no-such-id" in html and "Traceback" not in html
    api = client.get("/api/articles/no-such-id")
    assert api.status_code == 404 and api.get_json()["error"]["type"] == "not_found"


def test_unknown_page_is_a_404_in_the_callers_format(client):
    assert client.get("/no/such/page").status_code == 404
    assert "<h1>Not found</h1>" in client.get("/no/such/page").get_data(as_text=True)
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and "error" in response.get_json()


def test_unexpected_error_shows_no_stack_trace(index_dir, monkeypatch):
    app = create_app({"INDEX_DIR": str(index_dir)})   # not TESTING: errors are handled as in production
    client = app.test_client()
    from newsfacet.search.engine import Engine

    def broken(self, req):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(Engine, "search", broken)
    for url in ("/search?q=drone", "/api/search?q=drone"):
        response = client.get(url)
        assert response.status_code == 500
        body = response.get_data(as_text=True)
        assert "secret internal detail" not in body and "Traceback" not in body


def test_a_missing_index_is_a_clear_503_page(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "missing")}).test_client()
    response = client.get("/")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "newsfacet index" in html and "Traceback" not in html
    assert client.get("/api/search").get_json()["error"]["type"] == "no_index"


def test_results_without_known_dates_say_so_instead_of_a_histogram(client):
    html = get_ok(client, "/search?dated=unknown")
    assert total_on_page(html) == 1
    assert "No result here has a known publication date." in html and "<svg" not in html
    assert [c["aria-label"] for c in anchors(html, "chip-remove")] == ["Remove filter Published: date unknown"]


def test_a_large_request_body_is_refused(client):
    # GET is the method every route answers: the limit must hold there, not only on a 405.
    for url in ("/search?q=drone", "/api/search?q=drone", "/api/export?q=drone"):
        response = client.get(url, data=b"x" * 1_000_000)
        assert response.status_code == 413, url
    assert client.get("/api/search?q=drone", data=b"x" * 1_000_000).get_json()["error"]["type"] \
        == "request_entity_too_large"
    # a small body is no reason to refuse a search
    assert client.get("/api/search?q=drone", data=b"x" * 100).status_code == 200


def test_an_overlong_query_string_is_refused(client):
    response = client.get("/api/search?q=drone&outlet=" + "x" * 100_000)
    assert response.status_code == 414
    assert "query string" in response.get_json()["error"]["message"]
    assert client.get("/search?q=drone&outlet=" + "x" * 100_000).status_code == 414


def test_405_says_which_methods_are_allowed(client):
    for url in ("/api/search", "/search", "/api/articles/x", "/api/export"):
        response = client.post(url)
        assert response.status_code == 405, url
        assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET", "HEAD"}, url
    error = client.delete("/api/search").get_json()["error"]
    assert error["type"] == "method_not_allowed" and error["message"]


@pytest.mark.parametrize("query, param, words", [
    ("q=%ff%fe", "q", "'q' is not valid UTF-8"),
    ("q=drone&outlet=%ed%a0%80", "outlet", "'outlet' is not valid UTF-8"),   # a lone surrogate
    ("q=dr%00one", "q", "'q' contains a NUL character"),
    ("from=2024%00", "from", "'from' contains a NUL character"),
    ("%ff=1", "\\xff", "the parameter name '\\xff' is not valid UTF-8"),
    ("q%00=1", None, "a parameter name contains a NUL character"),
])
def test_parameters_must_be_utf8_text_without_nul(client, query, param, words):
    for path in ("/api/search", "/api/export", "/api/articles/x"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, response.get_data(as_text=True)[:300])
        error = response.get_json()["error"]
        assert error["param"] == param and words in error["message"], error
    page = client.get(f"/search?{query}")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert words.replace("'", "&#39;") in html and 'role="alert"' in html


def test_raw_bytes_in_the_query_string_are_a_400_not_a_crash(client):
    # waitress hands over a raw (not percent-encoded) byte as it came, in QUERY_STRING
    response = client.get("/api/search", environ_overrides={"QUERY_STRING": "q=\xff"})
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == "q"
    assert client.get("/search", environ_overrides={"QUERY_STRING": "q=\xff"}).status_code == 400


# --- export ------------------------------------------------------------------------------

def test_export_csv_streams_every_matching_article(client):
    response = client.get("/api/export?format=csv&outlet=TASS")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == api_twin(client, "/search?outlet=TASS")["total"] == 2
    assert {r["outlet"] for r in rows} == {"TASS"}
    formula = next(r for r in rows if "HYPERLINK" in r["title"])
    assert formula["title"].startswith("'=")                     # not run by a spreadsheet


def test_export_jsonl_has_the_same_order_as_the_search(client):
    url = "/search?q=drone&sort=oldest"
    response = client.get("/api/export?q=drone&sort=oldest&format=jsonl")
    assert response.status_code == 200 and response.is_streamed
    records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [r["id"] for r in records] == [h["id"] for h in api_twin(client, url + "&per_page=100")["hits"]]
    assert all(r["text"] for r in records)


def test_export_is_linked_from_the_results_page(client):
    html = get_ok(client, "/search?q=drone&outlet=TASS")
    hrefs = {a["text"]: a["href"] for a in anchors(html) if a.get("href", "").startswith("/api/export")}
    assert dict(parse_qsl(urlsplit(hrefs["CSV"]).query)) == {"q": "drone", "outlet": "TASS", "format": "csv"}
    assert "format=jsonl" in hrefs["JSONL"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_with_an_invalid_query_is_a_400_before_any_row(client, fmt):
    response = client.get(f"/api/export?format={fmt}&q=drone+AND+(")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.get_json()["error"]
    assert error["param"] == "q" and error["type"] and error["message"]


def test_export_rejects_an_unknown_format(client):
    response = client.get("/api/export?format=xml")
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == "format"


# --- the index changing under a running app --------------------------------------------------

def test_the_next_request_sees_a_new_index_generation(tmp_path):
    corpus = _write_corpus(tmp_path / "corpus")
    index_paths([corpus], tmp_path / "index", workers=1)
    client = create_app({"INDEX_DIR": str(tmp_path / "index")}).test_client()
    before = total_on_page(get_ok(client, "/search"))
    (corpus / "more.jsonl").write_text(json.dumps(
        {"title": "A new arrival", "source": "TASS", "date": "2024-06-01", "text": "Fresh news."}) + "\n")
    index_paths([corpus], tmp_path / "index", workers=1)
    html = get_ok(client, "/search")
    assert total_on_page(html) == before + 1 and "A new arrival" in html


def test_results_page_says_a_field_value_exists_nowhere(client):
    page = client.get("/search?q=belgorod+outlet:%3Cb%3ENowhere").get_data(as_text=True)
    assert "no outlet named &#39;&lt;b&gt;Nowhere&#39; in this collection" in page
    assert "<b>Nowhere" not in page
