"""The outlet comparison (``Engine.compare``): every matrix cell, spelling and timeline bucket
checked against counts made by hand from ``newsfacet export`` records, on a collection of our
own (tests/comparecorpus.py) where outlets spell Kharkiv and Kyiv differently."""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import math
import re
from collections import Counter

import pytest
from comparecorpus import write
from frontends import exported

from newsfacet.search.compare import SPELLING_READS, parse_compare
from newsfacet.search.engine import Engine
from newsfacet.search.indexer import index_paths
from newsfacet.search.request import SearchError, parse_request


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    index_paths([write(folder)], folder / "index", workers=1)
    return folder / "index"


@pytest.fixture(scope="module")
def records(index_dir):
    return exported(index_dir)


def _drone(rec) -> bool:
    return bool(re.search(r"\bdrone\b", f"{rec['title']} {rec['text']}", re.I))


def _in_period(rec, start=None, stop=None) -> bool:
    if start is None and stop is None:
        return True
    return rec["published"] is not None and start <= rec["published"][:7] <= stop


def _check_matrix(result, matches, period):
    """Rows, columns and cells of ``result`` against the matching and period records."""
    outlets = Counter(r["outlet"] for r in matches)
    in_period = Counter(r["outlet"] for r in period)

    def stories(recs, outlet) -> int:
        return len({r["story"] for r in recs if r["outlet"] == outlet})

    assert result["total"] == len(matches)
    assert result["total_stories"] == len({r["story"] for r in matches}) < len(matches)
    assert [(row["value"], row["matches"]) for row in result["rows"]] == \
        sorted(((o, n) for o, n in outlets.items() if o), key=lambda p: (-p[1], p[0])) + \
        ([(None, outlets[None])] if outlets[None] else [])
    names = Counter(p for r in matches for p in r["places"])
    counts = [c["count"] for c in result["columns"]]
    assert counts == sorted(counts, reverse=True)
    shown = {c["value"] for c in result["columns"]}
    assert all(n <= counts[-1] for v, n in names.items() if v not in shown)
    for column in result["columns"]:
        assert column["count"] == names[column["value"]]
        naming = {r["outlet"] for r in matches if column["value"] in r["places"] and r["outlet"]}
        assert column["outlets"] == len(naming) and column["one_outlet"] == (len(naming) == 1)
        assert column["stories"] == len({r["story"] for r in matches
                                         if column["value"] in r["places"]})
    assert any(row["stories"] < row["matches"] for row in result["rows"])
    for row, cells in zip(result["rows"], result["cells"]):
        assert row["period"] == in_period[row["value"]]
        assert row["attention"] == round(row["matches"] / row["period"], 4)
        assert row["stories"] == stories(matches, row["value"])
        assert row["period_stories"] == stories(period, row["value"])
        assert row["story_attention"] == round(row["stories"] / row["period_stories"], 4)
        for column, cell in zip(result["columns"], cells):
            chosen = [r for r in matches
                      if r["outlet"] == row["value"] and column["value"] in r["places"]]
            count, told = len(chosen), stories(chosen, row["value"])
            assert cell["count"] == count
            assert cell["share"] == round(count / row["matches"], 4)
            assert cell["attention"] == round(count / in_period[row["value"]], 4)
            assert cell["stories"] == told
            assert cell["story_share"] == round(told / row["stories"], 4)
            assert cell["story_attention"] == round(told / row["period_stories"], 4)


def test_matrix_equals_counts_by_hand(engine, records):
    result = engine.compare(parse_compare({"q": ["drone"], "field": ["place"]}))
    matches = [r for r in records if _drone(r)]
    _check_matrix(result, matches, records)
    assert {c["value"] for c in result["columns"]} >= {"Kharkiv", "Kyiv", "Lviv"}
    lviv = next(c for c in result["columns"] if c["value"] == "Lviv")
    assert lviv["one_outlet"]
    assert result["rows"][-1]["value"] is None and result["rows"][-1]["params"] is None


def test_attention_counts_the_period_only(engine, records):
    params = {"q": ["drone"], "field": ["place"], "from": ["2024-02"], "to": ["2024-04"]}
    result = engine.compare(parse_compare(params))
    matches = [r for r in records if _drone(r) and _in_period(r, "2024-02", "2024-04")]
    period = [r for r in records if _in_period(r, "2024-02", "2024-04")]
    _check_matrix(result, matches, period)
    assert any(row["period"] < sum(1 for r in records if r["outlet"] == row["value"])
               for row in result["rows"])


@pytest.mark.parametrize("extra", [{}, {"place": ["Kharkov"]}, {"outlet": ["Eastern Wire"]},
                                   {"place": ["Kyiv"], "place_match": ["all"]},
                                   {"collapse": ["story"]}])
def test_every_cell_links_to_a_search_with_its_count(engine, extra):
    result = engine.compare(parse_compare({"q": ["drone"], "field": ["place"], **extra}))
    assert result["cells"]
    for row, cells in zip(result["rows"], result["cells"]):
        if row["params"] is not None:
            assert _total(engine, row["params"]) == row["matches"]
        for cell in cells:
            if row["value"] is None:
                assert cell["params"] is None
                continue
            assert _total(engine, cell["params"]) == cell["count"]


def _total(engine, params) -> int:
    query = {}
    for k, v in params:
        query.setdefault(k, []).append(v)
    return engine.search(parse_request(query))["total"]


def test_spellings_per_outlet_from_the_mentions(engine, records):
    result = engine.compare(parse_compare({"q": ["drone"], "field": ["place"]}))
    matches = [r for r in records if _drone(r)]
    spelt = {v["value"]: v for v in result["spellings"]["values"]}
    assert spelt["Kharkiv"]["forms"] == ["Kharkiv", "Kharkov"]
    by_outlet = {o["outlet"]: [f["form"] for f in o["forms"]] for o in spelt["Kharkiv"]["outlets"]}
    assert by_outlet["Eastern Wire"] == by_outlet["Harbour Post"] == ["Kharkov"]
    assert by_outlet["Dnipro Daily"] == by_outlet["Morning Ledger"] == ["Kharkiv"]
    for value in spelt.values():
        for outlet in value["outlets"]:
            chosen = [r for r in matches if r["outlet"] == outlet["outlet"]
                      and value["value"] in r["places"]]
            assert outlet["articles"] == len(chosen)
            assert outlet["read"] == min(len(chosen), SPELLING_READS)
            if outlet["read"] == len(chosen):
                forms = Counter(m["text"] for r in chosen for m in r["mentions"]
                                if m["type"] == "place" and m["name"] == value["value"])
                assert {f["form"]: f["count"] for f in outlet["forms"]} == forms


def test_no_spellings_for_metadata(engine):
    result = engine.compare(parse_compare({"q": ["drone"], "field": ["author"]}))
    assert result["spellings"]["values"] == []


def test_timelines_equal_counts_by_hand(engine, records):
    result = engine.compare(parse_compare({"q": ["drone"], "field": ["place"]}))
    lines = result["timelines"]
    matches = [r for r in records if _drone(r)]
    assert lines["unit"] == "month"
    assert lines["buckets"] == sorted({r["published"][:7] for r in matches if r["published"]})
    assert "unknown" not in lines["buckets"]

    def check(series, chosen, whole):
        assert series["counts"] == [sum(1 for r in chosen if (r["published"] or "")[:7] == b)
                                    for b in lines["buckets"]]
        assert series["denominators"] == [sum(1 for r in whole if (r["published"] or "")[:7] == b)
                                          for b in lines["buckets"]]
        assert series["undated"] == sum(1 for r in chosen if not r["published"])
        assert series["attention"] == [round(c / w, 4) if w else None
                                       for c, w in zip(series["counts"], series["denominators"])]

        def stories_in(recs, bucket) -> int:
            return len({r["story"] for r in recs if (r["published"] or "")[:7] == bucket})
        assert series["stories"] == [stories_in(chosen, b) for b in lines["buckets"]]
        assert series["story_denominators"] == [stories_in(whole, b) for b in lines["buckets"]]
        assert series["undated_stories"] == stories_in(chosen, "")
        assert series["story_attention"] == [
            round(c / w, 4) if w else None
            for c, w in zip(series["stories"], series["story_denominators"])]

    check(lines["total"], matches, records)
    assert [s["value"] for s in lines["by_outlet"]] == [row["value"] for row in result["rows"]]
    for series in lines["by_outlet"]:
        check(series, [r for r in matches if r["outlet"] == series["value"]],
              [r for r in records if r["outlet"] == series["value"]])
    for series in lines["by_value"]:
        check(series, [r for r in matches if series["value"] in r["places"]], records)
    assert sum(s["undated"] for s in lines["by_outlet"]) == lines["total"]["undated"] > 0
    assert sum(lines["total"]["stories"]) < sum(lines["total"]["counts"])   # reprints counted once


@pytest.mark.parametrize("params, param", [
    ({"by": ["author"]}, "by"), ({"field": ["outlet"]}, "field"), ({"field": ["colour"]}, "field"),
    ({"size": ["0"]}, "size"), ({"size": ["many"]}, "size"), ({"rows": ["1000"]}, "rows"),
    ({"field": ["place", "person"]}, "field"), ({"colour": ["red"]}, "colour"),
    ({"from": ["2024-13"]}, "from"), ({"rank": ["best"]}, "rank"),
])
def test_bad_requests_name_the_parameter(params, param):
    with pytest.raises(SearchError) as err:
        parse_compare(params)
    assert err.value.param == param and err.value.status == 400


def test_sample_corpus_shows_who_writes_kharkov_and_who_kharkiv(sample_index):
    result = Engine(sample_index).compare(parse_compare({"q": ["belgorod"], "field": ["place"]}))
    kharkiv = next(v for v in result["spellings"]["values"] if v["value"] == "Kharkiv")
    forms = {o["outlet"]: [f["form"] for f in o["forms"]] for o in kharkiv["outlets"]}
    assert forms["Global Research"] == forms["Strategic Culture Foundation"] == ["Kharkov"]
    assert forms[None] == ["Kharkiv"]   # the sample's article without an outlet


def test_api_is_the_engine_s_answer(client, engine):
    response = client.get("/api/compare?q=drone&by=outlet&field=place&size=5")
    assert response.status_code == 200
    expected = engine.compare(parse_compare({"q": ["drone"], "field": ["place"], "size": ["5"]}))
    assert response.get_json() == json.loads(json.dumps(expected))


def test_csv_parses_back_to_the_cells_and_timelines(client, engine):
    response = client.get("/api/compare?q=drone&field=place&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8"))))
    header = list(rows[0])
    assert any("outlet's matching articles" in h for h in header)
    assert any("articles in the period" in h for h in header)
    result = engine.compare(parse_compare({"q": ["drone"], "field": ["place"]}))
    cells = [r for r in rows if r["section"] == "cell"]
    assert len(cells) == len(result["rows"]) * len(result["columns"])
    expected = {(row["value"] or "", column["value"]): cell
                for row, line in zip(result["rows"], result["cells"])
                for column, cell in zip(result["columns"], line)}
    for r in cells:
        cell = expected[(r["outlet"], r["value"])]
        assert int(r["count"]) == cell["count"]
        assert float(r["share"]) == cell["share"] and float(r["attention"]) == cell["attention"]
        assert int(r["stories (copies of a story count once)"]) == cell["stories"]
        assert float(r["story_share"]) == cell["story_share"]
        assert float(r["story_attention"]) == cell["story_attention"]
    lines = result["timelines"]
    outlet_rows = [r for r in rows if r["section"] == "outlet timeline"]
    assert len(outlet_rows) == len(lines["by_outlet"]) * (len(lines["buckets"]) + 1)
    for series in lines["by_outlet"]:
        mine = {r["bucket"]: int(r["count"]) for r in outlet_rows
                if r["outlet"] == (series["value"] or "")}
        assert [mine[b] for b in lines["buckets"]] == series["counts"]
        assert mine["undated"] == series["undated"]
        told = {r["bucket"]: int(r["stories (copies of a story count once)"]) for r in outlet_rows
                if r["outlet"] == (series["value"] or "")}
        assert [told[b] for b in lines["buckets"]] == series["stories"]
        assert told["undated"] == series["undated_stories"]
    assert {r["value"] for r in rows if r["section"] == "value timeline"} == \
        {c["value"] for c in result["columns"]}


@pytest.mark.parametrize("query, param", [
    ("field=plac", "field"), ("by=place", "by"), ("size=31", "size"), ("format=xml", "format"),
    ("q=drone&colour=red", "colour"), ("q=(drone", "q"),
])
def test_api_errors_have_the_error_shape(client, query, param):
    response = client.get(f"/api/compare?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["param"] == param and error["message"]


def _g2(a: int, everywhere: int, matches: int, articles: int) -> float:
    """Dunning's G² of the 2 × 2 table, signed, computed the long way."""
    table = [[a, matches - a], [everywhere - a, articles - matches - (everywhere - a)]]
    rows = [sum(r) for r in table]
    cols = [table[0][j] + table[1][j] for j in range(2)]
    g2 = 2 * sum(table[i][j] * math.log(table[i][j] / (rows[i] * cols[j] / articles))
                  for i in range(2) for j in range(2) if table[i][j])
    return g2 if a / matches > (everywhere - a) / (articles - matches) else -g2


def test_distinctive_ranking_puts_the_result_s_own_subjects_first(engine, records):
    params = {"outlet": ["Harbour Post"], "field": ["place"], "size": ["30"]}
    by_count = engine.compare(parse_compare(params))
    ranked = engine.compare(parse_compare({**params, "rank": ["distinctive"]}))
    assert by_count["columns"][0]["value"] == "Kharkiv"    # every outlet names it
    assert ranked["columns"][0]["value"] == "Lviv"         # only Harbour Post does
    matches = [r for r in records if r["outlet"] == "Harbour Post"]
    named = Counter(p for r in matches for p in r["places"])
    everywhere = Counter(p for r in records for p in r["places"])
    scores = [c["g2"] for c in ranked["columns"]]
    assert scores == sorted(scores, reverse=True)
    assert {c["value"] for c in ranked["columns"]} == set(named)
    for column in ranked["columns"]:
        assert column["collection"] == everywhere[column["value"]]
        assert column["g2"] == pytest.approx(
            _g2(named[column["value"]], everywhere[column["value"]], len(matches), len(records)),
            abs=1e-3)
    assert ranked["columns"][0]["g2"] > 10.83 > ranked["columns"][-1]["g2"]


def _cell_links(html: str) -> list[tuple[str, int]]:
    return [(html_lib.unescape(href), int(count)) for href, count in
            re.findall(r'<td class="num"><a href="([^"]+)" data-count="(\d+)"', html)]


@pytest.mark.parametrize("query, unit", [("unit=stories", "stories"), ("collapse=story", "stories"),
                                         ("collapse=story&unit=articles", "articles"), ("", "articles")])
def test_page_counts_in_the_unit_chosen_and_links_to_searches_with_that_total(client, query, unit):
    page = client.get(f"/compare?q=drone&field=place&{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Matching {unit}</th>" in html
    links = _cell_links(html)
    assert links
    for href, count in links:
        assert ("collapse=story" in href) == (unit == "stories")
        answer = client.get("/api/search?" + href.split("?", 1)[1]).get_json()
        assert answer["total"] == count and answer["unit"] == unit
    counts = [count for _, count in links]
    other = _cell_links(client.get("/compare?q=drone&field=place&unit="
                                   + ("articles" if unit == "stories" else "stories")).get_data(as_text=True))
    if unit == "stories":
        assert sum(counts) < sum(c for _, c in other)


def test_page_refuses_an_unknown_unit(client):
    page = client.get("/compare?q=drone&field=place&unit=words")
    assert page.status_code == 400
    assert "&#39;unit&#39; must be articles or stories" in page.get_data(as_text=True)


def test_columns_follow_the_search_s_facet_order_unless_told(engine):
    search = {"q": ["drone"], "field": ["place"], "facet_rank": ["distinctive"]}
    assert engine.compare(parse_compare(search))["rank"] == "distinctive"
    assert engine.compare(parse_compare({**search, "rank": ["count"]}))["rank"] == "count"
    assert ("facet_rank", "distinctive") not in parse_compare(search).to_params()
    assert ("rank", "distinctive") in parse_compare(search).to_params()


@pytest.mark.parametrize("unit, word", [("articles", "article"), ("stories", "stor")])
def test_timeline_bars_link_to_searches_with_the_number_they_show(client, unit, word):
    html = client.get(f"/compare?q=drone&field=place&unit={unit}").get_data(as_text=True)
    bars = re.findall(r'<a href="([^"]+)" class="bar" aria-label="[^:"]+: ([\d,]+) (\w+)', html)
    assert len(bars) > 5
    for href, shown, noun in bars:
        assert noun.startswith(word)
        answer = client.get("/api/search?" + html_lib.unescape(href).split("?", 1)[1]).get_json()
        assert answer["total"] == int(shown.replace(",", "")) and answer["unit"] == unit
