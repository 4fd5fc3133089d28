"""The web front end in a real headless browser (Debian's chromium + chromium-driver, via selenium).

The app runs on waitress in a background thread over an index of the sample
corpus. The test walks the flow a newcomer takes: type a query on the home
page, narrow with a facet, remove the chip, open an article, follow a name,
page forward. It saves screenshots of the home, results and article pages to
$NEWSFACET_SCREENSHOTS or a temporary folder, and prints where (the pages at
phone widths are in tests/test_browser_a11y.py).

Without chromium these tests fail, on purpose: CI installs it
(``apt-get install chromium chromium-driver``).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from conftest import full_page_shot, running_server
from conftest import require_browser as _require_browser
from newsfacet.search.indexer import index_paths

WAIT = 20   # seconds to wait for a page; a bound on hanging, not a timing assertion


def _by(css):
    from selenium.webdriver.common.by import By
    return By.CSS_SELECTOR, css


def _wait(browser, condition):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, WAIT).until(condition)


def _replaced(old):
    """A wait condition: true once ``old``, an element of the page before, is gone. While a
    page is being replaced Chromium says so either as a stale element or as an "unknown
    error" that the node "does not belong to the document"."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def gone(browser) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" not in str(exc):
                raise
            return True
        return False
    return gone


def _click_and_load(browser, element):
    """Click a link or button and wait for the next page to replace this one."""
    old = browser.find_element(*_by("html"))
    element.click()
    _wait(browser, _replaced(old))
    _wait(browser, lambda b: b.execute_script("return document.readyState") == "complete")


def _total(browser) -> int:
    text = browser.find_element(*_by(".result-count")).text
    return int(text.split(" result")[0].replace(",", ""))


def _chips(browser) -> list[str]:
    return [" ".join(c.text.replace("×", "").split()) for c in browser.find_elements(*_by(".chip"))]


def _params(browser) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(browser.current_url).query)


def test_search_narrow_read_and_page(browser, base_url, shots):
    # home: the search box has focus and the overview links to searches
    browser.get(base_url + "/")
    box = browser.switch_to.active_element
    assert box.get_attribute("id") == "q"
    assert "Search 5 news articles" in browser.find_element(*_by("h1")).text
    browser.save_screenshot(str(shots / "home.png"))

    # type a query and submit
    box.send_keys("Kharkov")
    _click_and_load(browser, browser.find_element(*_by(".search-form button")))
    assert ("q", "Kharkov") in _params(browser)
    total = _total(browser)
    assert total == 3
    assert browser.find_elements(*_by(".hit mark")), "no highlighted words in the results"
    assert _chips(browser) == []
    full_page_shot(browser, shots / "results.png", 1280)
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # click a facet value: the count drops to the value's count and a chip appears
    value = browser.find_element(*_by('.facet[data-facet="outlet"] .facet-value'))
    name = value.find_element(*_by(".name")).text
    count = int(value.find_element(*_by(".count")).text)
    _click_and_load(browser, value)
    assert _total(browser) == count < total
    assert _chips(browser) == [f"Outlet: {name}"]
    selected = browser.find_element(*_by('.facet[data-facet="outlet"] .facet-value.is-selected'))
    assert name in selected.text

    # remove the chip: back to the full result
    _click_and_load(browser, browser.find_element(*_by(".chip-remove")))
    assert _total(browser) == total and _chips(browser) == []

    # open an article: its text marks the query's words
    _click_and_load(browser, browser.find_element(*_by(".hit-title a")))
    assert "/articles/" in browser.current_url
    assert browser.find_elements(*_by(".article-text mark")), "query words not marked"
    full_page_shot(browser, shots / "article.png", 1280)
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # follow an entity link: a search on that name
    link = browser.find_element(*_by(".article-text a.mention-place"))
    place = link.get_attribute("title").split(": ", 1)[1]
    _click_and_load(browser, link)
    assert _params(browser) == [("place", place)]
    assert _chips(browser) == [f"Place: {place}"]
    assert _total(browser) >= 1

    # page forward, one hit per page
    browser.get(browser.current_url + "&per_page=1")
    first = browser.find_element(*_by(".hit-title a")).text
    _click_and_load(browser, browser.find_element(*_by(".pager-next")))
    assert ("page", "2") in _params(browser)
    assert browser.find_element(*_by(".pager .current")).text == "2"
    assert browser.find_element(*_by(".hit-title a")).text != first


def test_keyboard_slash_focuses_the_search_box(browser, base_url):
    browser.get(base_url + "/search?q=Belgorod")
    browser.find_element(*_by("body")).click()
    assert browser.switch_to.active_element.get_attribute("id") != "q"
    browser.switch_to.active_element.send_keys("/")
    assert browser.switch_to.active_element.get_attribute("id") == "q"


def test_long_facet_filters_as_one_types(browser, base_url):
    browser.get(base_url + "/search")
    facet = browser.find_element(*_by('.facet[data-facet="place"]'))
    box = facet.find_element(*_by(".facet-filter"))
    assert box.is_displayed(), "the filter box is shown when JavaScript runs"
    box.send_keys("belg")
    shown = [e.text for e in facet.find_elements(*_by(".facet-values li")) if e.is_displayed()]
    assert shown and all("belg" in t.lower() for t in shown)


def test_pages_load_without_console_errors(browser, base_url):
    for path in ("/", "/search?q=Kharkov", "/search"):
        browser.get(base_url + path)
        errors = [e for e in browser.get_log("browser")
                  if e["level"] == "SEVERE"]
        assert errors == [], (path, errors)



# --- a hostile corpus: nothing it holds may run in the browser ----------------------------------

#: Every payload sets window.__pwned; the pages must show them as text and run none.
PWN = "window.__pwned=1"
HOSTILE_RECORD = {
    "title": f"<script>{PWN}</script>Oil depot <img src=x onerror={PWN}> burns",
    "source": f"<img src=x onerror={PWN}>Evil Times",
    "author": f"<svg onload={PWN}>Mallory</svg>",
    "url": f"javascript:{PWN}",
    "date": "2024-03-01",
    "text": (f"Oil depot fire. <script>{PWN}</script> Firefighters in Odesa worked all night. "
             f"<img src=x onerror={PWN}> <a href=\"javascript:{PWN}\">read more</a> "
             f"<iframe src=\"javascript:{PWN}\"></iframe> The oil depot burned until dawn."),
}
HOSTILE_PAGE = f"""<!doctype html>
<html><head>
<title>&lt;script&gt;{PWN}&lt;/script&gt;Oil tanker seized</title>
<meta property="og:site_name" content="&lt;img src=x onerror={PWN}&gt;Harbour News">
<meta name="author" content="&lt;script&gt;{PWN}&lt;/script&gt;Eve">
<meta property="og:url" content="javascript:{PWN}">
<link rel="canonical" href="javascript:{PWN}">
<meta property="article:published_time" content="2024-03-02">
<script>{PWN}</script>
</head><body>
<article>
<h1>&lt;script&gt;{PWN}&lt;/script&gt;Oil tanker seized</h1>
<p>An oil tanker was seized off Odesa on Saturday, the port authority said in a statement
that gave few details about the crew or the cargo of crude oil.</p>
<p><a href="javascript:{PWN}" onclick="{PWN}">Click here</a> &lt;img src=x onerror={PWN}&gt;
The tanker had left Istanbul a week earlier with a cargo of crude oil bound for the port.</p>
<p onmouseover="{PWN}">Officials said the oil tanker would stay in port while the
investigation continued, and that the crew were safe and in good health.</p>
</article></body></html>
"""


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    _require_browser()
    import json

    root = tmp_path_factory.mktemp("hostile-browser")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "record.json").write_text(json.dumps(HOSTILE_RECORD), encoding="utf-8")
    (corpus / "page.html").write_text(HOSTILE_PAGE, encoding="utf-8")
    report = index_paths([corpus], root / "index", workers=1)
    assert report.articles == 2, report.failed
    with running_server(root / "index") as server:
        yield f"http://127.0.0.1:{server.effective_port}"


#: The page's DOM as a test sees it: scripts, event-handler attributes, links that are not
#: http(s) or on this site, and whether any payload ran.
DOM_REPORT = """
const scripts = [...document.scripts].map(s => s.src || s.textContent);
const handlers = [...document.querySelectorAll('*')].flatMap(
    e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name));
const links = [...document.querySelectorAll('[href], [src]')]
    .map(e => e.getAttribute('href') || e.getAttribute('src'))
    .filter(u => !/^(https?:\\/\\/|\\/|#|\\?)/i.test(u.trim()));
return {scripts, handlers, links, pwned: typeof window.__pwned, frames: document.querySelectorAll('iframe').length};
"""


def _assert_nothing_ran(browser, page: str):
    from selenium.common.exceptions import NoAlertPresentException

    _wait(browser, lambda b: b.execute_script("return document.readyState") == "complete")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert          # an alert would be open had a payload called one
    report = browser.execute_script(DOM_REPORT)
    assert report["pwned"] == "undefined", (page, report)
    assert [s for s in report["scripts"]
            if urlsplit(s).path not in ("/static/app.js", "/static/facets.js")] == [], (page, report)
    assert report["handlers"] == [] and report["links"] == [] and report["frames"] == 0, (page, report)


def test_a_hostile_corpus_runs_nothing_in_the_browser(browser, hostile_url):
    browser.get(hostile_url + "/")
    _assert_nothing_ran(browser, "home")
    assert "Evil Times" in browser.find_element(*_by("body")).text

    browser.get(hostile_url + "/search?q=oil")
    _assert_nothing_ran(browser, "results")
    titles = [a.text for a in browser.find_elements(*_by(".hit-title a"))]
    assert len(titles) == 2
    assert any(f"<script>{PWN}</script>" in t for t in titles), titles   # shown as text
    hrefs = [a.get_attribute("href") for a in browser.find_elements(*_by(".hit-title a"))]

    shown_urls = []
    for href in hrefs:
        browser.get(href)
        _assert_nothing_ran(browser, href)
        assert "oil" in browser.find_element(*_by("body")).text.lower()
        # the article's own URL is shown, and is a link only when it is http(s)
        for element in browser.find_elements(*_by(".original-url")):
            raw = browser.execute_script("return arguments[0].getAttribute('href')", element)
            assert raw is None or raw.startswith(("http://", "https://")), (href, raw)
            shown_urls.append(element.text)
    assert shown_urls == [HOSTILE_RECORD["url"]]

    # every facet value, chip and histogram bar of a search that selects the hostile outlet
    browser.get(hostile_url + "/search?q=oil&facet_size=100")
    outlet = browser.find_element(*_by('.facet[data-facet="outlet"] .facet-value'))
    _click_and_load(browser, outlet)
    _assert_nothing_ran(browser, "results with a hostile chip")
    assert _chips(browser), "the outlet filter has no chip"
