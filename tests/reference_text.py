"""An independent NumPy version of the character-level network, to check rnn_py.text.task against.

Written separately and in array style: the input is a real one-hot matrix X (T, V) multiplied
by the input weights (rnn_py picks a column instead), the gates' derivatives are taken from
their pre-activations (σ′(a) = σ(a)·σ(−a), tanh′(a) = 1/cosh²(a)), the loss uses NumPy's own
log-sum-exp, and every weight gradient is one matrix product over all timesteps at once. Only
the state's recurrence walks backwards step by step.
"""

import numpy as np


def sigma(a):
    return 1.0 / (1.0 + np.exp(-a))


def dsigma(a):
    return sigma(a) * sigma(-a)


def dtanh(a):
    return 1.0 / np.cosh(a) ** 2


ACTIVATIONS = {
    "tanh": (np.tanh, dtanh),
    "relu": (lambda a: np.maximum(a, 0.0), lambda a: (a > 0.0).astype(float)),
    "sigmoid": (sigma, dsigma),
    "linear": (lambda a: a, np.ones_like),
}


def arrays(params):
    """Every weight of a TextParams as a NumPy array, by name."""
    return {name: np.array(getattr(params, name), dtype=float) for name in params.names()}


def one_hot(ixs, V):
    X = np.zeros((len(ixs), V))
    X[np.arange(len(ixs)), ixs] = 1.0
    return X


def log_softmax(Y):
    top = Y.max(axis=1, keepdims=True)
    return Y - top - np.log(np.exp(Y - top).sum(axis=1, keepdims=True))


def forward(params, inputs, h0, c0, activation="tanh"):
    """A dict with the pre-activations A[g] (T, n), the states H (T+1, n) and C (T+1, n) with
    row 0 the starting state, and the logits Y (T, V)."""
    W = arrays(params)
    cell, n, V = params.CELL, params.n, params.vocab_size
    X = one_hot(inputs, V)
    T = len(inputs)
    H = np.zeros((T + 1, n))
    C = np.zeros((T + 1, n))
    H[0], C[0] = h0, c0
    A = {g: np.zeros((T, n)) for g in params.GATES}
    XW = {g: X @ W["w_x" + g].T + W["b_" + g] for g in params.GATES}  # (T, n) input terms
    f = ACTIVATIONS[activation][0]
    for t in range(T):
        h = H[t]
        if cell == "vanilla":
            A["h"][t] = XW["h"][t] + W["w_hh"] @ h
            H[t + 1] = f(A["h"][t])
        elif cell == "gru":
            A["r"][t] = XW["r"][t] + W["w_hr"] @ h
            A["z"][t] = XW["z"][t] + W["w_hz"] @ h
            r, z = sigma(A["r"][t]), sigma(A["z"][t])
            A["h"][t] = XW["h"][t] + W["w_hh"] @ (r * h)
            H[t + 1] = z * h + (1.0 - z) * np.tanh(A["h"][t])
        else:
            for g in "ifoc":
                A[g][t] = XW[g][t] + W["w_h" + g] @ h
            i, fg, o = sigma(A["i"][t]), sigma(A["f"][t]), sigma(A["o"][t])
            C[t + 1] = fg * C[t] + i * np.tanh(A["c"][t])
            H[t + 1] = o * np.tanh(C[t + 1])
    Y = H[1:] @ W["w_hy"].T + W["b_y"]
    return {"A": A, "H": H, "C": C, "Y": Y, "X": X}


def loss_and_grads(params, inputs, targets, h0, c0, activation="tanh"):
    """The mean cross-entropy of targets, the probabilities (T, V), the final state, and a dict
    of gradients by weight name."""
    W = arrays(params)
    cell, n = params.CELL, params.n
    fw = forward(params, inputs, h0, c0, activation)
    A, H, C, Y, X = fw["A"], fw["H"], fw["C"], fw["Y"], fw["X"]
    T = len(inputs)
    logp = log_softmax(Y)
    loss = -logp[np.arange(T), targets].mean()
    P = np.exp(logp)
    dY = (P - one_hot(targets, Y.shape[1])) / T
    dA = {g: np.zeros((T, n)) for g in params.GATES}
    dH = dY @ W["w_hy"]  # (T, n): the readout's share of ∂L/∂h_t
    dh_next = np.zeros(n)
    dc_next = np.zeros(n)
    df = ACTIVATIONS[activation][1]
    for t in range(T - 1, -1, -1):
        dh = dH[t] + dh_next
        h = H[t]
        if cell == "vanilla":
            dA["h"][t] = dh * df(A["h"][t])
            dh_next = W["w_hh"].T @ dA["h"][t]
        elif cell == "gru":
            r, z = sigma(A["r"][t]), sigma(A["z"][t])
            hc = np.tanh(A["h"][t])
            dA["h"][t] = dh * (1.0 - z) * dtanh(A["h"][t])
            dA["z"][t] = dh * (h - hc) * dsigma(A["z"][t])
            drh = W["w_hh"].T @ dA["h"][t]
            dA["r"][t] = drh * h * dsigma(A["r"][t])
            dh_next = dh * z + drh * r + W["w_hr"].T @ dA["r"][t] + W["w_hz"].T @ dA["z"][t]
        else:
            i, fg, o = sigma(A["i"][t]), sigma(A["f"][t]), sigma(A["o"][t])
            tc = np.tanh(C[t + 1])
            dc = dc_next + dh * o * (1.0 - tc**2)
            dA["o"][t] = dh * tc * dsigma(A["o"][t])
            dA["f"][t] = dc * C[t] * dsigma(A["f"][t])
            dA["i"][t] = dc * np.tanh(A["c"][t]) * dsigma(A["i"][t])
            dA["c"][t] = dc * i * dtanh(A["c"][t])
            dc_next = dc * fg
            dh_next = sum(W["w_h" + g].T @ dA[g][t] for g in "ifoc")
    grads = {"w_hy": dY.T @ H[1:], "b_y": dY.sum(axis=0)}
    for g in params.GATES:
        grads["w_x" + g] = dA[g].T @ X
        grads["b_" + g] = dA[g].sum(axis=0)
        if cell == "gru" and g == "h":  # the candidate reads r ⊙ h_{t−1}
            R = sigma(A["r"])
            grads["w_hh"] = dA["h"].T @ (R * H[:-1])
        else:
            grads["w_h" + g] = dA[g].T @ H[:-1]
    return loss, P, H[-1], C[-1], grads
