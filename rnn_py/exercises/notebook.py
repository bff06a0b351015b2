"""The exercises as a notebook: per exercise what to compute, the learner's code (or the stub),
and a cell of checks as plain asserts against rnn_py's answers written in as literals, so it
runs in any Jupyter kernel with the standard library alone."""

from __future__ import annotations

import ast
import math

from ..i18n import _
from ..page.ipynb import _code, _markdown
from .cases import cases
from .texts import EXERCISES, exercise

CASES_PER_EXERCISE = 8  # the first cases (simple, random) and the last ones (the edges)

_HELPERS = '''\
import math


def close(got, want, path="result"):
    """Assert that got matches want: the same shape, numbers within 1e-9 (indices equal)."""
    if isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), (
            f"{path} should have {len(want)} entries: got {got!r}")
        for k, (g, w) in enumerate(zip(got, want)):
            close(g, w, f"{path}[{k}]")
    elif isinstance(want, int):
        assert got == want, f"{path}: expected {want}, got {got!r}"
    else:
        assert isinstance(got, (int, float)) and math.isclose(
            got, want, rel_tol=1e-9, abs_tol=1e-12), f"{path}: expected {want!r}, got {got!r}"
'''

_CHECK = """\
# Checks: each case's inputs, and the answer rnn_py gives.
CASES = {cases}
for k, (label, args, want) in enumerate(CASES, start=1):
    got = {name}(*args)
    close(got, want, f"case {{k}} ({{label}}): {name}(...)")
print("All", len(CASES), "checks of {name} pass.")
"""


def _literal(value):
    """Python source for a value of a case: numbers exactly (inf as float('inf'))."""
    if isinstance(value, float):
        if math.isinf(value):
            return 'float("inf")' if value > 0 else 'float("-inf")'
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(_literal, value)) + "]"
    if isinstance(value, tuple):
        return "(" + "".join(_literal(v) + ", " for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _chosen_cases(number):
    every = cases(number)
    if len(every) <= CASES_PER_EXERCISE:
        return every
    half = CASES_PER_EXERCISE // 2
    return every[:half] + every[-half:]


def check_code(number):
    """The check cell of an exercise: its cases as literals, and one assert per case."""
    ex = exercise(number)
    rows = [
        f"    ({c.label!r}, {_literal(tuple(v for _name, v in c.args))}, {_literal(c.expected)}),"
        for c in _chosen_cases(number)
    ]
    return _CHECK.format(cases="[\n" + "\n".join(rows) + "\n]", name=ex.name)


def _what(ex):
    """The stub's docstring: what to compute."""
    for node in ast.walk(ast.parse(ex.stub)):
        if isinstance(node, ast.FunctionDef) and node.name == ex.name:
            return ast.get_docstring(node) or ""
    return ""


def notebook(progress: dict, numbers=None) -> dict:
    """An nbformat-4 notebook (a dict, for json.dumps) of the exercises `numbers` (default: all):
    an intro, then per exercise a markdown cell (title, what to compute), a code cell with the
    learner's code from progress[number] (else the stub) and a cell of checks that raises
    AssertionError naming the first case the code gets wrong."""
    progress = progress or {}
    chosen = [exercise(n) for n in numbers] if numbers else list(EXERCISES)
    intro = _(
        "# Write it yourself: the RNN exercises\n"
        "\n"
        "Your code from the interactive RNN page, one exercise at a time. Run a code cell to "
        "define your function, then the checks below it: each compares your function with the "
        "answers of `rnn_py`, the package that runs the page, on a few cases (written in as "
        "numbers, so this notebook needs only the standard library). An `AssertionError` names "
        "the first case that differs.\n"
    )
    cells = [_markdown("intro", intro), _code("helpers", _HELPERS)]
    for ex in chosen:
        source = progress.get(ex.number, progress.get(str(ex.number)))
        code = source if isinstance(source, str) and source.strip() else ex.stub
        write = _("Write `{name}`.").format(name=ex.name)
        what = f"## {ex.number}. {_(ex.title)}\n\n{write}\n\n```\n{_what(ex)}\n```\n"
        cells += [
            _markdown(f"exercise-{ex.number}", what),
            _code(f"code-{ex.number}", code),
            _code(f"check-{ex.number}", check_code(ex.number)),
        ]
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": cells,
    }
