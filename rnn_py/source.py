"""The model's own code, as the page's Code panel shows it.

The listing is read at run time with ``inspect.getsource`` from the functions that actually run
(`model.step`, `model._forward`, `model.step_back`, `model._backward`), so what a learner reads
can never drift from what computes the numbers. Highlighting is done with the standard library's
``tokenize``: every line becomes a list of (token class, text) spans, pure data that the painter
turns into elements with class names and textContent. The blocks that compute z_t, h_t, y_t and
the backward pass are found from the formula comments that open them (``# z_t = …``), never from
line numbers.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import io
import keyword
import tokenize
from dataclasses import dataclass

from . import model

# The functions shown, in reading order: the forward step and pass, then the backward ones.
SHOWN = (model.step, model._forward, model.step_back, model._backward)

# Token classes the painter styles (CSS class "tok-<class>"); plain text has the class "".
TOKEN_CLASSES = ("kw", "def", "builtin", "name", "num", "str", "com", "op", "")


@dataclass(frozen=True)
class Block:
    """A block of the listing: the lines of `function` opened by a comment starting `marker`.

    kind is "step" (marked while stepping forward) or "train" (marked while BPTT trains);
    quantity names what the block computes, and text ties it to its formula in words.
    """

    key: str
    kind: str
    function: str
    marker: str
    quantity: str
    text: str


BLOCKS = (
    Block("z", "step", "step", "z_t =", "z_t",
          "Each hidden unit adds the new input xₜ and the previous hidden state hₜ₋₁, each "
          "times its weight, plus its bias: that sum is zₜ."),
    Block("h", "step", "step", "h_t =", "h_t",
          "The activation f turns each sum into the new hidden state hₜ, the memory that the "
          "next step reads as hₜ₋₁."),
    Block("y", "step", "step", "y_t =", "y_t",
          "The output weights read the hidden state: yₜ is the network's guess for the next "
          "value, xₜ₊₁."),
    Block("loss", "forward", "_forward", "L =", "L",
          "The loss averages the squared miss (yₜ − xₜ₊₁)² over every step that has a "
          "next value to predict."),
    Block("dy", "train", "_backward", "dy_t =", "dy_t",
          "Going backwards from the last step, dyₜ is how much the loss changes when yₜ "
          "moves: twice the miss, shared over the T−1 predictions."),
    Block("dout", "train", "step_back", "y_t =", "∂L/∂W_hy, ∂L/∂b_y",
          "yₜ = W_hy·hₜ + b_y, so every step adds dyₜ·hₜ to the output weights' gradient "
          "and dyₜ to the output bias's."),
    Block("dh", "train", "step_back", "dh_t =", "dh_t",
          "hₜ reaches the loss two ways, through yₜ and through the next step's zₜ₊₁, so "
          "dhₜ adds both: this is where the gradient travels back through time."),
    Block("dz", "train", "step_back", "dz_t =", "dz_t",
          "hₜ = f(zₜ), so dzₜ is dhₜ times the activation's slope f′(zₜ). Each step back "
          "multiplies by such a slope and by W_hh: when both are small the gradient fades "
          "(it vanishes), when large it grows (it explodes)."),
    Block("din", "train", "step_back", "z_t =", "∂L/∂W_xh, ∂L/∂W_hh, ∂L/∂b_h",
          "zₜ = W_xh·xₜ + W_hh·hₜ₋₁ + b_h, so dzₜ, times what each weight multiplied, "
          "adds this step's share to the input, recurrent and bias gradients."),
)  # fmt: skip


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


def listing() -> dict:
    """The Code panel's content: the shown functions, highlighted, and their marked blocks.

    Returns ``{"file": "rnn_py/model.py", "functions": [{"name", "first", "last", "lines"}],
    "blocks": [{"key", "kind", "function", "quantity", "text", "first", "last", "formula"}]}``,
    where lines are highlight() pairs and first/last are line numbers in model.py.
    """
    functions, blocks = [], []
    for function in SHOWN:
        source_lines, first = inspect.getsourcelines(function)
        source = "".join(source_lines)
        functions.append({
            "name": function.__name__,
            "first": first,
            "last": first + len(source_lines) - 1,
            "lines": highlight(source, first),
        })  # fmt: skip
        for block in BLOCKS:
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
                "quantity": block.quantity,
                "text": block.text,
                "formula": formula,
                "first": first + top,
                "last": first + bottom,
            })  # fmt: skip
    order = [b.key for b in BLOCKS]
    blocks.sort(key=lambda b: order.index(b["key"]))
    return {"file": "rnn_py/model.py", "functions": functions, "blocks": blocks}


def model_code() -> str:
    """The model as one self-contained Python script (standard library only), for a notebook.

    The shown functions and their helpers are copied from the running source; only Params is
    trimmed to its fields and `n`, since the checks and conversions around it are not needed.
    """
    module_source = inspect.getsource(model)
    tree = ast.parse(module_source)
    lines = module_source.splitlines()

    def segment(node):
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        return "\n".join(lines[start - 1 : node.end_lineno])

    wanted = ("dot", "_tanh_grad", "relu", "_relu_grad", "sigmoid", "_sigmoid_grad", "linear",
              "_linear_grad", "_FUNCTIONS", "loss_of", "output_grads", "Trace",
              "Gradients")  # fmt: skip
    found = {}
    params_class = None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in wanted:
            found[node.name] = segment(node)
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in wanted for t in node.targets
        ):
            found[node.targets[0].id] = segment(node)
        if isinstance(node, ast.ClassDef) and node.name == "Params":
            params_class = node
    missing = [name for name in wanted if name not in found]
    if missing or params_class is None:
        raise ValueError(f"rnn_py.model no longer defines {', '.join(missing) or 'Params'}.")
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
        *(inspect.getsource(function).rstrip("\n") for function in SHOWN),
    ]
    return "\n\n\n".join(parts) + "\n"
