"""buildsite/editor.py: the bare import specifiers of CodeMirror's ES modules become relative
paths to the vendored files (CPython only)."""

from __future__ import annotations

import pytest

from buildsite.editor import module_files, relative_imports
from buildsite.runtime import EDITOR_PINS

FILES = {"@codemirror/state": "./state.js", "style-mod": "./style-mod.js", "crelt": "./crelt.js"}


def test_static_imports_and_re_exports_are_rewritten():
    source = (
        "import { EditorState, Facet } from '@codemirror/state';\n"
        'import {\n  StyleModule\n} from "style-mod";\n'
        "export { Text } from '@codemirror/state';\n"
        'import "crelt";\n'
        "export * from './own.js';\n"
    )
    assert relative_imports(source, FILES) == (
        "import { EditorState, Facet } from './state.js';\n"
        'import {\n  StyleModule\n} from "./style-mod.js";\n'
        "export { Text } from './state.js';\n"
        'import "./crelt.js";\n'
        "export * from './own.js';\n"
    )


def test_dynamic_imports_are_rewritten_and_other_text_is_left_alone():
    source = (
        "const m = await import('crelt');\n"
        '// a grammar may say `@context name from "module"` in a comment\n'
        "let s = \"import x from 'crelt'\";\n"
    )
    out = relative_imports(source, FILES)
    assert out.splitlines()[0] == "const m = await import('./crelt.js');"
    assert out.splitlines()[1:] == source.splitlines()[1:]


def test_an_unknown_bare_specifier_is_refused():
    with pytest.raises(ValueError, match="'@codemirror/view'"):
        relative_imports("import { EditorView } from '@codemirror/view';\n", FILES)


def test_every_pinned_package_has_one_module_and_its_licence():
    files = module_files()
    assert set(files) == set(EDITOR_PINS)
    assert len(set(files.values())) == len(files)
    for name, (version, integrity, members) in EDITOR_PINS.items():
        assert integrity.startswith("sha512-") and version.count(".") == 2, name
        assert "package/LICENSE" in members, name
