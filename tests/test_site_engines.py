"""Smoke tests in the other engines a class uses: Firefox ESR (Debian's firefox-esr, driven over
WebDriver BiDi, which Firefox speaks itself) and WebKitGTK, Safari's engine (Debian's
webkit2gtk-driver: WebKitWebDriver and its MiniBrowser, under Xvfb, over classic WebDriver).
`python3 build.py test` installs both, as it does Chromium.

Each boots the page, steps forward, trains (the loss must fall), runs an entry in the Python
console (a panel that opens and works, with its own interpreter in a web worker), passes the first
exercise in the Exercises panel (its editor and its checker, a second worker) and checks that
nothing was reported as an error. Neither driver reports console messages the same way, so the
page is served with one extra first script, ERRORS_JS, that records errors, rejections and
console.error calls in window.__testErrors.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import build

ERRORS_JS = """// Test only (tests/test_site_engines.py): what a browser would report as errors.
window.__testErrors = [];
addEventListener("error", (e) => __testErrors.push("error: " + (e.message || e.target?.src
  || e.target?.href || "a resource failed")), true);
addEventListener("unhandledrejection", (e) => __testErrors.push("rejection: " + (e.reason?.message
  || e.reason)));
const consoleError = console.error;
console.error = (...args) => {
  __testErrors.push("console.error: " + args.map(String).join(" "));
  consoleError.apply(console, args);
};
"""
READY_TIMEOUT = 150  # seconds: a cold start of a second engine on a busy machine
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"


def until(condition: str, seconds: float) -> str:
    """A JavaScript expression: a Promise of true once `condition` holds, false after `seconds`."""
    return f"""new Promise((resolve) => {{
      const t0 = performance.now();
      const tick = () => {{
        let ok = false;
        try {{ ok = !!({condition}); }} catch (e) {{}}
        if (ok) resolve(true);
        else if (performance.now() - t0 > {seconds * 1000}) resolve(false);
        else setTimeout(tick, 100);
      }};
      tick();
    }})"""


@pytest.fixture(scope="module")
def engine_url(site_dir, tmp_path_factory):
    """The built site, with ERRORS_JS loaded first, on a local server."""
    root = tmp_path_factory.mktemp("engine-site") / "site"
    shutil.copytree(site_dir, root)
    (root / "test-errors.js").write_text(ERRORS_JS)
    page = root / "index.html"
    html = page.read_text()
    head = html.index("<head>") + len("<head>")
    page.write_text(html[:head] + '\n<script src="./test-errors.js"></script>' + html[head:])
    server = build.make_server(root, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def smoke(evaluate, goto, url):
    """The same steps in any engine; evaluate(js) returns the value of a JSON-able expression."""
    goto(url + "#seq=sine&norm=1")
    ready = "document.documentElement.dataset.pyReady"
    evaluate(until(f"{ready} || window.__testErrors.length", READY_TIMEOUT))  # errors end it
    assert evaluate("window.__testErrors") == []
    assert evaluate(f"!!{ready}"), "the page never got ready"
    caption = "document.getElementById('step-caption').textContent"
    evaluate("document.getElementById('step').click(), 0")
    assert evaluate(until(f"{caption}.includes('Read x₀')", 30)), evaluate(caption)
    loss = "parseFloat(document.querySelector('output#loss').textContent)"
    before = evaluate(loss)
    evaluate("document.getElementById('train').click(), 0")
    # Training lowers the loss; Stop then ends the run early (300 epochs take a minute in
    # WebKit under Xvfb, which paints without a GPU).
    assert evaluate(until(f"{loss} < {before}", 120)), evaluate(loss)
    evaluate("document.getElementById('stop').click(), 0")
    status = "document.getElementById('train-status').textContent"
    stopped = "document.getElementById('stop').disabled"
    assert evaluate(until(f"{stopped} && {status} === 'Stopped.'", 60)), evaluate(status)
    after = evaluate(loss)
    assert after < before, (before, after)
    evaluate("document.querySelector('#console-panel > summary').click(), 0")
    assert evaluate(until("document.querySelector('#console-output .console-note')", 120))
    evaluate(
        "document.getElementById('console-input').value = '6 * 7',"
        " document.getElementById('console-run').click(), 0"
    )
    text = "document.querySelector('#console-output .console-text')?.textContent"
    assert evaluate(until(f"{text} === '42\\n'", 60)), evaluate(text)
    # The Exercises panel: its editor and checker start, and the first exercise's solution passes.
    evaluate("document.querySelector('#exercises-panel > summary').click(), 0")
    status = "document.getElementById('ex-status').textContent"
    assert evaluate(until(f"{status}.startsWith('Ready')", 120)), evaluate(status)
    evaluate("document.getElementById('ex-solution').click(), 0")
    evaluate(until("!document.getElementById('ex-confirm').hidden", 10))
    evaluate("document.getElementById('ex-confirm-yes').click(), 0")
    assert evaluate(until(f"{status}.startsWith('A solution')", 10)), evaluate(status)
    evaluate("document.getElementById('ex-check').click(), 0")
    passed = "!document.getElementById('ex-passed').hidden"
    assert evaluate(until(passed, 60)), evaluate("document.getElementById('ex-result').textContent")
    assert evaluate("window.__testErrors") == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- Firefox ESR over WebDriver BiDi ---------------------------------------------------------


class BiDi:
    """Just enough of a WebDriver BiDi client: commands by id, events ignored."""

    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    def send(self, method, params, timeout=READY_TIMEOUT + 30):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=timeout))
            if message.get("id") == self.next_id:
                if message.get("type") == "error":
                    raise AssertionError(f"{method}: {message.get('message')}")
                return message["result"]


def test_firefox_smoke(engine_url, tmp_path):
    from websockets.sync.client import connect

    firefox = shutil.which("firefox-esr") or shutil.which("firefox")
    if firefox is None:
        pytest.fail("Firefox not found; `python3 build.py test` installs Debian's firefox-esr")
    profile = tmp_path / "profile"
    profile.mkdir()
    (profile / "user.js").write_text(
        'user_pref("dom.serviceWorkers.enabled", false);\n'  # no offline copy for a test visit
        'user_pref("browser.shell.checkDefaultBrowser", false);\n'
    )
    proc = subprocess.Popen(
        [firefox, "--headless", "--no-remote", "--profile", str(profile),
         "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"},
    )  # fmt: skip
    try:
        address = None
        for line in proc.stderr:
            if "WebDriver BiDi listening on " in line:
                address = line.split("listening on ", 1)[1].strip()
                break
        assert address, "Firefox did not start its WebDriver BiDi server"
        threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep the pipe drained
        with connect(address + "/session", max_size=None, open_timeout=60) as ws:
            bidi = BiDi(ws)
            bidi.send("session.new", {"capabilities": {}})
            context = bidi.send("browsingContext.getTree", {})["contexts"][0]["context"]

            def goto(url):
                bidi.send("browsingContext.navigate",
                          {"context": context, "url": url, "wait": "complete"})  # fmt: skip

            def evaluate(expression):
                result = bidi.send("script.evaluate", {
                    "expression": f"(async () => JSON.stringify(await ({expression})))()",
                    "target": {"context": context}, "awaitPromise": True,
                })  # fmt: skip
                if result.get("type") == "exception":
                    raise AssertionError(result["exceptionDetails"].get("text"))
                value = result["result"].get("value")
                return None if value is None else json.loads(value)

            smoke(evaluate, goto, engine_url)
            bidi.send("session.end", {})
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# ---- WebKitGTK (Safari's engine) over classic WebDriver, under Xvfb --------------------------


def webdriver(base, method, path, body=None, timeout=READY_TIMEOUT + 30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")["value"]
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{method} {path}: {error.read().decode()[:500]}") from None


def test_webkit_smoke(engine_url):
    driver = shutil.which("WebKitWebDriver")
    if driver is None or shutil.which("xvfb-run") is None:
        pytest.fail("WebKitWebDriver or xvfb-run not found; `python3 build.py test` installs "
                    "Debian's webkit2gtk-driver and xvfb")  # fmt: skip
    if not build.has_locale(build.LOCALE):
        pytest.fail(f"the {build.LOCALE} locale is missing; `python3 build.py test` makes it")
    port = free_port()
    # A real locale: under C, WebKit's Intl rejects the language tag and uPlot throws at load.
    env = {**os.environ, "LANG": build.LOCALE, "LC_ALL": build.LOCALE}
    proc = subprocess.Popen(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x900x24", driver, f"--port={port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                webdriver(base, "GET", "/status", timeout=2)
                break
            except (OSError, AssertionError):
                time.sleep(0.1)
        options = {"args": ["--automation"]}
        if Path(MINIBROWSER).exists():
            options["binary"] = MINIBROWSER
        caps = {"capabilities": {"alwaysMatch": {"webkitgtk:browserOptions": options}}}
        session = webdriver(base, "POST", "/session", caps)["sessionId"]
        here = f"/session/{session}"
        webdriver(base, "POST", f"{here}/timeouts",
                  {"script": (READY_TIMEOUT + 10) * 1000, "pageLoad": 120_000})  # fmt: skip

        def goto(url):
            webdriver(base, "POST", f"{here}/url", {"url": url})

        def evaluate(expression):
            script = f"return (async () => JSON.stringify(await ({expression})))();"
            value = webdriver(base, "POST", f"{here}/execute/sync", {"script": script, "args": []})
            return None if value is None else json.loads(value)

        try:
            smoke(evaluate, goto, engine_url)
        finally:
            webdriver(base, "DELETE", here)
    finally:
        os.killpg(proc.pid, 15)  # xvfb-run, its Xvfb and WebKitWebDriver
        proc.wait(timeout=30)
