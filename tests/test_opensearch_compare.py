"""``OpenSearchEngine.compare`` against recorded answers, written by hand in the shape
OpenSearch documents for aggregations (``filter``, ``filters`` keyed by value, ``terms``,
``missing``, ``cardinality``, ``min``/``max``, ``date_histogram`` and ``top_hits``), for what
the index of ``opensearch_corpus.py`` holds: the engine must send the bodies of
``opensearch/compare.py`` and give exactly the comparison the Whoosh engine gives on the same
articles; a bad comparison is the same 400 on both engines."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsfacet.search.compare import parse_compare
from newsfacet.search.engine import Engine
from newsfacet.search.opensearch.body import collection_body
from newsfacet.search.opensearch.compare import counts_body, outline_body
from newsfacet.search.opensearch.engine import OpenSearchEngine
from newsfacet.search.opensearch.filters import FacetFilters
from newsfacet.search.query import parse_query
from newsfacet.web.app import create_app
from opensearch_corpus import RECORDS, build_index
from opensearch_fake import Recorded

EXISTS = ("HEAD", "/news", None, {})
SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}

# The ids of the matching articles of opensearch_corpus.RECORDS (records 0, 1, 2 and 5).
POWER_HG, POWER_NL, FLOOD, RETALIATION = (
    "b5dc5b804709d882", "23435e9d75f4963e", "96180d559ea5e014", "9d6be64d0fd2a2ce")


@pytest.fixture(scope="module")
def whoosh(tmp_path_factory):
    """The Whoosh engine on the same articles."""
    return Engine(build_index(tmp_path_factory.mktemp("os-compare")))


def mention(record: int, kind: str, name: str, text: str, field: str = "text") -> dict:
    """A stored mention of ``name`` written ``text`` in record ``record``'s title or text."""
    start = RECORDS[record][field].find(text)
    return {"type": kind, "name": name, "text": text, "start": start,
            "end": start + len(text), "field": field}


def power_mentions(record: int) -> list[dict]:
    return [mention(record, "place", "Belgorod", "Belgorod", "title"),
            mention(record, "place", "Belgorod", "Belgorod"),
            mention(record, "place", "Kharkiv", "Kharkiv"),
            mention(record, "person", "Vasily Nebenzya", "Vasily Nebenzya"),
            mention(record, "organization", "UN Security Council", "Security Council"),
            mention(record, "organization", "Reuters", "Reuters")]


MENTIONS = {
    POWER_HG: power_mentions(0),
    POWER_NL: power_mentions(1),
    FLOOD: [mention(2, "place", "Kherson", "Kherson", "title"),
            mention(2, "place", "Kherson", "Kherson"), mention(2, "place", "Odesa", "Odesa"),
            mention(2, "person", "Vasily Nabenzya", "Vasily Nabenzya")],
    RETALIATION: [mention(5, "place", "Belgorod", "Belgorod"),
                  mention(5, "place", "Moscow", "Moscow"), mention(5, "place", "Kyiv", "Kyiv")],
}


def _millis(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp() * 1000)


def told(articles: int, stories: int, **aggs) -> dict:
    """A bucket of ``articles`` documents in ``stories`` stories, with other aggregations."""
    return {"doc_count": articles, "stories": {"value": stories}, **aggs}


def line(months: dict | None = None, undated: tuple = (0, 0)) -> dict:
    """A set's timeline by months as answered: month -> (articles, stories), and its undated
    articles and stories."""
    return {"dates": {"buckets": [{"key_as_string": m, "key": _millis(m + "-01"),
                                   "doc_count": n, "stories": {"value": s}}
                                  for m, (n, s) in sorted((months or {}).items())]},
            "undated": told(*undated)}


def keyed(buckets: dict) -> dict:
    return {"buckets": buckets}


def read(*ids: str) -> dict:
    """A ``top_hits`` answer: the mentions of articles ``ids``, by article id."""
    return {"hits": {"total": {"value": len(ids), "relation": "eq"}, "max_score": None,
                     "hits": [{"_index": "news-v1", "_id": i, "_score": None,
                               "_source": {"mentions": MENTIONS[i]}, "sort": [i]}
                              for i in ids]}}


def answer(aggregations: dict, total: int | None = None) -> dict:
    hits = {"max_score": None, "hits": []}
    if total is not None:
        hits["total"] = {"value": total, "relation": "eq"}
    return {"took": 3, "timed_out": False, "_shards": SHARDS, "hits": hits,
            "aggregations": aggregations}


def terms(*pairs) -> dict:
    return {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
            "buckets": [{"key": k, "doc_count": n} for k, n in pairs]}


def sent(whoosh, creq, outlets, without, columns, unit, candidates):
    """The bodies the translation makes for ``creq`` (no typed filter value)."""
    with whoosh.generation() as gen:
        parsed = parse_query(creq.search.q, gen.searcher, gen.columns, creq.search.variants)
    filters = FacetFilters(creq.search, {}, {})
    return (outline_body(creq, parsed, filters), collection_body({creq.field: candidates}),
            counts_body(creq, parsed, filters, outlets, without, columns, unit))


PLACES = ["Belgorod", "Kharkiv", "Kherson", "Kyiv", "Moscow", "Odesa"]


def row(columns: list[str], article: str, month: str, places: list[str]) -> dict:
    """A row of one matching article (``article``, published in ``month``) among the
    matches: its buckets for the ``columns``, those of ``places`` with the article read."""
    return {**told(1, 1), **line({month: (1, 1)}),
            "values": keyed({v: told(1, 1) if v in places else told(0, 0) for v in columns}),
            "spelt": keyed({v: {"doc_count": 1, "read": read(article)} if v in places
                            else {"doc_count": 0, "read": read()} for v in columns})}


def column(articles: int, stories: int, outlets: int, months: dict) -> dict:
    """A column's bucket among the matches: its articles, stories, outlets and timeline."""
    return told(articles, stories, outlets={"value": outlets}, **line(months))


def test_places_named_by_outlets_about_belgorod_or_a_flood(whoosh):
    """Four matches: the power-station story carried by two outlets, the flood article of the
    Valley Courier and the retaliation article without an outlet; Harbour Gazette and the
    Valley Courier each have a second article (one undated, one of 2021) in the period,
    which is the whole collection here."""
    creq = parse_compare({"q": ["belgorod OR flood"], "variants": ["off"], "field": ["place"]})
    outlets = ["Harbour Gazette", "Northern Ledger", "Valley Courier"]
    outline, collection, counts = sent(whoosh, creq, outlets, True, PLACES, "M", PLACES)
    matched = answer({"results": {
        "doc_count": 4, "stories": {"value": 3},
        "outlets": terms(("Harbour Gazette", 1), ("Northern Ledger", 1), ("Valley Courier", 1)),
        "outlet_count": {"value": 3}, "without_outlet": {"doc_count": 1},
        "values": terms(("Belgorod", 3), ("Kharkiv", 2), ("Kherson", 1), ("Kyiv", 1),
                        ("Moscow", 1), ("Odesa", 1)),
        "first": {"value": _millis("2023-03-02"), "value_as_string": "2023-03-02"},
        "last": {"value": _millis("2023-05-20"), "value_as_string": "2023-05-20"}}})
    everywhere = answer({"collection:place": terms(
        ("Belgorod", 3), ("Kharkiv", 2), ("Kherson", 1), ("Kyiv", 1), ("Moscow", 1),
        ("Odesa", 1))}, total=6)

    counted = answer({
        "results": {
            **told(4, 3), **line({"2023-03": (3, 2), "2023-05": (1, 1)}),
            "values": keyed({
                "Belgorod": column(3, 2, 2, {"2023-03": (3, 2)}),
                "Kharkiv": column(2, 1, 2, {"2023-03": (2, 1)}),
                "Kherson": column(1, 1, 1, {"2023-05": (1, 1)}),
                "Kyiv": column(1, 1, 0, {"2023-03": (1, 1)}),
                "Moscow": column(1, 1, 0, {"2023-03": (1, 1)}),
                "Odesa": column(1, 1, 1, {"2023-05": (1, 1)})}),
            "rows": keyed({
                "Harbour Gazette": row(PLACES, POWER_HG, "2023-03", ["Belgorod", "Kharkiv"]),
                "Northern Ledger": row(PLACES, POWER_NL, "2023-03", ["Belgorod", "Kharkiv"]),
                "Valley Courier": row(PLACES, FLOOD, "2023-05", ["Kherson", "Odesa"])}),
            "no_outlet": row(PLACES, RETALIATION, "2023-03", ["Belgorod", "Kyiv", "Moscow"])},
        **line({"2021-11": (1, 1), "2023-03": (3, 2), "2023-05": (1, 1)}, undated=(1, 1)),
        "rows": keyed({
            "Harbour Gazette": {**told(2, 2), **line({"2023-03": (1, 1)}, undated=(1, 1))},
            "Northern Ledger": {**told(1, 1), **line({"2023-03": (1, 1)})},
            "Valley Courier": {**told(2, 2), **line({"2021-11": (1, 1), "2023-05": (1, 1)})}}),
        "no_outlet": {**told(1, 1), **line({"2023-03": (1, 1)})}})
    cluster = Recorded([EXISTS, ("POST", "/news/_search", outline, matched),
                        ("POST", "/news/_search", collection, everywhere),
                        ("POST", "/news/_search", counts, counted)])
    ours = OpenSearchEngine(cluster.client(), "news").compare(creq)
    assert ours == whoosh.compare(creq)
    assert [r["value"] for r in ours["rows"]] == [*outlets, None]
    assert [r["period"] for r in ours["rows"]] == [2, 1, 2, 1]
    assert ours["timelines"]["buckets"] == ["2023-03", "2023-05"]
    belgorod = ours["spellings"]["values"][0]
    assert [o["outlet"] for o in belgorod["outlets"]] == ["Harbour Gazette", "Northern Ledger",
                                                          None]


def test_the_most_distinctive_places_of_matches_left_without_moscow_in_2023(whoosh):
    """Three matches (the retaliation article names Moscow), the period 2023 only: each
    outlet's other article (undated, or of 2021) is outside it. Kharkiv, named by both copies
    of the power-station story and nowhere else, is the most distinctive place; Belgorod,
    named once outside the matches, the least, and is not among the three columns."""
    creq = parse_compare({"q": ["belgorod OR flood"], "variants": ["off"], "from": ["2023"],
                          "-place": ["Moscow"], "field": ["place"], "rank": ["distinctive"],
                          "size": ["3"]})
    outlets, columns = ["Harbour Gazette", "Northern Ledger", "Valley Courier"], \
        ["Kharkiv", "Kherson", "Odesa"]
    candidates = ["Belgorod", "Kharkiv", "Kherson", "Odesa"]
    with whoosh.generation() as gen:
        parsed = parse_query(creq.search.q, gen.searcher, gen.columns, creq.search.variants)
    filters = FacetFilters(creq.search, {}, {"place": {"Moscow": ["Moscow"]}})
    matched = answer({"results": {
        "doc_count": 3, "stories": {"value": 2},
        "outlets": terms(("Harbour Gazette", 1), ("Northern Ledger", 1), ("Valley Courier", 1)),
        "outlet_count": {"value": 3}, "without_outlet": {"doc_count": 0},
        "values": terms(("Belgorod", 2), ("Kharkiv", 2), ("Kherson", 1), ("Odesa", 1)),
        "first": {"value": _millis("2023-03-02"), "value_as_string": "2023-03-02"},
        "last": {"value": _millis("2023-05-20"), "value_as_string": "2023-05-20"}}})
    everywhere = answer({"collection:place": terms(
        ("Belgorod", 3), ("Kharkiv", 2), ("Kherson", 1), ("Odesa", 1))}, total=6)
    counted = answer({
        "results": {
            **told(3, 2), **line({"2023-03": (2, 1), "2023-05": (1, 1)}),
            "values": keyed({"Kharkiv": column(2, 1, 2, {"2023-03": (2, 1)}),
                             "Kherson": column(1, 1, 1, {"2023-05": (1, 1)}),
                             "Odesa": column(1, 1, 1, {"2023-05": (1, 1)})}),
            "rows": keyed({
                "Harbour Gazette": row(columns, POWER_HG, "2023-03", ["Kharkiv"]),
                "Northern Ledger": row(columns, POWER_NL, "2023-03", ["Kharkiv"]),
                "Valley Courier": row(columns, FLOOD, "2023-05", ["Kherson", "Odesa"])})},
        **line({"2023-03": (3, 2), "2023-05": (1, 1)}),
        "rows": keyed({"Harbour Gazette": {**told(1, 1), **line({"2023-03": (1, 1)})},
                       "Northern Ledger": {**told(1, 1), **line({"2023-03": (1, 1)})},
                       "Valley Courier": {**told(1, 1), **line({"2023-05": (1, 1)})}})})
    cluster = Recorded([
        EXISTS, ("POST", "/news/_count", {"query": {"term": {"places": "Moscow"}}}, {"count": 1}),
        ("POST", "/news/_search", outline_body(creq, parsed, filters), matched),
        ("POST", "/news/_search", collection_body({"place": candidates}), everywhere),
        ("POST", "/news/_search",
         counts_body(creq, parsed, filters, outlets, False, columns, "M"), counted)])
    ours = OpenSearchEngine(cluster.client(), "news").compare(creq)
    assert ours == whoosh.compare(creq)
    assert [c["value"] for c in ours["columns"]] == columns
    assert [r["value"] for r in ours["rows"]] == outlets
    assert [r["attention"] for r in ours["rows"]] == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("query", ["field=plac", "by=place", "size=31", "rank=best",
                                   "q=drone&colour=red", "from=2023-13", "q=(drone",
                                   "q=drone&format=xml"])
def test_a_bad_comparison_is_the_same_400_on_both_engines(whoosh, query):
    served = OpenSearchEngine(Recorded([EXISTS]).client(), "news")
    answers = []
    for engine in (whoosh, served):
        app = create_app({"TESTING": True})
        app.extensions["newsfacet_engine"] = engine
        response = app.test_client().get(f"/api/compare?{query}")
        answers.append((response.status_code, response.get_json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400 and answers[0][1]["error"]["message"]
