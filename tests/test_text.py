"""The text task's numbers: every cell against an independent NumPy version and central finite
differences, the carried state, a stable softmax, and the updates."""

import doctest
import math
import random

import numpy as np
import pytest
import reference_text as ref

from rnn_py import train
from rnn_py.text import core as textcore
from rnn_py.text import model as textmodel
from rnn_py.text import task as text
from rnn_py.text.task import (
    TextParams,
    Vocab,
    backward,
    bits_per_char,
    forward,
    loss_and_grads,
    text_params,
    train_text,
    unigram_bits,
)

CELLS = ("vanilla", "gru", "lstm")
CASES = [(cell, "tanh") for cell in CELLS] + [("vanilla", a) for a in ("relu", "sigmoid", "linear")]


def window(n, V, T, seed):
    """Random inputs, targets and a random starting state (h0, c0)."""
    rng = random.Random(seed)
    inputs = [rng.randrange(V) for _ in range(T)]
    targets = [rng.randrange(V) for _ in range(T)]
    h0 = [rng.uniform(-0.9, 0.9) for _ in range(n)]
    c0 = [rng.uniform(-2.0, 2.0) for _ in range(n)]
    return inputs, targets, h0, c0


def close(a, b, tol=1e-12):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    assert np.allclose(a, b, rtol=tol, atol=tol), np.max(np.abs(a - b))


@pytest.mark.parametrize(("cell", "activation"), CASES)
@pytest.mark.parametrize("n", range(1, 9))
def test_forward_matches_numpy(cell, activation, n):
    V = 6
    params = text_params(cell, n, V, seed=n)
    inputs, _, h0, c0 = window(n, V, 9, seed=n)
    targets = inputs[1:] + [0]
    loss, P, h_last, c_last, _ = ref.loss_and_grads(params, inputs, targets, h0, c0, activation)
    fw = ref.forward(params, inputs, h0, c0, activation)
    tr = forward(params, inputs, h0, c0, activation)
    close(tr.probs, P)
    close(tr.h, fw["H"][1:])
    close(tr.h_last, h_last)
    if cell == "lstm":
        close(tr.c, fw["C"][1:])
        close(tr.c_last, c_last)
    else:
        assert tr.c is None and tr.c_last is None
    # forward's loss covers the steps that have a next character: all but the last
    mean_first = -np.log(P[np.arange(8), inputs[1:]]).mean()
    assert tr.loss == pytest.approx(mean_first, rel=1e-12)


@pytest.mark.parametrize(("cell", "activation"), CASES)
@pytest.mark.parametrize("n", range(1, 9))
def test_every_gradient_matches_numpy(cell, activation, n):
    V = 5
    params = text_params(cell, n, V, seed=10 + n)
    inputs, targets, h0, c0 = window(n, V, 11, seed=n)
    loss, _, h_last, c_last, grads = ref.loss_and_grads(params, inputs, targets, h0, c0, activation)
    fast_loss, fast, fast_h, fast_c = loss_and_grads(params, inputs, targets, h0, c0, activation)
    slow = backward(params, inputs, targets, h0, c0, activation)
    assert fast_loss == pytest.approx(loss, rel=1e-12)
    assert slow.loss == pytest.approx(loss, rel=1e-12)
    for name in params.names():
        close(getattr(fast, name), grads[name])
        close(getattr(slow.grads, name), grads[name])
    close(fast_h, h_last)
    assert (fast_c is None) == (cell != "lstm")
    if cell == "lstm":
        close(fast_c, c_last)


@pytest.mark.parametrize(("cell", "activation"), CASES[:4])
@pytest.mark.parametrize("n", (1, 2, 5, 8))
def test_gradients_match_central_finite_differences(cell, activation, n):
    V = 4
    params = text_params(cell, n, V, seed=n)
    inputs, targets, h0, c0 = window(n, V, 7, seed=100 + n)
    _, grads, _, _ = loss_and_grads(params, inputs, targets, h0, c0, activation)
    theta, g = params.flat(), grads.flat()
    eps = 1e-6
    for k in range(len(theta)):
        plus, minus = theta[:], theta[:]
        plus[k] += eps
        minus[k] -= eps
        up = loss_and_grads(TextParams.from_flat(cell, n, V, plus), inputs, targets, h0, c0,
                            activation)[0]  # fmt: skip
        down = loss_and_grads(TextParams.from_flat(cell, n, V, minus), inputs, targets, h0, c0,
                              activation)[0]  # fmt: skip
        numeric = (up - down) / (2 * eps)
        assert abs(numeric - g[k]) <= 1e-7 + 1e-5 * abs(g[k]), (k, numeric, g[k])


def test_finite_differences_cover_the_one_hot_columns_too():
    # a character that is never read gets no input-weight gradient: its column is untouched
    params = text_params("lstm", 3, 5, seed=0)
    _, grads, _, _ = loss_and_grads(params, [0, 1, 0, 1], [1, 0, 1, 4])
    for g in params.GATES:
        w = getattr(grads, "w_x" + g)
        assert all(row[k] == 0.0 for row in w for k in (2, 3, 4))
        assert any(row[0] != 0.0 for row in w) and any(row[1] != 0.0 for row in w)


@pytest.mark.parametrize("cell", CELLS)
def test_two_windows_with_the_carried_state_are_one_pass(cell):
    params = text_params(cell, 4, 5, seed=3)
    data = [random.Random(1).randrange(5) for _ in range(21)]
    whole = forward(params, data)
    loss1, _, h, c = loss_and_grads(params, data[:10], data[1:11])
    loss2, _, h2, c2 = loss_and_grads(params, data[10:20], data[11:21], h, c)
    assert (loss1 + loss2) / 2 == pytest.approx(whole.loss, rel=1e-12)
    close(h2, whole.h[19])
    second = forward(params, data[10:], h, c)
    close(second.probs, whole.probs[10:])
    if cell == "lstm":
        close(c2, whole.c[19])
    # truncated BPTT: the second window's gradient is NumPy's with (h, c) held constant
    _, _, _, _, grads = ref.loss_and_grads(params, data[10:20], data[11:21], h, c or [0.0] * 4)
    _, fast, _, _ = loss_and_grads(params, data[10:20], data[11:21], h, c)
    for name in params.names():
        close(getattr(fast, name), grads[name])


@pytest.mark.parametrize("cell", CELLS)
def test_train_text_carries_the_state_and_resets_it_at_the_end_of_the_text(cell):
    source = "hello world, hello there\n"  # 25 characters, 24 to predict: 10, 10, 4
    vocab = Vocab(source)
    data = vocab.encode(source)
    params = text_params(cell, 3, vocab.size, seed=2)
    steps = list(train_text(params, source, seq_length=10, lr=0.05, optimizer="gd", windows=7))
    assert [s.position for s in steps] == [0, 10, 20, 0, 10, 20, 0]
    assert [s.length for s in steps] == [10, 10, 4, 10, 10, 4, 10]
    assert [s.end_of_text for s in steps] == [False, False, True] * 2 + [False]
    assert [s.epoch for s in steps] == [1, 1, 1, 2, 2, 2, 3]
    current, h, c = params, None, None
    for s in steps:
        xs, ys = data[s.position : s.position + s.length], data[s.position + 1 :][: s.length]
        loss, grads, h, c = loss_and_grads(current, xs, ys, h, c)
        assert s.loss == pytest.approx(loss, rel=1e-12)
        close(s.h, h)
        if cell == "lstm":
            close(s.c, c)
        theta = [w - 0.05 * g for w, g in zip(current.flat(), grads.flat(), strict=True)]
        assert not s.clipped and s.params.flat() == theta  # gd: θ − lr·g exactly
        current = s.params
        if s.end_of_text:
            h = c = None  # the next window starts again from zero
    assert steps[-1].status == "done" and all(s.status == "running" for s in steps[:-1])


def test_adam_is_train_bptts_update_bit_for_bit():
    rng = random.Random(5)
    theta = [rng.uniform(-1, 1) for _ in range(40)]
    ours, theirs = textcore.Optimizer("adam", 0.03, 40), train._update_rule("adam", 0.03, 40)
    a, b = theta, theta
    for _ in range(5):
        g = [rng.uniform(-3, 3) for _ in range(40)]
        a, b = ours(a, g), theirs(b, g)
        assert a == b
    gd = textcore.Optimizer("gd", 0.1, 40)(theta, g)
    assert gd == train._update_rule("gd", 0.1, 40)(theta, g)


def test_clipping_is_per_entry():
    values, changed = textcore.clip_values([7.0, -0.5, -9.0, 5.0], 5.0)
    assert values == [5.0, -0.5, -5.0, 5.0] and changed
    assert textcore.clip_values([1.0, -2.0], 5.0) == ([1.0, -2.0], False)


def test_softmax_is_stable_for_huge_logits():
    p, lse = textcore.softmax([1e300, -1e300, 0.0])
    assert p == [1.0, 0.0, 0.0] and lse == 1e300
    p, lse = textcore.softmax([-1e4, -1e4 - math.log(3.0)])
    assert p == pytest.approx([0.75, 0.25]) and lse == pytest.approx(-1e4 + math.log(4 / 3))
    big = text_params("vanilla", 3, 4, seed=0)
    big.w_hy = [[500.0 * w for w in row] for row in big.w_hy]
    tr = forward(big, [0, 1, 2, 3, 0])
    assert all(math.isfinite(v) for p in tr.probs for v in p)
    assert all(sum(p) == pytest.approx(1.0) for p in tr.probs)
    assert math.isfinite(tr.loss) and tr.loss > 10  # confidently wrong, but a number
    loss, grads, _, _ = loss_and_grads(big, [0, 1, 2, 3], [1, 2, 3, 0])
    assert loss == pytest.approx(tr.loss, rel=1e-12) and grads.is_finite()


def test_bits_per_char_is_the_forward_loss_in_bits():
    source = text.PRESETS["rhyme"]
    vocab = Vocab(source)
    for cell in CELLS:
        params = text_params(cell, 5, vocab.size, seed=1)
        nats = forward(params, vocab.encode(source)).loss
        assert bits_per_char(params, source) == pytest.approx(nats / math.log(2), rel=1e-12)


def test_unigram_bits_and_perplexity():
    assert unigram_bits("abab") == 1.0
    assert unigram_bits("aabc") == 1.5
    assert unigram_bits("abcdefgh") == pytest.approx(3.0)
    assert text.perplexity(3.0) == pytest.approx(8.0)
    # a network that always predicts the frequencies scores exactly the unigram baseline
    source = "aab" * 4
    vocab = Vocab(source)
    params = TextParams.zeros("gru", 2, vocab.size)
    params.b_y = [math.log(2 / 3), math.log(1 / 3)]
    # the targets source[1:] are 7 a's and 4 b's
    expected = -(7 * math.log2(2 / 3) + 4 * math.log2(1 / 3)) / 11
    assert bits_per_char(params, source) == pytest.approx(expected)


@pytest.mark.parametrize("cell", CELLS)
def test_training_beats_the_unigram_baseline(cell):
    source = text.PRESETS["hello"]
    params = text_params(cell, 8, Vocab(source).size, seed=0)
    windows = 15 * text.windows_per_epoch(source)
    steps = list(train_text(params, source, windows=windows))
    assert steps[-1].status == "done"
    assert bits_per_char(steps[-1].params, source) < unigram_bits(source) - 2.0
    assert steps[-1].smooth_loss < steps[0].smooth_loss


def test_a_huge_learning_rate_diverges_with_a_message_and_finite_weights():
    source = text.PRESETS["abc"]
    params = text_params("vanilla", 4, 3, seed=0)
    params.w_hy = [[1e5 * w for w in row] for row in params.w_hy]
    steps = list(train_text(params, source, lr=1e9, optimizer="gd", clip=None, windows=50))
    last = steps[-1]
    assert last.status == "diverged" and "learning rate" in last.message
    assert last.params.is_finite() and all(map(math.isfinite, last.h))


def test_predictions_are_the_forward_pass():
    source = text.PRESETS["python"]
    vocab = Vocab(source)
    params = text_params("lstm", 6, vocab.size, seed=4)
    stretch = source[:30]
    out = text.predictions(params, vocab, stretch)
    tr = forward(params, vocab.encode(stretch))
    assert len(out) == 30
    for t, pred in enumerate(out):
        close(pred.probs, tr.probs[t])
        close(pred.hidden, tr.h[t])
        assert pred.char == stretch[t]
        assert pred.target == (stretch[t + 1] if t < 29 else None)
        ps = [p for _, p in pred.top5]
        assert len(pred.top5) == 5 and ps == sorted(ps, reverse=True)
        assert ps[0] == max(pred.probs)
        assert pred.top5[0][0] == vocab.chars[pred.probs.index(ps[0])]
    assert text.predictions(params, vocab, "ab")[0].to_dict()["char"] == "a"
    assert len(text.predictions(text_params("gru", 2, 3, 0), Vocab("abc"), "ab")[0].top5) == 3


def test_sampling_is_seeded_and_temperature_sharpens():
    source = text.PRESETS["abc"]
    vocab = Vocab(source)
    params = text_params("lstm", 8, vocab.size, seed=0)
    *_, last = train_text(params, source, windows=60)
    trained = last.params
    assert text.sample(trained, vocab, "a", 30, 0.1, seed=1) == "bca" * 10
    # a high temperature flattens the distribution: the same network strays from the pattern
    hot = text.sample(trained, vocab, "a", 60, 2.0, seed=1)
    assert sum(hot[i : i + 3] != "bca" for i in range(0, 60, 3)) >= 3
    one = text.sample(params, vocab, "a", 50, 2.0, seed=3)
    assert one == text.sample(params, vocab, "a", 50, 2.0, seed=3)
    assert one != text.sample(params, vocab, "a", 50, 2.0, seed=4)
    assert "".join(text.sample_steps(params, vocab, "ab", 50, 2.0, seed=3)) == text.sample(
        params, vocab, "ab", 50, 2.0, seed=3
    )
    steps = text.sample_steps(params, vocab, "a", 3, 1.0, seed=0)
    assert all(len(next(steps)) == 1 for _ in range(3))


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda p, v: text.sample(p, v, "a", 5, temperature=0.05), "from 0.1 to 2"),
        (lambda p, v: text.sample(p, v, "a", 5, temperature=2.5), "from 0.1 to 2"),
        (lambda p, v: text.sample(p, v, "z", 5), "'z' is not one of the text's"),
        (lambda p, v: text.sample(p, v, "", 5), "start character"),
        (lambda p, v: text.sample(p, v, "a", -1), "from 0 to 100,000"),
        (lambda p, v: text.sample(p, Vocab("abcd"), "a", 5), "start again"),
        (lambda p, v: text.predictions(p, v, ""), "stretch"),
        (lambda p, v: forward(p, []), "no characters"),
        (lambda p, v: forward(p, [0, 3]), "from 0 to 2"),
        (lambda p, v: loss_and_grads(p, [0, 1], [1]), "one target per input"),
        (lambda p, v: forward(p, [0], h0=[0.0]), "2 numbers"),
        (lambda p, v: list(train_text(p, "abcd", windows=1)), "start again"),
        (lambda p, v: train_text(p, "abc", seq_length=0), "sequence length"),
        (lambda p, v: train_text(p, "abc", lr=-1), "learning rate"),
        (lambda p, v: train_text(p, "abc", clip=0), "clipping"),
        (lambda p, v: train_text(p, "abc", optimizer="sgd"), "Unknown optimizer"),
        (lambda p, v: train_text(p, "abc", windows=0), "windows"),
        (lambda p, v: train_text(p, "abc", activation="cos"), "Unknown activation"),
        (lambda p, v: text_params("lstm", 33, 3, 0), "from 1 to 32"),
        (lambda p, v: text_params("lstm", 2, 65, 0), "from 2 to 64"),
        (lambda p, v: text_params("rnn", 2, 3, 0), "Unknown cell"),
    ],
)
def test_bad_arguments_get_a_message(call, words):
    params = text_params("gru", 2, 3, seed=0)
    with pytest.raises(ValueError, match=words):
        call(params, Vocab("abc"))


def test_text_params_round_trips_and_shapes():
    for cell in CELLS:
        p = text_params(cell, 3, 5, seed=7)
        assert p == text_params(cell, 3, 5, seed=7) and p != text_params(cell, 3, 5, seed=8)
        assert len(p.flat()) == TextParams.size(cell, 3, 5)
        assert TextParams.from_flat(cell, 3, 5, p.flat()) == p
        assert TextParams.from_dict(p.to_dict()) == p
        assert (p.n, p.vocab_size, p.CELL) == (3, 5, cell)
        for g in p.GATES:
            assert len(getattr(p, "w_x" + g)) == 3 and len(getattr(p, "w_x" + g)[0]) == 5
        assert len(p.w_hy) == 5 and len(p.w_hy[0]) == 3 and p.b_y == [0.0] * 5
    assert text_params("lstm", 2, 3, 0).b_f == [1.0, 1.0]
    assert text_params("gru", 2, 3, 0).b_z == [1.0, 1.0]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.pop("w_hi"), "no 'w_hi'"),
        (lambda d: d.update(cell="rnn"), "Unknown cell"),
        (lambda d: d["w_xi"][0].append(1.0), "w_xi must be 2 rows of 3 numbers"),
        (lambda d: d["b_i"].append(1.0), "b_i must be a list of 2"),
        (lambda d: d["w_hy"][1].__setitem__(0, "x"), r"w_hy\[1\]\[0\] must be a number"),
        (lambda d: d["b_y"].__setitem__(0, float("nan")), "finite"),
        (lambda d: d.update(b_y="abc"), "one entry per character"),
        (lambda d: d.update(b_y=3.0), "weights for numbers"),
        (lambda d: d.update(w_hy=[0.5, 0.5], b_y=[0.0]), "weights for numbers, not for text"),
    ],
)
def test_from_dict_says_what_is_wrong(change, words):
    d = text_params("lstm", 2, 3, seed=0).to_dict()
    change(d)
    with pytest.raises(ValueError, match=words):
        TextParams.from_dict(d)


def test_from_flat_checks_the_count():
    # vanilla, n = 2, V = 3: W_xh 2×3, W_hh 2×2, b_h 2, then W_hy 3×2 and b_y 3
    assert TextParams.size("vanilla", 2, 3) == 6 + 4 + 2 + 6 + 3
    assert TextParams.size("lstm", 2, 3) == 4 * (6 + 4 + 2) + 6 + 3
    with pytest.raises(ValueError, match="needs 21 numbers, but 3"):
        TextParams.from_flat("vanilla", 2, 3, [0.0] * 3)


@pytest.mark.parametrize("module", [text, textcore, textmodel])
def test_docstring_examples(module):
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


@pytest.mark.parametrize(("cell", "activation"), CASES[:4])
def test_reach_is_the_norm_of_the_jacobian_by_finite_differences(cell, activation):
    n, ixs = 3, [0, 2, 1, 1, 0, 2, 1]
    params = text_params(cell, n, 3, seed=5)
    got = text.reach(params, ixs, activation)
    tr = forward(params, ixs, activation=activation)
    eps = 1e-6
    for t in range(len(ixs)):
        columns = []
        for j in range(n):  # ∂h_{T−1}/∂h_t[j], with c_t held fixed
            ends = []
            for sign in (1, -1):
                h = list(tr.h[t])
                h[j] += sign * eps
                if t == len(ixs) - 1:
                    ends.append(h)
                    continue
                c = tr.c[t] if cell == "lstm" else None
                ends.append(forward(params, ixs[t + 1 :], h, c, activation).h_last)
            columns.append([(a - b) / (2 * eps) for a, b in zip(*ends, strict=True)])
        assert got[t] == pytest.approx(np.linalg.norm(np.array(columns)), rel=1e-6, abs=1e-9)
    assert got[-1] == pytest.approx(math.sqrt(n))


def test_bits_per_char_in_slices_gives_the_same_figure():
    source = text.PRESETS["python"]
    params = text_params("lstm", 4, Vocab(source).size, seed=2)
    steps = list(text.bits_per_char_steps(params, source, chunk=40))
    assert len(steps) == 4 and steps[:3] == [None] * 3  # 130 predictions in slices of 40
    assert steps[-1] == pytest.approx(bits_per_char(params, source), rel=1e-12)
    with pytest.raises(ValueError, match="chunk"):
        text.bits_per_char_steps(params, source, chunk=0)
