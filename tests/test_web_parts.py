"""The web layer's small pieces: URL building, the histogram layout and the article text marking."""

from __future__ import annotations

from html import escape

from newsfacet.web.histogram import build_histogram
from newsfacet.web.marking import mark_text, marked_spans
from newsfacet.web.urls import SearchLinks, search_url


def test_links_change_one_thing_and_go_back_to_page_one():
    links = SearchLinks([("q", "drone strike"), ("outlet", "TASS"), ("page", "3")])
    assert links.add("outlet", "Reuters") == "/search?q=drone+strike&outlet=TASS&outlet=Reuters"
    assert links.remove("outlet", "TASS") == "/search?q=drone+strike"
    assert links.toggle("outlet", "TASS") == "/search?q=drone+strike"
    assert links.replace(sort="oldest") == "/search?q=drone+strike&outlet=TASS&sort=oldest"
    assert links.page(4) == "/search?q=drone+strike&outlet=TASS&page=4"
    assert links.page(1) == "/search?q=drone+strike&outlet=TASS"
    assert links.here("/api/search") == "/api/search?q=drone+strike&outlet=TASS&page=3"
    assert search_url(place="Kharkiv & Co") == "/search?place=Kharkiv+%26+Co"


def test_histogram_fills_gaps_and_links_each_bucket():
    links = SearchLinks([("q", "x")])
    published = [{"value": "2023-11", "count": 2}, {"value": "2024-02", "count": 4},
                 {"value": "unknown", "count": 1}]
    h = build_histogram(published, links)
    assert [b.value for b in h.bars] == ["2023-11", "2023-12", "2024-01", "2024-02", "unknown"]
    assert [b.count for b in h.bars] == [2, 0, 0, 4, 1]
    assert h.bars[3].href == "/search?q=x&from=2024-02&to=2024-02"
    assert h.bars[4].href == "/search?q=x&dated=unknown"
    assert h.bars[3].height > h.bars[0].height > h.bars[1].height == 0
    assert all(0 <= b.x < b.x + b.width <= 100 for b in h.bars)
    assert [(t.text, t.anchor) for t in h.ticks] == [
        ("2023-11", "start"), ("2023-12", "middle"), ("2024-01", "middle"), ("2024-02", "end")]
    assert h.max_count == 4


def test_histogram_marks_the_selected_bucket_and_skips_empty_results():
    links = SearchLinks([("from", "2024"), ("to", "2024")])
    h = build_histogram([{"value": "2023", "count": 1}, {"value": "2024", "count": 3}], links)
    assert [b.selected for b in h.bars] == [False, True]
    assert build_histogram([], links) is None
    assert build_histogram([{"value": "unknown", "count": 2}], links) is None


def test_day_buckets_cross_month_ends():
    h = build_histogram([{"value": "2024-02-28", "count": 1}, {"value": "2024-03-01", "count": 1}],
                        SearchLinks([]))
    assert [b.value for b in h.bars] == ["2024-02-28", "2024-02-29", "2024-03-01"]


def test_marked_spans_recover_offsets_from_escaped_highlights():
    text = 'a <b> & "Kharkov" Kharkiv.'
    i, j = text.index("Kharkov"), text.index("Kharkiv")
    html = (escape(text[:i]) + "<mark>Kharkov</mark>" + escape(text[i + 7:j])
            + "<mark>Kharkiv</mark>" + escape(text[j + 7:]))
    assert [text[a:b] for a, b in marked_spans(html)] == ["Kharkov", "Kharkiv"]


def test_mark_text_links_mentions_marks_words_and_splits_paragraphs():
    text = "Strikes on Kharkiv City.\n\nZelensky spoke."
    k = text.index("Kharkiv")
    mentions = [
        {"type": "place", "name": "Kharkiv", "start": k, "end": k + 7},
        {"type": "place", "name": "Kharkiv City", "start": k, "end": k + 12},   # outer one wins
        {"type": "person", "name": "Volodymyr Zelensky", "start": 26, "end": 34},
        {"type": "place", "name": "Nowhere", "start": 90, "end": 99},          # out of range
        {"type": "person", "name": "Headline Person", "start": 0, "end": 7, "field": "title"},  # not the text
    ]
    paragraphs = mark_text(text, mentions, [(k, k + 7)])
    assert len(paragraphs) == 2
    first = paragraphs[0]
    assert [r.href for r in first] == [None, "/search?place=Kharkiv+City", None]   # "Strikes" is not linked
    assert [(p.text, p.mark) for p in first[1].pieces] == [("Kharkiv", True), (" City", False)]
    assert paragraphs[1][0].href == "/search?person=Volodymyr+Zelensky"
    assert "".join(p.text for para in paragraphs for r in para for p in r.pieces) == \
        text.replace("\n\n", "")
