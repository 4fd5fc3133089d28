"""``OpenSearchEngine`` end to end through a real ``opensearch-py`` client whose cluster
answers with recorded responses (``opensearch_fake.Recorded``), written by hand in the shape
OpenSearch documents, for the articles of ``opensearch_corpus.py``: the engine must send the
bodies the translation makes, ask the cluster what ``parse_query`` needs, and give the
response, export, value list and overview the Whoosh engine gives on the same articles."""

from __future__ import annotations

import pytest
from opensearchpy.exceptions import ConnectionError as NoConnection
from opensearchpy.exceptions import NotFoundError

from newsfacet.search.engine import Engine
from newsfacet.search.facet_values import ValueListRequest
from newsfacet.search.indexer import IndexError_
from newsfacet.search.opensearch.body import (after_body, collection_body, days_body, query_clause,
                                              search_body)
from newsfacet.search.opensearch.engine import OpenSearchEngine
from newsfacet.search.opensearch.filters import FacetFilters
from newsfacet.search.query import parse_query
from newsfacet.search.request import SearchError, parse_request
from newsfacet.web.app import create_app
from newsfacet.web.serve import main as newsfacet
from newsfacet.web.serve import make_server
from opensearch_fake import Recorded
from opensearch_corpus import build_index
from test_opensearch_response import (SOURCES, answer, bucket, counted, drones_in_belgorod, hit,
                                      terms)

EXISTS = ("HEAD", "/news", None, {})


@pytest.fixture(scope="module")
def whoosh(tmp_path_factory):
    """The Whoosh engine on the same articles."""
    return Engine(build_index(tmp_path_factory.mktemp("os-engine")))


def request(**params):
    return parse_request({k: [v] for k, v in params.items()})


def count(field: str, value: str, n: int) -> tuple:
    """A recorded ``_count`` of the articles holding ``value`` in ``field``."""
    return ("POST", "/news/_count", {"query": {"term": {field: value}}}, {"count": n})


def bodies(whoosh, req, resolved, left_out):
    """The translation's bodies of ``req``: (search, days)."""
    with whoosh.generation() as gen:
        parsed = parse_query(req.q, gen.searcher, gen.columns, req.variants)
    filters = FacetFilters(req, resolved, left_out)
    return search_body(req, parsed, filters), days_body(req, parsed, filters), parsed, filters


#: The parameters of a search for drones in Belgorod, leaving out one outlet.
DRONES_IN_BELGOROD = {"q": "drone", "variants": "off", "place": "belgorod",
                      "-outlet": "Harbour Gazette", "sort": "oldest", "facet_size": "2"}


def drones_in_belgorod_answers(whoosh) -> list:
    """The recorded answers to the search ``DRONES_IN_BELGOROD``: what the index holds of the
    values typed, the search, its days, and the counts for the did-you-mean."""
    req = request(**DRONES_IN_BELGOROD)
    resolved, left_out = {"place": {"belgorod": ["Belgorod"]}}, {"outlet": {"Harbour Gazette":
                                                                            ["Harbour Gazette"]}}
    sent, days_sent, _, _ = bodies(whoosh, req, resolved, left_out)
    found, days_aggregations = drones_in_belgorod()
    days = {"took": 1, "timed_out": False, "hits": {"hits": []}, "aggregations": days_aggregations}
    return [
        EXISTS,
        count("places", "belgorod", 0),     # no such value: then in any letter case
        ("POST", "/news/_search", {"size": 0, "query": {"bool": {"should": [
            {"term": {"places": {"value": "belgorod", "case_insensitive": True}}}]}},
            "aggs": {"v": {"terms": {"field": "places", "include": "([bB][eE][lL][gG][oO][rR]"
                                     "[oO][dD])", "size": 100}}}},
         {"hits": {"hits": []}, "aggregations": {"v": {"buckets": [
             {"key": "Belgorod", "doc_count": 3}]}}}),
        count("outlet", "Harbour Gazette", 2),
        ("POST", "/news/_search", sent, found),
        ("POST", "/news/_search", days_sent, days),
        count("text", "drone", 3), count("title", "drone", 1),   # common: no did-you-mean
    ]


def test_a_search_is_sent_as_translated_and_answered_as_the_whoosh_engine_answers(whoosh):
    req = request(**DRONES_IN_BELGOROD)
    cluster = Recorded(drones_in_belgorod_answers(whoosh))
    ours = OpenSearchEngine(cluster.client(), "news").search(req)
    theirs = whoosh.search(req)
    for response in (ours, theirs):
        del response["took_ms"]
    assert ours == theirs
    assert [r[1] for r in cluster.requests].count("/news/_search") == 3


def test_a_search_that_finds_nothing_offers_what_each_filter_value_leaves_out(whoosh):
    req = request(outlet="Valley Courier", place="Belgorod", facet_size="0")
    resolved = {"outlet": {"Valley Courier": ["Valley Courier"]},
                "place": {"Belgorod": ["Belgorod"]}}
    sent, _, parsed, _ = bodies(whoosh, req, resolved, {})
    nothing = answer(0, [], {**{f"facet:{n}": counted(0, 0, 0) for n in
                                ("outlet", "source_outlet", "place", "person", "org", "author")},
                             "results": {"doc_count": 0, "stories": {"value": 0}}})

    def without(name):
        fewer = {k: v for k, v in resolved.items() if k != name}
        return {"query": {"bool": {"must": [{"match_all": {}}],
                                   "filter": [FacetFilters(req, fewer, {}).final()]}}}
    cluster = Recorded([EXISTS, count("outlet", "Valley Courier", 2), count("places", "Belgorod", 3),
                        ("POST", "/news/_search", sent, nothing),
                        ("POST", "/news/_count", without("outlet"), {"count": 3}),
                        ("POST", "/news/_count", without("place"), {"count": 2})])
    ours = OpenSearchEngine(cluster.client(), "news").search(req)
    assert ours["relaxations"] == whoosh.search(req)["relaxations"] == [
        {"param": "outlet", "value": "Valley Courier", "total": 3},
        {"param": "place", "value": "Belgorod", "total": 2}]


def _strikes_in_kharkiv(whoosh, northern_ledger: int) -> tuple[dict, Recorded]:
    """The response to ``q=strikes`` in Kharkiv, newest first, two values per facet ranked by
    distinctiveness, from a cluster that records the Northern Ledger's articles in the whole
    collection as ``northern_ledger`` (it has 1), and the cluster."""
    req = request(q="strikes", variants="off", place="Kharkiv", sort="newest", facet_size="2",
                  facet_rank="distinctive")
    sent, days_sent, _, _ = bodies(whoosh, req, {"place": {"Kharkiv": ["Kharkiv"]}}, {})
    # Four articles say "strikes": the power-station story (Harbour Gazette, Northern
    # Ledger), the Valley Courier's rail bridge and the retaliation article without an
    # outlet; the two copies of the story name Kharkiv.
    found = answer(2, [hit("23435e9d75f4963e", [1677801600000, "23435e9d75f4963e"]),
                       hit("b5dc5b804709d882", [1677715200000, "b5dc5b804709d882"])], {
        "facet:outlet": counted(2, 2, 0, terms(bucket("Harbour Gazette", 1, 1),
                                               bucket("Northern Ledger", 1, 1))),
        "facet:source_outlet": counted(2, 0, 2, terms()),
        # counted without its own selection: the four articles
        "facet:place": counted(4, 5, 0, terms(bucket("Belgorod", 3, 2), bucket("Kharkiv", 2, 1),
                                              bucket("Kyiv", 1, 1), bucket("Lviv", 1, 1),
                                              bucket("Moscow", 1, 1)),
                               {"Kharkiv": {"doc_count": 2, "stories": {"value": 1}}}),
        "facet:person": counted(2, 1, 0, terms(bucket("Vasily Nebenzya", 2, 1))),
        "facet:org": counted(2, 2, 0, terms(bucket("Reuters", 2, 1),
                                            bucket("UN Security Council", 2, 1))),
        "facet:author": counted(2, 0, 2, terms()),
        "results": {
            "doc_count": 2, "stories": {"value": 1},
            "first": {"value": 1677715200000.0, "value_as_string": "2023-03-02"},
            "last": {"value": 1677801600000.0, "value_as_string": "2023-03-03"},
            "months": {"buckets": [
                {"key_as_string": "2023-03", "key": 1677628800000, "doc_count": 2}]},
            "undated": {"doc_count": 0}}})
    days = {"took": 1, "timed_out": False, "hits": {"hits": []}, "aggregations": {"results": {
        "doc_count": 2, "days": {"buckets": [
            {"key_as_string": "2023-03-02", "key": 1677715200000, "doc_count": 1},
            {"key_as_string": "2023-03-03", "key": 1677801600000, "doc_count": 1}]}}}}
    asked = collection_body({
        "outlet": ["Harbour Gazette", "Northern Ledger"],
        "place": ["Belgorod", "Kharkiv", "Kyiv", "Lviv", "Moscow"],
        "person": ["Vasily Nebenzya"], "org": ["Reuters", "UN Security Council"]})
    everywhere = answer(6, [], {
        "collection:outlet": terms({"key": "Harbour Gazette", "doc_count": 2},
                                   {"key": "Northern Ledger", "doc_count": northern_ledger}),
        "collection:place": terms(*({"key": k, "doc_count": n} for k, n in (
            ("Belgorod", 3), ("Kharkiv", 2), ("Kyiv", 1), ("Lviv", 1), ("Moscow", 1)))),
        "collection:person": terms({"key": "Vasily Nebenzya", "doc_count": 2}),
        "collection:org": terms({"key": "Reuters", "doc_count": 2},
                                {"key": "UN Security Council", "doc_count": 2})})
    cluster = Recorded([
        EXISTS, count("places", "Kharkiv", 2),
        ("POST", "/news/_search", sent, found),
        ("POST", "/news/_search", days_sent, days),
        ("POST", "/news/_search", asked, everywhere),
        count("text", "strike", 4), count("title", "strike", 0)])
    return OpenSearchEngine(cluster.client(), "news").search(req), cluster


def test_facets_ranked_by_distinctiveness_are_the_whoosh_engine_s(whoosh):
    ours, cluster = _strikes_in_kharkiv(whoosh, northern_ledger=1)
    theirs = whoosh.search(request(q="strikes", variants="off", place="Kharkiv", sort="newest",
                                   facet_size="2", facet_rank="distinctive"))
    for response in (ours, theirs):
        del response["took_ms"]
    assert ours == theirs
    # Each outlet has one of the two results; the Northern Ledger has no other article, so
    # it comes first, where counting puts the Harbour Gazette (two articles in all).
    outlets = ours["facets"]["outlet"]["values"]
    assert [v["value"] for v in outlets] == ["Northern Ledger", "Harbour Gazette"]
    assert outlets[0]["g2"] > outlets[1]["g2"]
    by_count = whoosh.search(request(q="strikes", variants="off", place="Kharkiv",
                                     sort="newest", facet_size="2"))
    assert [v["value"] for v in by_count["facets"]["outlet"]["values"]] == [
        "Harbour Gazette", "Northern Ledger"]
    place = ours["facets"]["place"]
    assert (place["values"][0]["value"], place["values"][0]["selected"]) == ("Kharkiv", True)
    assert "g2" in place["values"][0] and place["more"] == 2   # Lviv and Moscow
    assert [r[1] for r in cluster.requests].count("/news/_search") == 3


def test_the_ranking_follows_the_collection_counts_the_cluster_gives(whoosh):
    """Recorded with four more Northern Ledger articles elsewhere in the collection, the
    Harbour Gazette is the more distinctive outlet: the order is read from the answer."""
    ours, _ = _strikes_in_kharkiv(whoosh, northern_ledger=5)
    outlets = ours["facets"]["outlet"]["values"]
    assert [v["value"] for v in outlets] == ["Harbour Gazette", "Northern Ledger"]
    assert outlets[1]["g2"] < 0


def walk_answers(req, whoosh, sources: list[str], pit="p1", documents=SOURCES):
    """A point in time opened, one page of hits (``sources``: ids, in the search's order, of
    ``documents``: id -> stored fields) and the point in time closed."""
    with whoosh.generation() as gen:
        parsed = parse_query(req.q, gen.searcher, gen.columns, req.variants)
    page = after_body(req, parsed, FacetFilters(req, {}, {}), pit, None, 1000, export=True)
    hits = [{"_index": "news-v1", "_id": i, "_score": None, "sort": [n, i],
             "_source": {"keys": [], "dated": "yes", "state": [], **documents[i]}}
            for n, i in enumerate(sources)]
    return [("POST", "/news/_search/point_in_time", None, {"pit_id": pit}),
            ("POST", "/_search", page, {"took": 1, "timed_out": False, "pit_id": pit,
                                        "hits": {"hits": hits}}),
            ("DELETE", "/_search/point_in_time", {"pit_id": [pit]}, {"pits": []})]


def test_the_export_of_one_copy_per_story_skips_the_other_copies_and_closes_its_walk(whoosh):
    req = request(q="belgorod", variants="off", sort="newest", collapse="story")
    order = ["9d6be64d0fd2a2ce", "23435e9d75f4963e", "b5dc5b804709d882"]
    cluster = Recorded([EXISTS, *walk_answers(req, whoosh, order)])
    records = list(OpenSearchEngine(cluster.client(), "news").iter_records(req))
    assert [r["id"] for r in records] == [r["id"] for r in whoosh.iter_records(req)] == order[:2]
    assert "state" not in records[0] and "keys" not in records[0]
    assert cluster.requests[-1][0] == "DELETE"


def test_an_export_left_early_still_closes_its_point_in_time(whoosh):
    req = request(sort="oldest")
    cluster = Recorded([EXISTS, *walk_answers(req, whoosh, list(SOURCES))])
    records = OpenSearchEngine(cluster.client(), "news").iter_records(req)
    next(records)
    records.close()
    assert cluster.requests[-1][:2] == ("DELETE", "/_search/point_in_time")


def test_a_facet_s_whole_value_list_is_walked_page_by_page(whoosh):
    req, listing = request(), ValueListRequest(per_page=4, page=2)

    def page(after, buckets, after_key):
        composite = {"size": 1000, "sources": [{"v": {"terms": {"field": "places"}}}]}
        aggs = {"values": {"composite": composite, "aggs": {"stories": {"cardinality": {
            "field": "story", "precision_threshold": 40000}}}}}
        if after is None:
            aggs["missing"] = {"missing": {"field": "places"}}
        else:
            composite["after"] = after
        body = {"size": 0, "aggs": aggs, "query": {"bool": {"must": [{"match_all": {}}],
                                                            "filter": [{"match_all": {}}]}}}
        values = {"buckets": [{"key": {"v": v}, "doc_count": n, "stories": {"value": s}}
                              for v, n, s in buckets]}
        if after_key:
            values["after_key"] = after_key
        return ("POST", "/news/_search", body, {"hits": {"hits": []}, "aggregations": {
            "missing": {"doc_count": 0}, "values": values}})
    cluster = Recorded([
        EXISTS,
        page(None, [("Belgorod", 3, 2), ("Kharkiv", 2, 1), ("Kherson", 1, 1), ("Kyiv", 1, 1)],
             {"v": "Kyiv"}),
        page({"v": "Kyiv"}, [("Lviv", 1, 1), ("Mariupol", 1, 1), ("Moscow", 1, 1),
                             ("Odesa", 1, 1)], {"v": "Odesa"}),
        page({"v": "Odesa"}, [], None)])
    ours = OpenSearchEngine(cluster.client(), "news").facet_values(req, "place", listing)
    assert ours == whoosh.facet_values(req, "place", listing)
    assert [v["value"] for v in ours["values"]] == ["Lviv", "Mariupol", "Moscow", "Odesa"]


def test_a_value_list_ranked_by_distinctiveness_is_the_whoosh_engine_s(whoosh):
    req = request(q="strikes", variants="off", facet_rank="distinctive")
    with whoosh.generation() as gen:
        parsed = parse_query(req.q, gen.searcher, gen.columns, req.variants)
    query = {"bool": {"must": [query_clause(req, parsed)], "filter": [{"match_all": {}}]}}
    composite = {"size": 1000, "sources": [{"v": {"terms": {"field": "outlet"}}}]}
    walked = {"size": 0, "track_total_hits": True, "query": query, "aggs": {
        "values": {"composite": composite, "aggs": {"stories": {"cardinality": {
            "field": "story", "precision_threshold": 40000}}}},
        "missing": {"missing": {"field": "outlet"}}}}
    # the four articles saying "strikes": one each of three outlets, one without
    found = answer(4, [], {"missing": {"doc_count": 1}, "values": {"buckets": [
        {"key": {"v": v}, "doc_count": 1, "stories": {"value": 1}}
        for v in ("Harbour Gazette", "Northern Ledger", "Valley Courier")]}})
    asked = collection_body({"outlet": ["Harbour Gazette", "Northern Ledger", "Valley Courier"]})
    everywhere = answer(6, [], {"collection:outlet": terms(
        {"key": "Harbour Gazette", "doc_count": 2}, {"key": "Northern Ledger", "doc_count": 1},
        {"key": "Valley Courier", "doc_count": 2})})
    cluster = Recorded([EXISTS, ("POST", "/news/_search", walked, found),
                        ("POST", "/news/_search", asked, everywhere)])
    listing = ValueListRequest(per_page=2)
    ours = OpenSearchEngine(cluster.client(), "news").facet_values(req, "outlet", listing)
    assert ours == whoosh.facet_values(req, "outlet", listing)
    assert [v["value"] for v in ours["values"]] == ["Northern Ledger", "Harbour Gazette"]
    assert ours["total"] == 3 and all("g2" in v for v in ours["values"])


def test_selected_values_no_counted_article_holds_are_listed_with_a_g2_of_0(whoosh):
    """No article is from both outlets: the value list is the two selected outlets, each
    counted 0, with G² 0 (they are in the collection), as on the Whoosh engine."""
    req = parse_request({"outlet": ["Harbour Gazette", "Valley Courier"],
                         "outlet_match": ["all"], "facet_rank": ["distinctive"]})
    both = {"bool": {"filter": [{"terms": {"outlet": ["Harbour Gazette"]}},
                                {"terms": {"outlet": ["Valley Courier"]}}]}}
    walked = {"size": 0, "track_total_hits": True, "query": {"bool": {
        "must": [{"match_all": {}}], "filter": [both]}}, "aggs": {
        "values": {"composite": {"size": 1000, "sources": [{"v": {"terms": {
            "field": "outlet"}}}]}, "aggs": {"stories": {"cardinality": {
                "field": "story", "precision_threshold": 40000}}}},
        "missing": {"missing": {"field": "outlet"}}}}
    found = answer(0, [], {"missing": {"doc_count": 0}, "values": {"buckets": []}})
    asked = collection_body({"outlet": ["Harbour Gazette", "Valley Courier"]})
    everywhere = answer(6, [], {"collection:outlet": terms(
        {"key": "Harbour Gazette", "doc_count": 2}, {"key": "Valley Courier", "doc_count": 2})})
    cluster = Recorded([EXISTS, count("outlet", "Harbour Gazette", 2),
                        count("outlet", "Valley Courier", 2),
                        ("POST", "/news/_search", walked, found),
                        ("POST", "/news/_search", asked, everywhere)])
    listing = ValueListRequest()
    ours = OpenSearchEngine(cluster.client(), "news").facet_values(req, "outlet", listing)
    assert ours == whoosh.facet_values(req, "outlet", listing)
    assert [(v["value"], v["count"], v["g2"]) for v in ours["values"]] == [
        ("Harbour Gazette", 0, 0.0), ("Valley Courier", 0, 0.0)]


def _listed(*pairs):
    return {"buckets": [{"key": k, "doc_count": n} for k, n in pairs]}


#: The recorded answer to the overview of the corpus's articles, two values a list.
OVERVIEW_OF_TWO = {
    "hits": {"total": {"value": 6, "relation": "eq"}, "hits": []}, "aggregations": {
        "outlets": _listed(("Harbour Gazette", 2), ("Valley Courier", 2)),
        "places": _listed(("Belgorod", 3), ("Kharkiv", 2)),
        "people": _listed(("Vasily Nebenzya", 2), ("Vasily Nabenzya", 1)),
        "organizations": _listed(("Reuters", 2), ("UN Security Council", 2)),
        "outlet_count": {"value": 3}, "without_outlet": {"doc_count": 1},
        "first": {"value": 1636588800000.0, "value_as_string": "2021-11-11"},
        "last": {"value": 1684540800000.0, "value_as_string": "2023-05-20"},
        "without_date": {"doc_count": 1}}}


def test_the_overview_is_the_whoosh_engine_s(whoosh):
    cluster = Recorded([EXISTS, ("POST", "/news/_search", None, OVERVIEW_OF_TWO)])
    assert OpenSearchEngine(cluster.client(), "news").overview(top=2) == whoosh.overview(top=2)
    asked = cluster.requests[-1][2]["aggs"]
    assert [asked[key]["terms"]["size"] for key in ("outlets", "places")] == [2, 2]


def test_a_missing_index_says_how_to_load_one():
    cluster = Recorded([("HEAD", "/news", None, NotFoundError(404, "index_not_found_exception"))])
    with pytest.raises(IndexError_, match="newsfacet index PATH --to opensearch"):
        OpenSearchEngine(cluster.client(), "news")


def test_a_cluster_that_stops_answering_is_a_503_that_says_so():
    cluster = Recorded([EXISTS, ("POST", "/news/_search", None,
                                 NoConnection("N/A", "connection refused", OSError()))])
    served = OpenSearchEngine(cluster.client(), "news")
    with pytest.raises(SearchError) as stopped:
        served.search(request())
    assert (stopped.value.status, stopped.value.type) == (503, "engine_unavailable")
    app = create_app({"TESTING": True})
    app.extensions["newsfacet_engine"] = served
    response = app.test_client().get("/api/search")
    assert response.status_code == 503
    assert "did not answer" in response.get_json()["error"]["message"]


def test_a_prefix_term_is_interpreted_without_a_count_of_the_words_it_stands_for():
    found = answer(1, [hit("9d6be64d0fd2a2ce", [3.1, "9d6be64d0fd2a2ce"], score=3.1)],
                   {**{f"facet:{n}": counted(1, 0, 1) for n in
                       ("outlet", "source_outlet", "place", "person", "org", "author")},
                    "results": {"doc_count": 1, "stories": {"value": 1}}})
    cluster = Recorded([EXISTS, ("POST", "/news/_search", None, found)])
    ours = OpenSearchEngine(cluster.client(), "news").search(
        request(q="retal*", variants="off", facet_size="0"))
    assert ours["interpretation"]["tree"] == {"prefix": "retal", "field": "any",
                                              "expanded_to": [], "expansions": None,
                                              "typed": "retal*"}


def test_serve_opens_the_opensearch_engine_it_is_given(monkeypatch):
    cluster = Recorded([EXISTS])
    monkeypatch.setattr("newsfacet.search.opensearch.engine.client", lambda url: cluster.client())
    server = make_server(".", "127.0.0.1", 0, {"ENGINE": "opensearch",
                                               "OPENSEARCH_URL": "http://search:9200",
                                               "OPENSEARCH_INDEX": "news"})
    server.close()
    assert cluster.requests == [("HEAD", "/news", None)]


def test_serve_with_opensearch_and_no_cluster_says_what_to_give(monkeypatch, capsys):
    monkeypatch.delenv("NEWSFACET_OPENSEARCH_URL", raising=False)
    assert newsfacet(["serve", "--engine", "opensearch", "--port", "0"]) == 2
    assert "pass --opensearch-url URL or set NEWSFACET_OPENSEARCH_URL" in capsys.readouterr().err
