"""The facet sidebar in a real headless browser (Debian's chromium + chromium-driver, via
selenium), on a real server over the news items of ``test_facets``: Space toggles a value's
checkbox and focus comes back to it after the page reloads, the exclude control, the any/all
switch, "N more" and the find box reading the whole value list from the server, and the
collapsible filters panel of a phone screen (320 CSS pixels wide, with no horizontal scroll);
and, over the items of ``test_facet_rank``, the "Values: most frequent · most distinctive"
switch, whose order "N more" keeps.
Screenshots go where every browser test puts its own (the ``shots`` fixture of conftest).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from test_browser import _by, _click_and_load, _replaced, _wait
from test_facet_rank import COMMON, MIDDLE, RARE
from test_facet_rank import RECORDS as RANK_RECORDS
from test_facets import CITIES, RECORDS

from conftest import require_browser, running_server
from records import write_jsonl
from newsfacet.search.indexer import index_paths


def _served(tmp_path_factory, records: list[dict]):
    """A real server over an index of ``records``, for the block; yields its address."""
    require_browser()
    folder = tmp_path_factory.mktemp("browser-facets")
    index_paths([write_jsonl(folder / "items.jsonl", records)], folder / "index", workers=1)
    with running_server(folder / "index") as server:
        yield f"http://127.0.0.1:{server.effective_port}"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    yield from _served(tmp_path_factory, RECORDS)


@pytest.fixture(scope="module")
def rank_url(tmp_path_factory):
    yield from _served(tmp_path_factory, RANK_RECORDS)


def _params(browser) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(browser.current_url).query)


def _total(browser) -> int:
    return int(browser.find_element(*_by(".result-count")).text.split(" result")[0].replace(",", ""))


def _api(browser, base_url, path: str) -> dict:
    """What the JSON API answers (read through the browser, as a script on the page would)."""
    return browser.execute_async_script(
        "fetch(arguments[0]).then(r => r.json()).then(arguments[1])", base_url + path)


def _item(browser, facet: str, value: str):
    for li in browser.find_elements(*_by(f'.facet[data-facet="{facet}"] .facet-item')):
        if li.get_attribute("data-value") == value:
            return li
    raise AssertionError(f"no {facet} value {value!r} in the sidebar")


def _focused(browser) -> tuple[str | None, str | None, str | None]:
    """The focused element's name, value and class."""
    active = browser.switch_to.active_element
    return active.get_attribute("name"), active.get_attribute("value"), active.get_attribute("class")


def _wait_loaded(browser, old):
    _wait(browser, _replaced(old))
    _wait(browser, lambda b: b.execute_script("return document.readyState") == "complete")


def test_space_toggles_a_value_and_focus_comes_back_to_it(browser, base_url):
    browser.get(base_url + "/search?q=talks")
    before = _total(browser)
    box = _item(browser, "place", "Paris").find_element(*_by(".facet-check"))
    count = int(_item(browser, "place", "Paris").find_element(*_by(".count")).text)
    browser.execute_script("arguments[0].focus()", box)
    old = browser.find_element(*_by("html"))
    from selenium.webdriver.common.keys import Keys
    browser.switch_to.active_element.send_keys(Keys.SPACE)
    _wait_loaded(browser, old)
    assert _params(browser) == [("q", "talks"), ("place", "Paris")]
    assert _total(browser) == count < before
    assert _focused(browser)[:2] == ("place", "Paris")           # the same checkbox, now ticked
    assert browser.switch_to.active_element.is_selected()
    # Space again: the value is off and the search is back
    old = browser.find_element(*_by("html"))
    browser.switch_to.active_element.send_keys(Keys.SPACE)
    _wait_loaded(browser, old)
    assert _params(browser) == [("q", "talks")] and _total(browser) == before
    assert _focused(browser)[:2] == ("place", "Paris")


def test_the_exclude_control_leaves_a_value_out(browser, base_url):
    browser.get(base_url + "/search?place=Paris")
    kyiv = _item(browser, "place", "Kyiv")
    shown_count = int(kyiv.find_element(*_by(".count")).text)
    _click_and_load(browser, kyiv.find_element(*_by(".facet-exclude")))
    assert _params(browser) == [("place", "Paris"), ("-place", "Kyiv")]
    data = _api(browser, base_url, "/api/search?place=Paris&-place=Kyiv")
    assert _total(browser) == data["total"]
    chips = [" ".join(c.text.replace("×", "").split()) for c in browser.find_elements(*_by(".chip"))]
    assert "Place: not Kyiv" in chips
    excluded = _item(browser, "place", "Kyiv")
    assert "is-excluded" in excluded.get_attribute("class")
    assert int(excluded.find_element(*_by(".count")).text) == shown_count   # left out: as many
    assert _focused(browser)[2] == "facet-exclude"                # on its "include" link
    assert browser.switch_to.active_element.text.startswith("include")
    _click_and_load(browser, browser.switch_to.active_element)
    assert _params(browser) == [("place", "Paris")]


def test_the_any_all_switch(browser, base_url):
    browser.get(base_url + "/search?place=Paris&place=Berlin")
    any_total = _total(browser)
    switch = browser.find_element(*_by('.facet[data-facet="place"] .facet-match input[value="all"]'))
    _click_and_load(browser, switch)
    assert ("place_match", "all") in _params(browser)
    data = _api(browser, base_url, "/api/search?place=Paris&place=Berlin&place_match=all")
    assert _total(browser) == data["total"] < any_total
    assert _focused(browser)[:2] == ("place_match", "all")
    _click_and_load(browser, browser.find_element(
        *_by('.facet[data-facet="place"] .facet-match input[value="any"]')))
    assert ("place_match", "any") not in _params(browser) and _total(browser) == any_total


def test_n_more_and_the_find_box_read_the_server_list(browser, base_url):
    browser.get(base_url + "/search")
    facet = browser.find_element(*_by('.facet[data-facet="outlet"]'))
    data = _api(browser, base_url, "/api/facets/outlet?per_page=200")
    summary = facet.find_element(*_by(".facet-more summary"))
    shown = [li for li in facet.find_elements(*_by(".facet-item")) if li.is_displayed()]
    assert int(summary.text.split()[0]) == data["distinct"] - len(shown) > 32
    summary.click()
    button = facet.find_element(*_by(".facet-load"))
    _wait(browser, lambda b: not button.get_attribute("disabled")
          and len(facet.find_elements(*_by(".facet-item"))) > 40)
    values = [li.get_attribute("data-value") for li in facet.find_elements(*_by(".facet-item"))]
    assert sorted(values) == sorted(v["value"] for v in data["values"])   # all, each once
    # the find box: the server's accent-blind search, not the page's own list
    box = facet.find_element(*_by(".facet-filter"))
    box.send_keys("REVEIL")
    _wait(browser, lambda b: facet.find_elements(*_by(".facet-found .facet-item")))
    found = [li.get_attribute("data-value") for li in facet.find_elements(*_by(".facet-found .facet-item"))]
    expected = _api(browser, base_url, "/api/facets/outlet?contains=reveil")["values"]
    assert found == [v["value"] for v in expected] and "Le Réveil" in found
    assert "2 values match" in facet.find_element(*_by(".facet-status")).text
    # a value found there is a filter like any other
    _click_and_load(browser, facet.find_element(*_by(".facet-found .facet-value")))
    assert _params(browser) == [("outlet", found[0])]


@pytest.fixture()
def phone(browser):
    """The browser as a 320 CSS pixel wide screen (WCAG 1.4.10's reflow width). Not emulated
    as a mobile device, which would widen the layout to fit anything wider than the screen:
    here the page is laid out at 320 pixels, and what overflows shows as overflowing."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 320, "height": 720, "deviceScaleFactor": 1, "mobile": False})
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_phone_filters_open_from_the_top_without_horizontal_scroll(phone, base_url, shots):
    browser = phone
    query = urlencode([("q", "talks"), ("place", CITIES[0]), ("-outlet", "Courier 00")])
    browser.get(base_url + "/search?" + query)
    toggle = browser.find_element(*_by(".filters-toggle"))
    results = browser.find_element(*_by(".hits"))
    assert toggle.is_displayed() and toggle.get_attribute("aria-expanded") == "false"
    assert toggle.location["y"] < results.location["y"]           # at the top of the results
    assert not browser.find_element(*_by("#facet-panel")).is_displayed()
    assert "2 active" in toggle.text
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert browser.find_element(*_by("#facet-panel")).is_displayed()
    assert browser.execute_script("return window.innerWidth") == 320
    assert _overflowing(browser, "body *") == []
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 320
    browser.save_screenshot(str(shots / "results-phone-filters.png"))
    # a change made in the open panel comes back with the panel open and focus on the value
    box = _item(browser, "place", CITIES[0]).find_element(*_by(".facet-check"))
    _click_and_load(browser, box)
    assert ("place", CITIES[0]) not in _params(browser)
    assert browser.find_element(*_by("#facet-panel")).is_displayed()
    assert _focused(browser)[:2] == ("place", CITIES[0])
    assert _overflowing(browser, "body *") == []


def _overflowing(browser, css: str) -> list:
    """The elements matching ``css`` that reach past the right edge of the window."""
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
        ".map(e => e.tagName + '.' + e.className + ': ' + e.getBoundingClientRect().right)", css)


def test_wide_screen_shows_the_panel_without_the_button(browser, base_url, shots):
    browser.get(base_url + "/search?q=talks&place=Paris&-place=Kyiv")
    assert not browser.find_element(*_by(".filters-toggle")).is_displayed()
    assert browser.find_element(*_by("#facet-panel")).is_displayed()
    assert not browser.find_element(*_by(".facet-apply")).is_displayed()   # changes apply at once
    browser.save_screenshot(str(shots / "results-facets.png"))
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []



def _outlets(browser, css=".facet-item") -> list[str]:
    return [li.get_attribute("data-value")
            for li in browser.find_elements(*_by(f'.facet[data-facet="outlet"] {css}'))]


def test_the_values_switch_orders_by_distinctiveness_and_n_more_keeps_it(browser, rank_url,
                                                                         shots):
    browser.get(rank_url + "/search?q=zeppelin")
    switch = browser.find_element(*_by(".facet-rank"))
    assert " ".join(switch.text.split()) == "Values: most frequent · most distinctive"
    assert switch.find_element(*_by('[aria-current="true"]')).text == "most frequent"
    hint = browser.find_element(*_by(".facet-rank-hint"))
    assert hint.is_displayed() and "more common in these results" in hint.text
    assert _outlets(browser) == [COMMON, MIDDLE, RARE]       # tied at one: commonest first
    _click_and_load(browser, switch.find_element(*_by("a")))
    assert _params(browser) == [("q", "zeppelin"), ("facet_rank", "distinctive")]
    assert _outlets(browser) == [RARE, MIDDLE, COMMON]
    assert browser.find_element(*_by('.facet-rank [aria-current="true"]')).text == \
        "most distinctive"
    rare = _item(browser, "outlet", RARE).find_element(*_by(".facet-value"))
    assert rare.get_attribute("title").startswith("G² ")
    browser.save_screenshot(str(shots / "results-facet-rank.png"))
    # ticking a value keeps the order
    _click_and_load(browser, _item(browser, "outlet", MIDDLE).find_element(*_by(".facet-check")))
    assert ("facet_rank", "distinctive") in _params(browser)
    assert _outlets(browser) == [MIDDLE, RARE, COMMON]        # the selected one pinned first
    # "N more" loads the rest from /api/facets/outlet in the same order
    browser.get(rank_url + "/search?q=zeppelin&facet_rank=distinctive&facet_size=1")
    assert _outlets(browser) == [RARE]
    facet = browser.find_element(*_by('.facet[data-facet="outlet"]'))
    facet.find_element(*_by(".facet-more summary")).click()
    _wait(browser, lambda b: len(_outlets(b, ".facet-rest .facet-item")) == 2)
    assert _outlets(browser, ".facet-rest .facet-item") == [MIDDLE, COMMON]
    loaded = _item(browser, "outlet", COMMON).find_element(*_by(".facet-value"))
    assert "less common in these results" in loaded.get_attribute("title")
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
