"""The site put together: the prerendered initial view, the service worker, the offline bundle,
and build(), which runs every step when an input changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import zipfile
from pathlib import Path

from .archives import MAIN_STUB, package_files, write_archive, write_pyscript_config
from .editor import vendor_editor
from .paths import BUNDLE, OFFLINE, OUT, ROOT, SITE
from .runtime import PINS, TEST_PINS, extract
from .stdlib import trim_lock_file, write_stdlib
from .translated import language_menu, script_block, write_translations


def inputs_digest() -> str:
    """A hash of everything the build is made from: it names the build and its cache."""
    h = hashlib.sha256()
    h.update(json.dumps({**PINS, **TEST_PINS}, sort_keys=True).encode())
    for source in [ROOT / "build.py", *sorted(Path(__file__).parent.glob("*.py"))]:
        h.update(source.read_bytes())  # the build's own code
    locale = sorted((ROOT / "locale").glob("*.po*"))
    for path in sorted(SITE.rglob("*")) + sorted(OFFLINE.rglob("*")) + package_files() + locale:
        if path.is_file():
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def initial_view() -> str:
    """The default view's snapshot JSON, computed here by rnn_py on CPython in the language
    installed (rnn_py.i18n): exactly what page.start() paints from an address without settings."""
    from rnn_py.page.state import from_query
    from rnn_py.page.view import History, snapshot_json

    state, notices = from_query("")
    return snapshot_json(state, History(), running=None, status="", status_warn=False,
                         notices=tuple(notices))  # fmt: skip


def write_initial_view(out: Path) -> None:
    """Put the default view's snapshot, computed here by rnn_py on CPython, into index.html.

    js/index.js paints it as soon as it runs, when the address holds no settings, so a cold
    visit shows real numbers long before Python is ready in the browser; Python's own first
    paint then replaces it with the same numbers (tests/test_site_initial.py checks both).
    The JSON sits in a <script type="application/json"> block, which is data, never run.
    Each translated page gets its own (buildsite/translated.py)."""
    page = out / "index.html"
    html = page.read_text()
    if html.count("</body>") != 1:
        sys.exit("build.py: index.html needs exactly one </body> for the initial view")
    block = script_block("initial-view", initial_view())
    page.write_text(language_menu(html, "en").replace("</body>", block + "</body>"))


def write_service_worker(out: Path, version: str) -> None:
    """Fill in sw.js: this build's version (its cache name) and every file it must cache."""
    files = sorted(
        "./" + p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != "sw.js"
    )
    worker = out / "sw.js"
    text = worker.read_text().replace("__BUILD_VERSION__", version)
    worker.write_text(text.replace("__PRECACHE__", json.dumps(["./", *files], indent=1)))


def write_bundle(out: Path, bundle: Path) -> None:
    """The downloadable offline copy: the site, a one-command server and how to use them."""
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(OFFLINE / "serve.py", "rnn-demo/serve.py")
        z.write(OFFLINE / "README.txt", "rnn-demo/README.txt")
        for path in sorted(out.rglob("*")):
            if path.is_file():
                z.write(path, "rnn-demo/site/" + path.relative_to(out).as_posix())


def build(force: bool = False) -> Path:
    """Build the site into build/site unless it is already up to date; return its path."""
    version = inputs_digest()
    stamp = OUT / "build-version.txt"
    if not force and stamp.exists() and stamp.read_text().strip() == version:
        return OUT
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    extract(PINS, OUT)
    vendor_editor(OUT)  # the Exercises panel's editor, loaded when that panel opens
    for path in SITE.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            target = OUT / path.relative_to(SITE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    (OUT / "main.py").write_text(MAIN_STUB)
    for path in package_files():
        target = OUT / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    later = write_archive(OUT)
    write_pyscript_config(OUT)
    write_stdlib(OUT, later)
    trim_lock_file(OUT)
    write_initial_view(OUT)
    write_translations(OUT, (SITE / "index.html").read_text(), initial_view)
    stamp.write_text(version + "\n")
    write_service_worker(OUT, version)
    write_bundle(OUT, BUNDLE)
    shutil.copy2(BUNDLE, OUT / BUNDLE.name)  # linked from the page; not in the offline cache
    print(f"built {OUT} (version {version})")  # OUT may lie outside ROOT (RNN_BUILD_DIR)
    return OUT
