"""TEMPORARY STAND-IN (never committed): exui develops against the contract until ex lands."""
import json, math, sys, time
from dataclasses import dataclass

@dataclass(frozen=True)
class Exercise:
    number: int; name: str; title: str; stub: str; hints: tuple; solution: str; role: str

STUB1 = '''import math


def vanilla_step(w_xh, w_hh, b_h, x, h_prev, activation):
    """One step: h = f(W_xh x + W_hh h_prev + b_h)."""
    raise NotImplementedError("write vanilla_step")
'''
SOL1 = '''import math


def vanilla_step(w_xh, w_hh, b_h, x, h_prev, activation):
    f = {"tanh": math.tanh, "relu": lambda z: max(0.0, z),
         "sigmoid": lambda z: 1 / (1 + math.exp(-z)), "linear": lambda z: z}[activation]
    n = len(h_prev)
    return [f(w_xh[i] * x + sum(w_hh[i][j] * h_prev[j] for j in range(n)) + b_h[i]) for i in range(n)]
'''
EXERCISES = (
    Exercise(1, "vanilla_step", "One step of the vanilla RNN", STUB1, ("Loop over units.", "Add the bias."), SOL1, "vanilla_step"),
    Exercise(2, "mse_loss", "The mean squared loss", 'def mse_loss(ys, targets):\n    raise NotImplementedError("x")\n', ("Mean.",), 'def mse_loss(ys, targets):\n    return sum((y - t) ** 2 for y, t in zip(ys, targets)) / len(ys)\n', "loss"),
)

def exercise(number):
    for e in EXERCISES:
        if e.number == number:
            return e
    raise ValueError(number)

def _compile(number, source):
    ns = {}
    exec(compile(source, "<your code>", "exec"), ns)
    return ns[exercise(number).name]

def check_json(number, source):
    import random
    try:
        fn = _compile(number, source)
        ref = _compile(number, exercise(number).solution)
        rng = random.Random(1)
        for case in range(20):
            n = case % 4 + 1
            if number == 1:
                args = ([rng.uniform(-1, 1) for _ in range(n)], [[rng.uniform(-1, 1) for _ in range(n)] for _ in range(n)], [rng.uniform(-1, 1) for _ in range(n)], rng.uniform(-2, 2), [rng.uniform(-1, 1) for _ in range(n)], "tanh")
            else:
                args = ([rng.uniform(-1, 1) for _ in range(n)], [rng.uniform(-1, 1) for _ in range(n)])
            start = time.monotonic()
            def tracer(frame, event, arg):
                if time.monotonic() - start > 5:
                    raise TimeoutError
                return tracer
            sys.settrace(tracer)
            try:
                got = fn(*args)
            finally:
                sys.settrace(None)
            want = ref(*args)
            if got != want:
                return json.dumps({"passed": False, "message": f"Case {case + 1} (n = {n}): inputs {args}; expected {want}, received {got}.", "line": None, "cases": case + 1})
        return json.dumps({"passed": True, "message": "All 20 cases pass.", "line": None, "cases": 20})
    except SyntaxError as e:
        return json.dumps({"passed": False, "message": f"Line {e.lineno}: syntax error: {e.msg}", "line": e.lineno, "cases": 0})
    except TimeoutError:
        return json.dumps({"passed": False, "message": "Stopped after 5 s.", "line": None, "cases": 0})
    except Exception as e:
        tb = e.__traceback__
        line = None
        while tb:
            if tb.tb_frame.f_code.co_filename == "<your code>":
                line = tb.tb_lineno
            tb = tb.tb_next
        return json.dumps({"passed": False, "message": f"Line {line}: {type(e).__name__}: {e}", "line": line, "cases": 0})

def page_trace_json(sources, query):
    from rnn_py.page.state import from_query
    from rnn_py import cells
    state, _ = from_query(query)
    src = json.loads(sources)
    if state.cell != "vanilla" or "1" not in src:
        tr = cells.forward(state.params, state.xs(), state.activation, state.targets())
        return json.dumps({"ok": True, "used": [], "hs": tr.h, "ys": tr.y, "loss": tr.loss, "grads": None})
    try:
        fn = _compile(1, src["1"])
        p = state.params
        h = [0.0] * p.n
        hs, ys = [], []
        for x in state.xs():
            h = fn(p.w_xh, p.w_hh, p.b_h, x, h, state.activation)
            hs.append(list(h)); ys.append(sum(a * b for a, b in zip(p.w_hy, h)) + p.b_y)
    except Exception as e:
        return json.dumps({"ok": False, "message": f"{type(e).__name__}: {e}"})
    xs = state.xs()
    loss = sum((ys[t] - xs[t + 1]) ** 2 for t in range(len(xs) - 1)) / (len(xs) - 1)
    return json.dumps({"ok": True, "used": [1], "hs": hs, "ys": ys, "loss": loss, "grads": None})

def notebook(progress):
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None, "id": str(n)} for n, s in progress.items()]}
