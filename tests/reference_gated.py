"""An independent NumPy GRU and LSTM, to check rnn_py's gated cells against.

Written from the equations (Dive into Deep Learning's GRU and LSTM chapters), in matrix style:
the gates' weights are stacked into one (G·n, n) matrix, the gates come out of one matrix product
per step, derivatives of σ and tanh are taken from the pre-activations, and the weight gradients
are sums of outer products taken as matrix products over all timesteps at the end. Nothing here
imports rnn_py's cells.
"""

import numpy as np


def sig(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def dsig(a):
    return sig(a) * sig(-a)


def dtanh(a):
    return 1.0 / np.cosh(a) ** 2


def _stack(params, gates):
    d = params.to_dict()
    Wx = np.concatenate([np.asarray(d["w_x" + g], float) for g in gates])  # (G·n,)
    Wh = np.concatenate([np.asarray(d["w_h" + g], float) for g in gates])  # (G·n, n)
    b = np.concatenate([np.asarray(d["b_" + g], float) for g in gates])
    return Wx, Wh, b, np.asarray(d["w_hy"], float), float(d["b_y"])


def _targets(xs, targets):
    if targets is None:
        targets = list(xs[1:]) + [None]
    mask = np.array([t is not None for t in targets], float)
    tgt = np.array([0.0 if t is None else t for t in targets], float)
    return mask, tgt


def lstm(params, xs, targets=None):
    """Loss, H, C, gates (T, 4, n) and the gradient dict by weight name."""
    n = params.n
    Wx, Wh, b, Wy, by = _stack(params, "ifoc")
    X = np.asarray(xs, float)
    T = len(X)
    H, C, A = np.zeros((T, n)), np.zeros((T, n)), np.zeros((T, 4 * n))
    h, c = np.zeros(n), np.zeros(n)
    for t in range(T):
        a = Wx * X[t] + Wh @ h + b
        A[t] = a
        i, f, o, g = sig(a[:n]), sig(a[n : 2 * n]), sig(a[2 * n : 3 * n]), np.tanh(a[3 * n :])
        c = f * c + i * g
        h = o * np.tanh(c)
        H[t], C[t] = h, c
    Y = H @ Wy + by
    mask, tgt = _targets(xs, targets)
    count = mask.sum()
    loss = float(np.sum(mask * (Y - tgt) ** 2) / count)
    dY = 2.0 * mask * (Y - tgt) / count
    dA = np.zeros((T, 4 * n))
    dh_next, dc_next = np.zeros(n), np.zeros(n)
    for t in reversed(range(T)):
        a = A[t]
        i, f, o, g = sig(a[:n]), sig(a[n : 2 * n]), sig(a[2 * n : 3 * n]), np.tanh(a[3 * n :])
        c_prev = C[t - 1] if t else np.zeros(n)
        dh = Wy * dY[t] + dh_next
        dc = dc_next + dh * o * dtanh(C[t])
        dA[t] = np.concatenate(
            [
                dc * g * dsig(a[:n]),
                dc * c_prev * dsig(a[n : 2 * n]),
                dh * np.tanh(C[t]) * dsig(a[2 * n : 3 * n]),
                dc * i * dtanh(a[3 * n :]),
            ]
        )
        dh_next = Wh.T @ dA[t]
        dc_next = dc * f
    Hprev = np.vstack([np.zeros(n), H[:-1]])
    gWx, gWh, gb = dA.T @ X, dA.T @ Hprev, dA.sum(0)
    grads = _unstack(gWx, gWh, gb, "ifoc", n)
    grads["w_hy"], grads["b_y"] = H.T @ dY, dY.sum()
    return loss, H, C, grads


def gru(params, xs, targets=None):
    """Loss, H and the gradient dict by weight name."""
    n = params.n
    Wx, Wh, b, Wy, by = _stack(params, "rzh")
    X = np.asarray(xs, float)
    T = len(X)
    H = np.zeros((T, n))
    Ar, Az, Ah = np.zeros((T, n)), np.zeros((T, n)), np.zeros((T, n))
    h = np.zeros(n)
    for t in range(T):
        ar = Wx[:n] * X[t] + Wh[:n] @ h + b[:n]
        az = Wx[n : 2 * n] * X[t] + Wh[n : 2 * n] @ h + b[n : 2 * n]
        r, z = sig(ar), sig(az)
        ah = Wx[2 * n :] * X[t] + Wh[2 * n :] @ (r * h) + b[2 * n :]
        h = z * h + (1 - z) * np.tanh(ah)
        Ar[t], Az[t], Ah[t], H[t] = ar, az, ah, h
    Y = H @ Wy + by
    mask, tgt = _targets(xs, targets)
    count = mask.sum()
    loss = float(np.sum(mask * (Y - tgt) ** 2) / count)
    dY = 2.0 * mask * (Y - tgt) / count
    dAr, dAz, dAh = np.zeros((T, n)), np.zeros((T, n)), np.zeros((T, n))
    RH = np.zeros((T, n))
    dh_next = np.zeros(n)
    for t in reversed(range(T)):
        hp = H[t - 1] if t else np.zeros(n)
        r, z, hc = sig(Ar[t]), sig(Az[t]), np.tanh(Ah[t])
        RH[t] = r * hp
        dh = Wy * dY[t] + dh_next
        dAh[t] = dh * (1 - z) * dtanh(Ah[t])
        dAz[t] = dh * (hp - hc) * dsig(Az[t])
        drh = Wh[2 * n :].T @ dAh[t]
        dAr[t] = drh * hp * dsig(Ar[t])
        dh_next = dh * z + drh * r + Wh[:n].T @ dAr[t] + Wh[n : 2 * n].T @ dAz[t]
    Hprev = np.vstack([np.zeros(n), H[:-1]])
    grads = {
        "w_xr": dAr.T @ X, "w_hr": dAr.T @ Hprev, "b_r": dAr.sum(0),
        "w_xz": dAz.T @ X, "w_hz": dAz.T @ Hprev, "b_z": dAz.sum(0),
        "w_xh": dAh.T @ X, "w_hh": dAh.T @ RH, "b_h": dAh.sum(0),
        "w_hy": H.T @ dY, "b_y": dY.sum(),
    }  # fmt: skip
    return loss, H, None, grads


def _unstack(gWx, gWh, gb, gates, n):
    out = {}
    for k, g in enumerate(gates):
        s = slice(k * n, (k + 1) * n)
        out["w_x" + g], out["w_h" + g], out["b_" + g] = gWx[s], gWh[s], gb[s]
    return out


def adam(theta, grads_per_step, lr, b1=0.9, b2=0.999, eps=1e-8):
    """Adam from Kingma & Ba's Algorithm 1, over a fixed list of gradients, in arrays."""
    theta = np.asarray(theta, float)
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for t, g in enumerate(grads_per_step, start=1):
        g = np.asarray(g, float)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        theta = theta - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return theta
