"""The trimmed standard library (issue 12): the page starts with stdlib-page.zip, only the
modules it imports, and a module it left out still imports, from Pyodide's whole
python_stdlib.zip fetched once on the first such import."""

from __future__ import annotations

import zipfile

import build
import rnn_py
from rnn_py.page.state import from_query
from rnn_py.studies.landscape import point_text

# Hands the test the page's interpreter through PyScript's public hooks (as test_robust.py).
EXPOSE_INTERPRETER = """
if (location.protocol.startsWith("http")) {
  import(location.origin + "/vendor/pyscript/core.js").then(({ hooks }) => {
    hooks.main.onReady.add((wrap) => { window.__interpreter = wrap.interpreter; });
  });
}
"""


def modules(archive: zipfile.ZipFile) -> set[str]:
    """The module names in a zip of .py or .pyc files."""
    return {
        name.rsplit(".", 1)[0].replace("/", ".").removesuffix(".__init__")
        for name in archive.namelist()
        if name.endswith((".py", ".pyc"))
    }


def test_the_small_archive_holds_what_the_page_imports_and_names_the_rest(site_dir):
    small = zipfile.ZipFile(site_dir / build.STDLIB_PAGE)
    whole = zipfile.ZipFile(site_dir / build.STDLIB)
    kept = modules(small)
    assert {"asyncio", "dataclasses", "json", "inspect", "_stdlib_net"} <= kept
    assert "calendar" not in kept and "email" not in kept
    # urllib.parse imports ipaddress only in the function that needs it (build.LAZY_IMPORTS).
    assert "urllib.parse" in kept and "ipaddress" not in kept
    net = small.read("_stdlib_net.pyc" if "_stdlib_net.pyc" in small.namelist() else
                     "_stdlib_net.py")  # fmt: skip
    for name in ("calendar", "email", "email.mime.text", "encodings.cp1252"):
        assert name.encode() in net
    left_out = modules(whole) - kept
    assert len(left_out) > 100
    # Nothing of a left-out package, not even its folder or a data file: zipimport would make
    # an empty namespace package of it.
    assert {"email", "tomllib", "importlib.metadata", "ctypes"} <= left_out
    for name in small.namelist():
        folders = name.rstrip("/").split("/")[: -1 if not name.endswith("/") else None]
        assert not {".".join(folders[: i + 1]) for i in range(len(folders))} & left_out, name
    # Bytecode, compiled by Pyodide's own Python, unless Node.js could not run (then source).
    assert all(n.endswith(".pyc") for n in small.namelist() if n.endswith((".py", ".pyc")))


def test_our_first_archive_is_the_first_screens_bytecode_and_the_later_one_the_rest(site_dir):
    first = set(zipfile.ZipFile(site_dir / build.ARCHIVE).namelist())
    later = set(zipfile.ZipFile(site_dir / build.LATER_ARCHIVE).namelist())
    # The first screen's modules as sourceless bytecode (x.pyc), nothing else; and PyScript's
    # own modules' bytecode beside the source it writes at start (build.pyscript_sources).
    assert {"rnn_py/__init__.pyc", "rnn_py/cells/vanilla.pyc", "page.pyc", "page_main.pyc"} <= first
    pyscript = {name for name in first if name.startswith("pyscript/__pycache__/")}
    assert {name.split("/")[-1].split(".")[0] for name in pyscript} == set(build.PYSCRIPT_MODULES)
    assert all(name.endswith(".pyc") and "__pycache__" not in name for name in first - pyscript)
    assert "rnn_py/page/source.pyc" not in first and "panels/landscape.pyc" not in first
    assert "rnn_py/studies/units.pyc" not in first  # rnn_py.race and the like: on first use
    # Every source file is in the later archive; each module's bytecode is in exactly one.
    sources = {name for name in later if name.endswith(".py")}
    assert sources == set(build.archive_members())
    tag = next(n for n in later if n.startswith("rnn_py/page/__pycache__/source.")).split(".")[1]
    for name in sources:
        folder, _, file = name.rpartition("/")
        cached = f"{folder}/__pycache__/{file[:-3]}.{tag}.pyc".lstrip("/")
        assert (name + "c" in first) != (cached in later), name
    assert {"rnn_py.page.source", "panels.landscape", "rnn_py.page.console"} <= build.first_screen(
        [build.MAIN_MODULE, "panels.code", "panels.landscape", "panels.console"], deep=True
    ) - build.first_screen()


# The text task's network and its handlers: the page opens on the numbers (panels.task imports
# them the first time the page is in text mode, or at the first idle moment).
TEXT_STACK = ("rnn_py/text/task", "rnn_py/text/model", "rnn_py/text/core", "rnn_py/text/view",
              "panels/text")  # fmt: skip


def test_the_text_task_is_not_on_the_first_screen(site_dir):
    first = set(zipfile.ZipFile(site_dir / build.ARCHIVE).namelist())
    later = zipfile.ZipFile(site_dir / build.LATER_ARCHIVE).namelist()
    for name in TEXT_STACK:
        assert name + ".pyc" not in first, name
        folder, _, file = name.rpartition("/")
        assert any(n.startswith(f"{folder}/__pycache__/{file}.") for n in later), name
    # What reading and writing a text link needs is there: its limits and presets.
    assert {"rnn_py/text/settings.pyc", "rnn_py/page/state.pyc", "panels/task.pyc"} <= first
    assert not {name.replace("/", ".") for name in TEXT_STACK} & build.first_screen()


def test_the_later_archive_comes_after_ready_and_brings_the_source(
    context, base_url, guard, site_dir
):
    """The page is ready before it asks for rnn-page-later.zip; its panels' modules then import
    from it, and the Code panel reads the running source from it. At idle its files are written
    one at a time (boot.js, unzipGently: no long task), each exactly as in the archive."""
    context.add_init_script(EXPOSE_INTERPRETER)
    context.add_init_script(
        """new MutationObserver((_, observer) => {
             if (document.documentElement.dataset.pyReady === undefined) return;
             observer.disconnect();
             window.__atReady = performance.getEntriesByType("resource").map((r) => r.name);
             window.__mainPy = performance.getEntriesByType("resource")
               .filter((r) => r.name.endsWith("/main.py")).map((r) => r.initiatorType);
             window.__modulesAtReady = window.__interpreter.runPython(
               "import sys; ' '.join(sorted(sys.modules))");
           }).observe(document, { subtree: true, attributes: true,
                                  attributeFilter: ["data-py-ready"] });"""
    )
    page = context.new_page()
    page.route("**/*", guard.route)
    page.on("console", guard.console)
    said = []
    page.on("console", lambda message: said.append(message.text))
    page.on("pageerror", lambda error: guard.errors.append(f"pageerror: {error}"))
    page.goto(base_url)
    page.wait_for_function("window.__atReady !== undefined", timeout=60_000)
    at_ready = page.evaluate("window.__atReady")
    assert any(url.endswith("/rnn-page.zip") for url in at_ready)
    assert not any(url.endswith("/rnn-page-later.zip") for url in at_ready)
    # main.py is requested once, by its preload while the page is read (PyScript used that).
    assert page.evaluate("window.__mainPy") == ["link"]
    imported = set(page.evaluate("window.__modulesAtReady").split())
    assert {"rnn_py.page.state", "rnn_py.text.settings", "panels.task"} <= imported
    text_stack = {"rnn_py.text.task", "rnn_py.text.model", "rnn_py.text.view", "panels.text"}
    assert not text_stack & imported
    assert "urllib.parse" in imported and "ipaddress" not in imported
    # PyScript's own modules ran from the archive's bytecode: it is that of the source PyScript
    # wrote (a checked .pyc: Python would otherwise have compiled the source again).
    checked = page.evaluate(
        """() => window.__interpreter.runPython(`
import importlib.util, os, sys
mods = [m for n, m in sys.modules.items() if n.split(".")[0] == "pyscript"
        and getattr(m, "__file__", None)]
{m.__name__: os.path.exists(m.__spec__.cached) and open(m.__spec__.cached, "rb").read()[8:16]
 == importlib.util.source_hash(open(m.__file__, "rb").read()) for m in mods}
`).toJs()"""
    )
    names = {"pyscript" if n == "__init__" else f"pyscript.{n}" for n in build.PYSCRIPT_MODULES}
    assert {name: checked.get(name) for name in names} == dict.fromkeys(names, True)
    # At idle: the panels after ready, and text mode, ready for the first switch to it.
    for name in ("panels.landscape", "panels.text"):
        page.wait_for_function(
            f"""() => window.__interpreter.runPython("import sys; '{name}' in sys.modules")""",
            timeout=30_000,
        )
    page.locator("#code-panel summary").click()
    listing = page.locator("#code-listing")
    listing.get_by_text("def step", exact=False).first.wait_for(timeout=30_000)
    fetched = page.evaluate(
        """() => performance.getEntriesByType("resource").map((r) => r.name)
                 .filter((name) => name.endsWith("/rnn-page-later.zip")).length"""
    )
    assert fetched == 1
    # written file by file, not by unpackArchive, and every byte as the archive has it
    assert not [text for text in said if "unpacked at once" in text], said
    with zipfile.ZipFile(site_dir / build.LATER_ARCHIVE) as archive:
        want = {info.filename: info.CRC for info in archive.infolist()}
    got = page.evaluate(
        """(names) => window.__interpreter.runPython(`
import zlib
{name: zlib.crc32(open(name, "rb").read()) for name in ${JSON.stringify(names)}}
`).toJs()""",
        sorted(want),
    )
    assert got == want
    guard.check()


def test_a_text_link_opens_in_text_mode_fetching_the_later_archive_once(open_page):
    """A link to the text task imports text mode while the page starts, from rnn-page-later.zip:
    boot.js fetches it at once, beside the runtime (no synchronous request when main.py imports
    text mode), and not again when the browser is idle."""
    page = open_page("#task=text&tn=4&tlen=10")
    assert page.evaluate("document.body.classList.contains('task-text')")
    assert page.locator("#task").input_value() == "text"
    page.locator("#text-vocab span").first.wait_for()
    assert page.locator("#text-train").is_enabled()
    assert page.locator("#text-hidden").input_value() == "4"
    # Past boot.js's idle moment (it fetched the archive there when nothing had needed it).
    page.evaluate(
        """() => new Promise((done) => requestIdleCallback(
                   () => requestIdleCallback(done, { timeout: 2000 }), { timeout: 2000 }))"""
    )
    fetched = page.evaluate(
        """() => performance.getEntriesByType("resource")
                 .filter((r) => r.name.endsWith("/rnn-page-later.zip"))
                 .map((r) => r.initiatorType)"""
    )
    assert fetched == ["fetch"]
    # Back to the numbers and to text again, with the Task select.
    page.get_by_role("combobox", name="Task").select_option("numbers")
    page.wait_for_function("!document.body.classList.contains('task-text')")
    page.get_by_role("combobox", name="Task").select_option("text")
    page.wait_for_function("document.body.classList.contains('task-text')")
    page.wait_for_function("location.hash.includes('task=text')")


def test_a_left_out_module_imports_from_the_whole_library_once(context, base_url, guard):
    context.add_init_script(EXPOSE_INTERPRETER)
    page = context.new_page()
    page.route("**/*", guard.route)
    page.on("console", guard.console)
    page.on("pageerror", lambda error: guard.errors.append(f"pageerror: {error}"))
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(base_url)
    page.locator("html[data-py-ready]").wait_for(state="attached", timeout=60_000)
    page.wait_for_function("window.__interpreter !== undefined")
    assert any(url.endswith("/stdlib-page.zip") for url in fetched)
    assert not any(url.endswith("/python_stdlib.zip") for url in fetched)  # not at start
    result = page.evaluate(
        """() => window.__interpreter.runPython(`
import calendar, email.mime.text, html, statistics, urllib.parse
text = email.mime.text.MIMEText("ok").get_payload()
(calendar.isleap(2024), text, statistics.median([3, 1, 2]), "é".encode("cp1252").hex(),
 html.unescape("&eacute;&amp;"), urllib.parse.urlsplit("http://[::1]:8000/").hostname)
`).toJs()"""
    )
    # html.entities and ipaddress are left out too (build.py's LAZY_IMPORTS): html.unescape
    # and a bracketed host in urlsplit still find them.
    assert result == [True, "ok", 2, "e9", "é&", "::1"]
    # A left-out package is the real one, its __init__ run (not an empty namespace package
    # made from a folder left behind): importlib.invalidate_caches() imports importlib.metadata.
    packages = page.evaluate(
        """() => window.__interpreter.runPython(`
import email, http, importlib, tomllib
importlib.invalidate_caches()
(email.message_from_string("Subject: hi")["Subject"], http.HTTPStatus.OK.value,
 tomllib.loads("a = 1")["a"], importlib.import_module("importlib.metadata").version.__name__)
`).toJs()"""
    )
    assert packages == ["hi", 200, 1, "version"]
    again = page.evaluate("() => window.__interpreter.runPython('import colorsys; 1')")
    assert again == 1
    assert sum(url.endswith("/python_stdlib.zip") for url in fetched) == 1
    guard.check()


# Opens a panel from inside boot.js's unzipGently, as it starts inflating the archive's
# AT-th compressed file: the panel's toggle then runs while the archive is half written.
MID_ARRIVAL = """
(() => {
  const Stream = window.DecompressionStream;
  window.__streams = 0;
  window.__openedAt = null;
  window.DecompressionStream = class extends Stream {
    constructor(...args) {
      super(...args);
      window.__streams += 1;
      if (window.__streams === %d) {
        window.__openedAt = window.__streams;
        document.querySelector("#%s > summary").click();
      }
    }
  };
})();
"""


def test_a_panel_opened_while_the_later_archive_is_half_written_works(
    context, base_url, guard, site_dir
):
    """A learner who opens a later panel while rnn-page-later.zip is being written file by file
    (boot.js, unzipGently, at idle) gets the panel: its import finds half the files, takes the
    archive's bytes already fetched (no second request) and writes the rest at once; the gentle
    writing then goes on over the same bytes. Opened at ready and after the arrival, other
    tests check."""
    with zipfile.ZipFile(site_dir / build.LATER_ARCHIVE) as archive:
        packed = [i for i in archive.infolist() if i.compress_type == zipfile.ZIP_DEFLATED]
        want = {info.filename: info.CRC for info in archive.infolist()}
    at = len(packed) // 2
    assert at > 5  # so "half written" means something
    context.add_init_script(EXPOSE_INTERPRETER)
    context.add_init_script(MID_ARRIVAL % (at, "landscape-panel"))
    page = context.new_page()
    page.route("**/*", guard.route)
    page.on("console", guard.console)
    page.on("pageerror", lambda error: guard.errors.append(f"pageerror: {error}"))
    page.goto(base_url)
    page.wait_for_function(
        "() => document.getElementById('ls-status').textContent.startsWith('Map complete')",
        timeout=60_000,
    )
    assert page.evaluate("window.__openedAt") == at
    page.wait_for_function(f"window.__streams === {len(packed)}")  # the gentle writing went on
    state, _ = from_query(page.evaluate("location.hash")[1:])
    loss = rnn_py.forward(state.params, state.xs(), state.activation).loss
    w_xh, w_hh = state.params.w_xh[0], state.params.w_hh[0][0]
    text = point_text("Input weight", "Hidden weight", w_xh, w_hh, loss)
    assert page.locator("#ls-point").text_content() == text
    fetched = page.evaluate(
        """() => performance.getEntriesByType("resource")
                 .filter((r) => r.name.endsWith("/rnn-page-later.zip")).length"""
    )
    assert fetched == 1
    got = page.evaluate(
        """(names) => window.__interpreter.runPython(`
import zlib
{name: zlib.crc32(open(name, "rb").read()) for name in ${JSON.stringify(names)}}
`).toJs()""",
        sorted(want),
    )
    assert got == want
    # and the console, a later panel with a worker of its own, opened afterwards, starts
    page.locator("#console-panel > summary").click()
    page.locator("#console-output .console-note").wait_for(timeout=60_000)
    guard.check()
