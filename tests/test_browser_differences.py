"""What differs from a copy, in a real browser: from an article's copies panel to the page
of paragraphs removed and added, on a server over the planted copies of ``test_differences``."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.request import urlopen

import pytest
from conftest import full_page_shot, require_browser, running_server
from test_browser import _by, _click_and_load
from test_differences import FERRY, write_collection

from newsfacet.search.indexer import index_paths


@pytest.fixture(scope="module")
def copies_url(tmp_path_factory):
    require_browser()
    corpus = write_collection(tmp_path_factory.mktemp("differences") / "corpus")
    index_dir = corpus.parent / "index"
    index_paths([corpus], index_dir, workers=1)
    with running_server(index_dir) as server:
        yield f"http://127.0.0.1:{server.effective_port}"


def _id(base: str, name: str) -> str:
    """The id of the planted article read from file ``name``.json, found through the API."""
    found = json.load(urlopen(base + "/api/search?per_page=100"))["hits"]
    for hit in found:
        record = json.load(urlopen(f"{base}/api/articles/{hit['id']}"))
        if Path(record["path"]).stem == name:
            return hit["id"]
    raise AssertionError(f"{name} is not in the index")


def test_what_differs_is_one_click_from_each_copy(browser, copies_url, shots):
    browser.set_window_size(1280, 1000)
    browser.get(f"{copies_url}/articles/{_id(copies_url, 'original')}")
    items = browser.find_elements(*_by("#copies li"))
    assert [i.find_element(*_by(".related-meta")).text.split(" · ")[0] for i in items] == \
        ["Merel Courier", "Harbour Gazette", "Island Voice"]     # by date
    full_page_shot(browser, shots / "article-what-differs.png", 1280)
    link = items[0].find_element(*_by("a.what-differs"))
    assert link.get_attribute("textContent") == \
        "what differs: this article and the copy from Merel Courier, 2024-03-05", \
        "each link's accessible name says which copy it compares"
    _click_and_load(browser, link)

    assert browser.find_element(*_by("h1")).text == "What differs from the copy"
    sides = [s.text for s in browser.find_elements(*_by(".diff-side"))]
    assert sides[0].upper().startswith("THIS ARTICLE") and sides[1].upper().startswith("THE COPY")
    assert "Coast Wire" in sides[0] and "Merel Courier" in sides[1]
    counts = [c.text for c in browser.find_elements(*_by(".diff-count"))]
    assert counts == ["7 paragraphs in both", "1 paragraph removed: only in this article",
                      "0 paragraphs added: only in the copy"]
    [removed] = browser.find_elements(*_by(".diff-removed"))
    assert removed.find_element(*_by(".diff-label")).text == \
        "Removed: paragraph 5 of this article, not in the copy"
    assert removed.find_element(*_by(".diff-text")).text == FERRY[4]
    assert not browser.find_elements(*_by(".diff-added"))
    full_page_shot(browser, shots / "differences-cut.png", 1280)

    _click_and_load(browser, browser.find_elements(*_by(".diff-side a"))[1])
    assert browser.find_element(*_by("h1")).text == "Electric ferry starts island service"
    assert "Merel Courier" in browser.find_element(*_by(".article-meta")).text
    # from the copy, the original's extra paragraph is one the copy lacks: "added"
    link = next(a for a in browser.find_elements(*_by("#copies a.what-differs"))
                if "Coast Wire" in a.get_attribute("textContent"))
    _click_and_load(browser, link)
    [added] = browser.find_elements(*_by(".diff-added"))
    assert added.find_element(*_by(".diff-label")).text == \
        "Added: paragraph 5 of the copy, after this article's paragraph 4"
    full_page_shot(browser, shots / "differences-added.png", 360)
