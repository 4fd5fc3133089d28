"""The web layer's small pieces: URL building, the histogram layout and the article text marking."""

from __future__ import annotations

from datetime import date
from html import escape

from newsfacet.web.histogram import build_histogram, date_inputs
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


def test_histogram_fills_gaps_links_each_bucket_and_keeps_undated_apart():
    links = SearchLinks([("q", "x")])
    published = [{"value": "2023-11", "count": 2}, {"value": "2024-02", "count": 4},
                 {"value": "unknown", "count": 1}]
    h = build_histogram(published, links)
    assert [b.value for b in h.bars] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert [b.count for b in h.bars] == [2, 0, 0, 4]
    assert h.bars[3].href == "/search?q=x&from=2024-02&to=2024-02"
    assert [b.href for b in h.bars[1:3]] == [None, None]         # empty buckets are no links
    assert (h.bars[3].first_day, h.bars[3].last_day) == ("2024-02-01", "2024-02-29")
    assert h.bars[3].label == "February 2024: 4 articles"
    assert h.bars[3].height > h.bars[0].height > h.bars[1].height == 0
    assert all(0 <= b.x < b.x + b.width <= 100 for b in h.bars)
    # the undated articles: a count with its own link, not a bar on the time axis
    assert (h.unknown, h.unknown_href) == (1, "/search?q=x&dated=unknown")
    assert h.tallest is h.bars[3] and h.max_count == 4
    assert h.label == "Results by publication date, by month, from November 2023 to February 2024"


def test_axis_labels_fall_on_regular_calendar_steps():
    months = [{"value": f"{2020 + m // 12}-{m % 12 + 1:02d}", "count": 1} for m in range(30)]
    h = build_histogram(months, SearchLinks([]))
    assert [t.text for t in h.ticks] == ["2020-01", "2020-07", "2021-01", "2021-07", "2022-01"]
    assert [t.minor for t in h.ticks] == [False, True, False, True, False]
    years = [{"value": str(y), "count": 1} for y in range(1991, 2026)]   # every 5: 7 labels
    assert [t.text for t in build_histogram(years, SearchLinks([])).ticks] == ["2000", "2010",
                                                                               "2020"]
    days = [{"value": f"2024-03-{d:02d}", "count": 1} for d in range(1, 32)]
    texts = [t.text for t in build_histogram(days, SearchLinks([])).ticks]
    assert len(texts) <= 6 and len({date.fromisoformat(t).toordinal() % 7 for t in texts}) == 1


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
    assert h.bars[0].label == "28 February 2024: 1 article"


def test_date_inputs_show_the_filter_as_whole_days():
    assert date_inputs(SearchLinks([("from", "2023-05"), ("to", "2024-02")])) == {
        "from": "2023-05-01", "to": "2024-02-29"}
    assert date_inputs(SearchLinks([("to", "2023")])) == {"from": "", "to": "2023-12-31"}
    assert date_inputs(SearchLinks([("from", "2023-02-30")])) == {"from": "", "to": ""}


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
