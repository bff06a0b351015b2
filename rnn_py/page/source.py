"""The model's own code, as the page's Code panel shows it.

The listing is read at run time with ``inspect.getsource`` from the functions that actually run:
for the vanilla cell `model.step`, `model._forward`, `model.step_back`, `model._backward`; for a
gated cell its own `Cell.step` and `Cell.step_back` (rnn_py/cells/gru.py, rnn_py/cells/lstm.py)
and the loop around them (`cells._forward`, `cells._backward`), so what a learner reads can
never drift from what computes the numbers. Highlighting is done with the standard library's
``tokenize``: every line becomes a list of (token class, text) spans, pure data that the painter
turns into elements with class names and textContent. The blocks that compute z_t, h_t, y_t and
the backward pass (or each gate's line) are found from the formula comments that open them
(``# z_t = …``), never from line numbers.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import io
import keyword
import textwrap
import tokenize

from .. import cells
from ..cells import base as cellbase
from ..cells import maths
from ..cells import vanilla as model
from ..i18n import _
from ..studies import remember
from .blocks import _LOOP_BACKWARD, _LOOP_FORWARD, BLOCKS, CELL_BLOCKS, GATED_BLOCKS, Block  # noqa: F401

SHOWN = model.SHOWN  # the vanilla cell's shown functions (the default cell's), as before

# Token classes the painter styles (CSS class "tok-<class>"); plain text has the class "".
TOKEN_CLASSES = ("kw", "def", "builtin", "name", "num", "str", "com", "op", "")


# What each cell's step computes, in the order its marked blocks read.
COMPUTES = {"vanilla": "z, h and y", "gru": "r, z, h̃, h and y", "lstm": "i, f, o, c̃, c, h and y"}


def shown(cell="vanilla"):
    """The functions the Code panel lists for a cell, in reading order, each with its file: a
    cell with its own loops (Cell.own_loops) lists its module's SHOWN; any other its Cell's step
    and step_back with the loop around them (cells._forward, cells._backward)."""
    m = cells.module(cell)
    own = f"rnn_py/cells/{cell}.py"
    if m.Cell.own_loops:
        return [(function, own) for function in m.SHOWN]
    return [
        (m.Cell.step, own),
        (cells._forward, "rnn_py/cells/__init__.py"),
        (m.Cell.step_back, own),
        (cells._backward, "rnn_py/cells/__init__.py"),
    ]


def blocks_of(cell="vanilla"):
    """The marked blocks of a cell's listing."""
    return CELL_BLOCKS[cells.module(cell).Cell.name]


def _classify(tok, prev_significant):
    """The token class of one token from tokenize."""
    kind, text = tok.type, tok.string
    if kind == tokenize.COMMENT:
        return "com"
    if kind == tokenize.STRING or kind in _FSTRING_TYPES:
        return "str"
    if kind == tokenize.NUMBER:
        return "num"
    if kind == tokenize.OP:
        return "op"
    if kind == tokenize.NAME:
        if keyword.iskeyword(text):
            return "kw"
        if prev_significant in ("def", "class"):
            return "def"
        if hasattr(builtins, text):
            return "builtin"
        return "name"
    return ""


_FSTRING_TYPES = {
    getattr(tokenize, name)
    for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
    if hasattr(tokenize, name)
}


def highlight(source: str, first_line: int = 1) -> list[tuple[int, list[tuple[str, str]]]]:
    """Python source as numbered lines of (token class, text) spans, for the painter.

    Joining a line's texts gives the line back exactly (tabs, spaces and all); first_line is
    the number of the first line. Classes are those of TOKEN_CLASSES.

    >>> highlight("x = 1  # one")
    [(1, [('name', 'x'), ('', ' '), ('op', '='), ('', ' '), ('num', '1'), ('', '  '), \
('com', '# one')])]
    """
    lines = source.splitlines()
    classes = [[""] * len(line) for line in lines]
    prev = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            cls = _classify(tok, prev)
            if tok.type in (tokenize.NAME, tokenize.OP):
                prev = tok.string
            if not cls:
                continue
            (r0, c0), (r1, c1) = tok.start, tok.end
            for r in range(r0, r1 + 1):
                if r > len(lines):
                    break
                row = classes[r - 1]
                start = c0 if r == r0 else 0
                end = c1 if r == r1 else len(row)
                for c in range(start, min(end, len(row))):
                    row[c] = cls
    except (tokenize.TokenError, SyntaxError):
        pass  # unfinished source: what was read so far keeps its colours
    numbered = []
    for number, (line, row) in enumerate(zip(lines, classes, strict=True), start=first_line):
        spans = []
        for ch, cls in zip(line, row, strict=True):
            if spans and spans[-1][0] == cls:
                spans[-1][1].append(ch)
            else:
                spans.append((cls, [ch]))
        numbered.append((number, [(cls, "".join(chars)) for cls, chars in spans]))
    return numbered


def _comment_lines(source: str) -> dict[int, str]:
    """{line index: comment text} for the lines of source that hold only a comment."""
    found = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and not tok.line[: tok.start[1]].strip():
            found[tok.start[0] - 1] = tok.string.lstrip("#").strip()
    return found


def _block_lines(source: str, marker: str) -> tuple[int, int]:
    """(first, last) line index of the block whose opening comment starts with marker.

    A block is its opening comment (with any comment lines that continue it) and the statements
    that follow, up to the next comment-only line, a blank line, or the end of that suite.
    """
    comments = _comment_lines(source)
    starts = [i for i, text in comments.items() if text.startswith(marker)]
    if len(starts) != 1:
        raise ValueError(f"Expected one comment starting {marker!r}, found {len(starts)}.")
    first = starts[0]
    code = first
    while code in comments:
        code += 1
    # The statements that follow the comment in the same suite, until a comment or blank line.
    suite = _suite_starting_at(ast.parse(source), code + 1)
    if suite is None:
        raise ValueError(f"No statement follows the comment {marker!r}.")
    lines = source.splitlines()
    last = None
    for stmt in (s for s in suite if s.lineno - 1 >= code):
        if isinstance(stmt, ast.Return):
            break
        gap = range(code if last is None else last + 1, stmt.lineno - 1)
        if last is not None and any(i in comments or not lines[i].strip() for i in gap):
            break
        last = stmt.end_lineno - 1
    return first, last


def _suite_starting_at(tree, lineno):
    """The list of statements (a body) in which some statement begins on line lineno."""
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            suite = getattr(node, name, None)
            if isinstance(suite, list) and any(
                isinstance(s, ast.stmt) and s.lineno == lineno for s in suite
            ):
                return suite
    return None


def listing(cell: str = "vanilla", task: str = "numbers") -> dict:
    """The Code panel's content for a cell: the shown functions, highlighted, and their marked
    blocks.

    Returns ``{"cell", "file", "computes", "functions": [{"name", "file", "first", "last",
    "lines"}], "blocks": [{"key", "kind", "function", "quantity", "text", "symbol", "first",
    "last", "formula"}]}``, where lines are highlight() pairs and first/last are line numbers in
    the function's file (file is that of the first function, as before). With task "text",
    the character-level network's listing (text_shown, text_blocks_of).
    """
    if task not in ("numbers", "text"):
        raise ValueError(f"Unknown task {task!r}: 'numbers' or 'text'.")
    text = task == "text"
    if text:
        from ..text.source import TEXT_COMPUTES, text_blocks_of, text_shown  # noqa: PLC0415
    functions, blocks = [], []
    own_blocks = text_blocks_of(cell) if text else blocks_of(cell)
    for function, file in text_shown(cell) if text else shown(cell):
        source_lines, first = inspect.getsourcelines(function)
        shown_source = "".join(source_lines)  # as in the file, a method's indent and all
        source = textwrap.dedent(shown_source)  # what ast can parse: the same lines
        functions.append({
            "name": function.__name__,
            "file": file,
            "first": first,
            "last": first + len(source_lines) - 1,
            "lines": highlight(shown_source, first),
        })  # fmt: skip
        for block in own_blocks:
            if block.function != function.__name__:
                continue
            top, bottom = _block_lines(source, block.marker)
            comments = _comment_lines(source)
            opening = range(top, bottom + 1)
            formula = " ".join(comments[i] for i in opening if i in comments)
            blocks.append({
                "key": block.key,
                "kind": block.kind,
                "function": block.function,
                "quantity": _(block.quantity),
                "text": _(block.text),
                "symbol": block.symbol,
                "formula": formula,
                "first": first + top,
                "last": first + bottom,
            })  # fmt: skip
    order = [b.key for b in own_blocks]
    blocks.sort(key=lambda b: order.index(b["key"]))
    return {
        "cell": cell,
        "task": task,
        "file": functions[0]["file"],
        "computes": (TEXT_COMPUTES if text else COMPUTES)[cell],
        "functions": functions,
        "blocks": blocks,
    }


def model_code(cell: str = cells.DEFAULT) -> str:
    """The model of a cell with its own loops (the vanilla cell) as one self-contained Python
    script (standard library only), for a notebook.

    The shown functions (its module's SHOWN) and their helpers are copied from the running
    source; only Params is trimmed to its fields and `n`, since the checks and conversions
    around it are not needed.
    """
    m = cells.module(cell)
    module_source = inspect.getsource(m)
    tree = ast.parse(module_source)
    lines = module_source.splitlines()

    def segment(node):
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        return "\n".join(lines[start - 1 : node.end_lineno])

    wanted = ("dot", "_tanh_grad", "relu", "_relu_grad", "sigmoid", "_sigmoid_grad", "linear",
              "_linear_grad", "_FUNCTIONS", "loss_of", "output_grads", "Trace",
              "Gradients")  # fmt: skip
    found = _segments(maths, wanted)  # the shared maths (rnn_py/cells/maths.py)
    params_class = None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Params":
            params_class = node
    if params_class is None:
        raise ValueError(f"{m.__name__} has no Params.")
    kept = [
        segment(stmt)
        for stmt in params_class.body
        if (isinstance(stmt, ast.AnnAssign) and "ClassVar" not in ast.unparse(stmt.annotation))
        or (isinstance(stmt, ast.FunctionDef) and stmt.name == "n")
    ]
    params_source = "\n".join([
        "@dataclass",
        "class Params:",
        '    """The weights and biases of the network with n hidden units (as in rnn_py)."""',
        "",
        *kept,
    ])  # fmt: skip
    parts = [
        "import math\nfrom dataclasses import dataclass\nfrom operator import mul",
        *(found[name] for name in wanted[:-2]),
        params_source,
        found["Trace"],
        found["Gradients"],
        *(inspect.getsource(function).rstrip("\n") for function in m.SHOWN),
    ]
    return "\n\n\n".join(parts) + "\n"


def _segments(module, names) -> dict[str, str]:
    """{name: source} of the top-level functions, classes and assignments of module named in
    names, copied from the running source; ValueError when one is missing."""
    module_source = inspect.getsource(module)
    lines = module_source.splitlines()
    found = {}
    for node in ast.parse(module_source).body:
        targets = []
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            targets = [node.name]
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                elts = t.elts if isinstance(t, ast.Tuple) else [t]
                targets += [e.id for e in elts if isinstance(e, ast.Name)]
        for name in targets:
            if name in names:
                start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
                found[name] = "\n".join(lines[start - 1 : node.end_lineno])
    missing = [name for name in names if name not in found]
    if missing:
        raise ValueError(f"{module.__name__} no longer defines {', '.join(missing)}.")
    return found


def _ordered(module, names) -> list[str]:
    found = _segments(module, names)
    seen, out = set(), []
    for name in names:  # an assignment of two names (MIN, MAX = …) is copied once
        if found[name] not in seen:
            seen.add(found[name])
            out.append(found[name])
    return out


def cell_code(cell: str = "vanilla") -> str:
    """The code of any cell as one self-contained Python script (standard library only), for a
    notebook: for a cell with its own loops (the vanilla cell) `model_code()`; for any other
    its whole module (weights by name, `Cell.step`, `Cell.step_back`), the weights' shared
    class from cellbase and the loop around the cell from cells (`_forward`, `_backward`),
    copied from the running source."""
    if cells.cell_class(cell).own_loops:
        return model_code(cell)
    m = cells.module(cell)
    parts = [
        "import math\nimport random\nfrom dataclasses import dataclass\nfrom operator import mul",
        *_ordered(maths, ("dot", "sigmoid", "_check_n", "_number", "loss_of", "output_grads")),
        *_ordered(cellbase, ("gate_names", "CellParams", "_gate_hint")),
        *_ordered(m, ("GATES", "ROLES", "Params", "Cell")),
        *_ordered(maths, ("Trace", "Gradients")),
        *_ordered(cells, ("input_terms", "zero_grads", "_forward", "_backward")),
    ]
    return "\n\n\n".join(parts) + "\n"


def task_code() -> str:
    """The long-lag task's code (rnn_py/studies/remember.py: the examples, and Remember with its
    batches), self-contained, for a notebook."""
    names = ("MIN_GAP", "MAX_GAP", "DEFAULT_GAP", "NOISE", "check_gap", "example", "Remember")
    return "\n\n\n".join(["import random", *_ordered(remember, names)]) + "\n"
