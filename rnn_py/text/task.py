"""Your own text: a character-level RNN that learns to write, as Karpathy's min-char-rnn does,
on the same cells as the numbers (vanilla, GRU, LSTM).

The vocabulary is the distinct characters of the text (Unicode code points, sorted). Character
k enters as a one-hot vector, so its input term is column k of each gate's input weights W_x·
(a column pick). The output is a softmax over the vocabulary:

    y_t = W_hy·h_t + b_y                  (V logits)
    p_t = softmax(y_t)                    the predicted distribution of the next character
    L   = mean over t of −log p_t[x_{t+1}]  (nats; ÷ ln 2 for bits per character)

Training is truncated BPTT over windows of `seq_length` characters, carrying h (and the LSTM's
c) from one window to the next and starting again from zero at the end of the text.
`forward` and `backward` run the cells' own `step` and `step_back`; training runs the same
arithmetic arranged for speed in `textcore`.
"""

import math
import random
import unicodedata
from dataclasses import dataclass

from .. import cells
from ..cells.vanilla import _activation
from ..i18n import N_, _
from ..train import LOSS_LIMIT, OPTIMIZERS, PARAM_LIMIT
from . import core as textcore
from .model import (
    MAX_HIDDEN_TEXT,
    MAX_VOCAB,
    TextGradients,
    TextParams,
    TextTrace,
    backward,
    forward,
    loss_and_grads,
    reach,
    reach_steps,
    text_params,
)
from .settings import DEFAULT_SEQ_LENGTH, MAX_CHARS, PRESET_LABELS, PRESETS

DEFAULT_LR = 0.03  # for Adam; plain gradient descent wants larger steps
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.1, 2.0
SMOOTHING = 0.9  # smooth_loss ← 0.9·smooth_loss + 0.1·loss, window by window

# Characters that would reorder how everything after them is displayed.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def check_text(text):
    """The text to train on, or a ValueError saying what to change.

    Line breaks become "\\n" (from "\\r\\n" or "\\r"); tabs and line breaks are characters like
    any other. Refused: an empty text, more than MAX_CHARS characters, other control characters
    and the bidirectional embedding, override and isolate marks, a single distinct character,
    more than MAX_VOCAB distinct characters. Right-to-left letters, accents and characters outside
    the Basic Multilingual Plane (emoji) are accepted: each code point is one character, so an
    emoji built from several code points counts as several.

    >>> check_text("ab\\r\\nba")
    'ab\\nba'
    >>> check_text("aaaa")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: The text has only one distinct character ('a'): there is nothing to predict...
    """
    if not isinstance(text, str):
        raise ValueError(_("The text must be a string of characters."))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        raise ValueError(_("The text is empty: type or paste a few words, or pick a preset."))
    if len(text) > MAX_CHARS:
        raise ValueError(
            _(
                "The text has {n} characters; the limit is {limit}. "
                "Shorten it (training time grows with its length)."
            ).format(n=f"{len(text):,}", limit=f"{MAX_CHARS:,}")
        )
    for position, ch in enumerate(text):
        kind = unicodedata.category(ch)
        if (kind == "Cc" and ch not in "\n\t") or ch in _BIDI_CONTROLS or kind == "Cs":
            if kind == "Cs":
                message = _(
                    "The text contains a lone surrogate, {code}, at position {position}. Remove "
                    "it: only printable characters, spaces, tabs and line breaks can be used."
                )
            else:
                message = _(
                    "The text contains a control character, {code}, at position {position}. "
                    "Remove it: only printable characters, spaces, tabs and line breaks can be "
                    "used."
                )
            raise ValueError(message.format(code=f"U+{ord(ch):04X}", position=position + 1))
    distinct = sorted(set(text))
    if len(distinct) == 1:
        raise ValueError(
            _(
                "The text has only one distinct character ({char}): there is nothing "
                "to predict. Use at least two different characters."
            ).format(char=_show(distinct[0]))
        )
    if len(distinct) > MAX_VOCAB:
        raise ValueError(
            _(
                "The text has {n} distinct characters; the limit is {limit}. "
                "Use fewer different characters (for example only lower case, or fewer symbols)."
            ).format(n=len(distinct), limit=MAX_VOCAB)
        )
    return text


def _show(ch):
    """A character as a student can read it in a message."""
    names = {"\n": N_("a line break"), "\t": N_("a tab"), " ": N_("a space")}
    return _(names[ch]) if ch in names else repr(ch)


class Vocab:
    """The distinct characters of a text, sorted by code point; character k is fed in as the
    one-hot vector e_k.

    >>> v = Vocab("hello")
    >>> v.chars, v.size, v.encode("hole"), v.decode([3, 0])
    (['e', 'h', 'l', 'o'], 4, [1, 3, 2, 0], 'oe')
    """

    def __init__(self, text):
        self.chars = sorted(set(text))
        self.size = len(self.chars)
        self._index = {ch: k for k, ch in enumerate(self.chars)}

    def index(self, ch):
        """The index of a character, or a ValueError when the text never has it."""
        if ch not in self._index:
            raise ValueError(
                _("{char} is not one of the text's characters.").format(char=_show(ch))
            )
        return self._index[ch]

    def encode(self, text):
        """The indices of the characters of text."""
        return [self.index(ch) for ch in text]

    def decode(self, ixs):
        """The characters of the indices."""
        return "".join(self.chars[k] for k in ixs)


@dataclass(frozen=True)
class TextStep:
    """One window of training, as the page draws it.

    window counts windows so far (1, 2, …) and epoch the passes over the text (1 first);
    position is where in the text the window starts and length how many characters it
    predicts; loss is the window's mean cross-entropy in nats per character, measured with the
    weights before this update (inf or nan on a diverged step), smooth_loss a running average
    of it; params are the weights after the update, always finite; h and c (LSTM, else None) the
    state after reading the window, which the next window starts from unless the text ended
    (end_of_text, then it starts again from zero). status is "running", "done" on the last
    window, or "diverged" (message says what happened; the generator ends).
    """

    window: int
    epoch: int
    position: int
    length: int
    loss: float
    smooth_loss: float
    params: TextParams
    h: list
    c: list | None
    end_of_text: bool
    clipped: bool
    status: str
    message: str = ""


def windows_per_epoch(text, seq_length=DEFAULT_SEQ_LENGTH):
    """How many windows one pass over the text takes: ⌈(len(text) − 1) / seq_length⌉."""
    return -(-(len(text) - 1) // seq_length)


def train_text(
    params,
    text,
    seq_length=DEFAULT_SEQ_LENGTH,
    lr=DEFAULT_LR,
    clip=5.0,
    optimizer="adam",
    activation="tanh",
    windows=None,
    pieces=False,
):
    """Truncated BPTT over the text, one TextStep per window, as min-char-rnn trains.

    Window w reads seq_length characters from where the last one stopped and predicts each next
    character; the gradient of its mean cross-entropy goes back through the window only. Each
    gradient entry is clipped to [−clip, clip] (clip=None: no clipping), then "gd" takes
    θ ← θ − lr·g and "adam" takes Adam's step (as train_bptt does). The state (h, c) is carried
    from window to window and reset to zero at the end of the text, where the next epoch starts.
    windows=None trains until the caller stops asking. Arguments are checked at once.
    pieces=True also yields None between the pieces of a window's work (a time step forward or
    back, a row of the gradient, a slice of the update: textcore.window_steps), for a page that
    spreads a window over several frames; the TextSteps are the same.

    >>> text = "abcabcabcabc"
    >>> p = text_params("vanilla", 4, 3, seed=0)
    >>> steps = list(train_text(p, text, seq_length=5, lr=0.05, windows=30))
    >>> steps[-1].status, steps[-1].loss < steps[0].loss, steps[2].end_of_text
    ('done', True, True)
    """
    text = check_text(text)
    _activation(activation)
    vocab = Vocab(text)
    _check_fit(params, vocab)
    if isinstance(seq_length, bool) or not isinstance(seq_length, int) or seq_length < 1:
        raise ValueError(f"The sequence length must be a whole number ≥ 1, not {seq_length!r}.")
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not 0 < lr < math.inf:
        raise ValueError(f"The learning rate must be a positive number, not {lr!r}.")
    if clip is not None and (
        isinstance(clip, bool) or not isinstance(clip, int | float) or not 0 < clip < math.inf
    ):
        raise ValueError(f"The clipping limit must be a positive number, not {clip!r}.")
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"Unknown optimizer {optimizer!r}. Choose one of: {', '.join(OPTIMIZERS)}."
        )
    if windows is not None and (
        isinstance(windows, bool) or not isinstance(windows, int) or windows < 1
    ):
        raise ValueError(f"The number of windows must be a whole number ≥ 1, not {windows!r}.")
    if not all(abs(w) <= PARAM_LIMIT for w in params.flat()):
        raise ValueError("The starting weights must be finite numbers between -1e6 and 1e6.")
    data = vocab.encode(text)
    return _text_steps(
        params, data, seq_length, float(lr), clip, optimizer, activation, windows, pieces
    )


def _check_fit(params, vocab):
    if not isinstance(params, TextParams):
        raise ValueError(f"Expected text weights (TextParams), not {type(params).__name__}.")
    if params.vocab_size != vocab.size:
        raise ValueError(
            _(
                "These weights read {n} different characters, but the text has "
                "{size}: start again from new random weights."
            ).format(n=params.vocab_size, size=vocab.size)
        )


def _text_steps(params, data, seq_length, lr, limit, optimizer, activation, windows, pieces):
    cell, n, V = params.CELL, params.n, params.vocab_size
    theta = params.flat()
    update = textcore.Optimizer(optimizer, lr, len(theta))
    zeros = [0.0] * n
    h, c = zeros, zeros
    N, p, window, epoch, smooth = len(data), 0, 0, 1, None
    packed = textcore.Packed(params)
    while windows is None or window < windows:
        window += 1
        end = min(p + seq_length, N - 1)
        xs, ys = data[p:end], data[p + 1 : end + 1]
        h_in, c_in = h, c
        if pieces:
            work = textcore.window_steps(packed, xs, ys, h_in, c_in, activation)
            loss, grads, h, c = yield from work
        else:
            loss, grads, h, c = textcore.window(packed, xs, ys, h_in, c_in, activation)
        problem, clipped = None, False
        if not loss <= LOSS_LIMIT:  # also true for nan
            problem = "loss"
        elif not all(map(math.isfinite, grads)):
            problem = "gradient"
        else:
            if limit is not None:
                grads, clipped = textcore.clip_values(grads, limit)
            if pieces:
                yield  # the checks and the clipping were a piece
            new = (yield from update.steps(theta, grads)) if pieces else update(theta, grads)
            if max(new) <= PARAM_LIMIT and min(new) >= -PARAM_LIMIT:
                theta = new
                if pieces:
                    yield
                params = TextParams.from_flat(cell, n, V, theta)
                packed = textcore.Packed(params)
            else:
                problem = "param"
        smooth = loss if smooth is None else SMOOTHING * smooth + (1.0 - SMOOTHING) * loss
        at_end = end >= N - 1
        if problem is not None:  # keep the last finite weights and the state before the window
            message = _diverged_message(problem, window, loss, lr, limit)
            c_in = c_in if cells.cell_class(cell).has_c else None
            yield TextStep(
                window, epoch, p, len(xs), loss, smooth, params, h_in, c_in, at_end, False,
                "diverged", message,
            )  # fmt: skip
            return
        status = "done" if window == windows else "running"
        c_out = c if cells.cell_class(cell).has_c else None  # only a cell state (the LSTM's)
        yield TextStep(
            window, epoch, p, len(xs), loss, smooth, params, h, c_out, at_end, clipped, status
        )
        if at_end:  # the text is over: start again from its beginning with a zero state
            p, h, c, epoch = 0, zeros, zeros, epoch + 1
        else:
            p = end


def _diverged_message(problem, window, loss, lr, limit):
    """What went wrong at this window, and what to try."""
    if problem == "loss":
        what = (
            _("the loss stopped being a finite number")
            if not math.isfinite(loss)
            else _("the loss grew to {loss}").format(loss=f"{loss:.3g}")
        )
    elif problem == "gradient":
        what = _("the gradients overflowed")
    else:
        what = _("an update would have pushed a weight beyond ±1,000,000")
    tips = [_("lower the learning rate (it is {lr} now)").format(lr=f"{lr:g}")]
    if limit is None:
        tips.append(_("turn gradient clipping back on"))
    else:
        tips.append(_("keep gradient clipping on"))
    return _(
        "Training stopped at window {window}: {what}. The weights shown are the last finite "
        "ones. Try: {tips}."
    ).format(window=window, what=what, tips=_("; ").join(tips))


def bits_per_char(params, text, activation="tanh"):
    """How well the network predicts the text: the mean cross-entropy of each next character
    given all the ones before it (read from a zero state), in bits per character."""
    *_rest, bits = bits_per_char_steps(params, text, activation, chunk=MAX_CHARS)
    return bits


def bits_per_char_steps(params, text, activation="tanh", chunk=200):
    """`bits_per_char` in slices, for a page that must not block: reads `chunk` characters per
    step, yielding None after each slice but the last, then the bits per character."""
    text = check_text(text)
    _activation(activation)
    vocab = Vocab(text)
    _check_fit(params, vocab)
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"The chunk must be a whole number ≥ 1, not {chunk!r}.")
    return _bits_steps(params, vocab.encode(text), activation, chunk)


def _bits_steps(params, data, activation, chunk):
    packed = textcore.Packed(params)
    h = c = [0.0] * params.n
    nats, count = 0.0, len(data) - 1
    for start in range(0, count, chunk):
        xs = data[start : min(start + chunk, count)]
        hs, cs, logits = textcore.run(packed, xs, h, c, activation)
        h, c = hs[-1], cs[-1]
        targets = data[start + 1 : start + 1 + len(xs)]
        nats += sum(textcore.softmax(y)[1] - k_y for y, k_y in _picked(logits, targets))
        if start + chunk < count:
            yield None
    yield nats / count / math.log(2.0)


def _picked(logits, targets):
    """(y_t, y_t[target_t]) for every step."""
    return ((y, y[k]) for y, k in zip(logits, targets, strict=True))


def unigram_bits(text):
    """The entropy of the text's character frequencies, in bits per character: the loss of a
    guess that always predicts those frequencies, whatever came before.

    >>> unigram_bits("abab"), unigram_bits("aabc")
    (1.0, 1.5)
    """
    text = check_text(text)
    N = len(text)
    counts = [text.count(ch) for ch in sorted(set(text))]
    return -sum(k / N * math.log2(k / N) for k in counts) + 0.0


def perplexity(bits):
    """2^bits: the number of equally likely characters the network is as unsure as.

    >>> perplexity(1.5)
    2.8284271247461903
    """
    return 2.0**bits


def sample_steps(params, vocab, start, count, temperature=1.0, seed=0, activation="tanh"):
    """The network writes: after reading the start text from a zero state, it draws each next
    character from softmax(y_t / temperature) with random.Random(seed), and reads it in turn.
    Yields one character at a time. A low temperature sharpens the distribution towards the
    likeliest character; a high one flattens it towards a uniform guess."""
    _activation(activation)
    _check_fit(params, vocab)
    if not isinstance(start, str) or not start:
        raise ValueError(_("Choose a start character from the text."))
    ixs = vocab.encode(start)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 100_000:
        raise ValueError(
            f"The number of characters to write must be from 0 to 100,000, not {count!r}."
        )
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, int | float)
        or not MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE
    ):
        raise ValueError(
            f"The temperature must be a number from {MIN_TEMPERATURE} to {MAX_TEMPERATURE}, "
            f"not {temperature!r}."
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"The seed must be a whole number, not {seed!r}.")
    return _sample(params, vocab, ixs, count, float(temperature), seed, activation)


def _sample(params, vocab, ixs, count, temperature, seed, activation):
    rng = random.Random(seed)
    packed = textcore.Packed(params)
    h = c = [0.0] * params.n
    hs, cs, logits = textcore.run(packed, ixs, h, c, activation)
    h, c, y = hs[-1], cs[-1], logits[-1]
    for _i in range(count):
        probs, _total = textcore.softmax([v / temperature for v in y])
        k = textcore.draw(probs, rng.random())  # the first k whose running total passes r
        yield vocab.chars[k]
        hs, cs, logits = textcore.run(packed, [k], h, c, activation)
        h, c, y = hs[0], cs[0], logits[0]


def sample(params, vocab, start, count, temperature=1.0, seed=0, activation="tanh"):
    """The count characters `sample_steps` writes, as one string (the start not included).

    >>> text = PRESETS["abc"]
    >>> p = text_params("lstm", 4, 3, seed=1)
    >>> s = sample(p, Vocab(text), "a", 12, temperature=0.5, seed=7)
    >>> len(s), s == sample(p, Vocab(text), "a", 12, temperature=0.5, seed=7)
    (12, True)
    """
    return "".join(sample_steps(params, vocab, start, count, temperature, seed, activation))


@dataclass(frozen=True)
class Prediction:
    """What the network thinks after reading one character of a stretch: the character, the
    true next one (None at the end), the probabilities of every next character (in vocabulary
    order), the hidden state h_t, and the five likeliest characters with their probabilities."""

    char: str
    target: str | None
    probs: list
    hidden: list
    top5: list

    def to_dict(self):
        """A plain dict for JSON."""
        return {
            "char": self.char,
            "target": self.target,
            "probs": self.probs,
            "hidden": self.hidden,
            "top5": [list(pair) for pair in self.top5],
        }


def predictions(params, vocab, text_stretch, activation="tanh"):
    """For each character of the stretch, read from a zero state: a Prediction, for the heatmaps
    of predicted probabilities and hidden units."""
    _activation(activation)
    _check_fit(params, vocab)
    ixs = vocab.encode(text_stretch)
    if not ixs:
        raise ValueError(_("Choose a stretch of the text to look at."))
    n = params.n
    hs, _cs, logits = textcore.run(textcore.Packed(params), ixs, [0.0] * n, [0.0] * n, activation)
    out = []
    for t, (ch, h, y) in enumerate(zip(text_stretch, hs, logits, strict=True)):
        probs, _total = textcore.softmax(y)
        order = sorted(range(len(probs)), key=lambda k: -probs[k])[:5]
        target = text_stretch[t + 1] if t + 1 < len(text_stretch) else None
        out.append(Prediction(ch, target, probs, h, [(vocab.chars[k], probs[k]) for k in order]))
    return out


__all__ = [
    "DEFAULT_LR",
    "DEFAULT_SEQ_LENGTH",
    "LOSS_LIMIT",
    "MAX_CHARS",
    "MAX_HIDDEN_TEXT",
    "MAX_TEMPERATURE",
    "MAX_VOCAB",
    "MIN_TEMPERATURE",
    "OPTIMIZERS",
    "PARAM_LIMIT",
    "PRESETS",
    "PRESET_LABELS",
    "Prediction",
    "TextGradients",
    "TextParams",
    "TextStep",
    "TextTrace",
    "Vocab",
    "backward",
    "bits_per_char",
    "bits_per_char_steps",
    "check_text",
    "forward",
    "loss_and_grads",
    "perplexity",
    "predictions",
    "reach",
    "reach_steps",
    "sample",
    "sample_steps",
    "text_params",
    "train_text",
    "unigram_bits",
    "windows_per_epoch",
]
