"""CodeMirror 6 in the build, for the Exercises panel's editor: the pinned packages' ES modules
copied into vendor/codemirror/ with their imports of each other made relative, so a browser
loads them as they are, with no bundler and no import map."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .runtime import EDITOR_PINS, extract

FOLDER = "vendor/codemirror"

# The module specifier of a static import or re-export at the start of a line (the packages'
# dist files put every one there, a multi-line `import {\n a,\n b\n} from "x"` included), and of
# a dynamic import("x") anywhere.
STATIC = re.compile(
    r"""^(?P<head>(?:import|export)\b[^;'"]*?\bfrom\s*|import\s*)(?P<q>['"])(?P<spec>[^'"]+)(?P=q)""",
    re.M,
)
DYNAMIC = re.compile(r"""(?P<head>\bimport\(\s*)(?P<q>['"])(?P<spec>[^'"]+)(?P=q)""")


def relative_imports(source: str, modules: dict[str, str]) -> str:
    """Rewrite the bare import specifiers of an ES module's source to the files in `modules`
    ({"@codemirror/state": "./state.js", ...}); relative and absolute ones stay as they are.
    A bare specifier not in `modules` raises ValueError: the browser could not load it.

    >>> relative_imports("import { a } from '@x/y';", {"@x/y": "./y.js"})
    "import { a } from './y.js';"
    """

    def swap(match: re.Match) -> str:
        spec = match["spec"]
        if spec.startswith(("./", "../", "/")):
            return match[0]
        if spec not in modules:
            raise ValueError(f"a module imports {spec!r}, which is not vendored")
        return f"{match['head']}{match['q']}{modules[spec]}{match['q']}"

    return DYNAMIC.sub(swap, STATIC.sub(swap, source))


def module_files(pins: dict = EDITOR_PINS) -> dict[str, str]:
    """Each pinned package's module, by package name: {"@codemirror/state": "state.js", ...}."""
    files = {}
    for name, (_, _, members) in pins.items():
        (target,) = (t for t in members.values() if t.endswith(".js"))
        files[name] = target.removeprefix(FOLDER + "/")
    return files


def vendor_editor(out: Path) -> list[Path]:
    """Copy CodeMirror into out/vendor/codemirror/ (checked against its pins) with relative
    imports; return the module files."""
    extract(EDITOR_PINS, out)
    files = module_files()
    specifiers = {name: "./" + file for name, file in files.items()}
    paths = [out / FOLDER / file for file in files.values()]
    for path in paths:
        try:
            path.write_text(relative_imports(path.read_text(), specifiers))
        except ValueError as error:
            sys.exit(f"build.py: {path.name}: {error}")
    return paths
