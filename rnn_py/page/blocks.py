"""The Code panel's blocks: in each function it shows, the lines that compute one quantity,
found from the formula comment that opens them."""

from dataclasses import dataclass

from ..i18n import N_


@dataclass(frozen=True)
class Block:
    """A block of the listing: the lines of `function` opened by a comment starting `marker`.

    kind is "step" (marked while stepping forward) or "train" (marked while BPTT trains);
    quantity names what the block computes, and text ties it to its formula in words. symbol is
    the letter that opens the page's substituted equation for this block (a "step" block shows
    that line under it), "" for none.
    """

    key: str
    kind: str
    function: str
    marker: str
    quantity: str
    text: str
    symbol: str = ""


BLOCKS = (
    Block("z", "step", "step", "z_t =", "z_t",
          N_("Each hidden unit adds the new input xₜ and the previous hidden state hₜ₋₁, each "
          "times its weight, plus its bias: that sum is zₜ."), "z"),
    Block("h", "step", "step", "h_t =", "h_t",
          N_("The activation f turns each sum into the new hidden state hₜ, the memory that the "
          "next step reads as hₜ₋₁."), "h"),
    Block("y", "step", "step", "y_t =", "y_t",
          N_("The output weights read the hidden state: yₜ is the network's guess for the next "
          "value, xₜ₊₁."), "y"),
    Block("loss", "forward", "_forward", "L =", "L",
          N_("The loss averages the squared miss (yₜ − xₜ₊₁)² over every step that has a "
          "next value to predict.")),
    Block("dy", "train", "_backward", "dy_t =", "dy_t",
          N_("Going backwards from the last step, dyₜ is how much the loss changes when yₜ "
          "moves: twice the miss, shared over the T−1 predictions.")),
    Block("dout", "train", "step_back", "y_t =", "∂L/∂W_hy, ∂L/∂b_y",
          N_("yₜ = W_hy·hₜ + b_y, so every step adds dyₜ·hₜ to the output weights' gradient "
          "and dyₜ to the output bias's.")),
    Block("dh", "train", "step_back", "dh_t =", "dh_t",
          N_("hₜ reaches the loss two ways, through yₜ and through the next step's zₜ₊₁, so "
          "dhₜ adds both: this is where the gradient travels back through time.")),
    Block("dz", "train", "step_back", "dz_t =", "dz_t",
          N_("hₜ = f(zₜ), so dzₜ is dhₜ times the activation's slope f′(zₜ). Each step back "
          "multiplies by such a slope and by W_hh: when both are small the gradient fades "
          "(it vanishes), when large it grows (it explodes).")),
    Block("din", "train", "step_back", "z_t =", "∂L/∂W_xh, ∂L/∂W_hh, ∂L/∂b_h",
          N_("zₜ = W_xh·xₜ + W_hh·hₜ₋₁ + b_h, so dzₜ, times what each weight multiplied, "
          "adds this step's share to the input, recurrent and bias gradients.")),
)  # fmt: skip


# The loop around a gated cell (rnn_py/cells/__init__.py): the same for the GRU and the LSTM.
_LOOP_FORWARD = (
    Block("y", "step", "_forward", "y_t =", "y_t",
          N_("The output weights read the hidden state: yₜ is the network's guess for its "
          "target (by default the next value, xₜ₊₁)."), "y"),
    Block("loss", "forward", "_forward", "L =", "L",
          N_("The loss averages the squared miss (yₜ − targetₜ)² over the steps that have a "
          "target.")),
)  # fmt: skip


_LOOP_BACKWARD = (
    Block("dy", "train", "_backward", "dy_t =", "dy_t",
          N_("Going backwards from the last step, dyₜ is how much the loss changes when yₜ "
          "moves: twice the miss, shared over the targets.")),
    Block("zero", "train", "_backward", "every gradient starts at 0", "∂L/∂θ = 0",
          N_("Every gradient starts at 0 and each step adds its share; nothing comes back from "
          "after the last step.")),
    Block("dout", "train", "_backward", "y_t =", "∂L/∂W_hy, ∂L/∂b_y",
          N_("yₜ = W_hy·hₜ + b_y, so every step adds dyₜ·hₜ to the output weights' gradient "
          "and dyₜ to the output bias's.")),
    Block("dh", "train", "_backward", "dh_t =", "dh_t",
          N_("hₜ reaches the loss through yₜ and through everything step t+1 computed from it; "
          "the cell's step_back sent the second part back.")),
    Block("back", "train", "_backward", "back through step t", "du, dh_{t−1}",
          N_("The cell's own step_back turns dhₜ into each gate's input gradient du and into "
          "dhₜ₋₁, the gradient that travels on to the step before.")),
    Block("dct", "train", "_backward", "for the LSTM, ∂L/∂c_t", "dc_t",
          N_("The LSTM's cell state collects its gradient too: what step t+1 sent back along c, "
          "plus the path through hₜ = oₜ ⊙ tanh(cₜ).")),
    Block("din", "train", "_backward", "u_g =", "∂L/∂W_x·",
          N_("Each gate read xₜ through its input weight, so du times xₜ adds this step's "
          "share to every W_x· gradient.")),
)  # fmt: skip


GATED_BLOCKS = {
    "gru": (
        Block("r", "step", "step", "r_t =", "r_t",
              N_("The reset gate rₜ, between 0 and 1 per unit: how much of hₜ₋₁ the candidate "
              "may look at."), "r"),
        Block("z", "step", "step", "z_t =", "z_t",
              N_("The update gate zₜ: how much of hₜ₋₁ is kept rather than replaced (it starts "
              "near σ(1) ≈ 0.73, since b_z starts at 1)."), "z"),
        Block("hc", "step", "step", "h̃_t =", "h̃_t",
              N_("The candidate h̃ₜ: the new content, from xₜ and the part of hₜ₋₁ the reset "
              "gate lets through."), "h̃"),
        Block("h", "step", "step", "h_t =", "h_t",
              N_("The new state mixes old and new: where zₜ is near 1, hₜ ≈ hₜ₋₁ and the "
              "gradient passes back through this step almost untouched."), "h"),
        *_LOOP_FORWARD,
        *_LOOP_BACKWARD,
        Block("dzpath", "train", "step_back", "h_t =", N_("dh_{t−1} (through z)"),
              N_("hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃: the direct path back to hₜ₋₁ is multiplied "
              "by zₜ alone, with no weight and no squashing slope.")),
        Block("dah", "train", "step_back", "h̃ =", "da_h",
              N_("Back through the candidate's tanh: its share (1 − z) times tanh's slope.")),
        Block("daz", "train", "step_back", "z =", "da_z",
              N_("Back through the update gate's sigmoid.")),
        Block("drh", "train", "step_back", "a_h =", "∂(r ⊙ h_{t−1})",
              N_("The candidate read r ⊙ hₜ₋₁ through W_hh, so W_hhᵀ·da_h is how the loss "
              "changes with what the reset gate let through.")),
        Block("dar", "train", "step_back", "r =", "da_r",
              N_("Back through the reset gate's sigmoid.")),
        Block("dhprev", "train", "step_back", "dh_{t−1} also", "dh_{t−1}",
              N_("hₜ₋₁ also reached the loss through the candidate (via r ⊙ hₜ₋₁) and through "
              "both gates' recurrent weights: those paths are added to the direct one.")),
        Block("dgates", "train", "step_back", "a_g =", "∂L/∂W_h·, ∂L/∂b_·",
              N_("Each gate's recurrent weights and bias get this step's share of their "
              "gradient.")),
    ),
    "lstm": (
        Block("i", "step", "step", "i_t =", "i_t",
              N_("The input gate iₜ, between 0 and 1 per unit: how much of the candidate is "
              "written into the cell state."), "i"),
        Block("f", "step", "step", "f_t =", "f_t",
              N_("The forget gate fₜ: how much of the cell state is kept (it starts near σ(1) ≈ "
              "0.73, since b_f starts at 1)."), "f"),
        Block("o", "step", "step", "o_t =", "o_t",
              N_("The output gate oₜ: how much of the cell state is shown as hₜ."), "o"),
        Block("cc", "step", "step", "c̃_t =", "c̃_t",
              N_("The candidate c̃ₜ: the new content that could be written."), "c̃"),
        Block("c", "step", "step", "c_t =", "c_t",
              N_("The cell state keeps fₜ of the old one and adds iₜ of the candidate: no "
              "weight and no squashing on this path, so a gradient along c is only "
              "multiplied by fₜ."), "c"),
        Block("h", "step", "step", "h_t =", "h_t",
              N_("The output gate shows part of tanh(cₜ) as the hidden state hₜ."), "h"),
        *_LOOP_FORWARD,
        *_LOOP_BACKWARD,
        Block("dc", "train", "step_back", "h_t =", "dc_t",
              N_("cₜ gets what later steps sent along the cell state, plus the path through "
              "hₜ = oₜ ⊙ tanh(cₜ).")),
        Block("dao", "train", "step_back", "o =", "da_o",
              N_("Back through the output gate's sigmoid.")),
        Block("dcell", "train", "step_back", "c_t =", "da_f, da_i, da_c, dc_{t−1}",
              N_("Back through cₜ = f ⊙ cₜ₋₁ + i ⊙ c̃: dcₜ₋₁ = dcₜ·fₜ, the constant error "
              "carousel: with f near 1 the gradient survives many steps.")),
        Block("dgates", "train", "step_back", "a_g =", "∂L/∂W_h·, ∂L/∂b_·, dh_{t−1}",
              N_("Each gate's recurrent weights and bias get this step's share of their "
              "gradient, and hₜ₋₁ gets W_hgᵀ·da_g from every gate.")),
    ),
}  # fmt: skip

CELL_BLOCKS = {"vanilla": BLOCKS, **GATED_BLOCKS}  # each cell's marked blocks, by the cell's name
