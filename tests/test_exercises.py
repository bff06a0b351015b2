"""The exercises' checks (rnn_py.exercises): every reference solution passes, planted mistakes
fail with a message naming the first failing case (its inputs, the expected and the received
value), errors point at the learner's line, and a runaway loop is stopped."""

import json
import math

import pytest

from rnn_py.exercises import EXERCISES, ROLES, check, check_json, exercise, parse_choice
from rnn_py.exercises.cases import cases

NAMES = [
    "vanilla_step",
    "mse_loss",
    "backward_step",
    "clip",
    "gru_step",
    "lstm_step",
    "softmax_cross_entropy",
    "sample_char",
]


def plant(number, *swaps):
    """The reference solution of an exercise with text replaced (each swap must apply)."""
    source = exercise(number).solution
    for old, new in swaps:
        assert old in source, old
        source = source.replace(old, new)
    return source


def body(number, code):
    """A solution whose function body is `code` (after the stub's signature)."""
    ex = exercise(number)
    signature = next(line for line in ex.stub.splitlines() if line.startswith(f"def {ex.name}"))
    return "import math\n\n" + signature + "\n" + "".join(f"    {ln}\n" for ln in code)


PLANTED = {
    1: {
        "transposed W_hh": plant(1, ("zip(w_hh[i], h_prev)", "zip([r[i] for r in w_hh], h_prev)")),
        "missing bias": plant(1, (" + b_h[i] for i", " for i")),
        "always tanh": plant(1, ("[f(v, activation) for v in z]", "[math.tanh(v) for v in z]")),
        "sigmoid for relu": plant(
            1,
            (
                '"relu":\n        return 0.0 if z <= 0.0 else z',
                '"relu":\n        return 1.0 / (1.0 + math.exp(-z))',
            ),
        ),
    },
    2: {
        "off by one in time": plant(2, ("ys[t] - xs[t + 1]", "ys[t] - xs[t]")),
        "divided by T": plant(2, ("/ len(errors)", "/ len(xs)")),
        "a sum, not a mean": plant(2, ("/ len(errors)", "")),
        "absolute errors": plant(2, ("e * e", "abs(e)")),
    },
    3: {
        "wrong tanh derivative": plant(3, ("return 1.0 - h * h", "return 1.0 - h")),
        "W_hh not transposed": plant(3, ("w_hh[i][j] * dz[i]", "w_hh[j][i] * dz[i]")),
        "dw_hh transposed": plant(3, ("dz[i] * h_prev[j] for j", "dz[j] * h_prev[i] for j")),
        "no activation slope": plant(3, ("dh[i] * slope(h[i], activation)", "dh[i]")),
        "dw_xh from h": plant(3, ("dz[i] * x for i", "dz[i] * h[i] for i")),
    },
    4: {
        "clipped by the norm": body(
            4,
            [
                "norm = math.sqrt(sum(v * v for v in grads))",
                "if norm <= limit:",
                "    return list(grads)",
                "return [v * limit / norm for v in grads]",
            ],
        ),
        "sign lost": body(4, ["return [min(abs(v), limit) for v in grads]"]),
        "only the top clipped": body(4, ["return [min(v, limit) for v in grads]"]),
    },
    5: {
        "update gate the other way": plant(
            5,
            ("z[i] * h_prev[i] + (1.0 - z[i]) * hc[i]", "(1.0 - z[i]) * h_prev[i] + z[i] * hc[i]"),
        ),
        "reset after the product": plant(
            5, ('dot(w["w_hh"][i], rh)', 'r[i] * dot(w["w_hh"][i], h_prev)')
        ),
        "missing candidate bias": plant(5, (' + w["b_h"][i])', ")")),
    },
    6: {
        "no tanh on c_t": plant(6, ("o[k] * math.tanh(c[k])", "o[k] * c[k]")),
        "forget and input swapped": plant(
            6, ("f[k] * c_prev[k] + i[k] * cc[k]", "i[k] * c_prev[k] + f[k] * cc[k]")
        ),
        "returns (c, h)": plant(6, ("    return h, c\n", "    return c, h\n")),
        "sigmoid candidate": plant(6, ('"c", x, h_prev, math.tanh', '"c", x, h_prev, sigmoid')),
    },
    7: {
        "unstable softmax": plant(7, ("m = max(logits)", "m = 0.0")),
        "log of a rounded p": plant(
            7, ("return p, log_sum_exp - logits[target]", "return p, -math.log(p[target])")
        ),
        "off by one target": plant(7, ("- logits[target]", "- logits[target - 1]")),
    },
    8: {
        "temperature after the softmax": plant(
            8,
            ("[v / temperature for v in logits]", "list(logits)"),
            ("p = [v / s for v in e]", "p = [v / s / temperature for v in e]"),
        ),
        "times the temperature": plant(8, ("v / temperature", "v * temperature")),
        "unstable softmax": plant(8, ("m = max(scaled)", "m = 0.0")),
        "greedy, ignoring u": plant(8, ("    k, r = 0, u\n", "    return p.index(max(p))\n")),
    },
}


def test_there_are_eight_exercises_in_order_with_roles():
    assert [e.name for e in EXERCISES] == NAMES
    assert [e.number for e in EXERCISES] == list(range(1, 9))
    assert all(e.role in ROLES for e in EXERCISES)
    assert [e.role for e in EXERCISES][:6] == list(ROLES[:6])
    for e in EXERCISES:
        assert f"def {e.name}(" in e.stub and "raise NotImplementedError" in e.stub
        assert f"def {e.name}(" in e.solution and "NotImplementedError" not in e.solution
        assert len(e.hints) >= 3 and all(h.strip() for h in e.hints)
    assert "h_t = f(z_t)" in exercise(1).stub and "W_hh·h_{t−1}" in exercise(1).stub


def test_exercise_and_parse_choice():
    assert exercise(3).name == "backward_step"
    for bad in (0, 9, "1", True, None):
        with pytest.raises(ValueError):
            exercise(bad)
    assert parse_choice("1,3,5") == (1, 3, 5)
    assert parse_choice(" 5, 3,5 ,junk,0,99,-1,") == (5, 3)
    assert parse_choice("") == parse_choice("x,y") == tuple(range(1, 9))
    assert parse_choice(None) == tuple(range(1, 9))


@pytest.mark.parametrize("number", range(1, 9))
def test_each_reference_solution_passes(number):
    result = check(number, exercise(number).solution)
    assert result.passed, result.message
    assert result.cases == len(cases(number)) >= 7
    assert result.line is None and str(result.cases) in result.message


@pytest.mark.parametrize("number", range(1, 9))
def test_each_stub_fails_saying_it_is_not_written_yet(number):
    ex = exercise(number)
    result = check(number, ex.stub)
    assert not result.passed and result.cases == 1
    assert "not written yet" in result.message
    assert ex.stub.splitlines()[result.line - 1].strip().startswith("raise NotImplementedError")


def test_the_cases_cover_the_edges_the_issue_names():
    labels = {n: " ".join(c.label for c in cases(n)) for n in range(1, 9)}
    for n in (1, 3):
        assert all(f"n = {k}" in labels[n] for k in (1, 2, 3, 4))
        assert "saturated" in labels[n]
    assert "huge logits" in labels[7] and "tiny temperature" in labels[8]
    assert "inf" in labels[4] and "gate shut" in labels[5] and "gate shut" in labels[6]
    # the backward step's finite differences agree with rnn_py's step_back on every case
    for case in cases(3):
        for got, want in zip(case.fd, case.expected, strict=True):
            flat_fd = [v for row in got for v in (row if isinstance(row, list) else [row])]
            flat = [v for row in want for v in (row if isinstance(row, list) else [row])]
            assert all(
                abs(a - b) <= 1e-6 * (1 + abs(b)) for a, b in zip(flat_fd, flat, strict=True)
            )


PLANTS = [(n, name) for n, plants in PLANTED.items() for name in plants]


@pytest.mark.parametrize(("number", "plant_name"), PLANTS)
def test_a_planted_mistake_fails_naming_the_first_failing_case(number, plant_name):
    ex = exercise(number)
    result = check(number, PLANTED[number][plant_name])
    assert not result.passed, plant_name
    k = result.cases
    case = cases(number)[k - 1]
    message = result.message
    assert message.startswith(f"Case {k} of {len(cases(number))} ({case.label}):")
    assert f"{ex.name}({case.args[0][0]}=" in message  # the inputs, by name
    assert len(message) <= 2000
    if "raised" in message:  # e.g. OverflowError from an unstable softmax
        assert result.line is not None and f"(line {result.line})" in message
    else:
        assert "expected" in message and "received" in message
    if number == 3 and "raised" not in message:
        assert "finite differences" in message
    # every earlier case passed: the named case is the first failing one
    assert check(number, PLANTED[number][plant_name]).message == message


def test_the_message_shows_the_inputs_expected_and_received_values():
    result = check(1, PLANTED[1]["missing bias"])
    case = cases(1)[0]
    assert result.cases == 1 and case.label == "n = 1, tanh, small numbers"
    assert "vanilla_step(w_xh=[0.5], w_hh=[[0.8]], b_h=[0.1], x=1.0, h_prev=[0.2]" in result.message
    assert f"expected h = [{case.expected[0]:.6g}]" in result.message
    assert f"received h = [{math.tanh(0.5 + 0.16):.6g}]" in result.message  # without the bias


def test_unstable_softmax_overflows_on_huge_logits_and_says_so():
    result = check(7, PLANTED[7]["unstable softmax"])
    assert "huge logits" in result.message and "OverflowError" in result.message
    assert "logits=[1000.0, 999.0, 998.0]" in result.message


def test_clipping_by_the_norm_is_named():
    result = check(4, PLANTED[4]["clipped by the norm"])
    assert "clip(grads=[" in result.message and "limit=5.0" in result.message


def test_a_syntax_error_gives_its_line():
    result = check(1, "import math\n\ndef vanilla_step(w_xh, w_hh, b_h, x, h_prev, activation)\n")
    assert not result.passed and result.line == 3 and result.cases == 0
    assert result.message.startswith("Line 3:") and "SyntaxError" in result.message
    result = check(2, "def mse_loss(ys, xs):\nreturn 0\n")
    assert result.line == 2 and "IndentationError" in result.message
    assert "Traceback" not in result.message


def test_an_exception_gives_the_learners_line_and_a_plain_message():
    source = "def mse_loss(ys, xs):\n    total = 0\n    return total / 0\n"
    result = check(2, source)
    assert result.line == 3 and "ZeroDivisionError: division by zero (line 3)" in result.message
    assert result.message.startswith("Case 1 of") and "Traceback" not in result.message
    result = check(2, "x = 1\ny = [][3]\n")
    assert result.line == 2 and "IndexError" in result.message and result.cases == 0


def test_a_missing_function_or_a_wrong_return_gets_a_plain_message():
    result = check(1, "def vanila_step(*args):\n    return [0.0]\n")
    assert "no function named vanilla_step" in result.message and result.line is None
    result = check(1, "vanilla_step = 3\n")
    assert "not a function" in result.message
    result = check(1, "def vanilla_step(*args):\n    pass\n")
    assert "h should be a list of 1, but it is a NoneType" in result.message
    result = check(6, "def lstm_step(w, x, h, c):\n    return h\n")
    assert "should return 2 things, (h, c)" in result.message
    result = check(2, "def mse_loss(ys, xs):\n    return float('nan')\n")
    assert "L is nan: it should be a finite number" in result.message
    result = check(8, "def sample_char(logits, t, u):\n    return 0.0\n")
    assert "k should be an index (an int)" in result.message


def test_a_runaway_loop_is_stopped_with_a_plain_message():
    for source, line in (
        ("def mse_loss(ys, xs):\n    while True: pass\n", 2),
        ("def mse_loss(ys, xs):\n    while True:\n        try:\n            pass\n"
         "        except Exception:\n            pass\n", None),
        ("while True:\n    pass\n", None),
    ):  # fmt: skip
        result = check(2, source, time_limit=0.2)
        assert not result.passed and "was stopped after 0.2 s" in result.message
        assert "loop that never ends" in result.message
        if line:
            assert result.line == line and "(line 2)" in result.message


def test_imports_beyond_maths_are_refused_and_prints_are_shown():
    result = check(2, "import os\n")
    assert "ImportError" in result.message and "math" in result.message
    result = check(2, "def mse_loss(ys, xs):\n    print('hello', len(xs))\n    return 0.0\n")
    assert "It printed: hello 2" in result.message
    result = check(2, "open('x')\n")
    assert "NameError" in result.message


def test_the_learner_cannot_change_the_cases():
    source = "def clip(grads, limit):\n    grads[0] = 0.0\n    return [0.0] * len(grads)\n"
    first = check(4, source).message
    assert first == check(4, source).message and "grads=[-1.262" in first


def test_check_json_never_raises():
    data = json.loads(check_json(1, exercise(1).solution))
    assert data == {"passed": True, "message": data["message"], "line": None, "cases": 20}
    data = json.loads(check_json(99, "x = 1"))
    assert data["passed"] is False and "no exercise 99" in data["message"]
    data = json.loads(check_json(1, "raise SystemExit"))
    assert data["passed"] is False and "SystemExit" in data["message"]


def test_the_docstring_examples_run():
    import doctest

    from rnn_py.exercises import texts

    assert doctest.testmod(texts).failed == 0
