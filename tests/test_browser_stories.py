"""Stories in a real browser: the copy badge, the articles/stories switch, and the copies on
the article page, on a server over the planted copies of ``test_stories``."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import full_page_shot, require_browser, running_server
from test_browser import _by, _click_and_load
from test_stories import COLLECTION

from newsfacet.search.indexer import index_paths


@pytest.fixture(scope="module")
def stories_url(tmp_path_factory):
    require_browser()
    corpus = tmp_path_factory.mktemp("stories") / "corpus"
    corpus.mkdir()
    for name, record in COLLECTION.items():
        (corpus / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
    index_dir = corpus.parent / "index"
    index_paths([corpus], index_dir, workers=1)
    with running_server(index_dir) as server:
        yield f"http://127.0.0.1:{server.effective_port}"


def test_copies_badge_switch_and_article_copies(browser, stories_url, shots):
    browser.get(stories_url + "/search?q=footbridge&sort=oldest")
    heading = browser.find_element(*_by(".result-count")).text
    assert heading.startswith("7 results")
    assert "in 4 stories" in browser.find_element(*_by(".story-count")).text
    badges = [b.text for b in browser.find_elements(*_by(".hit .copies"))]
    assert badges == ["4 copies"] * 4     # each copy of the bridge story; the near-misses none
    full_page_shot(browser, shots / "results-copies.png", 1280)

    switch = browser.find_element(*_by(".unit-switch a"))
    assert switch.text == "Stories"
    _click_and_load(browser, switch)
    assert ("collapse", "story") in parse_qsl(urlsplit(browser.current_url).query)
    assert browser.find_element(*_by(".result-count")).text.startswith("4 stories")
    assert browser.find_element(*_by(".unit-switch .is-current")).text == "Stories"
    hits = browser.find_elements(*_by(".hit"))
    assert len(hits) == 4
    first = hits[0]   # oldest first: the earliest copy (13 May) stands for the bridge story
    assert first.find_element(*_by(".copies")).text == "4 copies"
    also = first.find_element(*_by(".also")).text
    assert also == "also published by Lomna Times, Northern Wire, Valley Post"
    full_page_shot(browser, shots / "results-stories.png", 1280)

    _click_and_load(browser, first.find_element(*_by(".copies")))
    section = browser.find_element(*_by("#copies"))
    assert "this one was published first" in section.text
    items = section.find_elements(*_by("li"))
    assert len(items) == 3
    assert [i.find_element(*_by(".related-meta")).text.split(" · ")[0] for i in items] == \
        ["Northern Wire", "Valley Post", "Lomna Times"]   # by date; the undated copy last
    assert not section.find_elements(*_by(".first-copy"))   # this page is the first copy
    similar = browser.find_elements(*_by("#similar + .related-list li"))
    copy_titles = {COLLECTION[name]["title"] for name in ("wire", "post", "retitled")}
    assert similar and not any(s.find_element(*_by("a")).text in copy_titles for s in similar), \
        "the copies are listed once, as copies"
    full_page_shot(browser, shots / "article-copies.png", 1280)

    _click_and_load(browser, items[0].find_element(*_by("a")))
    marked = [li for li in browser.find_elements(*_by("#copies li"))
              if li.find_elements(*_by(".first-copy"))]
    assert len(marked) == 1 and "Dalbury Echo" in marked[0].text
