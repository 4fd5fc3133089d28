"""Accessibility and small screens, checked in a real headless Chromium (via selenium).

axe-core, the engine behind most accessibility checkers, runs on every kind of page (home,
results with filters selected, article, help, a refused search, a missing page) at a
desktop width (1280 px) and a phone width (360 px); any violation fails the test with a
list of rule, impact and the elements at fault. Its script comes from the pinned
``selenium-axe-python`` package (the ``test`` extra) and is injected with Selenium: no CDN,
nothing downloaded. Each page is also saved as a screenshot in the test's tmp folder (or
$NEWSFACET_SCREENSHOTS), to be looked at.

At 320 px no page scrolls sideways (WCAG 1.4.10, reflow), and the keyboard's first stops on
the results page skip to the results or to the filters.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import full_page_shot, set_viewport

DESKTOP, PHONE, NARROWEST = 1280, 360, 320

#: The pages checked: (name, path). A path may name {place}, {outlet}, {article} and {other}: a
#: place and an outlet of the sample corpus, an article reached from a search with those
#: filters, and another article (what differs between the two).
PAGES = [
    ("home", "/"),
    ("results", "/search?q=Belgorod&place={place}&outlet={outlet}"),
    ("results-all", "/search"),
    ("results-stories", "/search?q=Belgorod&collapse=story"),
    ("article", "/articles/{article}?q=Belgorod&place={place}"),
    ("differences", "/articles/{article}/differences/{other}"),
    ("help", "/help"),
    ("compare", "/compare?q=Belgorod&field=place&measure=attention"),
    ("bad-search", "/search?q=Belgorod+AND+("),
    ("not-found", "/no-such-page"),
]
#: Pages that must not scroll sideways at 320 px.
REFLOW_PAGES = ("home", "results", "results-all", "results-stories", "article", "differences",
                "bad-search", "not-found", "compare")


def _axe_script() -> str:
    import selenium_axe_python

    return (Path(selenium_axe_python.__file__).parent / "axe-core" / "axe.min.js").read_text(
        encoding="utf-8")


@pytest.fixture(scope="module")
def site(base_url):
    """The base URL of a server on the sample corpus, and the values the paths name."""
    import json
    from urllib.request import urlopen

    data = json.load(urlopen(base_url + "/api/search?q=Belgorod"))
    place = data["facets"]["place"]["values"][0]["value"]
    outlet = data["facets"]["outlet"]["values"][0]["value"]
    hit = json.load(urlopen(f"{base_url}/api/search?q=Belgorod&place={quote(place)}"))["hits"][0]
    other = next(h["id"] for h in data["hits"] if h["id"] != hit["id"])
    return base_url, {"place": quote(place), "outlet": quote(outlet), "article": hit["id"],
                      "other": other}


def _open(browser, site, name: str, width: int) -> int:
    """Load page ``name`` at ``width``; its HTTP status, read from the page's own request."""
    base, values = site
    path = dict(PAGES)[name].format(**values)
    set_viewport(browser, width)
    browser.get(base + path)
    return browser.execute_script(
        "const e = performance.getEntriesByType('navigation')[0];"
        "return e && e.responseStatus !== undefined ? e.responseStatus : 200;")


def _violations(browser) -> list[str]:
    browser.set_script_timeout(60)
    browser.execute_script(_axe_script())
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', impact: String(e), nodes: []}]));")
    return [f"{v['id']} ({v['impact']}): {v.get('help', '')}; "
            + ", ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                        for n in v["nodes"][:8])
            for v in result]


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize("name", [name for name, _ in PAGES])
def test_axe_finds_no_violation(browser, site, shots, name, width):
    status = _open(browser, site, name, width)
    if name == "help" and status == 404:
        pytest.skip("this build has no /help page")
    expected = {"bad-search": 400, "not-found": 404}.get(name, 200)
    assert status == expected, (name, status)
    full_page_shot(browser, shots / f"{name}-{width}.png", width)
    violations = _violations(browser)
    assert not violations, f"{name} at {width}px:\n" + "\n".join(violations)


@pytest.mark.parametrize("name", REFLOW_PAGES)
def test_no_page_scrolls_sideways_at_320_px(browser, site, shots, name):
    _open(browser, site, name, NARROWEST)
    sizes = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth];")
    wide = browser.execute_script("""
        return [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.width && r.right > arguments[0] + 1;
        }).slice(0, 8).map(e => e.tagName + '.' + e.getAttribute('class') + ' ' + Math.round(e.getBoundingClientRect().right));
    """, NARROWEST)
    full_page_shot(browser, shots / f"{name}-{NARROWEST}.png", NARROWEST)
    assert sizes[0] <= NARROWEST and sizes[1] == NARROWEST, (name, sizes, wide)
