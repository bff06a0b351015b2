"""Assemble the deployable site: site/ + rnn_py/ + the pinned, hash-checked browser runtime.

    python3 build.py            build into build/site (only when something changed)
    python3 build.py --force    rebuild from scratch
    python3 build.py serve      build if needed, then serve on http://127.0.0.1:8000/
    python3 build.py test       install what the tests need, build, run every test
    python3 build.py bench      build, then run the speed suite (bench/run.py)

The runtime comes from the npm registry by exact version (``npm pack``), is checked against
the sha512 integrity recorded below, and only the files the page actually requests are
copied, so the build folder is what a static host (GitHub Pages, a USB stick) serves.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "offline"))
from serve import Handler, make_server, serve  # noqa: E402, F401 - the bundle's server, reused

SITE = ROOT / "site"
OFFLINE = ROOT / "offline"
PACKAGE = ROOT / "rnn_py"
CACHE = ROOT / ".cache" / "npm"
BUILD = Path(os.environ.get("RNN_BUILD_DIR", ROOT / "build"))
OUT = BUILD / "site"
BUNDLE = BUILD / "rnn-demo-offline.zip"

# name -> (version, npm integrity, {file inside the tarball: destination in the build})
PINS = {
    "pyodide": (
        "314.0.7",
        "sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+SNvi/6V5JEsOlD2R1A==",
        {
            f"package/{name}": f"vendor/pyodide/{name}"
            for name in (
                "pyodide.mjs",
                "pyodide.asm.mjs",
                "pyodide.asm.wasm",
                "python_stdlib.zip",
                "pyodide-lock.json",
            )
        },
    ),
    "@pyscript/core": (
        "0.7.31",
        "sha512-GqM1aonc1N4RTkNZ1zJ8jJk8+i2cqeztZslPsAiQtn+wHHkUX9Z1FgIg4HjCvhBylB68UKmbTVTzOobpgPIMVQ==",
        {
            f"package/dist/{name}": f"vendor/pyscript/{name}"
            for name in (
                # core.js re-exports core-*.js, which loads the "py" script type on demand.
                "core.js",
                "core-C9KDLldu.js",
                "py-Dl-y4L1b.js",
                # Always imported, even when disabled ("!error" only keeps errors off the page).
                "error-D2315lOB.js",
            )
        },
    ),
    "uplot": (
        "1.6.32",
        "sha512-KIMVnG68zvu5XXUbC4LQEPnhwOxBuLyW1AHtpm6IKTXImkbLgkMy+jabjLgSLMasNuGGzQm/ep3tOkyTxpiQIw==",
        {
            "package/dist/uPlot.iife.min.js": "vendor/uplot/uPlot.iife.min.js",
            "package/dist/uPlot.min.css": "vendor/uplot/uPlot.min.css",
            "package/LICENSE": "vendor/uplot/LICENSE",
        },
    ),
}

# Test-only packages: fetched and checked the same way, never copied into the site.
TEST_PINS = {
    "axe-core": (
        "4.11.0",
        "sha512-ilYanEU8vxxBexpJd8cWM4ElSQq4QctCLKih0TSfjIfCQTeyH/6zVrmIJfLPrKTKJRbiG+cfnZbQIjAlJmF1jQ==",
        {"package/axe.min.js": "axe.min.js"},
    ),
}


def integrity(path: Path) -> str:
    """The npm-style sha512 integrity string of a file."""
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def fetch(name: str, version: str, expected: str) -> Path:
    """Download name@version from the npm registry once, check its hash, return the tarball."""
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not tarball.exists():
        print(f"fetching {name}@{version} ...", flush=True)
        out = subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(CACHE)],
            check=True,
            capture_output=True,
            text=True,
        )
        packed = CACHE / json.loads(out.stdout)[0]["filename"]
        packed.replace(tarball)
    actual = integrity(tarball)
    if actual != expected:
        tarball.unlink()
        sys.exit(f"build.py: {name}@{version} failed its integrity check ({actual}); refusing it.")
    return tarball


def extract(pins: dict, dest: Path) -> None:
    """Copy the pinned files out of each package's tarball into dest."""
    for name, (version, expected, files) in pins.items():
        with tarfile.open(fetch(name, version, expected)) as tar:
            for member, target in files.items():
                data = tar.extractfile(member)
                if data is None:
                    sys.exit(f"build.py: {member} is missing from {name}@{version}")
                path = dest / target
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data.read())


def package_files() -> list[Path]:
    """The rnn_py sources the browser needs (no caches, no CLI-only files are excluded)."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def page_modules() -> list[Path]:
    """The page's Python modules other than main.py (which PyScript loads itself)."""
    return sorted(
        p for p in SITE.rglob("*.py") if p.name != "main.py" and "__pycache__" not in p.parts
    )


def inputs_digest() -> str:
    """A hash of everything the build is made from: it names the build and its cache."""
    h = hashlib.sha256()
    h.update(json.dumps({**PINS, **TEST_PINS}, sort_keys=True).encode())
    h.update(Path(__file__).read_bytes())
    for path in sorted(SITE.rglob("*")) + sorted(OFFLINE.rglob("*")) + package_files():
        if path.is_file():
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


ARCHIVE = "rnn-page.zip"  # the first screen's Python, as bytecode, unpacked by PyScript at start
LATER_ARCHIVE = "rnn-page-later.zip"  # every source file, and the modules imported later
# PyScript compiles the source of the script it runs (main.py) in the browser at every start,
# about 0.1–0.4 s for ours; so site/main.py ships compiled in the archive as MAIN_MODULE, and
# the main.py the page loads is this one line.
MAIN_MODULE = "page_main"
MAIN_STUB = f"""# build.py: site/main.py runs as {MAIN_MODULE}.py, compiled in {ARCHIVE}.
import {MAIN_MODULE}  # noqa: F401
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


# The standard-library modules a session of the page imports (Pyodide's and PyScript's start,
# main.py and every panel, read from sys.modules in the page). write_stdlib() adds whatever our
# own Python imports by name, so a new import in our code is never left out.
STDLIB_USED = """
    __future__ _collections_abc _colorize _opcode_metadata _py_warnings _pyodide
    _pyodide._base _pyodide._core_docs _pyodide._future_helper _pyodide._importhook
    _pyodide.docs_argspec _pyodide.docstring _pyodide.jsbind _sitebuiltins _ssl _weakrefset
    abc annotationlib ast asyncio asyncio.base_events asyncio.base_futures
    asyncio.base_subprocess asyncio.base_tasks asyncio.constants asyncio.coroutines
    asyncio.events asyncio.exceptions asyncio.format_helpers asyncio.futures asyncio.graph
    asyncio.locks asyncio.log asyncio.mixins asyncio.protocols asyncio.queues asyncio.runners
    asyncio.selector_events asyncio.sslproto asyncio.staggered asyncio.streams
    asyncio.subprocess asyncio.taskgroups asyncio.tasks asyncio.threads asyncio.timeouts
    asyncio.transports asyncio.trsock asyncio.unix_events base64 bisect bz2 codecs codeop
    collections collections.abc compression compression._common compression._common._streams
    compression.zstd compression.zstd._zstdfile concurrent concurrent.futures
    concurrent.futures._base contextlib contextvars copy copyreg dataclasses dis encodings
    encodings.aliases encodings.ascii encodings.cp437 encodings.latin_1 encodings.utf_8 enum
    fnmatch functools genericpath glob heapq html importlib importlib._abc
    importlib._bootstrap importlib._bootstrap_external importlib.abc importlib.machinery
    importlib.util inspect io json json.decoder json.encoder json.scanner keyword
    linecache locale logging lzma ntpath opcode operator os pathlib pathlib._os posixpath
    pyodide pyodide._package_loader pyodide._state pyodide.code pyodide.common pyodide.ffi
    pyodide.webloop random re re._casefix re._compiler re._constants re._parser reprlib
    selectors shutil signal site socket ssl stat string struct subprocess tempfile textwrap
    threading token tokenize traceback types typing urllib urllib.parse warnings weakref
    zipfile zipfile._path zipfile._path.glob zipimport
""".split()  # noqa: SIM905 - a block of names reads better than a list literal
STDLIB = "vendor/pyodide/python_stdlib.zip"  # Pyodide's whole standard library, as shipped
STDLIB_PAGE = "vendor/pyodide/stdlib-page.zip"  # only what the page imports (boot.js loads it)

# Installed by boot.js right after the runtime boots (import _stdlib_net): an import of a module
# the small archive left out finds it in the whole one, fetched once, on the first such import.
STDLIB_NET = '''"""The standard-library modules stdlib-page.zip leaves out (build.py wrote this).

On the first import of one, boot.js's _stdlib_full.load() fetches Pyodide's whole
python_stdlib.zip once into FULL; every left-out module is then imported from there.
"""

import sys
from importlib.machinery import PathFinder

FULL = "/lib/python_stdlib_full.zip"
LEFT_OUT = frozenset(__LEFT_OUT__)


class WholeStdlib:
    loaded = False

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in LEFT_OUT:
            return None
        if not cls.loaded:
            import _stdlib_full

            try:
                _stdlib_full.load(FULL)
            except Exception as error:
                raise ImportError(f"{name} could not be loaded: {error}", name=name) from None
            cls.loaded = True
        parent = name.rpartition(".")[0]
        return PathFinder.find_spec(name, [FULL + ("/" + parent.replace(".", "/")) * bool(parent)])


sys.meta_path.append(WholeStdlib)
'''


# Installed by boot.js beside _stdlib_net: our modules the first screen does not import are in
# LATER_ARCHIVE, which boot.js fetches once the page is ready and idle (then calls arrived());
# importing one before that fetches it at once, synchronously (_rnn_later_js.load, boot.js).
RNN_LATER = '''"""Our modules in rnn-page-later.zip, and every source file (build.py wrote this).

rnn-page.zip holds only the bytecode (x.pyc) of the modules the page imports at start-up;
rnn-page-later.zip holds the other modules and the source of all of them, unpacked into the
same folder once the page is idle, or on the first import of one of its modules.
"""

import os
import shutil
import sys
from importlib.machinery import FileFinder, PathFinder
from importlib.util import cache_from_source

LATER = frozenset(__LATER__)
loaded = False
_waiting = []


def arrived(root):
    """rnn-page-later.zip is unpacked in root: each first-screen module's bytecode x.pyc moves
    beside its source, to __pycache__, where Python looks for it now that x.py is there."""
    global loaded
    if loaded:
        return
    pyscript = os.path.join(root, "pyscript")
    if not os.path.exists(os.path.join(pyscript, "__init__.py")):  # no PyScript (the console's
        shutil.rmtree(pyscript, ignore_errors=True)  # worker): no stray package of its bytecode
    for folder, _, names in os.walk(root):
        for name in names:
            source = os.path.join(folder, name[:-1])
            if name.endswith(".pyc") and os.path.exists(source):
                cached = cache_from_source(source)
                os.makedirs(os.path.dirname(cached), exist_ok=True)
                os.replace(source + "c", cached)
    for finder in list(sys.path_importer_cache.values()):  # they may have listed the folder
        if isinstance(finder, FileFinder):
            finder.invalidate_caches()
    loaded = True
    while _waiting:
        _waiting.pop(0)()


def when_loaded(callback):
    """Call callback() once rnn-page-later.zip is in (at once if it is)."""
    if loaded:
        callback()
    else:
        _waiting.append(callback)


class Later:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if loaded or name not in LATER:
            return None
        import _rnn_later_js

        try:
            root = _rnn_later_js.load()
        except Exception as error:
            raise ImportError(f"{name} could not be loaded: {error}", name=name) from None
        arrived(root)
        return PathFinder.find_spec(name, path)


sys.meta_path.append(Later)
'''


def trim_lock_file(out: Path) -> None:
    """Pyodide's lock file lists its 350-odd packages (0.12 MB); the page installs none, so the
    build keeps only its header (Pyodide checks the ABI version in it) and no packages."""
    lock = out / "vendor" / "pyodide" / "pyodide-lock.json"
    info = json.loads(lock.read_text())["info"]
    lock.write_text(json.dumps({"info": info, "packages": {}}) + "\n")


# Imports moved into the one function that needs them, so that these modules are left out like
# any unused module. PyScript imports html (for html.escape), whose module-level import of
# html.entities (a 0.04 MB table) only html.unescape reads; rnn_py.page.state imports urllib.parse
# (parse_qsl, quote), whose import of ipaddress (0.02 MB gzip, about 10 ms at every start in the
# page) only a bracketed host in urlsplit() needs.
LAZY_IMPORTS = {
    "html/__init__.py": (
        "from html.entities import html5 as _html5\n",
        "def _replace_charref(s):\n",
        "    from html.entities import html5 as _html5  # build.py: imported when first needed\n",
    ),
    "urllib/parse.py": (
        "import ipaddress\n",
        "def _check_bracketed_host(hostname):\n",
        "    import ipaddress  # build.py: imported when first needed\n",
    ),
}


def lazy_import(filename: str, data: bytes) -> bytes:
    """filename's source with LAZY_IMPORTS's module-level import moved into its function."""
    line, function, local = LAZY_IMPORTS[filename]
    text = data.decode()
    if text.count(line) != 1 or text.count(function) != 1:
        sys.exit(f"build.py: {filename} changed; update LAZY_IMPORTS (or leave it out)")
    return text.replace(line, "").replace(function, function + local).encode()


def imported_names(path: Path) -> set[str]:
    """Every module name a Python file imports (at any depth; absolute imports only)."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def write_stdlib(out: Path, later: set[str]) -> None:
    """stdlib-page.zip: the standard-library modules the page imports (STDLIB_USED, every name
    the page's own Python imports, and their parent packages), plus the finders above: for the
    rest of the library, and for our modules in LATER_ARCHIVE (`later`, from write_archive).
    Our modules the page never imports (the command line's: argparse, statistics) do not count."""
    wanted = set(STDLIB_USED)
    members = {module_name(m): path for m, path in archive_members().items()}
    roots = [MAIN_MODULE, *(module_name(p.relative_to(SITE).as_posix()) for p in page_modules())]
    for name in first_screen(roots, deep=True):
        wanted |= imported_names(members[name])
    wanted |= {n.rsplit(".", i)[0] for n in list(wanted) for i in range(1, n.count(".") + 1)}
    kept, left_out = [], set()
    with zipfile.ZipFile(out / STDLIB) as whole:
        packages = {n[:-11] for n in whole.namelist() if n.endswith("/__init__.py")}  # a/b/
        for info in whole.infolist():
            if info.is_dir() or not info.filename.endswith(".py"):
                # Folders and the few small data files, but none inside a package left out:
                # zipimport would take its folder for an empty namespace package and import that
                # (no __init__ run) instead of letting _stdlib_net find the real one.
                parts = info.filename.rstrip("/").split("/")
                folders = ("/".join(parts[:i]) + "/" for i in range(1, len(parts) + info.is_dir()))
                if all(f not in packages or f[:-1].replace("/", ".") in wanted for f in folders):
                    kept.append(info)
                continue
            name = info.filename[:-3].replace("/", ".").removesuffix(".__init__")
            if name in wanted:
                kept.append(info)
            else:
                left_out.add(name)
        sources = io.BytesIO()
        with zipfile.ZipFile(sources, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for info in kept:
                data = whole.read(info)
                if info.filename in LAZY_IMPORTS:
                    data = lazy_import(info.filename, data)
                z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            info = zipfile.ZipInfo("_stdlib_net.py", date_time=(2020, 1, 1, 0, 0, 0))
            net = STDLIB_NET.replace("__LEFT_OUT__", repr(sorted(left_out)))
            z.writestr(info, net, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            put(z, "_rnn_later.py", RNN_LATER.replace("__LATER__", repr(sorted(later))))
    (out / STDLIB_PAGE).write_bytes(compile_zip(out, sources.getvalue(), "replace"))


# Compiles Python to bytecode with the page's own Python (Pyodide run by Node.js, which npm
# brings along), so the browser skips compiling some 170 modules from source at every start.
# Unchecked hash-based .pyc files (PEP 552): no timestamps involved. "replace" turns each .py
# into a .pyc (the standard library, imported from its zip), leaving out the modules frozen
# into the runtime, which Python never imports from the zip; "beside" keeps each .py and adds
# __pycache__/<name>.cpython-3XX.pyc (our archive, unpacked into PyScript's folder: the source
# stays for tracebacks and for showing code).
COMPILE_MJS = """
const [indexURL, work, mode] = process.argv.slice(2);
const { loadPyodide } = await import(indexURL + "pyodide.mjs");
// PYTHONNODEBUGRANGES (python -X no_debug_ranges): the bytecode keeps line numbers but not the
// column ranges of every instruction, which only underline the failing expression in a
// traceback; they are a quarter of the compressed standard library.
const pyodide = await loadPyodide({ indexURL, env: { PYTHONNODEBUGRANGES: "1" } });
pyodide.FS.mkdir("/work");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: work }, "/work");
pyodide.globals.set("mode", mode);
pyodide.runPython(`
import _imp, importlib.util, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

prefix = "/lib/python%d%d.zip/" % sys.version_info[:2] if mode == "replace" else "/home/pyodide/"
# importlib/__init__ takes these two from the frozen modules of the same code, under these names.
FROZEN_AS = {"importlib._bootstrap": "_frozen_importlib",
             "importlib._bootstrap_external": "_frozen_importlib_external"}
with zipfile.ZipFile("/work/in.zip") as src, zipfile.ZipFile("/work/out.zip", "w") as out:
    for info in src.infolist():
        data = src.read(info)
        name = info.filename[:-3].replace("/", ".").removesuffix(".__init__")
        frozen = FROZEN_AS.get(name, name)
        if mode == "replace" and info.filename.endswith(".py") and _imp.is_frozen(frozen):
            continue  # frozen into the runtime itself (os, io, site, ...): never read from a zip
        if info.filename.endswith(".py"):
            # The standard library without docstrings and asserts (optimize=2; our own code keeps
            # its docstrings, which the Code panel and the notebook show).
            level = 2 if mode == "replace" else -1
            code = compile(data, prefix + info.filename, "exec", dont_inherit=True, optimize=level)
            # PyScript's own package (build.py: pyscript_sources) is checked against the
            # source PyScript writes at start: any difference, and Python compiles that instead.
            checked = info.filename.startswith("pyscript/")
            pyc = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked))
            if mode == "beside":
                out.writestr(info, data, zipfile.ZIP_DEFLATED, 9)
                name = importlib.util.cache_from_source(info.filename)
            else:
                name = info.filename + "c"
            info, data = zipfile.ZipInfo(name, info.date_time), pyc
        out.writestr(info, data, zipfile.ZIP_DEFLATED, 9)
`);
"""


def compile_zip(out: Path, sources: bytes, mode: str) -> bytes:
    """The zip `sources` with its .py files compiled by Pyodide's own Python (see COMPILE_MJS),
    cached by content; the sources unchanged, with a note, when Node.js cannot run it."""
    key = hashlib.sha256(sources + COMPILE_MJS.encode() + (PINS["pyodide"][0] + mode).encode())
    cached = CACHE.parent / "pyc" / f"{mode}-{key.hexdigest()[:16]}.zip"
    if cached.exists():
        return cached.read_bytes()
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "in.zip").write_bytes(sources)
        (Path(work) / "compile.mjs").write_text(COMPILE_MJS)
        index = (out / "vendor" / "pyodide").as_posix() + "/"
        try:
            subprocess.run(
                ["node", str(Path(work) / "compile.mjs"), index, work, mode],
                check=True,
                capture_output=True,
                timeout=600,
            )
        except (OSError, subprocess.SubprocessError) as error:
            print(f"build.py: shipping Python source, not bytecode ({error})", flush=True)
            return sources
        compiled = (Path(work) / "out.zip").read_bytes()
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(compiled)
    return compiled


def write_initial_view(out: Path) -> None:
    """Put the default view's snapshot, computed here by rnn_py on CPython, into index.html.

    js/index.js paints it as soon as it runs, when the address holds no settings, so a cold
    visit shows real numbers long before Python is ready in the browser; Python's own first
    paint then replaces it with the same numbers (tests/test_site_initial.py checks both).
    The JSON sits in a <script type="application/json"> block, which is data, never run."""
    from rnn_py.page.state import from_query
    from rnn_py.page.view import History, snapshot_json

    state, notices = from_query("")  # exactly what page.start() reads from an empty address
    data = snapshot_json(state, History(), running=None, status="", status_warn=False,
                         notices=tuple(notices))  # fmt: skip
    data = data.replace("<", "\\u003c")  # nothing inside can close the <script> block
    page = out / "index.html"
    html = page.read_text()
    if html.count("</body>") != 1:
        sys.exit("build.py: index.html needs exactly one </body> for the initial view")
    block = f'<script type="application/json" id="initial-view">{data}</script>\n'
    page.write_text(html.replace("</body>", block + "</body>"))


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
    stamp.write_text(version + "\n")
    write_service_worker(OUT, version)
    write_bundle(OUT, BUNDLE)
    shutil.copy2(BUNDLE, OUT / BUNDLE.name)  # linked from the page; not in the offline cache
    print(f"built {OUT} (version {version})")  # OUT may lie outside ROOT (RNN_BUILD_DIR)
    return OUT


def test_assets() -> Path:
    """Fetch the test-only packages (axe-core) into build/test-assets and return that folder."""
    dest = BUILD / "test-assets"
    extract(TEST_PINS, dest)
    return dest


def chromium_path() -> str | None:
    """Debian's Chromium, which the browser tests drive (Playwright cannot download one here)."""
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


# Debian's browsers the tests drive, by the program each package provides: Chromium (Playwright),
# Firefox ESR (over WebDriver BiDi) and WebKitGTK, Safari's engine (WebKitWebDriver under Xvfb).
BROWSER_PACKAGES = {
    "chromium": "chromium",
    "firefox-esr": "firefox-esr",
    "WebKitWebDriver": "webkit2gtk-driver",
    "Xvfb": "xvfb",
}
LOCALE = "en_US.UTF-8"  # WebKit's Intl rejects the C locale's language tag (tests/test_engines.py)


def has_locale(name: str) -> bool:
    listed = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    return name.lower().replace("-", "") in {n.lower().replace("-", "") for n in listed}


def install_browsers() -> None:
    """Install the browsers above from Debian (as root) when missing, and the en_US locale."""
    missing = [pkg for prog, pkg in BROWSER_PACKAGES.items() if shutil.which(prog) is None]
    if missing:
        if os.geteuid() != 0:
            sys.exit(
                "build.py: the browser tests need: sudo apt-get install -y " + " ".join(missing)
            )
        print(f"installing Debian's {', '.join(missing)} ...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "locales", *missing], check=True, env=env
        )
    if not has_locale(LOCALE) and os.geteuid() == 0:
        if shutil.which("localedef") is None:
            subprocess.run(["apt-get", "install", "-y", "-qq", "locales"], check=True)
        subprocess.run(["localedef", "-i", "en_US", "-c", "-f", "UTF-8", LOCALE], check=True)


def test(pytest_args: list[str]) -> int:
    """Set up everything the tests need on a fresh machine, then run them all."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    print("installing test requirements ...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *extras["test"],
        ],
        check=True,
    )
    install_browsers()
    build()
    test_assets()
    # Browser tests mostly wait for a page to boot, so three workers share two cores well.
    workers = [] if any(a == "-n" or a.startswith("-n") for a in pytest_args) else ["-n", "3"]
    code = subprocess.run(
        [sys.executable, "-m", "pytest", *workers, *pytest_args], cwd=ROOT
    ).returncode
    if code == 5:
        print("build.py: pytest collected no tests; that is a failure.", file=sys.stderr)
        return 1
    return code


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "command", nargs="?", choices=["build", "serve", "test", "bench"], default="build"
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--port", type=int, default=8000)
    args, rest = parser.parse_known_args(argv)
    if args.command == "test":
        sys.exit(test(rest))
    if args.command == "bench":  # the speed suite (bench/run.py); extra arguments go to it
        sys.exit(subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), *rest]).returncode)
    if rest:
        parser.error("unrecognised arguments: " + " ".join(rest))
    out = build(force=args.force)
    if args.command == "serve":
        serve(out, port=args.port)
    else:
        print(f"offline bundle: {BUNDLE}")


if __name__ == "__main__":
    main()
