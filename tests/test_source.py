"""The Code panel's listing: the source that runs, highlighted losslessly, with blocks found from
the code itself; and the notebook's self-contained model code, which must compute exactly what
rnn_py computes."""

import ast
import doctest
import inspect
import random
from pathlib import Path

import pytest
import reference

import rnn_py
from rnn_py import ACTIVATIONS, Params
from rnn_py.cells import vanilla as model
from rnn_py.page import source

MODEL_FILE = Path(model.__file__)


def test_listing_is_the_running_source_with_its_line_numbers():
    listing = source.listing()
    file_lines = MODEL_FILE.read_text(encoding="utf-8").splitlines()
    assert [f["name"] for f in listing["functions"]] == [
        "step",
        "_forward",
        "step_back",
        "_backward",
    ]
    for shown, function in zip(listing["functions"], source.SHOWN, strict=True):
        text = "\n".join("".join(t for _, t in spans) for _, spans in shown["lines"])
        assert text == inspect.getsource(function).rstrip("\n")
        for number, spans in shown["lines"]:
            assert "".join(t for _, t in spans) == file_lines[number - 1]
        assert shown["lines"][0][0] == shown["first"]
        assert file_lines[shown["first"] - 1].startswith(f"def {shown['name']}(")


def test_the_shown_functions_are_the_ones_that_run(monkeypatch):
    calls = {"step": 0, "step_back": 0}
    for name in calls:
        original = getattr(model, name)

        def counting(*args, _name=name, _original=original):
            calls[_name] += 1
            return _original(*args)

        monkeypatch.setattr(model, name, counting)
    xs = rnn_py.make_sequence("sine", 9)
    rnn_py.forward(Params.random(2, 1), xs, "tanh")
    assert calls == {"step": 9, "step_back": 0}
    rnn_py.backward(Params.random(2, 1), xs, "tanh")
    assert calls == {"step": 18, "step_back": 9}
    next(rnn_py.train_bptt(Params.random(2, 1), xs, "tanh", epochs=1))
    assert calls == {"step": 27, "step_back": 18}


def _target_names(target):
    """The name a target stores into: x, x[i][j] and a.x all store into "x"."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Attribute):
        return {target.attr}
    if isinstance(target, ast.Subscript):
        return _target_names(target.value)
    if isinstance(target, ast.Tuple | ast.List):
        return set().union(*map(_target_names, target.elts))
    return set()


def _assigned_names(node):
    """The names a statement assigns to, anywhere inside it."""
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign):
            names |= set().union(*map(_target_names, sub.targets))
        elif isinstance(sub, ast.AugAssign | ast.AnnAssign | ast.For):
            names |= _target_names(sub.target)
    return names


# What each block must compute, found independently with ast in the function's own code.
COMPUTES = {
    "z": ("step", {"z"}),
    "h": ("step", {"h"}),
    "y": ("step", {"y"}),
    "loss": ("_forward", {"errors", "loss"}),
    "dy": ("_backward", {"dy"}),
    "dout": ("step_back", {"dW_hy", "b_y"}),
    "dh": ("step_back", {"W_hh_T", "dh"}),
    "dz": ("step_back", {"dz"}),
    "din": ("step_back", {"dW_xh", "dW_hh", "db_h"}),
}


def test_blocks_cover_exactly_the_lines_that_compute_their_quantity():
    listing = source.listing()
    blocks = {b["key"]: b for b in listing["blocks"]}
    assert set(blocks) == set(COMPUTES)
    text = MODEL_FILE.read_text(encoding="utf-8")
    lines = text.splitlines()
    functions = {n.name: n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)}
    for key, (function, names) in COMPUTES.items():
        block = blocks[key]
        assert block["function"] == function
        span = range(block["first"], block["last"] + 1)
        statements = [
            s
            for s in ast.walk(functions[function])
            if isinstance(s, ast.Assign | ast.AugAssign | ast.For) and s.lineno in span
        ]
        assigned = set().union(*map(_assigned_names, statements)) - {"i", "j"}
        assert assigned == names, key
        # every statement that assigns the quantity lies wholly inside the block
        for s in ast.walk(functions[function]):
            single = isinstance(s, ast.AugAssign) or (
                isinstance(s, ast.Assign) and not isinstance(s.targets[0], ast.Tuple)
            )  # unpacking aliases such as `dW_xh, … = grads.w_xh, …` only name things
            assigns = single and _assigned_names(s) & names
            if assigns and (key != "h" or s.lineno in span):  # _forward rebinds h too
                assert s.lineno in span and s.end_lineno in span, key
        # the block opens with its formula comment(s)
        comments = []
        for number in span:
            if not lines[number - 1].strip().startswith("#"):
                break
            comments.append(lines[number - 1].strip().lstrip("#").strip())
        assert comments and block["formula"] == " ".join(comments)
        assert block["formula"].startswith(next(b.marker for b in source.BLOCKS if b.key == key))
        assert block["text"].endswith(".")


def test_marked_kinds():
    kinds = {b["key"]: b["kind"] for b in source.listing()["blocks"]}
    assert [k for k, v in kinds.items() if v == "step"] == ["z", "h", "y"]
    assert [k for k, v in kinds.items() if v == "train"] == ["dy", "dout", "dh", "dz", "din"]


def test_blocks_are_found_from_markers_not_line_numbers():
    code = (
        "def f(a):\n"
        "    '''doc'''\n"
        "    units = 1\n"
        "    # z_t = first\n"
        "    z = a + 1\n"
        "    w = z * 2\n"
        "\n"
        "    # h_t = second, with a comment\n"
        "    #     that continues\n"
        "    for i in range(3):\n"
        "        h = i\n"
        "    # other\n"
        "    q = 3\n"
        "    return z\n"
    )
    assert source._block_lines(code, "z_t =") == (3, 5)
    assert source._block_lines(code, "h_t =") == (7, 10)
    shifted = "# a comment on top\n\n" + code
    assert source._block_lines(shifted, "z_t =") == (5, 7)
    with pytest.raises(ValueError, match="Expected one comment"):
        source._block_lines(code, "y_t =")


@pytest.mark.parametrize(
    "text",
    [
        MODEL_FILE.read_text(encoding="utf-8"),
        inspect.getsource(source),
        'x = f"{a!r:>{w}} ü"  # ünïcode\n\ty = """two\nlines"""\n',
        "def broken(:\n    pass\n",
        "s = '''never closed\n",
    ],
)
def test_highlight_loses_nothing(text):
    lines = source.highlight(text, first_line=10)
    assert [n for n, _ in lines] == list(range(10, 10 + len(text.splitlines())))
    assert ["".join(t for _, t in spans) for _, spans in lines] == text.splitlines()
    for _, spans in lines:
        for cls, t in spans:
            assert cls in source.TOKEN_CLASSES and t


def test_highlight_classes():
    (_, spans), (_, spans2) = source.highlight(
        "def step(x):  # one\n    return len(x) + 2.5 * 'a'\n"
    )
    assert spans[:3] == [("kw", "def"), ("", " "), ("def", "step")]
    assert ("com", "# one") in spans
    assert ("kw", "return") in spans2 and ("builtin", "len") in spans2
    assert ("num", "2.5") in spans2 and ("str", "'a'") in spans2 and ("name", "x") in spans2


def _run_model_code():
    namespace = {}
    exec(compile(source.model_code(), "<notebook model>", "exec"), namespace)
    return namespace


def test_model_code_needs_only_the_standard_library():
    tree = ast.parse(source.model_code())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"math", "dataclasses", "operator"}
    for function in source.SHOWN:
        assert inspect.getsource(function) in source.model_code()


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n", [1, 3])
def test_model_code_computes_exactly_what_rnn_py_computes(activation, n):
    ns = _run_model_code()
    rng = random.Random(n)
    for _ in range(5):
        flat = [rng.uniform(-1.5, 1.5) for _ in range(Params.size(n))]
        xs = [rng.gauss(0, 1) for _ in range(rng.randint(2, 15))]
        p = Params.from_flat(n, flat)
        q = ns["Params"](**p.to_dict())
        f, df = ns["_FUNCTIONS"][activation]
        g = ns["_backward"](q, xs, f, df)
        expected = rnn_py.backward(p, xs, activation)
        assert repr(g.loss) == repr(expected.loss)
        assert g.grads.w_hh == expected.grads.w_hh and g.grads.b_y == expected.grads.b_y
        assert g.dh == expected.dh
        assert ns["_forward"](q, xs, f).y == expected.trace.y
        _, _, Y, loss = reference.forward(p, xs, activation)
        assert abs(g.loss - loss) <= 1e-9 * max(1.0, abs(loss))


@pytest.mark.parametrize("module", ["source", "console", "notebook"])
def test_docstring_examples(module):
    import importlib

    assert doctest.testmod(importlib.import_module(f"rnn_py.page.{module}")).failed == 0
