"""Shared fixtures: the built site on a local server, and Chromium pages that fail a test on
any console error, uncaught exception or request that leaves the page's own origin."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import build  # noqa: E402

ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]
READY = "html[data-py-ready]"
BOOT_TIMEOUT = 60_000


def pytest_collection_modifyitems(items):
    """Browser tests are those in files named test_page*.py / test_site*.py."""
    for item in items:
        if item.path.name.startswith(("test_page", "test_site", "test_robust")):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site_dir() -> Path:
    return build.build()


def start_server(directory: Path, host: str = "127.0.0.1"):
    """A quiet static server for directory on a free port; returns (server, base URL)."""
    server = build.make_server(directory, host, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_port}/"


@pytest.fixture(scope="session")
def base_url(site_dir):
    server, url = start_server(site_dir)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium (see README).")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Guard:
    """Records what a page did wrong: console errors, page errors, outside requests."""

    def __init__(self, origin: str):
        self.origin = origin
        self.errors: list[str] = []
        self.outside: list[str] = []

    def route(self, route):
        url = route.request.url
        scheme, netloc = urlsplit(url)[:2]
        allowed = (self.origin,) if isinstance(self.origin, str) else self.origin
        if scheme in ("data", "blob") or f"{scheme}://{netloc}" in allowed:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def check(self):
        assert not self.outside, f"requests left the origin: {self.outside}"
        assert not self.errors, "errors on the page:\n" + "\n".join(self.errors)


@pytest.fixture
def context(browser, base_url):
    # Service workers would answer requests before page.route sees them; the offline tests
    # (test_site_offline.py) make their own contexts that allow them.
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    yield ctx
    ctx.close()


@pytest.fixture
def guard(base_url):
    return Guard(base_url.rstrip("/"))


# What a failing page test's pages showed, for the report (pytest_runtest_makereport below):
# asked with polling, not requestAnimationFrame, and for 3 s at most, so that a page whose main
# thread hangs is reported as such rather than hanging the report too.
PAGE_STATE = """() => ({
  seconds: Math.round(performance.now()) / 1000,
  ready: Boolean(document.documentElement.dataset.pyReady),
  open: [...document.querySelectorAll("details[open]")].map((d) => d.id).filter(Boolean),
  landscape: document.getElementById("ls-status")?.textContent,
  console: document.getElementById("console-output")?.textContent.slice(0, 80),
  consoleMsg: document.getElementById("console-msg")?.textContent,
  later: performance.getEntriesByType("resource")
    .filter((e) => /rnn-page|js\\/panels\\/|worker/.test(e.name))
    .map((e) => [e.name.split("/").pop(), Math.round(e.startTime), Math.round(e.responseEnd)]),
})"""


def page_state(page) -> str:
    """The page's state now, its last console lines, and what else happened to it."""
    try:
        state = page.wait_for_function(PAGE_STATE, polling=100, timeout=3_000).json_value()
    except Exception as error:  # a closed, crashed or hung page
        state = f"no answer: {str(error).splitlines()[0]}"
    return "\n".join([page.url, str(state), *page.rnn_log[-40:]])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A page test that fails (a timeout above all) reports what each of its pages showed."""
    report = (yield).get_result()
    if report.when == "call" and report.failed:
        for i, page in enumerate(getattr(item, "rnn_pages", [])):
            if not page.is_closed():
                report.sections.append((f"page {i} at the failure", page_state(page)))


@pytest.fixture
def open_page(context, base_url, guard, request):
    """open_page(path='') loads the demo and waits until Python is ready; the test then fails
    on any console error, uncaught exception or request outside the page's origin."""
    pages = []
    request.node.rnn_pages = pages  # a failure's report shows their state (page_state)

    def open_(path: str = "", wait: bool = True, ctx=None, url: str | None = None, tries=2):
        page = (ctx or context).new_page()
        page.rnn_log = log = []
        pages.append(page)
        page.route("**/*", guard.route)
        page.on("console", guard.console)
        page.on("pageerror", lambda error: guard.errors.append(f"pageerror: {error}"))
        page.on("console", lambda msg: log.append(f"console {msg.type}: {msg.text[:200]}"))
        page.on("pageerror", lambda error: log.append(f"pageerror: {error}"))
        page.on("requestfailed", lambda r: log.append(f"request failed: {r.url} {r.failure}"))
        page.on("crash", lambda _: log.append("the renderer crashed"))
        try:
            page.goto(url or base_url + path)
            if wait:
                page.locator(READY).wait_for(state="attached", timeout=BOOT_TIMEOUT)
        except Exception as error:
            # Headless Chromium here very rarely loses a renderer while Pyodide starts (about
            # one page load in a thousand, "Page crashed"); that one load is tried again once.
            if tries > 1 and "crashed" in str(error).lower():
                print(f"open_page: the renderer crashed while loading {path!r}; loading again")
                return open_(path, wait, ctx, url, tries - 1)
            raise
        return page

    yield open_
    guard.check()


def settled(page):
    """Bring the views a light repaint left for later up to date at once (js/views.js: a view
    off screen follows 250 ms after a typed weight, or when scrolled to), before a test reads
    one off screen right after an action."""
    page.evaluate("window.RnnPage && window.RnnPage.settle && window.RnnPage.settle()")
    return page


def address(page) -> str:
    """The page's address hash ("#seq=…"), once a pending rewrite is written: the page rewrites
    the address at most a few times a second (js/index.js), so a test that reads it right after
    an action flushes it first. tests/test_page.py checks the unflushed writes."""
    page.evaluate("window.RnnPage.flushAddress()")
    return page.evaluate("location.hash")


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/ (kept by CI, ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
