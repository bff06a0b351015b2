"""python3 build.py i18n: every visible string into locale/messages.pot, merged into each .po.

Like xgettext + msgmerge, in the standard library: the units and attributes of site/index.html
(buildsite/htmlunits.py); _("…"), N_("…") and ngettext("…", "…", n) with literal arguments
in rnn_py/ and site/**/*.py (ast); t("…") and tn("…", "…", …) in site/**/*.js. The merge
keeps the translation of every msgid still present, adds new ones empty and drops gone ones.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from . import htmlunits
from .paths import PACKAGE, ROOT, SITE
from .po import LANGUAGES, Entry, header, mismatches, read_po, write_po

LOCALE = ROOT / "locale"
TEMPLATE = LOCALE / "messages.pot"
PY_CALLS = {"_": 1, "N_": 1, "ngettext": 2}
BRACE = re.compile(r"\{\w*\}")  # a str.format placeholder: the python-brace-format flag
# t("…") / tn("…", "…": a JS string literal (no template literals: they would hide values)
_JS_STRING = r"(\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')"
JS_CALL = re.compile(rf"(?<![\w.$])(tn?)\(\s*{_JS_STRING}(?:\s*,\s*{_JS_STRING})?")
_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}


def _js_literal(text: str) -> str:
    def escape(m: re.Match) -> str:
        c = m.group(1)
        if c[0] == "u":
            return chr(int(c[2:-1] if c[1] == "{" else c[1:], 16))
        if c[0] == "x":
            return chr(int(c[1:], 16))
        return _JS_ESCAPES.get(c, c)

    return re.sub(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", escape, text[1:-1])


Found = tuple[str, str, str]  # (msgid, msgid_plural or "", "path:line")


def from_python(path: Path) -> list[Found]:
    found = []
    rel = path.relative_to(ROOT).as_posix()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = getattr(func, "id", None) or getattr(func, "attr", "")  # _(…) or i18n._(…)
        want = PY_CALLS.get(name)
        if not want or len(node.args) < want:
            continue
        args = node.args[:want]
        if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            texts = [a.value for a in args]  # type: ignore[attr-defined]
            found.append((texts[0], texts[1] if want == 2 else "", f"{rel}:{node.lineno}"))
    return found


def from_js(path: Path) -> list[Found]:
    text = path.read_text()
    rel = path.relative_to(ROOT).as_posix()
    found = []
    for m in JS_CALL.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        plural = _js_literal(m.group(3)) if m.group(1) == "tn" and m.group(3) else ""
        if m.group(1) == "tn" and not plural:
            continue
        found.append((_js_literal(m.group(2)), plural, f"{rel}:{line}"))
    return found


def from_html(path: Path) -> list[Found]:
    rel = path.relative_to(ROOT).as_posix()
    return [(m.msgid, "", f"{rel}:{m.line}") for m in htmlunits.messages(path.read_text())]


def sources() -> list[Path]:
    python = sorted(PACKAGE.rglob("*.py")) + sorted(SITE.rglob("*.py"))
    js = [p for p in sorted(SITE.rglob("*.js")) if p.name != "i18n.js"]
    return [SITE / "index.html", *[p for p in python + js if "__pycache__" not in p.parts]]


def extract() -> list[Entry]:
    """Every message of the sources, in the order first met, with all their references."""
    entries: dict[str, Entry] = {}
    for path in sources():
        reader = {".html": from_html, ".py": from_python}.get(path.suffix, from_js)
        for msgid, plural, ref in reader(path):
            if not msgid.strip():
                continue
            entry = entries.get(msgid)
            if entry is None:
                entry = entries[msgid] = Entry(msgid)
            if plural and not entry.msgid_plural:
                entry.msgid_plural = plural
                entry.msgstr = ["", ""]
            if ref not in entry.references:
                entry.references.append(ref)
    for entry in entries.values():
        if BRACE.search(entry.msgid) or BRACE.search(entry.msgid_plural):
            entry.flags = ["python-brace-format"]
    return list(entries.values())


def nplurals(plural_forms: str) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", plural_forms)
    return int(match.group(1)) if match else 2


def merge(template: list[Entry], old: list[Entry], forms: int) -> list[Entry]:
    """The template's entries with old's translations kept where the msgid is unchanged."""
    known = {(e.msgid, e.msgid_plural): e for e in old}
    by_id = {e.msgid: e for e in old}
    merged = []
    for t in template:
        e = Entry(t.msgid, t.msgid_plural, references=list(t.references), flags=list(t.flags))
        before = known.get((t.msgid, t.msgid_plural)) or by_id.get(t.msgid)
        if t.msgid_plural:
            e.msgstr = [""] * forms
            if before and before.msgid_plural:
                e.msgstr = (before.msgstr + [""] * forms)[:forms]
        else:
            e.msgstr = [""]
            if before and not before.msgid_plural:
                e.msgstr = [before.msgstr[0]]
        if before:
            e.comments = list(before.comments)
        merged.append(e)
    return merged


def update(locale: Path = LOCALE) -> list[Path]:
    """Write messages.pot and merge it into every language's .po; return the files changed."""
    template = extract()
    locale.mkdir(exist_ok=True)
    written = {locale / "messages.pot": write_po(header(), template)}
    for lang, (_name, plural_forms) in LANGUAGES.items():
        path = locale / f"{lang}.po"
        old_header, old = read_po(path.read_text()) if path.exists() else ("", [])
        entries = merge(template, old, nplurals(plural_forms))
        written[path] = write_po(old_header or header(lang, plural_forms), entries)
    changed = []
    for path, text in written.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(path)
    return changed


def _without_lines(po_text: str) -> str:
    """A catalogue's text with its references cut to the file ("site/main.py:447" becomes
    "site/main.py"), so an edit that only moves a message to another line is not staleness."""
    return re.sub(r"(?m)^(#: .*?):\d+$", r"\1", po_text)


def stale() -> bool:
    """Whether messages.pot lacks a message, a plural, a flag or a file the sources give now
    (build.py i18n not run). Line numbers alone may lag: they are refreshed by the next run."""
    if not TEMPLATE.exists():
        return True
    return _without_lines(TEMPLATE.read_text()) != _without_lines(write_po(header(), extract()))


def check(locale: Path = LOCALE) -> list[str]:
    """Every translation that drops or adds a numbered tag, a {placeholder} or a figure marker,
    or whose .po is not merged with the template, as "xx.po: what is wrong"."""
    problems = []
    template = {e.msgid for e in read_po(TEMPLATE.read_text())[1]} if TEMPLATE.exists() else set()
    for lang in LANGUAGES:
        path = locale / f"{lang}.po"
        if not path.exists():
            problems.append(f"{path.name}: missing (run python3 build.py i18n)")
            continue
        _header, entries = read_po(path.read_text())
        if {e.msgid for e in entries} != template:
            problems.append(f"{path.name}: not merged with messages.pot (python3 build.py i18n)")
        problems += [f"{path.name}: {p}" for e in entries for p in mismatches(e)]
    return problems
