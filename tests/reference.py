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
