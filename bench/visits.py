"""Visits: a cold start (its stamps, the floor beside it), a repeat visit from the service
worker's cache, every file a cold visit loads and its bytes, the start-up timeline, and main.py's
import profile.
Imported by run.py, which puts bench/ and the project on sys.path."""

from __future__ import annotations

import contextlib
import gzip
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

from probes import FLOOR, PROBES, READY, TIMEOUT
from report import median

# --imports: main.py runs behind this prefix, which times every module's import (its own code
# and, separately, the imports it triggers) and main.py as a whole; the suffix hands the
# profile to the benchmark as JSON.
IMPORT_PREFIX = r"""
import sys as _sys
import time as _time

_t_main = _time.perf_counter()
_first_line = __import__("js").performance.now()
_stack, _profile = [], []


class _Timed:
    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        began = _time.perf_counter()
        _stack.append(0.0)
        try:
            self._loader.exec_module(module)
        finally:
            inner = _stack.pop()
            took = _time.perf_counter() - began
            if _stack:
                _stack[-1] += took
            _profile.append((module.__name__, took * 1000, (took - inner) * 1000))


class _Timer:
    @staticmethod
    def find_spec(name, path=None, target=None):
        for finder in _sys.meta_path:
            if finder is _Timer or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Timed(spec.loader)
                return spec
        return None


_sys.meta_path.insert(0, _Timer)
_modules_before = set(_sys.modules)

import pyscript as _pyscript

_when = [0.0, 0]  # ms spent binding handlers with @when, and how many
_plain_when = _pyscript.when


def _timed_when(*args, **kwargs):
    began = _time.perf_counter()
    bind = _plain_when(*args, **kwargs)

    def apply(handler):
        began_apply = _time.perf_counter()
        try:
            return bind(handler)
        finally:
            _when[0] += (_time.perf_counter() - began_apply) * 1000

    _when[0] += (_time.perf_counter() - began) * 1000
    _when[1] += 1
    return apply


_pyscript.when = _timed_when
"""
IMPORT_SUFFIX = r"""
_sys.meta_path.remove(_Timer)
import json as _json

_pyscript.window.__importProfile = _json.dumps({
    "main": (_time.perf_counter() - _t_main) * 1000,
    "modules": _profile,
    "before": sorted(_modules_before),
    "when": _when,
    "first_line": _first_line,
})
"""


def import_profile(browser, url):
    """One cold start with main.py timed module by module (--imports): the rows to print."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        context.add_init_script(PROBES)
        page = context.new_page()

        def timed_main(route):
            body = route.fetch().text()
            route.fulfill(body=IMPORT_PREFIX + body + IMPORT_SUFFIX, content_type="text/plain")

        page.route("**/main.py", timed_main)
        page.goto(url)
        page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
        page.wait_for_function("window.__importProfile !== undefined", timeout=TIMEOUT)
        got = json.loads(page.evaluate("window.__importProfile"))
        stamps = page.evaluate("window.__bench")
    finally:
        context.close()
    modules = sorted(got["modules"], key=lambda m: -m[2])
    ours = [m for m in modules if m[0].split(".")[0] in ("rnn_py", "page", "panels")]
    own = sum(m[2] for m in modules)
    lines = [
        f"main.py imports (one cold start): main.py ran {got['main']:.0f} ms; "
        f"{len(modules)} modules imported during it, their own code {own:.0f} ms "
        f"(ours: {len(ours)} modules, {sum(m[2] for m in ours):.0f} ms); "
        f"{got['when'][1]} handlers bound with @when in {got['when'][0]:.0f} ms (inside the "
        "imports' time); the rest is page.start(), the first repaint and ready()",
        "",
        "| module | self ms | with its imports ms |",
        "|---|--:|--:|",
    ]
    began = next((t for name, t in stamps["progress"] if name == "py:ready"), None)
    if began is not None:
        lines[0] += (
            f". py:ready → main.py's first line {got['first_line'] - began:.0f} ms, "
            f"→ controls enabled {stamps['ready'] - began:.0f} ms"
        )
    lines += [f"| {name} | {own:.1f} | {total:.1f} |" for name, total, own in modules[:40]]
    if len(modules) > 40:
        lines.append(f"| …{len(modules) - 40} more | {sum(m[2] for m in modules[40:]):.1f} | |")
    return "\n".join(lines)


def cold_run(browser, url, requests=None):
    """One cold visit in a fresh context without service workers: the page's stamps (ms)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        context.add_init_script(PROBES)
        page = context.new_page()
        if requests is not None:
            page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
        page.wait_for_function("window.__bench.numbers !== null || !window.__bench", timeout=5000)
        page.wait_for_timeout(50)
        got = page.evaluate(
            """() => {
              const fcp = performance.getEntriesByName("first-contentful-paint")[0];
              const b = window.__bench;
              return { ready: b.ready, numbers: b.numbers, fcp: fcp ? fcp.startTime : null,
                       firstPaint: b.firstPaint, progress: b.progress,
                       resources: performance.getEntriesByType("resource").map((r) =>
                         [r.name, r.startTime, r.responseEnd]) };
            }"""
        )
        if requests is not None:  # what the page fetches after that, at idle (lazy files)
            with contextlib.suppress(Exception):  # still fetching: take what came so far
                page.wait_for_load_state("networkidle", timeout=5000)
            got["later"] = page.evaluate(
                """(after) => performance.getEntriesByType("resource")
                     .filter((r) => r.startTime > after).map((r) => r.name)""",
                max(got["ready"] or 0, got["numbers"] or 0),
            )
    finally:
        context.close()
    return got


def start_up(run):
    """Milliseconds of our own Python at start-up: from PyScript's py:ready (the runtime and our
    files are in, main.py starts) to the controls being enabled (data-py-ready)."""
    began = next((t for name, t in run["progress"] if name == "py:ready"), None)
    return None if began is None or run["ready"] is None else run["ready"] - began


def cold_floor(browser, url):
    context = browser.new_context(service_workers="block")
    try:
        context.add_init_script(PROBES)
        page = context.new_page()
        page.goto(url + FLOOR)
        page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
        return page.evaluate("window.__bench.ready")
    finally:
        context.close()


def repeat_visits(browser, url, reloads=3):
    """Ready times (ms) of reloads answered by the service worker after one visit."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script(PROBES)
        page = context.new_page()
        page.goto(url)
        page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
        page.wait_for_function(
            "navigator.serviceWorker && navigator.serviceWorker.controller !== null",
            timeout=TIMEOUT,
        )
        times, served = [], []
        for _ in range(reloads):
            page.reload()
            page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
            times.append(page.evaluate("window.__bench.ready"))
            served.append(
                page.evaluate(
                    """() => performance.getEntriesByType("resource")
                         .filter((r) => r.workerStart > 0).length"""
                )
            )
        return times, served
    finally:
        context.close()


def assets(site: Path, urls, base, later=()):
    """Raw and gzip -9 bytes of every distinct file the cold visit requested, and when: "start"
    (requested before the page was ready and showed its first numbers: the cold-transfer figure)
    or "idle" (requested after that, as the lazy files are: reported apart)."""
    seen, files = set(), []
    later = set(later)
    for url in urls:
        parts = urlsplit(url)
        if not url.startswith(base):
            continue
        path = unquote(parts.path)[len(urlsplit(base).path) :] or "index.html"
        if path.endswith("/"):
            path += "index.html"
        if path in seen or path == FLOOR:
            continue
        seen.add(path)
        file = site / path
        data = file.read_bytes() if file.is_file() else b""
        gz = len(gzip.compress(data, 9, mtime=0)) if data else 0
        files.append((path, len(data), gz, "idle" if url in later else "start"))
    return sorted(files, key=lambda f: (f[3] != "start", -f[2]))


def asset_table(files) -> str:
    lines = ["| file | raw bytes | gzip -9 bytes | requested |", "|---|--:|--:|---|"]
    lines += [f"| {path} | {raw:,} | {gz:,} | {when} |" for path, raw, gz, when in files]
    groups = (("start", "until ready and first numbers"), ("idle", "after that, at idle"))
    for when, label in groups:
        group = [f for f in files if f[3] == when]
        if group:
            raw, gz = sum(f[1] for f in group), sum(f[2] for f in group)
            lines.append(f"| **{label}, {len(group)} files** | **{raw:,}** | **{gz:,}** | |")
    return "\n".join(lines)


def profile(runs, floor_ready):
    """Where a cold start spends its time: the median of each stamp over the cold runs."""

    def when(run, prefix):
        for name, start, end in run["resources"]:
            if urlsplit(name).path.endswith(prefix):
                return start, end
        return None, None

    def progress(run, label):
        return next((t for name, t in run["progress"] if name == label), None)

    marks = [
        ("first contentful paint", lambda r: r["fcp"]),
        ("boot.js fetched", lambda r: when(r, "/boot.js")[1]),
        ("core.js requested", lambda r: when(r, "/core.js")[0]),
        ("pyscript.json fetched", lambda r: when(r, "/pyscript.json")[1]),
        ("pyodide.mjs requested", lambda r: when(r, "/pyodide.mjs")[0]),
        ("py:progress Loading interpreter", lambda r: progress(r, "Loading interpreter")),
        ("pyodide.asm.wasm fetched", lambda r: when(r, "/pyodide.asm.wasm")[1]),
        ("pyodide-lock.json requested", lambda r: when(r, "/pyodide-lock.json")[0]),
        ("python_stdlib.zip fetched", lambda r: when(r, "/python_stdlib.zip")[1]),
        ("py:progress Loaded interpreter", lambda r: progress(r, "Loaded interpreter")),
        ("rnn-page.zip fetched", lambda r: when(r, "/rnn-page.zip")[1]),
        ("py:progress Loaded files", lambda r: progress(r, "Loaded files")),
        ("py:progress Loaded Pyodide", lambda r: progress(r, "Loaded Pyodide")),
        ("main.py fetched", lambda r: when(r, "/main.py")[1]),
        ("py:ready (main.py starts)", lambda r: progress(r, "py:ready")),
        ("first RnnPage.paint call", lambda r: (r["firstPaint"] or [None])[0]),
        ("first RnnPage.paint returned", lambda r: (r["firstPaint"] or [None, None])[1]),
        ("ready (data-py-ready)", lambda r: r["ready"]),
        ("py:done (main.py finished)", lambda r: progress(r, "py:done")),
        ("first real numbers shown", lambda r: r["numbers"]),
    ]
    lines = [
        f"Cold start, median of {len(runs)} runs (ms since navigation); floor ready "
        f"{floor_ready:.0f} ms",
        "",
        "| stamp | ms |",
        "|---|--:|",
    ]
    for label, get in marks:
        value = median([get(r) for r in runs])
        lines.append(f"| {label} | {'n/a' if value is None else f'{value:.0f}'} |")
    files = [
        (urlsplit(n).path, s, e)
        for n, s, e in runs[0]["resources"]
        if "/rnn_py/" in n or n.endswith((".py", ".zip", ".tar", ".json"))
    ]
    if files:
        lines += ["", "Run 1, our own files and the runtime's data (start → end, ms):"]
        lines += [f"  {path}: {s:.0f} → {e:.0f}" for path, s, e in files]
    return "\n".join(lines)


def numbers_after_goto(browser, url):
    """Milliseconds from asking for url to the first real numbers, measured across start.js's
    redirect to another language's file (the stamps restart with each document, so the wall
    clock of the document that shows the numbers is used), and the file it ended on."""
    import time

    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        context.add_init_script(PROBES)
        page = context.new_page()
        asked = time.time() * 1000
        page.goto(url)
        page.wait_for_function("window.__bench && window.__bench.numbers !== null", timeout=TIMEOUT)
        shown = page.evaluate("performance.timeOrigin + window.__bench.numbers")
        return shown - asked, page.evaluate("location.pathname").rsplit("/", 1)[-1]
    finally:
        context.close()


def translated_visits(browser, url, site: Path, runs: int, lang: str = "de"):
    """The rows for a first view in another language (issue 28): the page's bytes beside the
    English index.html's (gzip -9; the only file that differs), and the time to first numbers
    for English, the translated file opened directly and lang= on index.html (one redirect)."""
    from report import Row

    def gz(name):
        return len(gzip.compress((site / name).read_bytes(), 9, mtime=0))

    english, direct, redirected = [], [], []
    for _ in range(runs):
        english.append(numbers_after_goto(browser, url)[0])
        direct.append(numbers_after_goto(browser, url + f"index.{lang}.html")[0])
        took, landed = numbers_after_goto(browser, url + f"?lang={lang}")
        assert landed == f"index.{lang}.html", landed
        redirected.append(took)
    base, other = gz("index.html"), gz(f"index.{lang}.html")
    return [
        f"A first view in another language (lang={lang}, {runs} interleaved runs, medians)",
        Row(f"index.{lang}.html, gzip -9", other / 1e3, "kB",
            note=f"index.html {base / 1e3:.1f} kB: {(other - base) / 1e3:+.1f} kB, no other file"),
        Row("English: first real numbers, from the request", median(english), "ms"),
        Row(f"index.{lang}.html opened: first real numbers", median(direct), "ms"),
        Row(f"?lang={lang} on index.html (start.js redirects): first real numbers",
            median(redirected), "ms"),
    ]  # fmt: skip
