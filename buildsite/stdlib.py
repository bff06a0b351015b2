"""The standard library the page ships: only what it imports (stdlib-page.zip), finders for the
rest and for our later modules, and Pyodide's lock file without its packages."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

from .archives import (
    MAIN_MODULE,
    archive_members,
    first_screen,
    module_name,
    page_modules,
    put,
)
from .paths import SITE
from .pyc import compile_zip

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
