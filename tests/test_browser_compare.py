"""The compare page in a real headless Chromium, on the sample corpus: reached from the
results page, its cells are links to searches whose totals are the cells' counts, its
measure switch relabels the cells, and its spelling table shows who writes Kharkov."""

from __future__ import annotations

import re

from selenium.webdriver.common.by import By

from conftest import full_page_shot
from test_browser import _click_and_load

COMPARE = "/compare?q=Belgorod&field=place"


def _total(browser) -> int:
    text = browser.find_element(By.CSS_SELECTOR, ".result-count").text
    return int(re.match(r"([\d,]+) (result|stor)", text).group(1).replace(",", ""))


def test_results_page_links_to_the_comparison(browser, base_url):
    browser.get(base_url + "/search?q=Belgorod")
    browser.find_element(By.LINK_TEXT, "Compare outlets").click()
    assert browser.current_url.startswith(base_url + "/compare?")
    assert "q=Belgorod" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "table.matrix caption").text


def test_every_cell_links_to_a_search_with_its_count(browser, base_url, shots):
    browser.get(base_url + COMPARE)
    full_page_shot(browser, shots / "compare-cells-1280.png", 1280)
    cells = [(a.get_attribute("href"), int(a.get_attribute("data-count")))
             for a in browser.find_elements(By.CSS_SELECTOR, "table.matrix td a[data-count]")]
    assert len(cells) > 10
    for href, count in cells:
        browser.get(href)
        assert _total(browser) == count, href
    browser.get(base_url + COMPARE)
    rows = [(a.get_attribute("href"), int(a.find_element(By.XPATH, "../../td[1]").text))
            for a in browser.find_elements(By.CSS_SELECTOR, "table.matrix tbody th a")]
    assert rows
    for href, matches in rows:
        browser.get(href)
        assert _total(browser) == matches, href


def test_measure_switch_names_its_denominator(browser, base_url):
    browser.get(base_url + COMPARE)
    browser.find_element(By.LINK_TEXT, "Share of the outlet's matches").click()
    caption = browser.find_element(By.CSS_SELECTOR, "table.matrix caption").text
    assert "divided by all of the outlet's articles that match the search" in caption
    assert all(a.text.endswith("%") for a in
               browser.find_elements(By.CSS_SELECTOR, "table.matrix td a[data-count]"))
    browser.find_element(By.LINK_TEXT, "Attention").click()
    caption = browser.find_element(By.CSS_SELECTOR, "table.matrix caption").text
    assert "all of the outlet's articles in the period" in caption


def test_spelling_table_shows_who_writes_kharkov(browser, base_url):
    browser.get(base_url + COMPARE)
    heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.spellings thead th")]
    row = next(tr for tr in browser.find_elements(By.CSS_SELECTOR, "table.spellings tbody tr")
               if tr.find_element(By.TAG_NAME, "th").text.startswith("Kharkiv"))
    forms = dict(zip(heads[1:], [td.text for td in row.find_elements(By.TAG_NAME, "td")]))
    assert forms["Global Research"].startswith("Kharkov")
    assert forms["Strategic Culture Foundation"].startswith("Kharkov")
    assert forms["No outlet"].startswith("Kharkiv")


def test_timeline_bars_are_links_with_their_counts(browser, base_url):
    browser.get(base_url + COMPARE)
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.multiple a.bar")
    assert bars
    label = bars[0].get_attribute("aria-label")
    count = int(re.search(r": ([\d,]+) article", label).group(1))
    browser.get(base_url + bars[0].get_dom_attribute("href"))
    assert _total(browser) == count


def test_search_box_keeps_the_filters_on_the_results_page(browser, base_url):
    browser.get(base_url + COMPARE + "&from=2023&measure=share")
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys("Belgorod")
    _click_and_load(browser, browser.find_element(By.CSS_SELECTOR, ".search-form button"))
    assert browser.current_url.startswith(base_url + "/search?")
    assert "from=2023" in browser.current_url and "field=" not in browser.current_url
    assert _total(browser) == 1   # the sample has one dated article


def test_rank_switch_reorders_the_columns(browser, base_url):
    browser.get(base_url + COMPARE)
    before = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.matrix thead th")]
    browser.find_element(By.PARTIAL_LINK_TEXT, "most distinctive").click()
    assert "rank=distinctive" in browser.current_url
    after = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.matrix thead th")]
    assert all("G²" in text for text in after[3:])
    assert "most typical" in browser.find_element(By.CSS_SELECTOR, "table.matrix caption").text
    assert len(after) == len(before)


def test_story_switch_counts_copies_once(browser, base_url, shots):
    browser.get(base_url + COMPARE)
    browser.find_element(By.PARTIAL_LINK_TEXT, "Stories").click()
    assert "unit=stories" in browser.current_url
    full_page_shot(browser, shots / "compare-stories-1280.png", 1280)
    head = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.matrix thead th")]
    assert head[1] == "Matching stories"
    assert "count once" in browser.find_element(By.CSS_SELECTOR, "table.matrix caption").text
    cells = [(a.get_attribute("href"), int(a.get_attribute("data-count")))
             for a in browser.find_elements(By.CSS_SELECTOR, "table.matrix td a[data-count]")]
    assert cells and all("collapse=story" in href for href, _ in cells)
    for href, count in cells[:8]:
        browser.get(href)
        assert browser.find_element(By.CSS_SELECTOR, ".result-count").text.split()[1] in \
            ("story", "stories")
        assert _total(browser) == count, href
