"""The API's contract, held by every engine: the same tests through a real Flask test client
on the Whoosh engine, always, and on the OpenSearch engine when ``NEWSFACET_OPENSEARCH_URL``
names a cluster (the articles are then loaded into a fresh index of it with ``newsfacet
index --to opensearch``'s own loader, and that index is deleted afterwards). The run's last
lines say which engines were covered (``conftest.pytest_terminal_summary``).

Counts are checked against brute force: the articles the export gives for the same search,
counted here (the outlet comparison's too). What the README lists as differing between the engines (scores and the order
of hits by relevance, ties in facet lists, estimated counts) is left out.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections import Counter

import pytest

from newsfacet.search.facet_registry import FACETS
from newsfacet.web.app import create_app
from opensearch_corpus import RECORDS, build_index

OPENSEARCH_URL = os.environ.get("NEWSFACET_OPENSEARCH_URL")
ENGINES = ["whoosh"] + (["opensearch"] if OPENSEARCH_URL else [])


def _opensearch_app(folder):
    """An app on a fresh index of the cluster at ``OPENSEARCH_URL`` holding ``RECORDS``, and
    the function that deletes that index."""
    from newsfacet.search.opensearch.connect import client
    from newsfacet.search.opensearch.load import load_paths

    source = folder / "news.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in RECORDS), encoding="utf-8")
    cluster, alias = client(OPENSEARCH_URL), f"newsfacet-contract-{uuid.uuid4().hex[:8]}"
    report = load_paths([source], cluster, alias, workers=1)
    assert report.failed == [] and report.articles == len(RECORDS)
    app = create_app({"ENGINE": "opensearch", "OPENSEARCH_URL": OPENSEARCH_URL,
                      "OPENSEARCH_INDEX": alias, "TESTING": True})
    return app, lambda: cluster.indices.delete(index=f"{alias}-v*")


@pytest.fixture(scope="module", params=ENGINES)
def client(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"contract-{request.param}")
    if request.param == "whoosh":
        app, done = create_app({"INDEX_DIR": str(build_index(folder)), "TESTING": True}), None
    else:
        app, done = _opensearch_app(folder)
    yield app.test_client()
    if done:
        done()


def search(client, query: str = "") -> dict:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def exported(client, query: str = "") -> list[dict]:
    response = client.get(f"/api/export?format=jsonl&{query}")
    assert response.status_code == 200
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def brute_counts(records: list[dict], field: str) -> dict[str, int]:
    """Each value of a record field (a list, or one value) and the records holding it."""
    counts: Counter = Counter()
    for record in records:
        value = record.get(field)
        counts.update(value if isinstance(value, list) else [value] if value else [])
    return dict(counts)


def listed(facet: dict) -> dict[str, int]:
    return {v["value"]: v["count"] for v in facet["values"]}


def test_every_article_is_counted_and_exported_once(client):
    found = search(client, "facet_size=0")
    records = exported(client)
    assert found["total"] == len(records) == len(RECORDS)
    assert len({r["id"] for r in records}) == len(RECORDS)


@pytest.mark.parametrize("query", ["", "q=belgorod", "q=strikes+OR+flood", "from=2023-03",
                                   "dated=unknown", "q=power+station"])
def test_totals_and_every_facet_s_counts_equal_brute_force(client, query):
    found = search(client, f"{query}&facet_size=40")
    records = exported(client, query)
    assert found["total"] == len(records)
    for facet in FACETS:
        counted = found["facets"][facet.name]
        expected = brute_counts(records, facet.field)
        assert listed(counted) == expected, facet.name
        assert counted["distinct"] == len(expected)
        assert counted["missing"] == sum(1 for r in records if not r.get(facet.field))


def brute_g2(in_set: int, set_size: int, in_collection: int, collection: int) -> float:
    """A value's signed G²: Dunning's log-likelihood ratio of its 2 × 2 table (in the set
    or not × holding the value or not), written out cell by cell, negative when the value
    is less common in the set than in the rest of the collection."""
    rest = collection - set_size
    cells = [(in_set, set_size, in_collection),
             (in_collection - in_set, rest, in_collection),
             (set_size - in_set, set_size, collection - in_collection),
             (rest - (in_collection - in_set), rest, collection - in_collection)]
    g2 = 2 * sum(o * math.log(o * collection / (row * col)) for o, row, col in cells if o)
    return g2 if in_set * rest > (in_collection - in_set) * set_size else -g2


@pytest.mark.parametrize("query, own", [("q=strikes", None), ("q=drone", None),
                                        ("outlet=Valley+Courier", "outlet")])
def test_facets_ranked_by_distinctiveness_equal_brute_force(client, query, own):
    """Each facet's values by G² of their count among the articles it counts against their
    articles in the whole collection (ties: count, collection count, value), the selected
    ones first; ``own``: the facet of the request's "any of" filter, which counts without
    it (here: every article)."""
    found = search(client, f"{query}&facet_rank=distinctive&facet_size=40")
    records, everything = exported(client, query), exported(client)
    for facet in FACETS:
        counted = everything if facet.name == own else records
        counts = brute_counts(counted, facet.field)
        collection = brute_counts(everything, facet.field)
        g2 = {v: brute_g2(n, len(counted), collection[v], len(everything))
              for v, n in counts.items()}
        chosen = found["query"]["filters"].get(facet.name, [])
        order = chosen + sorted((v for v in counts if v not in chosen),
                                key=lambda v: (-g2[v], -counts[v], -collection[v], v))
        values = found["facets"][facet.name]["values"]
        assert [(v["value"], v["count"]) for v in values] == \
            [(v, counts[v]) for v in order], facet.name
        for value in values:
            assert value["g2"] == pytest.approx(g2[value["value"]], abs=1e-3), value


def test_a_filter_keeps_what_has_the_value_and_its_facet_counts_without_it(client):
    found = search(client, "place=Belgorod&facet_size=40")
    records = exported(client, "place=Belgorod")
    assert found["total"] == len(records) == 3
    assert all("Belgorod" in r["places"] for r in records)
    everything = exported(client)
    assert listed(found["facets"]["place"]) == brute_counts(everything, "places")
    assert listed(found["facets"]["outlet"]) == brute_counts(records, "outlet")
    selected = found["facets"]["place"]["values"][0]
    assert (selected["value"], selected["selected"]) == ("Belgorod", True)


def test_a_left_out_value_leaves_out_its_articles(client):
    found = search(client, "-place=Belgorod")
    records = exported(client, "-place=Belgorod")
    assert found["total"] == len(records) == len(RECORDS) - 3
    assert not any("Belgorod" in r["places"] for r in records)
    left = next(v for v in found["facets"]["place"]["values"] if v["excluded"])
    assert (left["value"], left["count"]) == ("Belgorod", 3)


def test_all_of_two_values_keeps_articles_holding_both(client):
    records = exported(client, "place=Belgorod&place=Moscow&place_match=all")
    assert [r["title"] for r in records] == ["Retaliation promised"]
    assert search(client, "place=Belgorod&place=Moscow")["total"] == 3


def test_a_typed_value_in_another_letter_case_finds_the_value(client):
    found = search(client, "outlet=harbour+gazette")
    assert found["total"] == 2
    assert found["interpretation"]["filters"]["outlet"] == {"harbour gazette": ["Harbour Gazette"]}


def test_a_value_no_article_has_is_a_warning_and_nothing(client):
    found = search(client, "outlet=Nowhere+Times")
    assert found["total"] == 0 and found["hits"] == []
    assert any("no outlet named 'Nowhere Times'" in w for w in found["warnings"])
    assert {"param": "outlet", "value": "Nowhere Times", "total": len(RECORDS)} \
        in found["relaxations"]


def test_the_query_words_are_marked_in_the_hits(client):
    found = search(client, "q=flood")
    assert [h["title"] for h in found["hits"]] == ["Flood losses near Kherson"]
    highlights = found["hits"][0]["highlights"]
    assert highlights["title"] == "<mark>Flood</mark> losses near Kherson"
    assert any("the <mark>flood</mark>." in fragment for fragment in highlights["text"])


def test_pages_of_the_newest_first_hold_every_hit_once_in_date_order(client):
    first = search(client, "per_page=2")
    assert (first["pages"], first["next"]) == (3, "?page=2&per_page=2")
    ids, dates = [], []
    for page in (1, 2, 3):
        hits = search(client, f"per_page=2&page={page}")["hits"]
        ids += [h["id"] for h in hits]
        dates += [h["published"] for h in hits]
    assert sorted(ids) == sorted(r["id"] for r in exported(client))
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True) and dates[-1] is None   # undated ones last


def test_the_date_histogram_counts_the_months_of_a_span_under_three_years_and_undated_ones(client):
    histogram = search(client, "")["facets"]["published"]
    records = exported(client)
    expected = Counter(r["published"][:7] for r in records if r["published"])   # months
    assert {b["value"]: b["count"] for b in histogram if b["value"] != "unknown"} == expected
    assert histogram[-1] == {"value": "unknown", "count": 1, "selected": False}


@pytest.mark.parametrize("path, status, kind", [
    ("/api/search?page=9", 400, "page_out_of_range"),
    ("/api/search?sort=loudest", 400, "invalid_request"),
    ("/api/facets/colour", 404, "not_found"),
    ("/api/articles/0000000000000000", 404, "not_found"),
    ("/api/compare?field=plac", 400, "invalid_request"),
    ("/api/compare?q=drone&rank=best", 400, "invalid_request"),
])
def test_errors_are_json_with_their_status_and_type(client, path, status, kind):
    response = client.get(path)
    assert response.status_code == status
    assert response.get_json()["error"]["type"] == kind


def test_an_article_is_its_export_record_with_marks(client):
    record = next(r for r in exported(client) if r["title"] == "Flood losses near Kherson")
    article = client.get(f"/api/articles/{record['id']}?q=grain").get_json()
    assert {k: article[k] for k in record} == record
    assert "<mark>Grain</mark> prices" in article["highlights"]["text"]


def test_one_hit_per_story_counts_stories_and_its_export_keeps_one_copy(client):
    records = exported(client)
    stories = {r["story"] for r in records}
    assert len(stories) == len(RECORDS) - 1          # one text published twice
    found = search(client, "collapse=story")
    assert (found["total"], found["total_stories"], found["unit"]) == \
        (len(stories), len(stories), "stories")
    twice = next(h for h in found["hits"] if h["story_size"] == 2)
    assert twice["copies"] == 2 and len(twice["also_published_by"]) == 1
    assert sorted(r["story"] for r in exported(client, "collapse=story")) == sorted(stories)
    copy = client.get(f"/api/articles/{twice['id']}").get_json()
    assert [c["outlet"] for c in copy["copies"]] == twice["also_published_by"]


def test_a_facet_s_whole_value_list_equals_brute_force(client):
    values = client.get("/api/facets/place?per_page=100").get_json()
    assert {v["value"]: v["count"] for v in values["values"]} == \
        brute_counts(exported(client), "places")
    prefixed = client.get("/api/facets/place?prefix=k").get_json()
    assert {v["value"] for v in prefixed["values"]} == {"Kharkiv", "Kherson", "Kyiv"}


def test_the_export_follows_the_search_s_filters_and_order(client):
    records = exported(client, "q=belgorod&sort=oldest")
    assert [r["published"] for r in records] == ["2023-03-02", "2023-03-03", "2023-03-05"]


def test_the_outlet_comparison_equals_brute_force(client):
    response = client.get("/api/compare?q=belgorod+OR+flood&field=place")
    assert response.status_code == 200
    result = response.get_json()
    matches, everything = exported(client, "q=belgorod+OR+flood"), exported(client)

    def outlet_is(outlet):
        return lambda r: r.get("outlet") == outlet

    outlets = brute_counts(matches, "outlet")
    assert [(row["value"], row["matches"]) for row in result["rows"]] == \
        sorted(outlets.items(), key=lambda p: (-p[1], p[0])) + [(None, 1)]
    named = brute_counts(matches, "places")
    assert {c["value"]: c["count"] for c in result["columns"]} == named   # all six places
    for row, cells in zip(result["rows"], result["cells"]):
        mine = [r for r in matches if outlet_is(row["value"])(r)]
        assert row["period"] == sum(1 for r in everything if outlet_is(row["value"])(r))
        assert row["stories"] == len({r["story"] for r in mine})
        for column, cell in zip(result["columns"], cells):
            assert cell["count"] == sum(1 for r in mine if column["value"] in r["places"])
    assert result["total"] == len(matches)
    assert result["total_stories"] == len({r["story"] for r in matches}) == len(matches) - 1
    months = Counter(r["published"][:7] for r in matches if r["published"])
    timelines = result["timelines"]
    assert dict(zip(timelines["buckets"], timelines["total"]["counts"])) == months
    kharkiv = next(v for v in result["spellings"]["values"] if v["value"] == "Kharkiv")
    assert {o["outlet"]: o["read"] for o in kharkiv["outlets"]} == \
        {"Harbour Gazette": 1, "Northern Ledger": 1}
