"""Check: run the learner's function on every case and name the first one it gets wrong, with
the inputs, rnn_py's answer and theirs (and, for the backward step, the finite differences)."""

from __future__ import annotations

import copy
import json
import math
from dataclasses import asdict, dataclass

from ..i18n import _
from .cases import OUTPUTS, cases, shown_label
from .sandbox import Deadline, Problem, Program
from .texts import exercise

TIME_LIMIT = 5.0  # seconds a check may run, every case together
MESSAGE_LIMIT = 2000  # characters of a message
REL, ABS = 1e-9, 1e-12  # how close a number must be to rnn_py's


@dataclass(frozen=True)
class CheckResult:
    """What a check found: passed, a message in plain words, the learner's line to point at (or
    None) and how many cases ran before it stopped (all of them when passed)."""

    passed: bool
    message: str
    line: int | None
    cases: int


def short(value, digits=6):
    """A value for a message: numbers to `digits` significant digits, lists and dicts inside."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float):
        text = f"{value:.{digits}g}"
        return text if any(c in text for c in ".ein") else text + ".0"  # 1.0, not 1
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        inner = ", ".join(short(v, digits) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {short(v, digits)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 60 else _("a {kind}").format(kind=type(value).__name__)


def _kind(value):
    if isinstance(value, bool):
        return "True/False"
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, list | tuple):
        return _("a list of {n}").format(n=len(value))
    return _("a {kind}").format(kind=type(value).__name__)


def shape_problem(got, want, path):
    """None when got has want's shape (lists or tuples of the same lengths, numbers where
    numbers are wanted, an int where an index is wanted, all finite); else what is wrong."""
    if isinstance(want, list | tuple):
        if not isinstance(got, list | tuple):
            return _("{path} should be a list of {n}, but it is {kind}").format(
                path=path, n=len(want), kind=_kind(got)
            )
        if len(got) != len(want):
            return _("{path} should have {n} entries, but it has {got}").format(
                path=path, n=len(want), got=len(got)
            )
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            problem = shape_problem(g, w, f"{path}[{k}]")
            if problem:
                return problem
        return None
    if isinstance(want, int):
        if isinstance(got, bool) or not isinstance(got, int):
            return _("{path} should be an index (an int), but it is {got}").format(
                path=path, got=short(got)
            )
        return None
    if isinstance(got, bool) or not isinstance(got, int | float):
        return _("{path} should be a number, but it is {kind}").format(path=path, kind=_kind(got))
    if not math.isfinite(got):
        return _("{path} is {got}: it should be a finite number").format(path=path, got=got)
    return None


def first_difference(got, want, path):
    """(path, got, want) of the first entry that is not within REL/ABS of rnn_py's, or None."""
    if isinstance(want, list | tuple):
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            found = first_difference(g, w, f"{path}[{k}]")
            if found:
                return found
        return None
    if isinstance(want, int) and not isinstance(want, bool):
        return None if got == want else (path, got, want)
    return None if math.isclose(got, want, rel_tol=REL, abs_tol=ABS) else (path, got, want)


def _named(number, value):
    """The outputs as (name, value) pairs: one name, or one per entry of a tuple."""
    names = OUTPUTS[number]
    if isinstance(names, str):
        return [(names, value)]
    return list(zip(names, value, strict=True))


def _call_text(name, case):
    args = ", ".join(f"{k}={short(v, 4)}" for k, v in case.args)
    if len(args) > 900:
        args = args[:900] + " …"
    return f"{name}({args})"


def _cap(text):
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def judge(number, case, got):
    """None when got is right for this case, else the sentences that say what differs."""
    names = OUTPUTS[number]
    if not isinstance(names, str) and (not isinstance(got, list | tuple) or len(got) != len(names)):
        return _("it should return {n} things, ({names}), but it returned {got}").format(
            n=len(names), names=", ".join(names), got=short(got, 4)[:200]
        )
    for (name, want), (_name, value) in zip(
        _named(number, case.expected), _named(number, got), strict=True
    ):
        problem = shape_problem(value, want, name)
        if problem:
            return problem
    for (name, want), (_name, value) in zip(
        _named(number, case.expected), _named(number, got), strict=True
    ):
        found = first_difference(value, want, name)
        if found:
            path, g, w = found
            text = _("expected {name} = {want}").format(name=name, want=short(want))
            text += "\n" + _("received {name} = {got}").format(name=name, got=short(value))
            if path != name:  # the first entry that differs, in full
                text += "\n" + _("{path}: expected {want}, received {got}").format(
                    path=path, want=repr(w), got=repr(g)
                )
            if case.fd is not None:
                fd = dict(_named(number, case.fd))[name]
                text += "\n" + _(
                    "Central finite differences of the forward step (ε = 1e-6) give "
                    "{name} ≈ {fd}, agreeing with rnn_py's step_back."
                ).format(name=name, fd=short(fd))
            return text
    return None


def check(number: int, source: str, time_limit: float = TIME_LIMIT) -> CheckResult:
    """Run the learner's source (text typed in the editor; never anything from a link or a
    file) in a fresh namespace and check its function on every case of exercise `number`.
    ValueError for an unknown exercise. Deterministic for a given source."""
    ex = exercise(number)
    all_cases = cases(number)
    deadline = Deadline(time_limit)
    try:
        program = Program(source, deadline)
        fn = program.function(ex.name)
    except Problem as p:
        return CheckResult(False, _cap(p.message), p.line, 0)
    for k, case in enumerate(all_cases, start=1):
        where = _("Case {k} of {n} ({label}):").format(
            k=k, n=len(all_cases), label=shown_label(case.label)
        )
        where += "\n" + _call_text(ex.name, case)
        args = copy.deepcopy([v for _name, v in case.args])  # theirs to change; ours kept
        try:
            got = program.call(lambda args=args: fn(*args), _("Your {name}").format(name=ex.name))
        except Problem as p:
            return CheckResult(False, _cap(f"{where}\n{p.message}"), p.line, k)
        wrong = judge(number, case, got)
        if wrong:
            printed = program.printed.text()
            said = "\n" + _("It printed: {text}").format(text=printed) if printed else ""
            return CheckResult(False, _cap(f"{where}\n{wrong}{said}"), None, k)
    message = _("All {n} cases pass: {name} agrees with rnn_py.").format(
        n=len(all_cases), name=ex.name
    )
    return CheckResult(True, message, None, len(all_cases))


def check_json(number: int, source: str, time_limit: float = TIME_LIMIT) -> str:
    """check() as JSON, for the worker; never raises (an unknown exercise fails with a message)."""
    try:
        result = check(number, source, time_limit)
    except ValueError as e:
        result = CheckResult(False, str(e), None, 0)
    return json.dumps(asdict(result), ensure_ascii=False)
