"""Exercises 1–4, the vanilla RNN: one step forward, the loss of a pass, one step of BPTT
backwards, and gradient clipping. Each entry: (name, title, stub, hints, solution, role)."""

from ..i18n import N_

_ACTIVATION = '''\
def f(z, activation):
    """The activation f applied to one number z."""
    if activation == "tanh":
        return math.tanh(z)
    if activation == "relu":
        return 0.0 if z <= 0.0 else z
    if activation == "sigmoid":  # 1 / (1 + e^−z), written so that e^… never overflows
        if z >= 0.0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    return z  # "linear"
'''

VANILLA_STEP_DOC = '''\
    """One step of the vanilla RNN:

        z_t = W_xh·x_t + W_hh·h_{t−1} + b_h
        h_t = f(z_t)

    w_xh  n numbers, the input weight of each hidden unit
    w_hh  n rows of n numbers: w_hh[i][j] is the weight from unit j (at t−1) into unit i
    b_h   n numbers, the bias of each unit
    x     the input x_t, one number
    h_prev  h_{t−1}, n numbers
    activation  "tanh", "relu" (max(0, z)), "sigmoid" (1 / (1 + e^−z)) or "linear" (z)

    Return h_t, a list of n numbers.
    """
'''

VANILLA_STEP_STUB = (
    "import math\n\n\n"
    "def vanilla_step(w_xh, w_hh, b_h, x, h_prev, activation):\n"
    + VANILLA_STEP_DOC
    + '    raise NotImplementedError("Compute z_t for every unit, then h_t = f(z_t).")\n'
)

VANILLA_STEP_SOLUTION = (
    "import math\n\n\n"
    + _ACTIVATION
    + "\n\n"
    + "def vanilla_step(w_xh, w_hh, b_h, x, h_prev, activation):\n"
    + VANILLA_STEP_DOC
    + """\
    n = len(b_h)
    # z_t[i] = W_xh[i]·x_t + (row i of W_hh)·h_{t−1} + b_h[i]
    z = [w_xh[i] * x + sum(w * h for w, h in zip(w_hh[i], h_prev)) + b_h[i] for i in range(n)]
    # h_t = f(z_t), unit by unit
    return [f(v, activation) for v in z]
"""
)

MSE_DOC = '''\
    """The page's loss for one pass over the sequence:

        L = mean over t = 0 … T−2 of (y_t − x_{t+1})²

    y_t is the network's guess for the NEXT input x_{t+1}, so the last output y_{T−1} has
    nothing to be compared with: there are T−1 errors, not T.

    ys  the outputs y_0 … y_{T−1}, T numbers
    xs  the inputs x_0 … x_{T−1}, T numbers (T ≥ 2)

    Return L, one number.
    """
'''

MSE_STUB = (
    "def mse_loss(ys, xs):\n"
    + MSE_DOC
    + '    raise NotImplementedError("Compare each y_t with x_{t+1}, square, take the mean.")\n'
)

MSE_SOLUTION = (
    "def mse_loss(ys, xs):\n"
    + MSE_DOC
    + """\
    errors = [ys[t] - xs[t + 1] for t in range(len(xs) - 1)]  # y_t against x_{t+1}
    return sum(e * e for e in errors) / len(errors)
"""
)

BACKWARD_DOC = '''\
    """One timestep of backpropagation through time for the vanilla RNN.

    Going forward, this step computed z_t = W_xh·x_t + W_hh·h_{t−1} + b_h and h_t = f(z_t).
    dh is ∂L/∂h_t: everything the loss sends back to h_t (through y_t and the later steps).
    Going back through this step:

        dz_t = dh ⊙ f′(z_t)       (⊙: entry by entry)
        ∂L/∂W_xh = dz_t·x_t       ∂L/∂W_hh[i][j] = dz_t[i]·h_{t−1}[j]       ∂L/∂b_h = dz_t
        ∂L/∂h_{t−1} = W_hhᵀ·dz_t  (entry j: the sum over i of W_hh[i][j]·dz_t[i])

    f′ written with h = h_t: tanh 1 − h², sigmoid h·(1 − h), relu 1 if h > 0 else 0, linear 1.

    w_xh, w_hh, b_h, x, h_prev, activation  as in vanilla_step
    h   h_t, the n numbers this step computed
    dh  ∂L/∂h_t, n numbers

    Return (dw_xh, dw_hh, db_h, dh_prev): this step's share of ∂L/∂W_xh (n numbers), of
    ∂L/∂W_hh (n rows of n), of ∂L/∂b_h (n numbers), and ∂L/∂h_{t−1} (n numbers).
    """
'''

_SLOPE = '''\
def slope(h, activation):
    """f′(z) for h = f(z), written with h."""
    if activation == "tanh":
        return 1.0 - h * h
    if activation == "sigmoid":
        return h * (1.0 - h)
    if activation == "relu":
        return 1.0 if h > 0.0 else 0.0
    return 1.0  # "linear"
'''

BACKWARD_STUB = (
    "def backward_step(w_xh, w_hh, b_h, x, h_prev, h, dh, activation):\n"
    + BACKWARD_DOC
    + '    raise NotImplementedError("Find dz_t first; every gradient follows from it.")\n'
)

BACKWARD_SOLUTION = (
    _SLOPE
    + "\n\n"
    + "def backward_step(w_xh, w_hh, b_h, x, h_prev, h, dh, activation):\n"
    + BACKWARD_DOC
    + """\
    n = len(h)
    # dz_t = dh ⊙ f′(z_t)
    dz = [dh[i] * slope(h[i], activation) for i in range(n)]
    # z_t = W_xh·x_t + W_hh·h_{t−1} + b_h: each weight's share
    dw_xh = [dz[i] * x for i in range(n)]
    dw_hh = [[dz[i] * h_prev[j] for j in range(n)] for i in range(n)]
    db_h = list(dz)
    # h_{t−1} fed every unit i through W_hh[i][j]: ∂L/∂h_{t−1} = W_hhᵀ·dz_t
    dh_prev = [sum(w_hh[i][j] * dz[i] for i in range(n)) for j in range(n)]
    return dw_xh, dw_hh, db_h, dh_prev
"""
)

CLIP_DOC = '''\
    """Gradient clipping as the page's training does it: each entry on its own is held
    inside [−limit, limit].

        v  stays as it is when −limit ≤ v ≤ limit
        v  becomes limit when v > limit (inf too), and −limit when v < −limit (−inf too)

    Clipping entry by entry can change the gradient's direction. (Clipping by the norm,
    the other common way, would scale every entry by one factor: not what the page does.)

    grads  every gradient entry in one list, such as ∂L/∂W_xh, then ∂L/∂W_hh row by row, …
    limit  a positive number (the page uses 5)

    Return a new list of the clipped entries, in the same order.
    """
'''

CLIP_STUB = (
    "def clip(grads, limit):\n"
    + CLIP_DOC
    + '    raise NotImplementedError("Clip each entry to [-limit, limit].")\n'
)

CLIP_SOLUTION = (
    "def clip(grads, limit):\n"
    + CLIP_DOC
    + """\
    return [limit if v > limit else -limit if v < -limit else v for v in grads]
"""
)

VANILLA = (
    (
        "vanilla_step",
        N_("One step of the vanilla RNN"),
        VANILLA_STEP_STUB,
        (
            N_(
                "Work one hidden unit at a time: unit i gets w_xh[i]·x, plus row i of w_hh times "
                "h_prev (a dot product), plus b_h[i]."
            ),
            N_(
                "The dot product of row i with h_prev is "
                "sum(w * h for w, h in zip(w_hh[i], h_prev))."
            ),
            N_(
                "Write a small helper f(z, activation) with one branch per activation, and apply "
                "it to every z."
            ),
            N_("Is the bias in? Does row i of w_hh (not column i) feed unit i?"),
        ),
        VANILLA_STEP_SOLUTION,
        "vanilla_step",
    ),
    (
        "mse_loss",
        N_("The loss of a pass"),
        MSE_STUB,
        (
            N_("y_t is compared with x_{t+1}, the next input, not with x_t."),
            N_("With T inputs there are T−1 errors: t runs from 0 to T−2."),
            N_("Square each error, add them up, and divide by how many there are (T−1)."),
        ),
        MSE_SOLUTION,
        "loss",
    ),
    (
        "backward_step",
        N_("One step of BPTT backwards"),
        BACKWARD_STUB,
        (
            N_("Start with dz_t = dh ⊙ f′(z_t). Every answer is built from dz_t."),
            N_("f′ can be written with h_t alone: for tanh it is 1 − h², for sigmoid h·(1 − h)."),
            N_("dw_hh is an outer product: row i is dz_t[i] times h_prev."),
            N_(
                "dh_prev goes back through W_hh transposed: entry j adds up W_hh[i][j]·dz_t[i] "
                "over i, the weights out of unit j."
            ),
        ),
        BACKWARD_SOLUTION,
        "backward_step",
    ),
    (
        "clip",
        N_("Gradient clipping"),
        CLIP_STUB,
        (
            N_("Look at each entry alone: nothing about the other entries matters."),
            N_("min(limit, max(-limit, v)) holds v inside [−limit, limit], and works for ±inf."),
            N_("Keep the sign: a large negative entry becomes −limit, not limit."),
        ),
        CLIP_SOLUTION,
        "clip",
    ),
)
