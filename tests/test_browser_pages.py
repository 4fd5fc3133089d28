"""The results and article pages in a real headless Chromium (selenium): the skip links,
the brush over the date histogram and the calendar inputs, the article page's way back to
its search and to the neighbouring hits, and the article's side panels on a phone."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from test_browser import _by, _click_and_load, _replaced, _total, _wait
from conftest import full_page_shot, running_server, set_viewport
from conftest import require_browser as _require_browser
from records import write_jsonl
from newsfacet.search.indexer import index_paths

#: Articles of our own, one a month through 2024 (and one without a date), two outlets.
RECORDS = [
    {"title": f"Harbour report for month {m}", "source": "Quay Times" if m % 2 else "Dock Daily",
     "date": f"2024-{m:02d}-{10 + m:02d}", "url": f"https://quay.example/{'long-path-' * 12}{m}",
     "text": f"The harbour master counted the boats in month {m}. Fishing crews in Whitby "
             f"said the harbour was busy, and the ferry ran {m} extra crossings."}
    for m in range(1, 9)
] + [{"title": "Harbour notes without a date", "source": "Dock Daily",
      "text": "Notes on the harbour wall repairs, written on no particular day."}]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _require_browser()
    root = tmp_path_factory.mktemp("pages-browser")
    write_jsonl(root / "corpus" / "harbour.jsonl", RECORDS)
    report = index_paths([root / "corpus"], root / "index", workers=1)
    assert report.articles == len(RECORDS), report.failed
    with running_server(root / "index") as server:
        yield f"http://127.0.0.1:{server.effective_port}"


def _params(browser) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(browser.current_url).query)


@pytest.fixture(autouse=True)
def desktop(browser):
    set_viewport(browser, 1280)
    yield
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_first_tab_stops_skip_to_the_results_and_to_the_filters(browser, site):
    from selenium.webdriver.common.keys import Keys

    browser.get(site + "/search?q=harbour")
    body = browser.find_element(*_by("body"))
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
    browser.switch_to.active_element.send_keys(Keys.TAB)
    skip = browser.switch_to.active_element
    assert skip.text == "Skip to filters" and skip.is_displayed()
    skip.send_keys(Keys.ENTER)
    assert urlsplit(browser.current_url).fragment == "filters"
    browser.switch_to.active_element.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert browser.execute_script(
        "return document.getElementById('filters').contains(arguments[0])", focused), \
        focused.get_attribute("outerHTML")


def test_dragging_across_the_histogram_narrows_to_the_bars_covered(browser, site):
    from selenium.webdriver.common.action_chains import ActionChains

    browser.get(site + "/search?q=harbour&outlet=Quay+Times")
    assert _total(browser) == 4
    bars = browser.find_elements(*_by(".histogram .bar"))
    assert [b.get_attribute("data-first") for b in bars] == [
        "2024-01-01", "2024-03-01", "2024-05-01", "2024-07-01"]
    first, third = bars[0].find_element(*_by(".bar-hit")), bars[2].find_element(*_by(".bar-hit"))
    old = browser.find_element(*_by("html"))
    actions = ActionChains(browser)
    actions.move_to_element(first).click_and_hold()
    actions.move_to_element(third).move_by_offset(2, 0).release().perform()
    _wait(browser, _replaced(old))
    params = _params(browser)
    assert ("from", "2024-01-01") in params and ("to", "2024-05-31") in params
    assert ("q", "harbour") in params and ("outlet", "Quay Times") in params
    assert _total(browser) == 3


def test_a_click_on_a_bar_narrows_to_its_month(browser, site):
    browser.get(site + "/search?q=harbour")
    bar = browser.find_elements(*_by(".histogram .bar"))[1]
    assert bar.get_attribute("aria-label") == "February 2024: 1 article"
    _click_and_load(browser, bar.find_element(*_by(".bar-fill")))
    assert ("from", "2024-02") in _params(browser) and _total(browser) == 1


def test_the_calendar_inputs_narrow_the_dates_and_keep_the_search(browser, site, shots):
    browser.get(site + "/search?q=harbour&sort=oldest")
    for width in (1280, 360):      # the date controls and a histogram of many bars, to look at
        full_page_shot(browser, shots / f"dates-{width}.png", width)
    set_viewport(browser, 1280)
    for name, value in (("from", "2024-03-01"), ("to", "2024-04-30")):
        box = browser.find_element(*_by(f".date-range input[name={name}]"))
        assert box.get_attribute("type") == "date"
        browser.execute_script("arguments[0].value = arguments[1]", box, value)
    _click_and_load(browser, browser.find_element(*_by(".date-range button")))
    assert _params(browser) == [("q", "harbour"), ("sort", "oldest"), ("from", "2024-03-01"),
                                ("to", "2024-04-30")]
    assert _total(browser) == 2
    # undated articles: a count beside the chart with its own link
    browser.get(site + "/search?q=harbour")
    undated = browser.find_element(*_by(".undated a"))
    assert undated.text == "1 without a date"
    _click_and_load(browser, undated)
    assert ("dated", "unknown") in _params(browser) and _total(browser) == 1


def test_from_an_article_back_to_the_same_results_and_on_to_the_next_hit(browser, site):
    browser.get(site + "/search?q=harbour&outlet=Dock+Daily&sort=oldest&per_page=2&page=2")
    titles = [a.text for a in browser.find_elements(*_by(".hit-title a"))]
    _click_and_load(browser, browser.find_element(*_by(".hit-title a")))
    assert browser.find_element(*_by("h1")).text == titles[0]
    assert "Hit 3 of 5" in browser.find_element(*_by(".trail")).text
    _click_and_load(browser, browser.find_element(*_by(".trail-next")))
    assert browser.find_element(*_by("h1")).text == titles[1]
    _click_and_load(browser, browser.find_element(*_by(".trail-next")))   # onto page 3
    assert "Hit 5 of 5" in browser.find_element(*_by(".trail")).text
    assert not browser.find_elements(*_by(".trail-next"))
    last = browser.find_element(*_by("h1")).text
    _click_and_load(browser, browser.find_element(*_by(".trail-back")))
    params = _params(browser)
    assert params == [("q", "harbour"), ("outlet", "Dock Daily"), ("sort", "oldest"),
                      ("page", "3"), ("per_page", "2")]
    assert urlsplit(browser.current_url).fragment == "hit-1"
    assert browser.find_element(*_by("#hit-1")).text == last


def test_on_a_phone_the_article_side_panels_come_before_the_text(browser, site):
    browser.get(site + "/search?q=harbour+Whitby&sort=oldest")
    href = browser.find_element(*_by(".hit-title a")).get_attribute("href")
    set_viewport(browser, 360)
    browser.get(href)
    side = browser.find_element(*_by(".article-side")).rect
    text = browser.find_element(*_by(".article-text")).rect
    assert side["y"] + side["height"] <= text["y"]
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360
    url = browser.find_element(*_by(".original-url")).rect
    assert url["x"] + url["width"] <= 360                       # the long URL wraps
    set_viewport(browser, 1280)
    browser.get(href)
    side = browser.find_element(*_by(".article-side")).rect
    text = browser.find_element(*_by(".article-text")).rect
    assert side["x"] >= text["x"] + text["width"]               # a column beside the text
