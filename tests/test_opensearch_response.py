"""OpenSearch's answers turned into newsfacet's response (``search/opensearch/response.py``).

Each recorded answer below is written by hand in the shape OpenSearch documents for a
``_search`` response (``hits.total``, ``hits.hits`` with ``_source``, ``_score``, ``sort``
and ``highlight``; ``aggregations`` with ``filter``, ``terms``, ``filters``, ``cardinality``,
``missing``, ``min``/``max`` and ``date_histogram`` results) for what the index of
``opensearch_corpus.py`` holds, then converted and compared with what the Whoosh engine
answers to the same request on the same articles: totals, pages, hits with their
highlights, every facet and the date histogram must be the same.
"""

from __future__ import annotations

import pytest

from newsfacet.search.engine import Engine
from newsfacet.search.opensearch.filters import FacetFilters
from newsfacet.search.opensearch.response import candidates, histogram_unit, page_response
from newsfacet.search.query import parse_query
from newsfacet.search.request import SearchError, parse_request
from opensearch_corpus import RECORDS, build_index

#: The members of the response that come from the index.
FROM_INDEX = ("total", "total_stories", "unit", "page", "per_page", "pages", "hits", "facets",
              "next")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return Engine(build_index(tmp_path_factory.mktemp("os-response")))


def _source(id, title, text, outlet, places, people, orgs, published, story, story_size):
    return {"id": id, "title": title, "text": text, "outlet": outlet, "source_outlet": None,
            "places": places, "people": people, "organizations": orgs, "authors": [],
            "published": published, "date_source": "metadata" if published else None,
            "url": None, "story": story, "story_size": story_size}


POWER = "23435e9d75f4963e"   # the story published by Harbour Gazette and Northern Ledger
SOURCES = {
    "b5dc5b804709d882": _source("b5dc5b804709d882", RECORDS[0]["title"], RECORDS[0]["text"],
                                "Harbour Gazette", ["Belgorod", "Kharkiv"], ["Vasily Nebenzya"],
                                ["UN Security Council", "Reuters"], "2023-03-02", POWER, 2),
    "23435e9d75f4963e": _source("23435e9d75f4963e", RECORDS[1]["title"], RECORDS[1]["text"],
                                "Northern Ledger", ["Belgorod", "Kharkiv"], ["Vasily Nebenzya"],
                                ["UN Security Council", "Reuters"], "2023-03-03", POWER, 2),
    "96180d559ea5e014": _source("96180d559ea5e014", RECORDS[2]["title"], RECORDS[2]["text"],
                                "Valley Courier", ["Kherson", "Odesa"], ["Vasily Nabenzya"], [],
                                "2023-05-20", "96180d559ea5e014", 1),
    "9d6be64d0fd2a2ce": _source("9d6be64d0fd2a2ce", RECORDS[5]["title"], RECORDS[5]["text"],
                                None, ["Belgorod", "Moscow", "Kyiv"], [], [], "2023-03-05",
                                "9d6be64d0fd2a2ce", 1),
    "9ad5794cddf952b5": _source("9ad5794cddf952b5", RECORDS[4]["title"], RECORDS[4]["text"],
                                "Valley Courier", ["Lviv"], [], [], "2021-11-11",
                                "9ad5794cddf952b5", 1),
}


def hit(id, sort, score=None, highlight=None):
    """One recorded hit of the index ``news-v1``."""
    found = {"_index": "news-v1", "_id": id, "_score": score, "_source": SOURCES[id],
             "sort": sort}
    if highlight:
        found["highlight"] = highlight
    return found


def bucket(key, count, stories):
    return {"key": key, "doc_count": count, "stories": {"value": stories}}


def terms(*buckets, other=0):
    return {"doc_count_error_upper_bound": 0, "sum_other_doc_count": other,
            "buckets": list(buckets)}


def counted(doc_count, distinct, missing, values=None, selected=None):
    """A facet's ``filter`` aggregation as answered."""
    agg = {"doc_count": doc_count, "distinct": {"value": distinct},
           "missing": {"doc_count": missing}}
    if values is not None:
        agg["values"] = values
    if selected is not None:
        agg["selected"] = {"buckets": selected}
    return agg


def answer(total, hits, aggregations):
    return {"took": 7, "timed_out": False,
            "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
            "hits": {"total": {"value": total, "relation": "eq"}, "max_score": None,
                     "hits": hits},
            "aggregations": aggregations}


def converted(engine, params, resolved, left_out, found, days=None, copies=None,
              collection=None):
    """(the conversion of ``found``, the Whoosh engine's response), both for ``params``."""
    req = parse_request({k: [v] if isinstance(v, str) else v for k, v in params.items()})
    with engine.generation() as gen:
        parsed = parse_query(req.q, gen.searcher, gen.columns, req.variants)
    ours = page_response(req, parsed, FacetFilters(req, resolved, left_out), found, days, copies,
                         collection)
    whoosh = engine.search(req)
    return ours, {key: whoosh[key] for key in FROM_INDEX}


def test_every_article_newest_first_with_facets_and_months(engine):
    found = answer(6, [
        hit("96180d559ea5e014", [1684540800000, "96180d559ea5e014"]),
        hit("9d6be64d0fd2a2ce", [1677974400000, "9d6be64d0fd2a2ce"]),
        hit("23435e9d75f4963e", [1677801600000, "23435e9d75f4963e"]),
    ], {
        "facet:outlet": counted(6, 3, 1, terms(bucket("Harbour Gazette", 2, 2),
                                               bucket("Valley Courier", 2, 2),
                                               bucket("Northern Ledger", 1, 1))),
        "facet:source_outlet": counted(6, 0, 6, terms()),
        "facet:place": counted(6, 8, 0, terms(bucket("Belgorod", 3, 2), bucket("Kharkiv", 2, 1),
                                              bucket("Kherson", 1, 1), other=5)),
        "facet:person": counted(6, 2, 3, terms(bucket("Vasily Nebenzya", 2, 1),
                                               bucket("Vasily Nabenzya", 1, 1))),
        "facet:org": counted(6, 2, 4, terms(bucket("Reuters", 2, 1),
                                            bucket("UN Security Council", 2, 1))),
        "facet:author": counted(6, 0, 6, terms()),
        "results": {
            "doc_count": 6, "stories": {"value": 5},
            "first": {"value": 1636588800000.0, "value_as_string": "2021-11-11"},
            "last": {"value": 1684540800000.0, "value_as_string": "2023-05-20"},
            "months": {"buckets": [
                {"key_as_string": "2021-11", "key": 1635724800000, "doc_count": 1},
                {"key_as_string": "2023-03", "key": 1677628800000, "doc_count": 3},
                {"key_as_string": "2023-05", "key": 1682899200000, "doc_count": 1}]},
            "undated": {"doc_count": 1}},
    })
    ours, whoosh = converted(engine, {"per_page": "3", "facet_size": "3"}, {}, {}, found)
    assert ours == whoosh
    assert [b["value"] for b in ours["facets"]["published"]] == [
        "2021-11", "2023-03", "2023-05", "unknown"]   # the span is under three years


def drones_in_belgorod() -> tuple[dict, dict]:
    """The recorded answer, and the days' answer, to ``q=drone`` in Belgorod without the
    Harbour Gazette, oldest first, two values per facet (this test's and the engine's)."""
    found = answer(2, [
        hit("23435e9d75f4963e", [1677801600000, "23435e9d75f4963e"]),
        hit("9d6be64d0fd2a2ce", [1677974400000, "9d6be64d0fd2a2ce"]),
    ], {
        "facet:outlet": counted(2, 1, 1, terms(bucket("Northern Ledger", 1, 1))),
        "left_out:outlet": {"doc_count": 3, "values": {"buckets": {
            "Harbour Gazette": {"doc_count": 1, "stories": {"value": 1}}}}},
        "facet:source_outlet": counted(2, 0, 2, terms()),
        "facet:place": counted(2, 4, 0, terms(bucket("Belgorod", 2, 2), bucket("Kharkiv", 1, 1),
                                              bucket("Kyiv", 1, 1), other=1),
                               {"Belgorod": {"doc_count": 2, "stories": {"value": 2}}}),
        "facet:person": counted(2, 1, 1, terms(bucket("Vasily Nebenzya", 1, 1))),
        "facet:org": counted(2, 2, 1, terms(bucket("Reuters", 1, 1),
                                            bucket("UN Security Council", 1, 1))),
        "facet:author": counted(2, 0, 2, terms()),
        "results": {
            "doc_count": 2, "stories": {"value": 2},
            "first": {"value": 1677801600000.0, "value_as_string": "2023-03-03"},
            "last": {"value": 1677974400000.0, "value_as_string": "2023-03-05"},
            "months": {"buckets": [
                {"key_as_string": "2023-03", "key": 1677628800000, "doc_count": 2}]},
            "undated": {"doc_count": 0}},
    })
    days = {"results": {"doc_count": 2, "days": {"buckets": [
        {"key_as_string": "2023-03-03", "key": 1677801600000, "doc_count": 1},
        {"key_as_string": "2023-03-05", "key": 1677974400000, "doc_count": 1}]}}}
    return found, days


def test_a_search_with_a_selected_and_a_left_out_value_and_its_days(engine):
    params = {"q": "drone", "variants": "off", "place": "Belgorod",
              "-outlet": "Harbour Gazette", "sort": "oldest", "facet_size": "2"}
    found, days = drones_in_belgorod()
    assert histogram_unit(found["aggregations"]) == "D"
    ours, whoosh = converted(engine, params, {"place": {"Belgorod": ["Belgorod"]}},
                             {"outlet": {"Harbour Gazette": ["Harbour Gazette"]}}, found, days)
    assert ours == whoosh
    assert ours["facets"]["outlet"]["values"][0] == {
        "value": "Harbour Gazette", "count": 1, "stories": 1, "selected": False, "excluded": True}
    assert "<mark>drones</mark>" in ours["hits"][0]["highlights"]["title"]


def test_distinctive_values_beside_a_selected_value_no_article_has_and_a_left_out_one(engine):
    """Nothing has the place Atlantis: no result. The place facet counts without its own
    selection (the four articles not from the Harbour Gazette): the places found only there
    come first, Belgorod (as common there as elsewhere) and Kharkiv (less) after them; the
    selected and the left-out value carry no G² (null), as they do on the Whoosh engine."""
    params = {"place": "Atlantis", "-outlet": "Harbour Gazette", "facet_size": "2",
              "facet_rank": "distinctive"}
    nothing = counted(0, 0, 0, terms())
    found = answer(0, [], {
        "facet:outlet": nothing,
        "left_out:outlet": {"doc_count": 0, "values": {"buckets": {
            "Harbour Gazette": {"doc_count": 0, "stories": {"value": 0}}}}},
        "facet:source_outlet": nothing,
        "facet:place": counted(4, 7, 0, terms(bucket("Belgorod", 2, 2), bucket("Kharkiv", 1, 1),
                                              bucket("Kherson", 1, 1), bucket("Kyiv", 1, 1),
                                              bucket("Lviv", 1, 1), bucket("Moscow", 1, 1),
                                              bucket("Odesa", 1, 1)),
                               {"Atlantis": {"doc_count": 0, "stories": {"value": 0}}}),
        "facet:person": nothing, "facet:org": nothing, "facet:author": nothing,
        "results": {"doc_count": 0, "stories": {"value": 0}, "first": {"value": None},
                    "last": {"value": None}, "months": {"buckets": []},
                    "undated": {"doc_count": 0}}})
    everywhere = answer(6, [], {"collection:place": terms(
        bucket("Belgorod", 3, 2), bucket("Kharkiv", 2, 1), bucket("Kherson", 1, 1),
        bucket("Kyiv", 1, 1), bucket("Lviv", 1, 1), bucket("Moscow", 1, 1),
        bucket("Odesa", 1, 1))})
    req = parse_request({k: [v] for k, v in params.items()})
    resolved, left_out = ({"place": {"Atlantis": ["Atlantis"]}},
                          {"outlet": {"Harbour Gazette": ["Harbour Gazette"]}})
    assert candidates(req, FacetFilters(req, resolved, left_out), found["aggregations"]) == {
        "outlet": [], "source_outlet": [], "person": [], "org": [], "author": [],
        "place": ["Belgorod", "Kharkiv", "Kherson", "Kyiv", "Lviv", "Moscow", "Odesa",
                  "Atlantis"]}
    ours, whoosh = converted(engine, params, resolved, left_out, found, collection=everywhere)
    assert ours == whoosh
    places = ours["facets"]["place"]["values"]
    assert [(v["value"], v["g2"]) for v in places[:1]] == [("Atlantis", None)]
    assert [v["value"] for v in places[1:]] == ["Kherson", "Kyiv"]
    assert ours["facets"]["outlet"]["values"][0]["g2"] is None


def test_one_hit_per_story_with_its_copies_and_words_marked_by_opensearch(engine):
    params = {"q": "retal* OR nebenzya", "variants": "off", "collapse": "story",
              "sort": "newest", "facet_size": "0"}
    retaliation = RECORDS[5]
    found = answer(3, [
        hit("9d6be64d0fd2a2ce", [1677974400000, "9d6be64d0fd2a2ce"], highlight={
            "title": ["\ue000Retaliation\ue001 promised"],
            "text": ["\ue000Retaliation\ue001" + retaliation["text"][len("Retaliation"):]]}),
        hit("23435e9d75f4963e", [1677801600000, "23435e9d75f4963e"]),
    ], {
        "facet:outlet": counted(3, 2, 1),
        "facet:source_outlet": counted(3, 0, 3),
        "facet:place": counted(3, 4, 0),
        "facet:person": counted(3, 1, 1),
        "facet:org": counted(3, 2, 1),
        "facet:author": counted(3, 0, 3),
        "results": {"doc_count": 3, "stories": {"value": 2}},
    })
    copies = {"stories": {"doc_count": 3, "story": {
        "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
            {"key": POWER, "doc_count": 2, "outlets": terms(
                {"key": "Harbour Gazette", "doc_count": 1},
                {"key": "Northern Ledger", "doc_count": 1})},
            {"key": "9d6be64d0fd2a2ce", "doc_count": 1, "outlets": terms()}]}}}
    ours, whoosh = converted(engine, params, {}, {}, found, copies=copies)
    assert ours == whoosh
    first, second = ours["hits"]
    assert first["highlights"]["title"] == "<mark>Retaliation</mark> promised"
    assert (second["copies"], second["also_published_by"]) == (2, ["Harbour Gazette"])
    assert ours["total"] == 2 and ours["unit"] == "stories"


def test_relevance_scores_are_opensearch_s_own(engine):
    """Under relevance the hits carry OpenSearch's BM25 score, not Whoosh's BM25F: with one
    hit, everything else is the same."""
    found = answer(1, [hit("9ad5794cddf952b5", [2.0123456, "9ad5794cddf952b5"], score=2.0123456)],
                   {"facet:outlet": counted(1, 1, 0), "facet:source_outlet": counted(1, 0, 1),
                    "facet:place": counted(1, 1, 0), "facet:person": counted(1, 0, 1),
                    "facet:org": counted(1, 0, 1), "facet:author": counted(1, 0, 1),
                    "results": {"doc_count": 1, "stories": {"value": 1}}})
    ours, whoosh = converted(engine, {"q": "lviv", "variants": "off", "facet_size": "0"}, {}, {},
                             found)
    assert ours["hits"][0]["score"] == 2.0123
    assert whoosh["hits"][0]["score"] not in (None, 2.0123)
    for found_hit in (ours["hits"][0], whoosh["hits"][0]):
        del found_hit["score"]
    assert ours == whoosh


def test_a_page_past_the_last_is_the_same_error(engine):
    req = parse_request({"q": ["lviv"], "page": ["2"], "variants": ["off"]})
    with engine.generation() as gen:
        parsed = parse_query(req.q, gen.searcher, gen.columns, req.variants)
    found = answer(1, [], {"results": {"doc_count": 1, "stories": {"value": 1}}})
    with pytest.raises(SearchError) as ours:
        page_response(req, parsed, FacetFilters(req, {}, {}), found)
    with pytest.raises(SearchError) as whoosh:
        engine.search(req)
    assert (ours.value.type, ours.value.message) == (whoosh.value.type, whoosh.value.message)
