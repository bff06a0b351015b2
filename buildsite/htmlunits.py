"""index.html's translatable units, and index.html written again in another language.

A unit is an element whose own children hold non-whitespace text, taken whole with its inline
children. In its msgid the inline children become numbered tags, <0>…</0> (or <0/> for an
element with no text, or one that is not inline: an <input>, a <select>, whose own units are
translated separately), so attributes, ids and hrefs never pass through a translator and the
build puts the original tags back. Whitespace is collapsed; figure markers
(<!-- figure:x -->v<!-- /figure -->) are kept verbatim. The attributes in ATTRIBUTES, the
<title> and the meta description are messages too. Nothing inside <script>, <style>, <math>,
<svg> or an element with translate="no" is a unit (a <math>'s aria-label is).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

INLINE = {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn", "em", "i", "kbd",
          "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
          "wbr"}  # fmt: skip
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
OPAQUE = {"script", "style", "math", "svg", "template"}  # never units inside (attributes yes)
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
FIGURE = re.compile(r"<!-- figure:[\w.-]+ -->|<!-- /figure -->")
TOKEN = re.compile(r"<(\d+)>|</(\d+)>|<(\d+)/>|(<!-- figure:[\w.-]+ -->|<!-- /figure -->)")
SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass
class Node:
    tag: str  # "" for text, "!" for a comment or declaration
    raw: str  # text: its source (entities as written); element: its start tag as written
    line: int = 0
    children: list[Node] = field(default_factory=list)
    end: str = ""  # the end tag as written ("" for a void element)
    attrs: dict[str, str | None] = field(default_factory=dict)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.root = Node("#root", "")
        self.stack = [self.root]

    def _add(self, node: Node) -> None:
        self.stack[-1].children.append(node)

    def _text(self, raw: str) -> None:
        kids = self.stack[-1].children
        if kids and kids[-1].tag == "":
            kids[-1].raw += raw
        else:
            self._add(Node("", raw, self.getpos()[0]))

    def handle_starttag(self, tag, attrs):
        node = Node(tag, self.get_starttag_text() or "", self.getpos()[0], attrs=dict(attrs))
        self._add(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self._add(Node(tag, self.get_starttag_text() or "", self.getpos()[0], attrs=dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        top = self.stack[-1]
        if top.tag != tag:
            line = self.getpos()[0]
            raise ValueError(f"line {line}: </{tag}> closes <{top.tag}> (line {top.line})")
        top.end = f"</{tag}>"  # the source's own spelling is </tag> throughout index.html
        self.stack.pop()

    def handle_data(self, data):
        self._text(data)

    def handle_entityref(self, name):
        self._text(f"&{name};")

    def handle_charref(self, name):
        self._text(f"&#{name};")

    def handle_comment(self, data):
        self._add(Node("!", f"<!--{data}-->", self.getpos()[0]))

    def handle_decl(self, decl):
        self._add(Node("!", f"<!{decl}>", self.getpos()[0]))

    def handle_pi(self, data):
        self._add(Node("!", f"<?{data}>", self.getpos()[0]))


def parse(text: str) -> Node:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    if len(parser.stack) != 1:
        top = parser.stack[-1]
        raise ValueError(f"<{top.tag}> (line {top.line}) is never closed")
    return parser.root


def serialize(node: Node) -> str:
    if node.tag in ("", "!"):
        return node.raw
    inner = "".join(serialize(c) for c in node.children)
    return inner if node.tag == "#root" else node.raw + inner + node.end


def _is_inline(node: Node) -> bool:
    """An inline element whose whole content is text and inline elements."""
    if node.tag in ("", "!"):
        return True
    return node.tag in INLINE and all(_is_inline(c) for c in node.children)


def _has_text(node: Node) -> bool:
    return any(c.tag == "" and html.unescape(c.raw).strip() for c in node.children)


def _skipped(node: Node) -> bool:
    return node.tag in OPAQUE or node.attrs.get("translate") == "no"


def _unit_msgid(node: Node) -> tuple[str, list[Node]]:
    """The msgid of a unit and its numbered elements (index = the number in the msgid)."""
    numbered: list[Node] = []

    def walk(n: Node) -> str:
        out = []
        for c in n.children:
            if c.tag == "":
                out.append(html.unescape(c.raw))
            elif c.tag == "!":
                if FIGURE.fullmatch(c.raw):
                    out.append(c.raw)
            else:
                k = len(numbered)
                numbered.append(c)
                if c.tag in VOID or not _is_inline(c) or not c.children:
                    out.append(f"<{k}/>")
                else:
                    out.append(f"<{k}>{walk(c)}</{k}>")
        return "".join(out)

    return SPACE.sub(" ", walk(node)).strip(), numbered


def _wanted(msgid: str) -> bool:
    """A message worth translating: it has a letter outside its tags and figure markers."""
    bare = TOKEN.sub("", msgid)
    return any(ch.isalpha() for ch in bare)


@dataclass
class Message:
    msgid: str
    line: int


def messages(text: str) -> list[Message]:
    """Every message of an HTML page, in document order (units, attributes, meta description)."""
    found: list[Message] = []

    def visit(node: Node, in_unit: bool = False) -> None:
        if node.tag in ("", "!"):
            return
        for name in ATTRIBUTES:
            value = node.attrs.get(name)
            if value and any(ch.isalpha() for ch in value):
                found.append(Message(SPACE.sub(" ", value).strip(), node.line))
        if node.tag == "meta" and node.attrs.get("name") == "description":
            content = SPACE.sub(" ", node.attrs.get("content") or "").strip()
            found.append(Message(content, node.line))
        if _skipped(node):
            return
        if not in_unit and node.tag != "#root" and _has_text(node):
            msgid, numbered = _unit_msgid(node)
            if _wanted(msgid):
                found.append(Message(msgid, node.line))
            for c in numbered:  # their attributes; the opaque ones' own units
                visit(c, in_unit=_inline_child(c))
            return
        for c in node.children:
            visit(c, in_unit)

    visit(parse(text))
    return found


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _set_attr(start: str, name: str, value: str) -> str:
    """A start tag with one attribute's value replaced (added when missing)."""
    quoted = '"' + html.escape(value, quote=True) + '"'
    pattern = re.compile(rf"(\s{re.escape(name)}\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s>]+)")
    if pattern.search(start):
        return pattern.sub(lambda m: m.group(1) + quoted, start, count=1)
    end = -2 if start.endswith("/>") else -1
    return start[:end] + f" {name}={quoted}" + start[end:]


def rebuild(msgstr: str, numbered: list[Node], inner: Callable[[Node], str]) -> str:
    """msgstr as HTML: numbered tags replaced by the original elements, text escaped."""
    out: list[str] = []
    stack: list[int] = []
    pos = 0
    for m in TOKEN.finditer(msgstr):
        out.append(_escape(msgstr[pos : m.start()]))
        pos = m.end()
        opening, closing, void, figure = m.groups()
        if figure:
            out.append(figure)
        elif opening is not None:
            stack.append(int(opening))
            out.append(numbered[int(opening)].raw)
        elif closing is not None:
            if not stack or stack.pop() != int(closing):
                raise ValueError(f"</{closing}> does not close the last tag opened in {msgstr!r}")
            out.append(numbered[int(closing)].end)
        else:
            out.append(inner(numbered[int(void)]))
    out.append(_escape(msgstr[pos:]))
    if stack:
        raise ValueError(f"<{stack[-1]}> is never closed in {msgstr!r}")
    return "".join(out)


def translate(text: str, gettext: Callable[[str], str], lang: str) -> str:
    """The page with every message through gettext (the English where it gives back ""), and
    <html lang> set to lang."""

    def tr(msgid: str) -> str:
        return gettext(msgid) or msgid

    def start_tag(node: Node) -> str:
        start = node.raw
        for name in ATTRIBUTES:
            value = SPACE.sub(" ", node.attrs.get(name) or "").strip()
            if any(ch.isalpha() for ch in value) and tr(value) != value:
                start = _set_attr(start, name, tr(value))
        if node.tag == "meta" and node.attrs.get("name") == "description":
            value = SPACE.sub(" ", node.attrs.get("content") or "").strip()
            if tr(value) != value:
                start = _set_attr(start, "content", tr(value))
        if node.tag == "html":
            start = _set_attr(start, "lang", lang)
        return start

    def out(node: Node, in_unit: bool = False) -> str:
        if node.tag in ("", "!"):
            return node.raw
        start = "" if node.tag == "#root" else start_tag(node)
        if _skipped(node):
            return start + "".join(serialize(c) for c in node.children) + node.end
        if not in_unit and node.tag != "#root" and _has_text(node):
            msgid, numbered = _unit_msgid(node)
            translated = tr(msgid) if _wanted(msgid) else msgid
            if translated != msgid:
                source = "".join(serialize(c) for c in node.children)
                lead = source[: len(source) - len(source.lstrip())]
                trail = source[len(source.rstrip()) :]
                copies = [Node(c.tag, start_tag(c), c.line, c.children, c.end, c.attrs)
                          for c in numbered]  # fmt: skip
                return start + lead + rebuild(translated, copies, out) + trail + node.end
            return start + "".join(out(c, _inline_child(c)) for c in node.children) + node.end
        return start + "".join(out(c, in_unit) for c in node.children) + node.end

    return out(parse(text))


def _inline_child(node: Node) -> bool:
    """Whether a unit's child is part of the unit's text (else it holds units of its own)."""
    textual = node.tag not in ("", "!") and node.tag not in VOID
    return textual and _is_inline(node) and bool(node.children)
