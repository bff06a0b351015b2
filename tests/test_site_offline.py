"""Offline use: the service worker's cache, and the downloadable bundle with its own server."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

from conftest import READY, start_server
from test_page import expected_rows, table

import build
from rnn_py.page.state import default_params


def test_keeps_working_offline_after_one_visit(browser, site_dir, guard):
    server, url = start_server(site_dir)
    guard.origin = url.rstrip("/")
    context = browser.new_context(service_workers="allow")
    try:
        page = context.new_page()
        page.on("console", guard.console)
        page.on("pageerror", lambda error: guard.errors.append(f"pageerror: {error}"))
        page.goto(url + "#seq=linear&len=5")
        page.locator(READY).wait_for(state="attached", timeout=60_000)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
        version = (site_dir / "build-version.txt").read_text().strip()
        assert f"rnn-demo-{version}" in page.evaluate("caches.keys()")

        # The server is gone and the network is off: everything must come from the cache.
        server.shutdown()
        server.server_close()
        context.set_offline(True)
        page.reload()
        page.locator(READY).wait_for(state="attached", timeout=60_000)
        page.get_by_role("button", name="Reset").click()
        page.get_by_role("button", name="Step Forward").click()
        page.get_by_role("button", name="Step Forward").click()
        rows = expected_rows([1.0, 2.0, 3.0, 4.0, 5.0], default_params(), "tanh", upto=2)
        assert table(page) == rows
        # A panel whose Python comes in rnn-page-later.zip (fetched after ready) opens offline too.
        page.locator("#code-panel summary").click()
        page.locator("#code-listing").get_by_text("def step").first.wait_for(timeout=30_000)
        guard.check()
    finally:
        context.close()


def test_offline_bundle_serves_itself(browser, site_dir, tmp_path, guard):
    with zipfile.ZipFile(build.BUNDLE) as bundle:
        bundle.extractall(tmp_path)
    folder = tmp_path / "rnn-demo"
    readme = (folder / "README.txt").read_text()
    assert "python3 serve.py" in readme
    process = subprocess.Popen(
        [sys.executable, "serve.py", "--port", "0", "--no-browser"],
        cwd=folder,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline()).group(0)
        guard.origin = url.rstrip("/")
        context = browser.new_context(service_workers="block")
        page = context.new_page()
        page.route("**/*", guard.route)  # anything not from the bundle's server is refused
        page.on("console", guard.console)
        page.goto(url + "#seq=fibonacci&len=6")
        page.locator(READY).wait_for(state="attached", timeout=60_000)
        page.get_by_role("button", name="Train (BPTT)").click()
        page.locator("#train-status").filter(has_text="BPTT:").wait_for(timeout=30_000)
        assert len(table(page)) == 6
        context.close()
        guard.check()
    finally:
        process.terminate()
        process.wait(timeout=10)
