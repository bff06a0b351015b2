"""Our Python and the standard library compiled to bytecode by the page's own Python."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from .paths import CACHE
from .runtime import PINS

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
