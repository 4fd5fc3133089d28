"""Shared fixtures: the sample corpus, the shared real-data folder, and built indexes."""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"


@contextmanager
def running_server(index_dir):
    """A real waitress server for ``index_dir`` on a free port of 127.0.0.1, serving in a
    thread for the block: ``with running_server(index) as server:`` (its port is
    ``server.effective_port``)."""
    from newsfacet.web.serve import make_server

    server = make_server(index_dir, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        # Closed from inside its own loop: closing its sockets from this thread while the
        # loop polls them made the loop fail on a closed file descriptor.
        from waitress import wasyncore
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()


def shared_dir() -> Path:
    """../shared beside the checkout (or $NEWSFACET_SHARED): real public corpora."""
    return Path(os.environ.get("NEWSFACET_SHARED") or REPO.parent / "shared")


def corpora_dir() -> Path:
    """The real corpora folder; skips the calling test with a reason when it is absent."""
    path = shared_dir() / "corpora"
    if not path.is_dir():
        pytest.skip(f"real corpora not found at {path} (set NEWSFACET_SHARED)")
    return path


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A private copy of the five sample articles, free to change (without the folder's README)."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest, ignore=shutil.ignore_patterns("README.md"))
    return dest


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """An index of the sample corpus, built once for the session (read-only for tests)."""
    from newsfacet.search.indexer import index_paths

    index_dir = tmp_path_factory.mktemp("sample") / "index"
    index_paths([CORPUS], index_dir, workers=1)
    return index_dir


# --- a real headless browser (Debian's chromium + chromium-driver, via selenium) ---------------

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run")
PAGE_LOAD_WAIT = 20   # seconds; a bound on hanging, not a timing assertion


def require_browser():
    """Fail, saying what to install, when chromium, chromedriver or selenium is missing."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        pytest.fail(f"browser tests need {' and '.join(missing)}: "
                    "apt-get install -y chromium chromium-driver", pytrace=False)
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.fail("browser tests need selenium: pip install -e '.[test]'", pytrace=False)


@pytest.fixture(scope="module")
def engine(index_dir):
    """An engine on the requesting test module's own ``index_dir`` fixture."""
    from newsfacet.search.engine import Engine

    return Engine(index_dir)


@pytest.fixture(scope="module")
def client(index_dir):
    """The real app's test client on the requesting module's own ``index_dir`` fixture. Not
    in TESTING mode: an unexpected error is answered as in production (a 500), not raised."""
    from newsfacet.web.app import create_app

    return create_app({"INDEX_DIR": str(index_dir)}).test_client()


@pytest.fixture(scope="module")
def base_url(sample_index):
    """The address of a real server on the sample corpus's index, one per test module that
    drives a browser (so browser tests fail first, and plainly, without chromium)."""
    require_browser()
    with running_server(sample_index) as server:
        yield f"http://127.0.0.1:{server.effective_port}"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium, one per test module, 1280 x 1000."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}")
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(1280, 1000)
    driver.set_page_load_timeout(PAGE_LOAD_WAIT)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory, request):
    """The folder the browser tests save screenshots to ($NEWSFACET_SCREENSHOTS or a tmp
    folder), printed past pytest's capture so that they can be looked at."""
    folder = Path(os.environ.get("NEWSFACET_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nnewsfacet browser screenshots: {folder}", flush=True)
    return folder


def set_viewport(browser, width: int, height: int = 900):
    """Make the page ``width`` CSS pixels wide, as a phone (below 700) or a desktop would."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700})


def full_page_shot(browser, path: Path, width: int):
    """A screenshot of the whole page at ``width`` (up to 5,000 pixels tall) saved to ``path``;
    the viewport is left ``width`` wide."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    set_viewport(browser, width, min(max(height, 600), 5000))
    browser.save_screenshot(str(path))
    set_viewport(browser, width)


def pytest_terminal_summary(terminalreporter):
    """Say which engines the contract suite (``test_contract.py``) ran against."""
    engines = set()
    for reports in terminalreporter.stats.values():
        for report in reports:
            nodeid = getattr(report, "nodeid", "")
            if "test_contract.py" in nodeid and getattr(report, "when", "") == "call":
                engines.update(e for e in ("whoosh", "opensearch") if f"[{e}" in nodeid)
    if not engines:
        return
    line = "contract suite: ran against " + " and ".join(sorted(engines, reverse=True))
    if "opensearch" not in engines:
        line += "; not against OpenSearch (NEWSFACET_OPENSEARCH_URL is not set)"
    terminalreporter.write_line(line)
