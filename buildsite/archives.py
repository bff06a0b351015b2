"""The page's Python archives: the first screen's modules as bytecode (ARCHIVE), every source
and the modules imported later (LATER_ARCHIVE), PyScript's own modules and its config."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from .paths import PACKAGE, ROOT, SITE
from .pyc import compile_zip


def package_files() -> list[Path]:
    """The rnn_py sources the browser needs (no caches, no CLI-only files are excluded)."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def page_modules() -> list[Path]:
    """The page's Python modules other than main.py (which PyScript loads itself)."""
    return sorted(
        p for p in SITE.rglob("*.py") if p.name != "main.py" and "__pycache__" not in p.parts
    )


ARCHIVE = "rnn-page.zip"  # the first screen's Python, as bytecode, unpacked by PyScript at start


LATER_ARCHIVE = "rnn-page-later.zip"  # every source file, and the modules imported later


# PyScript compiles the source of the script it runs (main.py) in the browser at every start,
# about 0.1–0.4 s for ours; so site/main.py ships compiled in the archive as MAIN_MODULE, and
# the main.py the page loads is this one line.
MAIN_MODULE = "page_main"


# A translated page (index.de.html) carries its catalogue in a JSON block: Python installs it
# before main.py's first paint (buildsite/translated.py). English has no block: one lookup.
MAIN_STUB = f"""# build.py: site/main.py runs as {MAIN_MODULE}.py, compiled in {ARCHIVE}.
from pyscript import document

# (a missing element is Pyodide's JsNull, not None: read its text through getattr)
_catalogue = getattr(document.getElementById("catalogue"), "textContent", None)
if _catalogue:
    from rnn_py import i18n

    i18n.install(i18n.Catalogue.from_json(_catalogue), document.documentElement.lang)
import {MAIN_MODULE}  # noqa: E402, F401
"""


def archive_members() -> dict[str, Path]:
    """Every Python file the page may import, by its name in the archives."""
    members = {p.relative_to(ROOT).as_posix(): p for p in package_files()}
    members |= {p.relative_to(SITE).as_posix(): p for p in page_modules()}
    members[f"{MAIN_MODULE}.py"] = SITE / "main.py"
    return members


def module_name(member: str) -> str:
    """rnn_py/__init__.py -> rnn_py, panels/code.py -> panels.code."""
    return member.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def first_screen(roots=(MAIN_MODULE,), deep=False) -> set[str]:
    """Our modules the page imports before it is ready: those main.py imports at module level,
    and theirs, transitively (an import inside a function runs later, when it is called).
    deep=True follows the imports inside functions too: every module roots may ever import."""
    import ast

    files = {module_name(m): path for m, path in archive_members().items()}
    packages = {module_name(m) for m in files if "/" in m} | {
        name.rpartition(".")[0] for name in files if "." in name
    }

    def imports(name: str):
        tree = ast.parse(files[name].read_text())
        package = name if files[name].name == "__init__.py" else name.rpartition(".")[0]
        todo = list(tree.body)
        while todo:
            node = todo.pop()
            if not deep and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(node, ast.Import):
                yield from (alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0]
                    base = f"{parent}.{base}".rstrip(".")
                yield base
                yield from (f"{base}.{alias.name}" for alias in node.names)
            todo.extend(ast.iter_child_nodes(node))

    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # a module's parent packages are imported first
            module = ".".join(parts[:i])
            if module in seen or (module not in files and module not in packages):
                continue
            seen.add(module)
            if module in files:
                todo.extend(imports(module))
    return seen & set(files)


def write_archive(out: Path) -> set[str]:
    """Our Python as two zips, compiled to bytecode (compile_zip), with deterministic bytes
    (fixed dates, sorted names): an unchanged build gives the same files.

    ARCHIVE holds the bytecode of the modules the first screen imports (first_screen()) as
    sourceless x.pyc files, one request at start-up; LATER_ARCHIVE holds every source file (for
    the Code panel, the notebook and tracebacks) and the other modules' bytecode beside their
    sources (__pycache__), fetched once the page is ready (boot.js, _rnn_later). Returns the
    names of the modules only LATER_ARCHIVE has."""
    members = archive_members()
    sources = io.BytesIO()
    with zipfile.ZipFile(sources, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name in sorted(members):
            put(z, name, members[name].read_bytes())
        for name, data in sorted(pyscript_sources(out).items()):
            put(z, "pyscript/" + name, data)
    first = first_screen()
    buffers = {ARCHIVE: io.BytesIO(), LATER_ARCHIVE: io.BytesIO()}
    now, later = (zipfile.ZipFile(buffers[name], "w") for name in (ARCHIVE, LATER_ARCHIVE))
    # With their bytecode beside them (compile_zip): nothing to compile in the browser.
    with zipfile.ZipFile(io.BytesIO(compile_zip(out, sources.getvalue(), "beside"))) as compiled:
        for info in compiled.infolist():
            data = compiled.read(info)
            if info.filename.startswith("pyscript/"):  # bytecode only: PyScript writes the source
                if info.filename.endswith(".pyc"):
                    put(now, info.filename, data)
                continue
            if not info.filename.endswith(".pyc"):
                put(later, info.filename, data)
                continue
            folder, _, file = info.filename.rpartition("/")
            source = (folder.removesuffix("__pycache__") + file.split(".")[0] + ".py").lstrip("/")
            if module_name(source) in first:
                put(now, source + "c", data)
            else:
                put(later, info.filename, data)
    now.close()
    later.close()
    for name, buffer in buffers.items():
        (out / name).write_bytes(buffer.getvalue())
    return {module_name(m) for m in members} - first


# PyScript's Python package, which PyScript writes into the page's folder at every start and
# Python then compiled from source (sys.dont_write_bytecode): the modules it imports before
# main.py runs. Their bytecode goes into ARCHIVE as pyscript/__pycache__/x.cpython-3XX.pyc.
PYSCRIPT_MODULES = """__init__ context display events fetch ffi flatted storage util websocket
    workers""".split()  # noqa: SIM905


def pyscript_sources(out: Path) -> dict[str, bytes]:
    """PyScript's own modules (PYSCRIPT_MODULES), read from the string literals of its core
    bundle, {"x.py": source}. A literal that does not read as JSON is left out (Python then
    compiles that module in the page, as before); the bytecode is checked against the source
    PyScript writes (COMPILE_MJS), so a wrong reading costs time, never behaviour."""
    found = {}
    for bundle in sorted((out / "vendor" / "pyscript").glob("core-*.js")):
        text = bundle.read_text()
        for name in PYSCRIPT_MODULES:
            match = re.search(rf'"{name}\.py":"((?:[^"\\]|\\.)*)"', text)
            if match:
                try:
                    found[name + ".py"] = json.loads(f'"{match[1]}"').encode()
                except ValueError:
                    continue
    return found


def stamped(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date and mode."""
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    return info


def put(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    archive.writestr(stamped(name), data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def write_pyscript_config(out: Path) -> None:
    """PyScript's config: the interpreter, the page's Python as one archive, no unused plugins.

    The interpreter is boot.js, which re-exports Pyodide's loadPyodide() and hands PyScript the
    runtime it started booting before PyScript itself had loaded. PyScript unpacks the archive
    ("*" destination: an archive extracted into the working directory) before main.py runs."""
    config = {
        "interpreter": "./boot.js",
        "files": {f"./{ARCHIVE}": "./*"},
        # Plugins the page never uses: leaving them out saves requests at start-up,
        # and "!error" keeps Python tracebacks off the page (the page shows its own message).
        "plugins": [
            "!error",
            "!codemirror",
            "!deprecations-manager",
            "!donkey",
            "!py-editor",
            "!py-game",
            "!py-terminal",
        ],
    }
    (out / "pyscript.json").write_text(json.dumps(config, indent=2) + "\n")
