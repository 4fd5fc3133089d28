"""A search translated into OpenSearch request bodies (``search/opensearch``).

Each case is a request (or a parsed query) beside the body OpenSearch must be sent, written
out by hand from OpenSearch's query DSL and reviewed: the query forms of the query language,
the facet filters (any, all, left out), the date bounds, the facet and histogram
aggregations, the sort, the page, ``search_after`` with a point in time, ``collapse`` and
the highlight. Queries are parsed by the Whoosh engine's own ``parse_query`` on a small
index of the test's own sentences (``opensearch_corpus.py``), so the translation starts from
the very tree the Whoosh engine evaluates.
"""

from __future__ import annotations

import pytest
from whoosh import query as wq

from newsfacet.search.compare import parse_compare
from newsfacet.search.engine import Engine
from newsfacet.search.opensearch.body import (HIT_SOURCE, after_body, collection_body,
                                              copies_body, days_body, highlight_clause,
                                              query_clause, search_body, sort_clause)
from newsfacet.search.opensearch.compare import counts_body, outline_body
from newsfacet.search.opensearch.filters import FacetFilters
from newsfacet.search.opensearch.mapping import index_body
from newsfacet.search.opensearch.query import translate
from newsfacet.search.query import parse_query
from newsfacet.search.request import SearchError, SearchRequest, parse_request
from opensearch_corpus import build_index

FIELDS = ("title", "text", "aliases")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return Engine(build_index(tmp_path_factory.mktemp("os-translation")))


def parsed(engine, q: str, variants: bool = False):
    """``q`` as the Whoosh engine parses it (spelling variants off unless asked)."""
    with engine.generation() as gen:
        return parse_query(q, gen.searcher, gen.columns, variants)


def request(**params) -> SearchRequest:
    """A request from query-string parameters (``-`` in a name written as ``not_``)."""
    return parse_request({name.replace("not_", "-"): values if isinstance(values, list)
                          else [values] for name, values in params.items()})


def any_field(word: str) -> dict:
    """The clause of one plain word: its index word in the title, the text or the spellings
    of the names an article holds (written out in full in the first case below)."""
    return {"bool": {"should": [{"term": {f: {"value": word}}} for f in FIELDS]}}


def in_fields(kind: str, body: dict) -> dict:
    """One term-level query in each of the three fields, any of them."""
    return {"bool": {"should": [{kind: {f: body}} for f in FIELDS]}}


def phrase_chain(field: str, words: list[str], slop: int) -> dict:
    """The nested in-order ``span_near`` of a sloppy phrase, built by hand for the case."""
    chain = {"span_term": {field: words[0]}}
    for word in words[1:]:
        chain = {"span_near": {"clauses": [chain, {"span_term": {field: word}}],
                               "slop": slop, "in_order": True}}
    return chain


QUERY_CASES = [
    ("belgorod drones", False,
     {"bool": {"must": [
         {"bool": {"should": [{"term": {"title": {"value": "belgorod"}}},
                              {"term": {"text": {"value": "belgorod"}}},
                              {"term": {"aliases": {"value": "belgorod"}}}]}},
         {"bool": {"should": [{"term": {"title": {"value": "drone"}}},
                              {"term": {"text": {"value": "drone"}}},
                              {"term": {"aliases": {"value": "drone"}}}]}}]}}),
    ('"drone attacks"', False,
     {"bool": {"should": [{"match_phrase": {f: {"query": "drone attack",
                                                "analyzer": "newsfacet_terms"}}}
                          for f in FIELDS]}}),
    # ~3: each word at most 3 words after the one before: 2 words between, in order.
    ('"drone attacks on belgorod"~3', False,
     {"bool": {"should": [
         {"span_near": {"clauses": [
             {"span_near": {"clauses": [
                 {"span_near": {"clauses": [{"span_term": {"text": "drone"}},
                                            {"span_term": {"text": "attack"}}],
                                "slop": 2, "in_order": True}},
                 {"span_term": {"text": "on"}}], "slop": 2, "in_order": True}},
             {"span_term": {"text": "belgorod"}}], "slop": 2, "in_order": True}}
         if f == "text" else phrase_chain(f, ["drone", "attack", "on", "belgorod"], 2)
         for f in FIELDS]}}),
    ("drone OR missile", False,
     {"bool": {"should": [{"term": {f: {"value": w}}}
                          for w in ("drone", "missil") for f in FIELDS]}}),
    ("belgorod -kharkiv", False,
     {"bool": {"must": [any_field("belgorod"),
                        {"bool": {"must": [{"match_all": {}}],
                                  "must_not": [any_field("kharkiv")]}}]}}),
    ("NOT kharkiv", False,
     {"bool": {"must": [{"match_all": {}}], "must_not": [any_field("kharkiv")]}}),
    ("(drone OR rocket) belgorod", False,
     {"bool": {"must": [{"bool": {"should": [{"term": {f: {"value": w}}}
                                             for w in ("drone", "rocket") for f in FIELDS]}},
                        any_field("belgorod")]}}),
    ("drone ANDMAYBE belgorod", False,
     {"bool": {"must": [any_field("drone")], "should": [any_field("belgorod")]}}),
    ("title:drones", False, {"term": {"title": {"value": "drone"}}}),
    # a field value: the index value it resolves to (any letter case), scored as Whoosh does
    ('outlet:"harbour gazette"', False,
     {"constant_score": {"filter": {"term": {"outlet": "Harbour Gazette"}}}}),
    ("place:kherson", False, {"constant_score": {"filter": {"term": {"places": "Kherson"}}}}),
    # a value no article has stays in the query and matches nothing, as in the Whoosh engine
    ('outlet:"Nowhere Times"', False,
     {"constant_score": {"filter": {"term": {"outlet": "Nowhere Times"}}}}),
    ("retal*", False, in_fields("prefix", {"value": "retal"})),
    ("kh?rkiv", False, in_fields("wildcard", {"value": "kh?rkiv"})),
    ("civilans~", False, in_fields("fuzzy", {"value": "civilan", "fuzziness": 1,
                                             "prefix_length": 0, "transpositions": True,
                                             "max_expansions": 500})),
    ("strikes~2", False, in_fields("fuzzy", {"value": "strike", "fuzziness": 2,
                                             "prefix_length": 0, "transpositions": True,
                                             "max_expansions": 500})),
    ("belgorod^3 OR kharkiv", False,
     {"bool": {"should": [{"term": {f: {"value": "belgorod", "boost": 3.0}}} for f in FIELDS]
               + [{"term": {f: {"value": "kharkiv"}}} for f in FIELDS]}}),
    # Whoosh stems a range's first word and not its last: the range is sent as parsed
    ("title:[apple TO banana]", False, {"range": {"title": {"gte": "appl", "lte": "banana"}}}),
    ("to be or not to be", False,
     {"bool": {"should": [{"match_phrase": {f: {"query": "to be or not to be",
                                                "analyzer": "newsfacet_terms"}}}
                          for f in FIELDS]}}),
    # the collection's other spelling of a person's name, searched with it
    ("nebenzya", True,
     {"bool": {"should": [{"term": {f: {"value": w}}}
                          for f in FIELDS for w in ("nebenzya", "nabenzya")]}}),
    # a known organisation: its facet value too, at half weight
    ("reuters", True,
     {"bool": {"should": [{"term": {"title": {"value": "reuter"}}},
                          {"term": {"text": {"value": "reuter"}}},
                          {"constant_score": {"filter": {"term": {"organizations": "Reuters"}},
                                              "boost": 0.5}},
                          {"term": {"aliases": {"value": "reuter"}}}]}}),
    ("the", False, {"match_none": {}}),   # a stop word alone: nothing to search
]


@pytest.mark.parametrize("q, variants, expected", QUERY_CASES, ids=[c[0] for c in QUERY_CASES])
def test_query_forms(engine, q, variants, expected):
    assert translate(parsed(engine, q, variants).query) == expected


def test_a_kind_of_query_without_a_translation_is_a_query_error():
    with pytest.raises(SearchError) as err:
        translate(wq.Variations("text", "strike"))
    assert err.value.param == "q" and err.value.type == "query_syntax"


DATE_CASES = [
    ({}, {"match_all": {}}),
    ({"q": "drone date:2023-03"},
     {"bool": {"must": [any_field("drone")],
               "filter": [{"range": {"published": {"gte": "2023-03-01", "lte": "2023-03-31"}}}]}}),
    ({"q": "drone date:[2023-03 TO ]"},
     {"bool": {"must": [any_field("drone")],
               "filter": [{"range": {"published": {"gte": "2023-03-01"}}}]}}),
    ({"from": "2023", "to": "2023-05"},
     {"bool": {"filter": [{"range": {"published": {"gte": "2023-01-01", "lte": "2023-05-31"}}}]}}),
    ({"to": "2024-02"},
     {"bool": {"filter": [{"range": {"published": {"lte": "2024-02-29"}}}]}}),
    ({"dated": "unknown"}, {"bool": {"filter": [{"term": {"dated": "unknown"}}]}}),
    ({"q": "drone", "dated": "yes"},
     {"bool": {"must": [any_field("drone")], "filter": [{"term": {"dated": "yes"}}]}}),
    # from/to find dated articles only: dated=yes beside them adds nothing (as in Whoosh)
    ({"from": "2023-03-02", "dated": "yes", "q": "date:[ TO 2023-04]"},
     {"bool": {"filter": [{"range": {"published": {"gte": "2023-03-02"}}},
                          {"range": {"published": {"lte": "2023-04-30"}}}]}}),
]


@pytest.mark.parametrize("params, expected", DATE_CASES, ids=[str(c[0]) for c in DATE_CASES])
def test_query_and_date_bounds(engine, params, expected):
    req = request(variants="off", **params)
    assert query_clause(req, parsed(engine, req.q)) == expected




def test_any_of_a_facet_narrows_the_hits_and_every_other_facet_not_its_own():
    req = request(place=["kyiv", "Kharkiv"])
    filters = FacetFilters(req, {"place": {"kyiv": ["Kyiv"], "Kharkiv": ["Kharkiv"]}}, {})
    both = {"bool": {"filter": [{"terms": {"places": ["Kyiv", "Kharkiv"]}}]}}
    assert filters.post_filter() == both
    assert filters.final() == both
    assert filters.counted_under("place") == {"match_all": {}}
    assert filters.counted_under("outlet") == both
    assert filters.selected == {"place": ["Kyiv", "Kharkiv"]}


def test_all_of_a_facet_keeps_its_own_selection_when_counted():
    req = request(place=["kyiv", "Kharkiv"], place_match="all")
    filters = FacetFilters(req, {"place": {"kyiv": ["Kyiv"], "Kharkiv": ["Kharkiv"]}}, {})
    each = {"bool": {"filter": [{"terms": {"places": ["Kyiv"]}},
                                {"terms": {"places": ["Kharkiv"]}}]}}
    assert filters.post_filter() == each
    assert filters.counted_under("place") == each
    assert filters.counted_under("person") == each


def test_a_typed_value_standing_for_several_index_values():
    req = request(person=["nebenzya", "kuleba"], person_match="all")
    filters = FacetFilters(req, {"person": {"nebenzya": ["Vasily Nebenzya", "Nebenzya"],
                                            "kuleba": ["Dmytro Kuleba"]}}, {})
    assert filters.post_filter() == {"bool": {"filter": [
        {"terms": {"people": ["Vasily Nebenzya", "Nebenzya"]}},
        {"terms": {"people": ["Dmytro Kuleba"]}}]}}
    assert filters.selected == {"person": ["Vasily Nebenzya", "Nebenzya", "Dmytro Kuleba"]}


def test_left_out_values_and_the_filters_their_counts_are_taken_under():
    req = request(place="Kyiv", not_outlet="Harbour Gazette")
    filters = FacetFilters(req, {"place": {"Kyiv": ["Kyiv"]}},
                           {"outlet": {"Harbour Gazette": ["Harbour Gazette"]}})
    everything = {"bool": {"filter": [{"terms": {"places": ["Kyiv"]}}],
                           "must_not": [{"terms": {"outlet": ["Harbour Gazette"]}}]}}
    assert filters.post_filter() == everything
    assert filters.counted_under("outlet") == everything      # its exclusion holds
    assert filters.left_out_under("outlet") == {"bool": {"filter": [{"terms": {"places": ["Kyiv"]}}]}}
    assert filters.counted_under("place") == {"bool": {"must_not": [
        {"terms": {"outlet": ["Harbour Gazette"]}}]}}
    assert filters.counted_under("org") == everything


def test_no_facet_filter_means_no_post_filter(engine):
    req = request(q="drone")
    body = search_body(req, parsed(engine, req.q), FacetFilters(req, {}, {}))
    assert "post_filter" not in body
    assert body["aggs"]["facet:place"]["filter"] == {"match_all": {}}


STORIES = {"cardinality": {"field": "story", "precision_threshold": 40000}}


def test_facet_aggregations_of_a_selected_and_a_left_out_facet(engine):
    req = request(place="Kyiv", not_outlet="Harbour Gazette", facet_size="5")
    filters = FacetFilters(req, {"place": {"Kyiv": ["Kyiv"]}},
                           {"outlet": {"Harbour Gazette": ["Harbour Gazette"]}})
    aggs = search_body(req, parsed(engine, ""), filters)["aggs"]
    assert list(aggs) == ["facet:outlet", "left_out:outlet", "facet:source_outlet",
                          "facet:place", "facet:person", "facet:org", "facet:author", "results"]
    assert aggs["facet:place"] == {
        "filter": {"bool": {"must_not": [{"terms": {"outlet": ["Harbour Gazette"]}}]}},
        "aggs": {
            "distinct": {"cardinality": {"field": "places", "precision_threshold": 40000}},
            "missing": {"missing": {"field": "places"}},
            # 5 listed besides the selected one, which is counted on its own below
            "values": {"terms": {"field": "places", "size": 6,
                                 "order": [{"_count": "desc"}, {"_key": "asc"}]},
                       "aggs": {"stories": STORIES}},
            "selected": {"filters": {"filters": {"Kyiv": {"term": {"places": "Kyiv"}}}},
                         "aggs": {"stories": STORIES}},
        }}
    assert aggs["facet:outlet"]["aggs"]["values"]["terms"]["size"] == 5
    assert "selected" not in aggs["facet:outlet"]["aggs"]
    assert aggs["left_out:outlet"] == {
        "filter": {"bool": {"filter": [{"terms": {"places": ["Kyiv"]}}]}},
        "aggs": {"values": {
            "filters": {"filters": {"Harbour Gazette": {"term": {"outlet": "Harbour Gazette"}}}},
            "aggs": {"stories": STORIES}}}}


def test_facets_ranked_by_distinctiveness_ask_for_candidates_then_their_collection_counts(engine):
    """The first body lists the 1,000 most counted values of each facet (and the selected
    ones, counted apart) instead of ``facet_size``; the second counts the values listed in
    the whole collection: no query, no filter, the collection's articles counted exactly."""
    req = request(q="strikes", place="Kharkiv", facet_size="2", facet_rank="distinctive")
    filters = FacetFilters(req, {"place": {"Kharkiv": ["Kharkiv"]}}, {})
    aggs = search_body(req, parsed(engine, req.q), filters)["aggs"]
    assert aggs["facet:place"]["aggs"]["values"] == {
        "terms": {"field": "places", "size": 1001,
                  "order": [{"_count": "desc"}, {"_key": "asc"}]},
        "aggs": {"stories": STORIES}}
    assert aggs["facet:place"]["aggs"]["selected"] == {
        "filters": {"filters": {"Kharkiv": {"term": {"places": "Kharkiv"}}}},
        "aggs": {"stories": STORIES}}
    assert aggs["facet:outlet"]["aggs"]["values"]["terms"]["size"] == 1000
    assert collection_body({"outlet": ["Harbour Gazette", "Northern Ledger"], "source_outlet": [],
                            "place": ["Belgorod", "Kharkiv"]}) == {
        "size": 0, "track_total_hits": True, "aggs": {
            "collection:outlet": {"terms": {"field": "outlet", "size": 2, "include": [
                "Harbour Gazette", "Northern Ledger"]}},
            "collection:place": {"terms": {"field": "places", "size": 2, "include": [
                "Belgorod", "Kharkiv"]}}}}


def test_results_aggregation_totals_and_date_histogram(engine):
    req = request(q="drone", place="Kyiv")
    filters = FacetFilters(req, {"place": {"Kyiv": ["Kyiv"]}}, {})
    assert search_body(req, parsed(engine, req.q), filters)["aggs"]["results"] == {
        "filter": {"bool": {"filter": [{"terms": {"places": ["Kyiv"]}}]}},
        "aggs": {
            "stories": STORIES,
            "first": {"min": {"field": "published", "format": "strict_date"}},
            "last": {"max": {"field": "published", "format": "strict_date"}},
            "months": {"date_histogram": {"field": "published", "calendar_interval": "month",
                                          "format": "yyyy-MM", "min_doc_count": 1}},
            "undated": {"missing": {"field": "published"}},
        }}


def test_facet_size_zero_counts_facets_but_lists_no_value_and_no_histogram(engine):
    req = request(place="Kyiv", not_outlet="Harbour Gazette", facet_size="0")
    filters = FacetFilters(req, {"place": {"Kyiv": ["Kyiv"]}},
                           {"outlet": {"Harbour Gazette": ["Harbour Gazette"]}})
    aggs = search_body(req, parsed(engine, ""), filters)["aggs"]
    assert "left_out:outlet" not in aggs
    assert set(aggs["facet:place"]["aggs"]) == {"distinct", "missing"}
    assert aggs["results"]["aggs"] == {"stories": STORIES}


def test_days_of_the_histogram(engine):
    req = request(q="drone", dated="yes", place="Kyiv")
    filters = FacetFilters(req, {"place": {"Kyiv": ["Kyiv"]}}, {})
    assert days_body(req, parsed(engine, req.q), filters) == {
        "query": {"bool": {"must": [any_field("drone")],
                           "filter": [{"term": {"dated": "yes"}}]}},
        "size": 0, "track_total_hits": False,
        "aggs": {"results": {
            "filter": {"bool": {"filter": [{"terms": {"places": ["Kyiv"]}}]}},
            "aggs": {"days": {"date_histogram": {
                "field": "published", "calendar_interval": "day", "format": "yyyy-MM-dd",
                "min_doc_count": 1}}}}}}


BY_ID = {"id": {"order": "asc"}}
SORT_CASES = [
    ({"q": "drone"}, [{"_score": {"order": "desc"}}, BY_ID]),
    ({"q": "drone", "sort": "newest"},
     [{"published": {"order": "desc", "missing": "_last"}}, BY_ID]),
    ({"q": "drone", "sort": "oldest"},
     [{"published": {"order": "asc", "missing": "_last"}}, BY_ID]),
    ({}, [{"published": {"order": "desc", "missing": "_last"}}, BY_ID]),
]


@pytest.mark.parametrize("params, expected", SORT_CASES, ids=[str(c[0]) for c in SORT_CASES])
def test_sort(engine, params, expected):
    req = request(**params)
    assert sort_clause(req, parsed(engine, req.q)) == expected


def test_relevance_without_a_query_sorts_by_date(engine):
    req = SearchRequest(q="", sort="relevance")   # made directly, not by parse_request
    assert sort_clause(req, parsed(engine, "")) == [
        {"published": {"order": "desc", "missing": "_last"}}, BY_ID]


def test_page_collapse_and_what_a_hit_holds(engine):
    req = request(q="drone", page="3", per_page="20", collapse="story")
    body = search_body(req, parsed(engine, req.q), FacetFilters(req, {}, {}))
    assert (body["from"], body["size"], body["track_total_hits"]) == (40, 20, True)
    assert body["collapse"] == {"field": "story"}
    assert body["_source"] == {"includes": [
        "id", "title", "text", "outlet", "source_outlet", "places", "people", "organizations",
        "authors", "published", "date_source", "url", "story", "story_size"]}
    plain = request(q="drone")
    assert "collapse" not in search_body(plain, parsed(engine, "drone"), FacetFilters(plain, {}, {}))


def test_highlight_asks_only_for_the_words_of_prefix_wildcard_and_fuzzy_terms(engine):
    assert highlight_clause(parsed(engine, "retal* drone")) == {
        "pre_tags": ["\ue000"], "post_tags": ["\ue001"], "encoder": "default",
        "number_of_fragments": 0, "require_field_match": False,
        "highlight_query": in_fields("prefix", {"value": "retal"}),
        "fields": {"title": {}, "text": {}}}
    assert highlight_clause(parsed(engine, "belgorod drone")) is None
    assert highlight_clause(parsed(engine, "drone -retal*")) is None   # left out: not marked
    maybe = highlight_clause(parsed(engine, "drone ANDMAYBE strikes~"))
    assert maybe["highlight_query"] == in_fields("fuzzy", {
        "value": "strike", "fuzziness": 1, "prefix_length": 0, "transpositions": True,
        "max_expansions": 500})


def test_a_page_after_a_sort_key_in_a_point_in_time(engine):
    req = request(q="retal*", sort="newest", collapse="story")
    filters = FacetFilters(req, {"place": {"Kyiv": ["Kyiv"]}}, {})
    p = parsed(engine, req.q)
    after = [1677715200000, "b5dc804709d882"]
    page = after_body(req, p, filters, "PIT-1", after, 100)
    assert page == {
        "query": {"bool": {"must": [in_fields("prefix", {"value": "retal"})]}},
        "sort": [{"published": {"order": "desc", "missing": "_last"}}, BY_ID],
        "post_filter": {"bool": {"filter": [{"terms": {"places": ["Kyiv"]}}]}},
        "size": 100, "track_total_hits": False,
        "pit": {"id": "PIT-1", "keep_alive": "2m"},
        "_source": {"includes": HIT_SOURCE},
        "search_after": after,
        "highlight": highlight_clause(p),
    }
    export = after_body(req, p, filters, "PIT-1", None, 1000, export=True)
    assert export["_source"] == {"excludes": ["keys", "dated", "state", "minhash"]}
    assert "search_after" not in export and "highlight" not in export and "collapse" not in export


def test_a_whole_search_body(engine):
    req = request(q="belgorod", variants="off", place="Kyiv", per_page="10", facet_size="3",
                  collapse="story", sort="newest")
    filters = FacetFilters(req, {"place": {"Kyiv": ["Kyiv"]}}, {})
    kyiv = {"bool": {"filter": [{"terms": {"places": ["Kyiv"]}}]}}

    def facet(field, under, selected=None):
        aggs = {"distinct": {"cardinality": {"field": field, "precision_threshold": 40000}},
                "missing": {"missing": {"field": field}},
                "values": {"terms": {"field": field, "size": 3 + len(selected or {}),
                                     "order": [{"_count": "desc"}, {"_key": "asc"}]},
                           "aggs": {"stories": STORIES}}}
        if selected:
            aggs["selected"] = {"filters": {"filters": selected}, "aggs": {"stories": STORIES}}
        return {"filter": under, "aggs": aggs}

    assert search_body(req, parsed(engine, req.q), filters) == {
        "query": {"bool": {"must": [any_field("belgorod")]}},
        "sort": [{"published": {"order": "desc", "missing": "_last"}}, BY_ID],
        "post_filter": kyiv,
        "from": 0, "size": 10, "track_total_hits": True,
        "_source": {"includes": HIT_SOURCE},
        "aggs": {
            "facet:outlet": facet("outlet", kyiv),
            "facet:source_outlet": facet("source_outlet", kyiv),
            "facet:place": facet("places", {"match_all": {}},
                                 {"Kyiv": {"term": {"places": "Kyiv"}}}),
            "facet:person": facet("people", kyiv),
            "facet:org": facet("organizations", kyiv),
            "facet:author": facet("authors", kyiv),
            "results": {"filter": kyiv, "aggs": {
                "stories": STORIES,
                "first": {"min": {"field": "published", "format": "strict_date"}},
                "last": {"max": {"field": "published", "format": "strict_date"}},
                "months": {"date_histogram": {"field": "published",
                                              "calendar_interval": "month",
                                              "format": "yyyy-MM", "min_doc_count": 1}},
                "undated": {"missing": {"field": "published"}}}},
        },
        "collapse": {"field": "story"},
    }


def test_index_body():
    assert index_body(shards=3, replicas=1) == {
        "settings": {
            "index": {"number_of_shards": 3, "number_of_replicas": 1},
            "analysis": {
                "tokenizer": {"newsfacet_words": {
                    "type": "pattern", "pattern": r"\w+(\.?\w+)*", "group": 0,
                    "flags": "UNICODE_CHARACTER_CLASS"}},
                "analyzer": {
                    "newsfacet_text": {"type": "custom", "tokenizer": "newsfacet_words",
                                       "filter": ["lowercase", "porter_stem"]},
                    "newsfacet_terms": {"type": "custom", "tokenizer": "newsfacet_words",
                                        "filter": ["lowercase"]}}}},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": {"type": "keyword"}, "keys": {"type": "keyword"},
                "path": {"type": "keyword"}, "paths": {"type": "keyword"},
                "url": {"type": "keyword", "index": False, "doc_values": False},
                "title": {"type": "text", "analyzer": "newsfacet_text", "fields": {
                    "exact": {"type": "text", "analyzer": "newsfacet_terms"}}},
                "text": {"type": "text", "analyzer": "newsfacet_text", "fields": {
                    "exact": {"type": "text", "analyzer": "newsfacet_terms"}}},
                "aliases": {"type": "text", "analyzer": "newsfacet_text"},
                "published": {"type": "date", "format": "strict_date"},
                "dated": {"type": "keyword"}, "date_source": {"type": "keyword"},
                "mentioned_dates": {"type": "keyword"},
                "outlet": {"type": "keyword"}, "source_outlet": {"type": "keyword"},
                "places": {"type": "keyword"}, "people": {"type": "keyword"},
                "organizations": {"type": "keyword"}, "authors": {"type": "keyword"},
                "mentions": {"type": "object", "enabled": False},
                "language": {"type": "keyword"}, "word_count": {"type": "integer"},
                "story": {"type": "keyword"}, "story_size": {"type": "integer"},
                "first_copy": {"type": "keyword"}, "story_outlets": {"type": "keyword"},
                "state": {"type": "keyword", "index": False, "doc_values": False},
                "minhash": {"type": "keyword", "index": False, "doc_values": False},
            }}}


def test_the_copies_of_a_collapsed_page_s_stories(engine):
    req = request(q="belgorod", variants="off", collapse="story", place="Kyiv")
    filters = FacetFilters(req, {"place": {"Kyiv": ["Kyiv"]}}, {})
    assert copies_body(req, parsed(engine, req.q), filters, ["s1", "s2"]) == {
        "query": {"bool": {"must": [any_field("belgorod")]}},
        "size": 0, "track_total_hits": False,
        "aggs": {"stories": {
            "filter": {"bool": {"filter": [{"terms": {"places": ["Kyiv"]}}]}},
            "aggs": {"story": {
                "terms": {"field": "story", "include": ["s1", "s2"], "size": 2},
                "aggs": {"outlets": {"terms": {"field": "outlet", "size": 1000}}}}}}}}


MOST_FIRST = [{"_count": "desc"}, {"_key": "asc"}]


def test_the_bodies_of_an_outlet_comparison(engine):
    creq = parse_compare({"q": ["drone"], "variants": ["off"], "from": ["2023-03"],
                          "-outlet": ["Valley Courier"], "field": ["place"], "rows": ["5"],
                          "size": ["2"]})
    filters = FacetFilters(creq.search, {}, {"outlet": {"Valley Courier": ["Valley Courier"]}})
    found = parsed(engine, creq.search.q)
    since_march = {"range": {"published": {"gte": "2023-03-01"}}}
    not_valley = {"bool": {"must_not": [{"terms": {"outlet": ["Valley Courier"]}}]}}

    # 1. the rows, the candidate columns and the span, among the matches
    assert outline_body(creq, found, filters) == {
        "size": 0, "track_total_hits": False,
        "query": {"bool": {"must": [any_field("drone")], "filter": [since_march]}},
        "aggs": {"results": {"filter": not_valley, "aggs": {
            "stories": STORIES,
            "outlets": {"terms": {"field": "outlet", "size": 5, "order": MOST_FIRST}},
            "outlet_count": {"cardinality": {"field": "outlet", "precision_threshold": 40000}},
            "without_outlet": {"missing": {"field": "outlet"}},
            "values": {"terms": {"field": "places", "size": 1000, "order": MOST_FIRST}},
            "first": {"min": {"field": "published", "format": "strict_date"}},
            "last": {"max": {"field": "published", "format": "strict_date"}}}}}}

    # 2. the candidates' articles in the whole collection, and the collection's
    assert collection_body({"place": ["Belgorod", "Kharkiv", "Kyiv"]}) == {
        "size": 0, "track_total_hits": True, "aggs": {"collection:place": {"terms": {
            "field": "places", "include": ["Belgorod", "Kharkiv", "Kyiv"], "size": 3}}}}

    # 3. every count, under the period alone (the date bound: not the query, not the filter)
    def line():
        return {"dates": {"date_histogram": {"field": "published", "calendar_interval": "day",
                                             "format": "yyyy-MM-dd", "min_doc_count": 1},
                          "aggs": {"stories": STORIES}},
                "undated": {"missing": {"field": "published"}, "aggs": {"stories": STORIES}}}

    def each(field, values):
        return {"filters": {v: {"term": {field: v}} for v in values}}

    in_row = {"stories": STORIES, **line(),
              "values": {"filters": each("places", ["Belgorod", "Kharkiv"]),
                         "aggs": {"stories": STORIES}},
              "spelt": {"filters": each("places", ["Belgorod", "Kharkiv"]), "aggs": {"read": {
                  "top_hits": {"size": 10, "sort": [{"id": {"order": "asc"}}],
                               "_source": {"includes": ["mentions"]}}}}}}
    in_period = {"stories": STORIES, **line()}
    outlets = ["Harbour Gazette", "Northern Ledger"]
    assert counts_body(creq, found, filters, outlets, True, ["Belgorod", "Kharkiv"], "D") == {
        "size": 0, "track_total_hits": False,
        "query": {"bool": {"filter": [since_march]}},
        "aggs": {
            "results": {
                "filter": {"bool": {"must": [any_field("drone")], "filter": [not_valley]}},
                "aggs": {
                    "stories": STORIES, **line(),
                    "values": {"filters": each("places", ["Belgorod", "Kharkiv"]), "aggs": {
                        "stories": STORIES, **line(),
                        "outlets": {"cardinality": {"field": "outlet",
                                                    "precision_threshold": 40000}}}},
                    "rows": {"filters": each("outlet", outlets), "aggs": in_row},
                    "no_outlet": {"missing": {"field": "outlet"}, "aggs": in_row}}},
            **line(),
            "rows": {"filters": each("outlet", outlets), "aggs": in_period},
            "no_outlet": {"missing": {"field": "outlet"}, "aggs": in_period}}}


def test_a_comparison_of_a_field_not_in_the_text_reads_no_spelling_and_lists_no_empty_filters(engine):
    creq = parse_compare({"field": ["author"], "dated": ["unknown"]})
    body = counts_body(creq, parsed(engine, ""), FacetFilters(creq.search, {}, {}), [], False,
                       [], "Y")
    assert body["query"] == {"bool": {"filter": [{"term": {"dated": "unknown"}}]}}
    assert body["aggs"]["results"]["filter"] == {"match_all": {}}
    assert set(body["aggs"]) == {"results", "dates", "undated"}
    assert set(body["aggs"]["results"]["aggs"]) == {"stories", "dates", "undated"}
    assert body["aggs"]["dates"]["date_histogram"]["format"] == "yyyy"
