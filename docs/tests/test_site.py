"""The built site in a real browser: navigation reaches every page, pages render without
console errors, and the search box finds ``grad``.

Run by ``nox -s docs`` after the build. The site is served from a local HTTP server,
as a reader's browser gets it (under ``file://`` Chromium blocks the search page's
fetches of page summaries). Skips where the site is not built or no Chromium runs
(Playwright's own, else a system ``chromium``).
"""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1]
SITE = DOCS / "_build" / "html"
# Every prose page the sidebar must reach (tutorials, the plugin guide, the design), and
# two pages of the API reference.
PAGES = ([f"tutorials/{p.stem}.html" for p in sorted((DOCS / "tutorials").glob("*.md"))]
         + ["plugins.html", "extend.html", "design.html", "api/index.html"])
API_PAGE = "api/plax.html"

playwright = pytest.importorskip("playwright.sync_api")


def _launch(pw):
    """Playwright's Chromium, else a system one; None when neither starts."""
    tries = [{}] + [{"executable_path": path} for path in
                    filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                    "google-chrome")))]
    for options in tries:
        try:
            return pw.chromium.launch(**options)
        except Exception:  # noqa: BLE001 (any failure to start means: try the next one)
            continue
    return None


@pytest.fixture(scope="module")
def site():
    """The base URL of the built site, served by a local HTTP server on a free port."""
    if not (SITE / "index.html").exists():
        pytest.skip("the site is not built: run `python3 -m nox -s docs`")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request log in the test output
        pass


@pytest.fixture(scope="module")
def browser():
    if not (SITE / "index.html").exists():
        pytest.skip("the site is not built: run `python3 -m nox -s docs`")
    with playwright.sync_playwright() as pw:
        found = _launch(pw)
        if found is None:
            pytest.skip("no Chromium could be started (Playwright's or a system one)")
        yield found
        found.close()


@pytest.fixture
def page(browser, site):
    """A fresh page that records console errors and uncaught exceptions."""
    page = browser.new_page()
    page.site = site
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    page.close()


def _open(page, rel):
    page.goto(page.site + rel)
    page.wait_for_load_state("load")


@pytest.mark.parametrize("target", PAGES)
def test_sidebar_reaches_page(page, target):
    _open(page, "index.html")
    link = page.locator(f'.sidebar-tree a[href="{target}"]')
    assert link.count() == 1, f"the sidebar of index.html has no link to {target}"
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(target)
    heading = page.locator("article h1").first
    assert heading.is_visible() and heading.inner_text().strip()
    assert page.errors == [], f"console errors on {target}: {page.errors}"


def test_api_page_reached_from_reference_index(page):
    _open(page, "api/index.html")
    page.locator('article a[href="plax.html"]').first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(API_PAGE)
    assert page.locator('dt[id="plax.grad"]').count() == 1  # grad's entry is rendered
    assert page.errors == [], page.errors


def test_search_finds_grad(page):
    _open(page, "index.html")
    box = page.locator("form.sidebar-search-container input[name=q]")
    box.fill("grad")
    box.press("Enter")
    page.wait_for_load_state("load")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=20_000)
    texts = results.all_inner_texts()
    assert any("grad" in t for t in texts), texts[:10]
    assert page.errors == [], page.errors
