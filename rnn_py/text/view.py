"""What the page shows in text mode, as data: the text model this visit trains, its loss in bits
per character, what the network sees over a stretch of the text, and Step Forward's equations.

The training itself is rnn_py.text.task (truncated BPTT over windows, state carried between them);
this module keeps one run going across Train clicks, so that N windows trained in any number of
clicks give the same weights as N windows in one go: a link's ``trained=N`` replays them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..i18n import _, ngettext
from ..page.view import short
from . import task as tx

ACTIVATION = "tanh"  # the vanilla cell's f in text mode, as in min-char-rnn
STRETCH = 40  # characters "What the network sees" shows at once
SHOWN = 6  # units (and characters) Step Forward writes out; it says how many more there are
TOP = 5  # predictions listed for a character
HISTORY = 400  # points kept of the loss curve (thinned by halves as training goes on)
LN2 = math.log(2)
SYMBOLS = {" ": "␣", "\n": "↵", "\t": "⇥"}
GAP = "\u00a0"  # a space MathML keeps


def show_char(ch: str) -> str:
    """A character as the page draws it: space, line break and tab as visible symbols, a lone
    combining mark on a dotted circle.

    >>> show_char(" "), show_char("\\n"), show_char("a")
    ('␣', '↵', 'a')
    """
    if ch in SYMBOLS:
        return SYMBOLS[ch]
    if ch.isspace():
        return "⍽"
    import unicodedata

    if unicodedata.combining(ch):
        return "◌" + ch
    return ch


def model_key(state) -> tuple:
    """Everything the trained weights depend on: the text and every training setting."""
    return (state.text, state.text_cell, state.text_hidden, state.seq_length,
            state.text_optimizer, state.lr, state.clip, state.seed)  # fmt: skip


@dataclass
class TextModel:
    """One network on one text with fixed settings, and how far it has been trained."""

    key: tuple
    text: str
    vocab: tx.Vocab
    params: object  # text.TextParams: the weights now
    seq_length: int
    lr: float
    clip: float | None
    optimizer: str
    steps: object = None  # the train_text generator, kept across Train clicks
    windows: int = 0
    chars: int = 0  # characters trained on (the windows' lengths added up)
    smooth: float | None = None  # min-char-rnn's smoothed window loss, bits per character
    history: list = field(default_factory=list)  # [window, smoothed bits]
    every: int = 1  # one history point per `every` windows
    whole: float | None = None  # bits per character over the whole text, once measured
    whole_at: int = -1  # the windows count `whole` belongs to
    status: str = "running"  # "running" until training diverges
    message: str = ""
    partial: bool = False  # a window is partly done (in `steps`): not counted, not shown


def new_model(state) -> TextModel:
    """A fresh network for the state's text and settings: the seeded random start."""
    vocab = tx.Vocab(state.text)
    params = tx.text_params(state.text_cell, state.text_hidden, vocab.size, state.seed)
    return TextModel(
        key=model_key(state), text=state.text, vocab=vocab, params=params,
        seq_length=state.seq_length, lr=state.lr, clip=5.0 if state.clip else None,
        optimizer=state.text_optimizer,
    )  # fmt: skip


def advance(model: TextModel, stop=None):
    """Train until one more window is done; returns its TextStep (None once training has
    diverged). stop, when given, is asked between the pieces of the window's work (train_text's
    pieces: a time step forward or back, a row of the gradient, a slice of the update); when it
    says True, advance returns None with the window partly done (model.partial), and the next
    call goes on from there. A partly done window changes nothing the page shows or counts: the
    weights, the windows, the characters and the loss curve change when it is done, with the
    same numbers however it was split."""
    if model.status != "running":
        return None
    if model.steps is None:
        model.steps = iter(
            tx.train_text(model.params, model.text, seq_length=model.seq_length, lr=model.lr,
                          clip=model.clip, optimizer=model.optimizer, activation=ACTIVATION,
                          pieces=True)
        )  # fmt: skip
    for step in model.steps:
        if step is not None:
            break
        model.partial = True
        if stop is not None and stop():
            return None
    else:
        model.status = "done"
        return None
    model.partial = False
    model.windows += 1
    model.chars += step.length
    if step.status == "diverged":
        model.status, model.message = step.status, step.message
        return step
    model.params = step.params
    model.smooth = step.smooth_loss / LN2
    if model.windows % model.every == 0:
        model.history.append([model.windows, model.smooth])
        if len(model.history) > HISTORY:
            model.every *= 2
            model.history = [p for p in model.history if p[0] % model.every == 0]
    return step


def summary(model: TextModel, state) -> dict:
    """The loss line: smoothed and whole-text bits per character, perplexity, the unigram
    baseline, and how much has been trained."""
    unigram = tx.unigram_bits(model.text)
    whole = model.whole if model.whole_at == model.windows else None
    return {
        "vocab": [show_char(ch) for ch in model.vocab.chars],
        "vocab_size": model.vocab.size,
        "chars": len(model.text),
        "unigram": unigram,
        "smooth": model.smooth,
        "whole": whole,
        "perplexity": None if whole is None else tx.perplexity(whole),
        "unigram_perplexity": tx.perplexity(unigram),
        "windows": model.windows,
        "trained_chars": model.chars,
        "history": model.history,
        "status": model.status,
        "message": model.message,
        "n": model.params.n,
        "cell": state.text_cell,
    }


def stretch_bounds(model: TextModel, start: int) -> tuple[int, int]:
    """The stretch [a, b) of the text shown: STRETCH characters from start (kept inside)."""
    T = len(model.text)
    a = max(0, min(start, T - 2))
    return a, min(T, a + STRETCH)


def sees(model: TextModel, start: int) -> dict:
    """The heatmaps' data for the stretch from `start`, read from h = 0: for each character read,
    the predicted probability of every vocabulary character (rows = vocabulary), the index of the
    true next character (None past the end), its top five, and every hidden unit's value."""
    a, b = stretch_bounds(model, start)
    piece = model.text[a : b + 1]  # one more: the last column's true next character
    ixs = model.vocab.encode(piece)
    tr = tx.forward(model.params, ixs, activation=ACTIVATION)
    L = b - a
    chars = model.vocab.chars
    columns = []
    for t in range(L):
        p = tr.probs[t]
        order = sorted(range(len(p)), key=lambda k: -p[k])[:TOP]
        nxt = ixs[t + 1] if t + 1 < len(ixs) else None
        columns.append({
            "char": show_char(piece[t]),
            "next": nxt,
            "bits": None if nxt is None else -math.log2(max(p[nxt], 1e-300)),
            "top": [[show_char(chars[k]), round(p[k], 4)] for k in order],
        })  # fmt: skip
    return {
        "from": a,
        "to": b,
        "vocab": [show_char(ch) for ch in chars],
        "columns": columns,
        "probs": [[round(v, 4) for v in tr.probs[t]] for t in range(L)],
        "hidden": [[round(v, 4) for v in tr.h[t]] for t in range(L)],
    }


def reach_steps(model: TextModel, start: int):
    """The gradient reach ‖∂h_{T−1}/∂h_t‖ over the stretch from `start` (the characters the
    heatmaps show, read from h = 0), a step back at a time: None while working, then
    {"from", "reach": one number per character, "sentence"}."""
    a, b = stretch_bounds(model, start)
    for values in tx.reach_steps(model.params, model.vocab.encode(model.text[a:b]), ACTIVATION):
        if values is None:
            yield None
    yield {"from": a, "reach": values, "sentence": reach_sentence(values)}


def reach_sentence(values) -> str:
    """One sentence on how far back the gradient reaches over the stretch."""
    T = len(values)
    if T < 2:
        return _(
            "The stretch is one character: there is no earlier state for the gradient to reach."
        )
    first, last = values[0], values[-1]
    if not all(math.isfinite(v) for v in values):
        return _("The gradient reach overflowed: this network's gradients explode.")
    ratio = first / last if last else 0.0
    how = f"{ratio:.1e}" if ratio < 1e-3 or ratio > 1e3 else f"{ratio:.3g}"
    return _(
        "How much the last hidden state h_{last} still depends on each earlier one "
        "(‖∂h_{last}/∂h_t‖, log scale): from the first character it is {how} times "
        "what it is from the last."
    ).format(last=T - 1, how=how)


# ---- Step Forward: the substituted equations of one character ---------------------------------
# Lines of MathML tokens as rnn_py.page.view writes them ([tag, text] or [tag, text, subscript]).

GATE_LINES = {
    "vanilla": (("z", "z", None), ("h", "h", "tanh")),
    "gru": (("r", "r", "σ"), ("z", "z", "σ"), ("hc", "h̃", "tanh"), ("h", "h", None)),
    "lstm": (("i", "i", "σ"), ("f", "f", "σ"), ("o", "o", "σ"), ("cc", "c̃", "tanh"),
             ("c", "c", None), ("h", "h", None)),
}  # fmt: skip
FORMULAS = {  # what each line computes, in words a reader can match to the formulas
    ("vanilla", "z"): "W_xh[:,k] + W_hh·h_{t−1} + b_h",
    ("vanilla", "h"): "tanh(z_t)",
    ("gru", "r"): "σ(W_xr[:,k] + W_hr·h_{t−1} + b_r)",
    ("gru", "z"): "σ(W_xz[:,k] + W_hz·h_{t−1} + b_z)",
    ("gru", "hc"): "tanh(W_xh[:,k] + W_hh·(r_t⊙h_{t−1}) + b_h)",
    ("gru", "h"): "z_t⊙h_{t−1} + (1−z_t)⊙h̃_t",
    ("lstm", "i"): "σ(W_xi[:,k] + W_hi·h_{t−1} + b_i)",
    ("lstm", "f"): "σ(W_xf[:,k] + W_hf·h_{t−1} + b_f)",
    ("lstm", "o"): "σ(W_xo[:,k] + W_ho·h_{t−1} + b_o)",
    ("lstm", "cc"): "tanh(W_xc[:,k] + W_hc·h_{t−1} + b_c)",
    ("lstm", "c"): "f_t⊙c_{t−1} + i_t⊙c̃_t",
    ("lstm", "h"): "o_t⊙tanh(c_t)",
}


_TOKEN = re.compile(r"([A-Za-zσ]̃?)_(\{[^}]*\}|[a-z]+)|(tanh|softmax|σ)|([A-Za-z]̃?)|(\d+)|(\S)")


def formula_tokens(formula: str) -> list:
    """A formula written as 'W_xh[:,k] + W_hh·h_{t−1}' as MathML tokens (names with subscripts).

    >>> formula_tokens("W_hh·h_{t−1}")
    [['mi', 'W', 'hh'], ['mo', '·'], ['mi', 'h', 't−1']]
    """
    out = []
    for m in _TOKEN.finditer(formula):
        name, sub, func, letter, number, op = m.groups()
        if name:
            out.append(["mi", name, sub.strip("{}")])
        elif func or letter:
            out.append(["mi", func or letter])
        elif number:
            out.append(["mn", number])
        else:
            out.append(["mo", op])
    return out


def _vector(values):
    """[v1, v2, …] of the first SHOWN values, then how many are left out."""
    out = [["mo", "["]]
    for i, v in enumerate(values[:SHOWN]):
        if i:
            out.append(["mo", ","])
        out.append(["mn", short(v).replace("-", "−")])
    if len(values) > SHOWN:
        more = len(values) - SHOWN
        text = ngettext("… {n} more unit", "… {n} more units", more).format(n=more)
        out += [["mo", ","], ["mtext", text]]
    return out + [["mo", "]"]]


def step_lines(model: TextModel, start: int, t: int) -> list:
    """Step Forward at character t of the stretch: each gate's formula with its numbers (the
    first SHOWN units), the scores y_t, the softmax and the loss of the true next character."""
    a, b = stretch_bounds(model, start)
    piece = model.text[a : b + 1]
    ixs = model.vocab.encode(piece)
    tr = tx.forward(model.params, ixs[: t + 1], activation=ACTIVATION)
    cell = model.params.CELL
    k, ch = ixs[t], show_char(piece[t])
    ts = str(t)
    read = _("read {x} = ‘{char}’ (character k = {k} of {size})")
    lines = [[["mtext", read.format(x="x" + _sub(t), char=ch, k=k + 1, size=model.vocab.size)]]]
    gates = tr.gates[t]
    for name, symbol, _squash in GATE_LINES[cell]:
        if name == "h":
            values = tr.h[t]
        elif name == "c":
            values = tr.c[t]
        else:
            values = gates[name]
        lines.append([["mi", symbol, ts], ["mo", "="], *formula_tokens(FORMULAS[(cell, name)]),
                      ["mo", "="], *_vector(values)])  # fmt: skip
    y = tr.logits[t]
    p = tr.probs[t]
    order = sorted(range(len(p)), key=lambda j: -p[j])
    chars = model.vocab.chars
    lines.append([["mi", "y", ts], ["mo", "="], *formula_tokens("W_hy·h_t + b_y"), ["mo", "="],
                  *_scores(order, y, chars, "score")])  # fmt: skip
    soft = [["mi", "p", ts], ["mo", "="], *formula_tokens("softmax(y_t)"), ["mo", "="]]
    soft += _scores(order, p, chars, "probability")
    lines.append(soft)
    if t + 1 < len(ixs):
        nxt = ixs[t + 1]
        bits = -math.log2(max(p[nxt], 1e-300))
        true_next = _("true next ‘{char}’:{gap}loss").format(char=show_char(chars[nxt]), gap=GAP)
        lines.append([["mtext", true_next], ["mo", "="],
                      ["mo", "−"], ["mi", "log", "2"], ["mn", f"{p[nxt]:.3f}"], ["mo", "="],
                      ["mn", f"{bits:.2f}"], ["mtext", GAP + _("bits")]])  # fmt: skip
    return lines


def _sub(t):
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(d)] for d in str(t))


def _scores(order, values, chars, word):
    out = [["mo", "["]]
    for i, j in enumerate(order[:SHOWN]):
        if i:
            out.append(["mo", ","])
        number = short(values[j]).replace("-", "−")
        out += [["mtext", f"‘{show_char(chars[j])}’{GAP}"], ["mn", number]]
    if len(order) > SHOWN:
        more = len(order) - SHOWN
        text = ngettext("… {n} more character", "… {n} more characters", more).format(n=more)
        out += [["mo", ","], ["mtext", text]]
    return out + [["mo", "]"]]


def export_weights(model: TextModel, state) -> str:
    """The text network's weights as JSON, with its vocabulary and settings."""
    import json

    document = {
        "format": "rnn_py text weights",
        "version": 1,
        "task": "text",
        "cell": model.params.CELL,
        "hidden_units": model.params.n,
        "vocabulary": model.vocab.chars,
        "seq_length": model.seq_length,
        "windows_trained": model.windows,
        "params": model.params.to_dict(),
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
