"""What the page says about a run: the reading beside the buttons while it goes, and the line
announced when it ends."""

import dataclasses
import doctest
import math

from rnn_py import Params, make_sequence, random_search, train_bptt
from rnn_py.page import runtext


def test_doctests():
    assert doctest.testmod(runtext).failed == 0


def test_the_reading_follows_the_run_step_by_step():
    xs = make_sequence("sine", 12)
    steps = list(train_bptt(Params.scalar(0.5, 1.5, 1.0), xs, "linear", lr=0.05, epochs=300))
    for k in (0, 149, 299):
        text = runtext.run_progress("bptt", steps[k], 300)
        assert text == f"Epoch {k + 1} of 300 · loss {steps[k].loss:.4g}"
    tries = list(random_search(xs, "tanh", n=1, trials=300, seed=3))
    text = runtext.run_progress("random", tries[41], 300)
    assert text == f"Try 42 of 300 · best loss {tries[41].best_loss:.4g}"
    assert tries[41].best_loss <= min(t.loss for t in tries[:42])


def test_a_loss_too_large_reads_as_overflow_not_inf_or_nan():
    xs = make_sequence("sine", 12)
    step = next(iter(train_bptt(Params.scalar(0.5, 1.5, 1.0), xs, "linear", epochs=1)))
    for bad in (math.inf, math.nan):
        text = runtext.run_progress("bptt", dataclasses.replace(step, loss=bad), 300)
        assert text == "Epoch 1 of 300 · loss overflow"
