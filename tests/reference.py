"""An independent NumPy implementation of the same RNN, to check rnn_py against.

Written separately and in array style: the states are stacked into (T, n) matrices, derivatives
of the activations are taken from z (rnn_py uses h), and the weight gradients are sums of outer
products computed as matrix products over all timesteps at once. Only the recurrence
dh_t = W_hy·dy_t + W_hhᵀ·dz_{t+1} has to walk backwards one step at a time.
"""

import numpy as np


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the same function, by another route


ACTIVATIONS = {
    "tanh": (np.tanh, lambda z: 1.0 / np.cosh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: np.where(z > 0.0, 1.0, 0.0)),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * _sigmoid(-z)),
    "linear": (lambda z: z, np.ones_like),
}


def arrays(params):
    """W_xh (n,), W_hh (n, n), W_hy (n,), b_h (n,), b_y from rnn_py Params."""
    return (
        np.array(params.w_xh, dtype=float),
        np.array(params.w_hh, dtype=float).reshape(params.n, params.n),
        np.array(params.w_hy, dtype=float),
        np.array(params.b_h, dtype=float),
        float(params.b_y),
    )


def forward(params, xs, activation):
    """Z (T, n), H (T, n), Y (T,) and the loss."""
    f, _ = ACTIVATIONS[activation]
    W_xh, W_hh, W_hy, b_h, b_y = arrays(params)
    X = np.asarray(xs, dtype=float)
    T, n = len(X), len(W_xh)
    Z = np.outer(X, W_xh) + b_h  # the input part of every z_t at once; the recurrence adds the rest
    H = np.zeros((T + 1, n))  # row 0 is h_{−1} = 0, row t + 1 is h_t
    for t in range(T):
        Z[t] += W_hh @ H[t]
        H[t + 1] = f(Z[t])
    Y = H[1:] @ W_hy + b_y
    loss = np.mean((Y[:-1] - X[1:]) ** 2)
    return Z, H[1:], Y, loss


def gradients(params, xs, activation):
    """The loss, a dict of gradients keyed like Params fields, and dH (T, n) = ∂L/∂h_t."""
    _, df = ACTIVATIONS[activation]
    W_xh, W_hh, W_hy, b_h, b_y = arrays(params)
    X = np.asarray(xs, dtype=float)
    Z, H, Y, loss = forward(params, xs, activation)
    T, n = H.shape
    dY = np.zeros(T)
    dY[:-1] = 2.0 * (Y[:-1] - X[1:]) / (T - 1)
    fz = df(Z)
    dH = np.zeros((T, n))
    dZ = np.zeros((T + 1, n))  # row T stays 0: no step after the last
    for t in range(T - 1, -1, -1):
        dH[t] = dY[t] * W_hy + W_hh.T @ dZ[t + 1]
        dZ[t] = dH[t] * fz[t]
    dZ = dZ[:T]
    H_prev = np.vstack([np.zeros((1, n)), H[:-1]])
    grads = {
        "w_xh": dZ.T @ X,
        "w_hh": dZ.T @ H_prev,
        "w_hy": H.T @ dY,
        "b_h": dZ.sum(axis=0),
        "b_y": dY.sum(),
    }
    return loss, grads, dH


def forecast(params, xs, activation, steps):
    """Free running after xs: X̂ (steps,) the inputs fed back, H (steps, n), Y (steps,).

    The state is carried as one vector and each output is fed straight back as the next input,
    so the loop is the recurrence written as z = W_xh·ŷ + W_hh·h + b_h in matrix form.
    """
    f, _ = ACTIVATIONS[activation]
    W_xh, W_hh, W_hy, b_h, b_y = arrays(params)
    _, H_data, Y_data, _ = forward(params, xs, activation)
    h, y = H_data[-1], Y_data[-1]
    X_hat, H, Y = np.zeros(steps), np.zeros((steps, len(W_xh))), np.zeros(steps)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            X_hat[k] = y
            h = f(W_xh * y + W_hh @ h + b_h)
            y = h @ W_hy + b_y
            H[k], Y[k] = h, y
    return X_hat, H, Y


def _weight_slot(key):
    """'w_hh[2,1]' → ('w_hh', (1, 0)); 'b_y' → ('b_y', ()): a landscape axis, 0-based."""
    name, _, rest = key.partition("[")
    return name, tuple(int(k) - 1 for k in rest.rstrip("]").split(",")) if rest else ()


def grid(params, xs, activation, x_key, y_key, x_values, y_values):
    """The loss and the gradient's length over a grid of two weights, all points at once.

    Every grid point is one network in a batch of G = len(y_values) × len(x_values): the
    weights become arrays with a leading batch axis, the forward pass and BPTT run on the whole
    batch with einsum, and the results are reshaped to (len(y_values), len(x_values)).
    """
    f, df = ACTIVATIONS[activation]
    X = np.asarray(xs, dtype=float)
    T = len(X)
    gx, gy = np.meshgrid(np.asarray(x_values, float), np.asarray(y_values, float))
    G = gx.size
    base = dict(zip(("w_xh", "w_hh", "w_hy", "b_h", "b_y"), arrays(params), strict=True))
    W = {name: np.repeat(np.asarray(v, float)[None, ...], G, axis=0) for name, v in base.items()}
    for key, values in ((x_key, gx), (y_key, gy)):
        name, index = _weight_slot(key)
        W[name][(slice(None), *index)] = values.ravel()
    W_xh, W_hh, W_hy, b_h, b_y = (W[k] for k in ("w_xh", "w_hh", "w_hy", "b_h", "b_y"))
    n = W_xh.shape[1]
    with np.errstate(over="ignore", invalid="ignore"):
        Z, H = np.zeros((T, G, n)), np.zeros((T + 1, G, n))  # H[t + 1] is h_t, H[0] = h_{−1}
        for t in range(T):
            Z[t] = W_xh * X[t] + np.einsum("gij,gj->gi", W_hh, H[t]) + b_h
            H[t + 1] = f(Z[t])
        Y = np.einsum("tgi,gi->tg", H[1:], W_hy) + b_y  # (T, G)
        E = Y[:-1] - X[1:, None]
        loss = np.mean(E**2, axis=0)
        dY = np.vstack([2.0 * E / (T - 1), np.zeros((1, G))])
        dZ = np.zeros((T + 1, G, n))
        for t in range(T - 1, -1, -1):
            dH = dY[t][:, None] * W_hy + np.einsum("gij,gi->gj", W_hh, dZ[t + 1])
            dZ[t] = dH * df(Z[t])
        dZ = dZ[:T]
        grads = [
            np.einsum("tgi,t->gi", dZ, X),  # ∂L/∂W_xh
            np.einsum("tgi,tgj->gij", dZ, H[:-1]).reshape(G, -1),  # ∂L/∂W_hh
            np.einsum("tgi,tg->gi", H[1:], dY),  # ∂L/∂W_hy
            dZ.sum(axis=0),  # ∂L/∂b_h
            dY.sum(axis=0)[:, None],  # ∂L/∂b_y
        ]
        norm = np.sqrt(sum((g**2).sum(axis=1) for g in grads))
    shape = gx.shape
    return loss.reshape(shape), norm.reshape(shape)
