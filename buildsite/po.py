"""gettext PO files, read and written with the standard library: the message catalogues.

locale/messages.pot is the template (every msgid, empty msgstr); locale/<lang>.po holds one
language's translations. An Entry is one message: msgid (the English), msgid_plural for a
count, msgstr (one string, or one per plural form), the #: references and the #, flags.
The languages are listed once, in rnn_py.i18n.LANGUAGES (see README, Languages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rnn_py.i18n import LANGUAGES as _ALL
from rnn_py.i18n import PSEUDO  # noqa: F401 - the pseudo-locale, made by buildsite/pseudo.py

# code: (the language's name in itself, Plural-Forms): each has a locale/<code>.po. The list
# is rnn_py.i18n.LANGUAGES; English is the source, with no .po.
LANGUAGES = {code: value for code, value in _ALL.items() if code != "en"}
PSEUDO_PLURALS = "nplurals=2; plural=(n != 1);"

PROJECT = "rnn-step-by-step"


@dataclass
class Entry:
    msgid: str
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=lambda: [""])
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # translator comments ("# …"), kept

    @property
    def translated(self) -> bool:
        return any(self.msgstr)


def header(language: str = "", plural_forms: str = "nplurals=2; plural=(n != 1);") -> str:
    return (
        f"Project-Id-Version: {PROJECT}\n"
        f"Language: {language}\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        f"Plural-Forms: {plural_forms}\n"
    )


def header_field(text: str, name: str) -> str:
    """One field of a PO header ("" when absent)."""
    match = re.search(rf"^{re.escape(name)}:\s*(.*)$", text, re.M)
    return match.group(1).strip() if match else ""


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b"}


def quote(text: str) -> str:
    return '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'


def unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a PO string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def _pieces(text: str) -> list[str]:
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _field_lines(keyword: str, text: str) -> list[str]:
    """keyword "text", split after each \\n like msgmerge, so long messages stay readable."""
    pieces = _pieces(text)
    if len(pieces) <= 1:
        return [f"{keyword} {quote(text)}"]
    return [f'{keyword} ""'] + [quote(p) for p in pieces]


def write_po(header_text: str, entries: list[Entry]) -> str:
    """The PO text: the header entry, then entries in the order given."""
    out = ['msgid ""', 'msgstr ""', *[quote(p) for p in _pieces(header_text)]]
    for e in entries:
        out.append("")
        out += ["# " + c if c else "#" for c in e.comments]
        out += ["#: " + r for r in e.references]
        if e.flags:
            out.append("#, " + ", ".join(e.flags))
        out += _field_lines("msgid", e.msgid)
        if e.msgid_plural:
            out += _field_lines("msgid_plural", e.msgid_plural)
            for i, s in enumerate(e.msgstr):
                out += _field_lines(f"msgstr[{i}]", s)
        else:
            out += _field_lines("msgstr", e.msgstr[0] if e.msgstr else "")
    return "\n".join(out) + "\n"


def read_po(text: str) -> tuple[str, list[Entry]]:
    """(header, entries) of a PO file; obsolete (#~) entries are dropped."""
    entries: list[Entry] = []
    header_text = ""
    current: Entry | None = None
    key = ""
    values: dict[str, str] = {}
    pending: dict[str, list[str]] = {"comments": [], "references": [], "flags": []}

    def finish() -> None:
        nonlocal current, header_text
        if current is None:
            return
        current.msgid = values.get("msgid", "")
        current.msgid_plural = values.get("msgid_plural", "")
        if current.msgid_plural:
            forms = sorted((int(k[7:-1]), v) for k, v in values.items() if k.startswith("msgstr["))
            current.msgstr = [v for _, v in forms] or ["", ""]
        else:
            current.msgstr = [values.get("msgstr", "")]
        if current.msgid == "" and not current.msgid_plural:
            header_text = current.msgstr[0]
        else:
            entries.append(current)
        current = None
        values.clear()

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and "msgid" in values:
                finish()
            if line.startswith("#:"):
                pending["references"] += line[2:].split()
            elif line.startswith("#,"):
                pending["flags"] += [f.strip() for f in line[2:].split(",") if f.strip()]
            elif line.startswith("# ") or line == "#":
                pending["comments"].append(line[2:])
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if match:
            key = match.group(1)
            if key in ("msgid", "msgctxt") and current is not None and "msgid" in values:
                finish()
            if current is None:
                current = Entry("", **{k: v for k, v in pending.items()})
                pending = {"comments": [], "references": [], "flags": []}
            values[key] = unquote(match.group(2))
        elif line.startswith('"') and key:
            values[key] += unquote(line)
        else:
            raise ValueError(f"line {number}: cannot read {raw!r}")
    finish()
    return header_text, entries


# What a translation must carry over unchanged: numbered tags, {placeholders}, figure markers
# with their value (rnn_py.lessons.figures checks the value against the measurement).
KEPT = re.compile(r"</?\d+/?>|\{[^{}]*\}|<!-- figure:[\w.-]+ -->.*?<!-- /figure -->", re.S)


def mismatches(entry: Entry) -> list[str]:
    """How each non-empty msgstr differs from its msgid in what it must keep (empty: fine).
    A plural form must hold the same set as msgid and msgid_plural together."""
    problems = []
    for i, text in enumerate(entry.msgstr):
        if not text:
            continue
        if entry.msgid_plural:
            want = sorted(set(KEPT.findall(entry.msgid + entry.msgid_plural)))
            got = sorted(set(KEPT.findall(text)))
        else:
            want, got = sorted(KEPT.findall(entry.msgid)), sorted(KEPT.findall(text))
        if want != got:
            missing = [w for w in want if w not in got]
            extra = [g for g in got if g not in want]
            which = f"msgstr[{i}]" if entry.msgid_plural else "msgstr"
            problems.append(f"{entry.msgid[:60]!r}: {which} lacks {missing}, adds {extra}")
        elif not _nested(text):
            problems.append(f"{entry.msgid[:60]!r}: the numbered tags of {text!r} do not nest")
    return problems


def _nested(text: str) -> bool:
    stack: list[str] = []
    for opening, closing in re.findall(r"<(\d+)>|</(\d+)>", text):
        if opening:
            stack.append(opening)
        elif not stack or stack.pop() != closing:
            return False
    return not stack
