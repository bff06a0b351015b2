"""The Code panel's listing in text mode: rnn_py/text/model.py's `forward` and `backward` around
the cell's own `step` and `step_back`, and the blocks marked while Step Forward reads a character
and while training runs, found from their formula comments as page.source does for numbers."""

from .. import cells
from ..i18n import N_
from ..page.blocks import GATED_BLOCKS, Block
from . import model as textmodel

# Text mode (rnn_py/text/model.py): its forward and backward around the cell's own step and
# step_back. The vanilla cell's step here is model.Cell's (input term u, not x).
TEXT_BLOCKS = (
    Block("u", "step", "forward", "a one-hot x_t", "u_t",
          N_("Character k enters as the one-hot vector e_k, so each gate's input term is column k "
          "of its input weights (a pick, no product); the cell's own step then reads it."), "u"),
    Block("y", "step", "forward", "y_t =", "y_t, p_t",
          N_("The readout gives one number per character; softmax turns them into the "
          "probabilities of the next character."), "y"),
    Block("dy", "train", "backward", "L = mean", "dy_t",
          N_("Going backwards from the last step: the cross-entropy's gradient is the predicted "
          "probabilities minus 1 at the character that came next.")),
    Block("dout", "train", "backward", "y_t =", "∂L/∂W_hy, ∂L/∂b_y",
          N_("Every step adds dyₜ·hₜ to the readout's gradient and dyₜ to its bias's.")),
    Block("dh", "train", "backward", "dh_t =", "dh_t",
          N_("hₜ reaches the loss through yₜ and through everything step t+1 computed from it.")),
    Block("back", "train", "backward", "back through step t", "du, dh_{t−1}",
          N_("The cell's own step_back turns dhₜ into each gate's input gradient du and into "
          "dhₜ₋₁, the gradient that travels on to the step before.")),
    Block("din", "train", "backward", "u_g =", "∂L/∂W_x·",
          N_("Only column k of each input weight was read, so only that column gets du.")),
)  # fmt: skip
TEXT_VANILLA_CELL = (
    Block("z", "step", "step", "z_t =", "z_t",
          N_("Each hidden unit adds the character's input term uₜ, the previous hidden state "
          "hₜ₋₁ times W_hh, and its bias: that sum is zₜ."), "z"),
    Block("h", "step", "step", "h_t =", "h_t",
          N_("The activation turns each sum into the new hidden state hₜ."), "h"),
    Block("dz", "train", "step_back", "dz_t =", "dz_t",
          N_("Back through the activation: dhₜ times its slope. Each step back multiplies by "
          "such a slope and by W_hh, so the gradient can fade or grow.")),
    Block("dw", "train", "step_back", "z_t =", "∂L/∂W_hh, ∂L/∂b_h",
          N_("This step's share of the recurrent weights' and the bias's gradient.")),
    Block("dhprev", "train", "step_back", "dh_{t−1} =", "dh_{t−1}",
          N_("The gradient sent on to the step before.")),
)  # fmt: skip
# Each cell's own blocks in text mode, by the cell's name: the vanilla cell's step reads u_t here.
TEXT_CELL_BLOCKS = {"vanilla": TEXT_VANILLA_CELL, **GATED_BLOCKS}
TEXT_COMPUTES = {"vanilla": "u, z, h and y", "gru": "u, r, z, h̃, h and y",
                 "lstm": "u, i, f, o, c̃, c, h and y"}  # fmt: skip


def text_shown(cell="vanilla"):
    """The functions the Code panel lists in text mode: textmodel's forward, the cell's step,
    textmodel's backward and the cell's step_back, each with its file."""
    own = f"rnn_py/cells/{cell}.py"
    c = cells.make_cell(cell)
    return [
        (textmodel.forward, "rnn_py/text/model.py"),
        (type(c).step, own),
        (textmodel.backward, "rnn_py/text/model.py"),
        (type(c).step_back, own),
    ]


def text_blocks_of(cell="vanilla"):
    """The marked blocks of the text listing: textmodel's own and the cell's step/step_back."""
    blocks = TEXT_CELL_BLOCKS[cells.module(cell).Cell.name]
    own = [b for b in blocks if b.function == "step"]
    back = [b for b in blocks if b.function == "step_back"]
    return (*TEXT_BLOCKS[:2], *own, *TEXT_BLOCKS[2:], *back)
