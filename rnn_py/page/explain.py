"""What the page's explanations say, for the task and the cell on screen.

The numbers task's "How it works" cards are the page's own (site/index.html, with measured
figures); in text mode the page shows ``about(state)`` instead, written for the character-level
network and the cell it uses. ``cell_note(cell)`` is the hint under the Cell select: a gated
cell's starting gate bias, read from that cell's own BIAS_START, and nothing for the vanilla
cell, which has no gates.
"""

from __future__ import annotations

from .. import cells
from ..i18n import N_, _

# What the cell note says of each gate's starting bias: one sentence part per gate.
_BIAS_STARTS = {
    "f": N_("forget bias b_f starts at {value}"),
    "z": N_("update bias b_z starts at {value}"),
    "i": N_("input bias b_i starts at {value}"),
    "o": N_("output bias b_o starts at {value}"),
    "r": N_("reset bias b_r starts at {value}"),
}

CELL_WORKINGS = {
    "vanilla": N_(
        "The vanilla cell mixes the input and the state before and squashes them: "
        "h_t = tanh(W_xh·x_t + W_hh·h_(t−1) + b_h). Every step rewrites the whole state."
    ),
    "gru": N_(
        "The GRU has two gates between 0 and 1 per unit. The reset gate r_t sets how much of "
        "h_(t−1) its candidate state sees; the update gate z_t sets how much of h_(t−1) is kept "
        "and how much the candidate replaces: h_t = z_t·h_(t−1) + (1 − z_t)·candidate."
    ),
    "lstm": N_(
        "The LSTM carries a second memory, the cell state c_t, beside h_t. The forget gate "
        "f_t sets how much of c_(t−1) is kept, the input gate i_t how much new content is written, "
        "and the output gate o_t how much of tanh(c_t) shows in h_t."
    ),
}


def cell_note(cell: str) -> str:
    """The hint for a cell: its gate biases that do not start at 0, or "" (no gates).

    >>> cell_note("vanilla")
    ''
    >>> cell_note("gru")[:49]
    "The GRU's update bias b_z starts at 1 by default,"
    """
    start = getattr(cells.params_class(cell), "BIAS_START", {})
    if not start:
        return ""
    label = cells.LABELS[cell]
    parts = [_(_BIAS_STARTS[gate]).format(value=f"{value:g}") for gate, value in start.items()]
    biases = parts[0]
    for part in parts[1:]:
        biases = _("{a} and {b}").format(a=biases, b=part)
    return _(
        "The {cell}'s {biases} by default, not 0, so a new cell starts out keeping most of "
        "its memory and the gradient reaches further back (Jozefowicz et al. 2015); the "
        "Memory bias above moves that start."
    ).format(cell=label, biases=biases)


_CALLED = {"vanilla": N_("The vanilla cell")}  # how the text calls a cell, where not "The <label>"


def about(state) -> list[tuple[str, str]] | None:
    """The "How it works" cards for the state's task, as (title, text) pairs; None for the
    numbers task, whose cards the page holds itself.

    >>> from rnn_py.page.state import DemoState
    >>> about(DemoState()) is None
    True
    >>> [title for title, _ in about(DemoState(mode="text", text_cell="lstm"))]
    ['The parts', 'The LSTM', 'Training', 'Sampling', 'Try this']
    """
    if state.mode != "text":
        return None
    cell = state.text_cell
    label = cells.LABELS[cell]
    if state.text_optimizer == "adam":
        training = _(
            "The loss is the cross-entropy: how surprised the network is by the character that "
            "really comes next, −log₂ of the probability it gave that character, in bits per "
            "character. Counting alone (always guessing the characters' frequencies) is the "
            "baseline to beat. Truncated BPTT reads a window of {n} characters, sends the "
            "gradient back through them only, and takes an Adam step with the learning rate; "
            "the hidden state is carried on to the next window."
        )
    else:
        training = _(
            "The loss is the cross-entropy: how surprised the network is by the character that "
            "really comes next, −log₂ of the probability it gave that character, in bits per "
            "character. Counting alone (always guessing the characters' frequencies) is the "
            "baseline to beat. Truncated BPTT reads a window of {n} characters, sends the "
            "gradient back through them only, and takes a gradient-descent step with the "
            "learning rate; the hidden state is carried on to the next window."
        )
    name = _(_CALLED[cell]) if cell in _CALLED else _("The {cell}").format(cell=label)
    return [
        (
            _("The parts"),
            _(
                "Vocabulary: every distinct character of your text, one column each. One-hot input "
                "x_t: the character read now, as a vector with 1 in its column and 0 elsewhere, so "
                "the input weights just pick that character's column. Hidden state h_t: "
                "{n} numbers, the memory handed from one character to the next. "
                "Output y_t = W_hy·h_t + b_y: one score per character of the vocabulary, and "
                "softmax turns the scores into probabilities for the next character."
            ).format(n=state.text_hidden),
        ),
        (name, _(CELL_WORKINGS[cell]) + note_line(cell)),
        (_("Training"), training.format(n=state.seq_length)),
        (
            _("Sampling"),
            _(
                "Sample lets the network write: it draws a character from the probabilities, reads "
                "it as the next input, and repeats. The temperature divides the scores before the "
                "softmax: below 1 the likeliest characters win more often, above 1 the choice is "
                "flatter and wilder. The same seed draws the same sample."
            ),
        ),
        (
            _("Try this"),
            _(
                "Train on a preset and watch the loss fall below the counting baseline; Stop, then "
                "Sample at temperature 0.5 and at 1.5. Step Forward under What the network sees "
                "shows the probabilities it gave each next character. Change the cell, the hidden "
                "units or the window and train again from scratch: your first network comes back "
                "if you change back."
            ),
        ),
    ]


def note_line(cell: str) -> str:
    note = cell_note(cell)
    return " " + note if note else ""
