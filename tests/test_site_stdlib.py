"""The trimmed standard library (issue 12): the page starts with stdlib-page.zip, only the
modules it imports, and a module it left out still imports, from Pyodide's whole
python_stdlib.zip fetched once on the first such import."""

from __future__ import annotations

import zipfile

import build

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
    net = small.read("_stdlib_net.pyc" if "_stdlib_net.pyc" in small.namelist() else
                     "_stdlib_net.py")  # fmt: skip
    for name in ("calendar", "email", "email.mime.text", "encodings.cp1252"):
        assert name.encode() in net
    left_out = modules(whole) - kept
    assert len(left_out) > 100
    # Bytecode, compiled by Pyodide's own Python, unless Node.js could not run (then source).
    assert all(n.endswith(".pyc") for n in small.namelist() if n.endswith((".py", ".pyc")))


def test_our_archive_carries_its_bytecode_beside_the_source(site_dir):
    archive = zipfile.ZipFile(site_dir / build.ARCHIVE)
    names = set(archive.namelist())
    assert {"rnn_py/model.py", "page.py"} <= names
    tag = next(n for n in names if n.startswith("rnn_py/__pycache__/model.")).split(".")[1]
    for name in names:
        if name.endswith(".py"):
            folder, _, file = name.rpartition("/")
            cached = f"{folder}/__pycache__/{file[:-3]}.{tag}.pyc".lstrip("/")
            assert cached in names, name


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
import calendar, email.mime.text, statistics
text = email.mime.text.MIMEText("ok").get_payload()
(calendar.isleap(2024), text, statistics.median([3, 1, 2]), "é".encode("cp1252").hex())
`).toJs()"""
    )
    assert result == [True, "ok", 2, "e9"]
    again = page.evaluate("() => window.__interpreter.runPython('import colorsys; 1')")
    assert again == 1
    assert sum(url.endswith("/python_stdlib.zip") for url in fetched) == 1
    guard.check()
