"""Exercises 5–8: the GRU and LSTM steps, softmax with cross-entropy by log-sum-exp, and
drawing a character with a temperature. Each entry: (name, title, stub, hints, solution, role)."""

from ..i18n import N_

_HELPERS = '''\
def sigmoid(a):
    """σ(a) = 1 / (1 + e^−a), written so that e^… never overflows."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def dot(a, b):
    return sum(p * q for p, q in zip(a, b))
'''

GRU_DOC = '''\
    """One step of the GRU:

        r_t = σ(W_xr·x_t + W_hr·h_{t−1} + b_r)               reset gate
        z_t = σ(W_xz·x_t + W_hz·h_{t−1} + b_z)               update gate
        h̃_t = tanh(W_xh·x_t + W_hh·(r_t ⊙ h_{t−1}) + b_h)    candidate
        h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t

    σ(a) = 1 / (1 + e^−a); ⊙ multiplies entry by entry.

    w  the weights by name: w["w_xr"], w["w_xz"], w["w_xh"] (n numbers each),
       w["w_hr"], w["w_hz"], w["w_hh"] (n rows of n: row i feeds unit i),
       w["b_r"], w["b_z"], w["b_h"] (n numbers each)
    x  the input x_t, one number
    h_prev  h_{t−1}, n numbers

    Return h_t, a list of n numbers.
    """
'''

GRU_STUB = (
    "import math\n\n\n"
    "def gru_step(w, x, h_prev):\n"
    + GRU_DOC
    + '    raise NotImplementedError("Compute r_t and z_t, then the candidate, then h_t.")\n'
)

GRU_SOLUTION = (
    "import math\n\n\n"
    + _HELPERS
    + "\n\ndef gru_step(w, x, h_prev):\n"
    + GRU_DOC
    + """\
    n = len(h_prev)
    r = [sigmoid(w["w_xr"][i] * x + dot(w["w_hr"][i], h_prev) + w["b_r"][i]) for i in range(n)]
    z = [sigmoid(w["w_xz"][i] * x + dot(w["w_hz"][i], h_prev) + w["b_z"][i]) for i in range(n)]
    rh = [r[i] * h_prev[i] for i in range(n)]  # r_t ⊙ h_{t−1}
    hc = [math.tanh(w["w_xh"][i] * x + dot(w["w_hh"][i], rh) + w["b_h"][i]) for i in range(n)]
    return [z[i] * h_prev[i] + (1.0 - z[i]) * hc[i] for i in range(n)]
"""
)

LSTM_DOC = '''\
    """One step of the LSTM:

        i_t = σ(W_xi·x_t + W_hi·h_{t−1} + b_i)      input gate
        f_t = σ(W_xf·x_t + W_hf·h_{t−1} + b_f)      forget gate
        o_t = σ(W_xo·x_t + W_ho·h_{t−1} + b_o)      output gate
        c̃_t = tanh(W_xc·x_t + W_hc·h_{t−1} + b_c)   candidate memory
        c_t = f_t ⊙ c_{t−1} + i_t ⊙ c̃_t
        h_t = o_t ⊙ tanh(c_t)

    σ(a) = 1 / (1 + e^−a); ⊙ multiplies entry by entry.

    w  the weights by name, for each gate g in i, f, o, c: w["w_xg"] (n numbers),
       w["w_hg"] (n rows of n: row k feeds unit k) and w["b_g"] (n numbers)
    x  the input x_t, one number
    h_prev, c_prev  h_{t−1} and c_{t−1}, n numbers each

    Return (h_t, c_t), two lists of n numbers.
    """
'''

LSTM_STUB = (
    "import math\n\n\n"
    "def lstm_step(w, x, h_prev, c_prev):\n"
    + LSTM_DOC
    + '    raise NotImplementedError("Compute the three gates and the candidate, then c_t, h_t.")\n'
)

LSTM_SOLUTION = (
    "import math\n\n\n"
    + _HELPERS
    + '''\


def gate(w, g, x, h_prev, squash):
    """squash(W_xg·x_t + W_hg·h_{t−1} + b_g), unit by unit."""
    w_x, w_h, b = w["w_x" + g], w["w_h" + g], w["b_" + g]
    return [squash(w_x[k] * x + dot(w_h[k], h_prev) + b[k]) for k in range(len(b))]


def lstm_step(w, x, h_prev, c_prev):
'''
    + LSTM_DOC
    + """\
    i = gate(w, "i", x, h_prev, sigmoid)
    f = gate(w, "f", x, h_prev, sigmoid)
    o = gate(w, "o", x, h_prev, sigmoid)
    cc = gate(w, "c", x, h_prev, math.tanh)
    c = [f[k] * c_prev[k] + i[k] * cc[k] for k in range(len(cc))]
    h = [o[k] * math.tanh(c[k]) for k in range(len(c))]
    return h, c
"""
)

SOFTMAX_DOC = '''\
    """The probabilities p = softmax(l) and the cross-entropy −log p[target], without overflow:

        p_k = e^{l_k} / Σ_j e^{l_j}
        −log p_target = log Σ_j e^{l_j} − l_target

    e^1000 overflows. Subtracting the largest logit m first changes nothing in p,
    p_k = e^{l_k − m} / Σ_j e^{l_j − m}, and gives log Σ_j e^{l_j} = m + log Σ_j e^{l_j − m}
    (log-sum-exp) with no exponential above 1.

    logits  V numbers (they can be huge, like 1000, or hugely negative)
    target  the right answer's index, 0 … V−1

    Return (p, loss): p a list of V numbers, loss one number (in nats).
    """
'''

SOFTMAX_STUB = (
    "import math\n\n\n"
    "def softmax_cross_entropy(logits, target):\n"
    + SOFTMAX_DOC
    + '    raise NotImplementedError("Subtract the largest logit before any exponential.")\n'
)

SOFTMAX_SOLUTION = (
    "import math\n\n\n"
    "def softmax_cross_entropy(logits, target):\n"
    + SOFTMAX_DOC
    + """\
    m = max(logits)
    e = [math.exp(v - m) for v in logits]  # every exponent ≤ 0: no overflow
    s = sum(e)
    p = [v / s for v in e]
    log_sum_exp = m + math.log(s)
    return p, log_sum_exp - logits[target]  # never log(0), even when p[target] rounds to 0
"""
)

SAMPLE_DOC = '''\
    """Draw the next character's index, as the page's Sample does:

        p = softmax(l / T)      T = temperature: below 1 sharpens, above 1 flattens

    then return the first index k whose running total p_0 + … + p_k is above u. u is a
    uniform number in [0, 1), passed in so that the answer is exact. If rounding leaves u
    beyond every total, return the last index.

    logits       V numbers (they can be huge)
    temperature  a positive number (small ones, like 0.1, make l / T even larger)
    u            a number in [0, 1)

    Return k, an int.
    """
'''

SAMPLE_STUB = (
    "import math\n\n\n"
    "def sample_char(logits, temperature, u):\n"
    + SAMPLE_DOC
    + '    raise NotImplementedError("Divide by T, take a stable softmax, then walk the totals.")\n'
)

SAMPLE_SOLUTION = (
    "import math\n\n\n"
    "def sample_char(logits, temperature, u):\n"
    + SAMPLE_DOC
    + """\
    scaled = [v / temperature for v in logits]  # the temperature goes in before the softmax
    m = max(scaled)
    e = [math.exp(v - m) for v in scaled]
    s = sum(e)
    p = [v / s for v in e]
    k, r = 0, u
    while k < len(p) - 1:  # the first k whose running total passes u
        r -= p[k]
        if r < 0.0:
            break
        k += 1
    return k
"""
)

GATED = (
    (
        "gru_step",
        N_("One step of the GRU"),
        GRU_STUB,
        (
            N_("The two gates r_t and z_t have the same shape as the vanilla step, with σ as f."),
            N_(
                "The candidate reads r_t ⊙ h_{t−1}, not h_{t−1}: multiply first, then take W_hh "
                "times that."
            ),
            N_("Where z_t is near 1 the unit keeps h_{t−1}; near 0 it takes the candidate."),
            N_(
                "A small helper sigmoid(a) that never calls math.exp on a large positive number "
                "keeps saturated gates safe."
            ),
        ),
        GRU_SOLUTION,
        "gru_step",
    ),
    (
        "lstm_step",
        N_("One step of the LSTM"),
        LSTM_STUB,
        (
            N_(
                "All four of i, f, o and c̃ read the same x_t and h_{t−1}: one helper, given the "
                "gate's letter, can compute them all."
            ),
            N_("Three gates use σ; the candidate c̃ uses tanh."),
            N_("f_t multiplies the old cell state c_{t−1}; i_t multiplies the candidate."),
            N_(
                "h_t is o_t ⊙ tanh(c_t): tanh of the new c_t, not of the candidate. Return (h, c) "
                "in that order."
            ),
        ),
        LSTM_SOLUTION,
        "lstm_step",
    ),
    (
        "softmax_cross_entropy",
        N_("Stable softmax and cross-entropy"),
        SOFTMAX_STUB,
        (
            N_("m = max(logits); every l − m is ≤ 0, so every e^{l − m} is between 0 and 1."),
            N_("p does not change when every logit moves by the same amount."),
            N_(
                "For the loss, do not take log(p[target]): p[target] can round to 0. Use "
                "m + log(Σ e^{l − m}) − l[target]."
            ),
        ),
        SOFTMAX_SOLUTION,
        "",
    ),
    (
        "sample_char",
        N_("Sampling with a temperature"),
        SAMPLE_STUB,
        (
            N_("Divide the logits by T first, then take the softmax: T goes in before, not after."),
            N_("Use the stable softmax of the previous exercise: 1000 / 0.1 is 10,000."),
            N_("Walk k = 0, 1, …: subtract p_k from u and stop when it goes below 0."),
            N_("Stop at the last index even if u is still not below 0 (rounding)."),
        ),
        SAMPLE_SOLUTION,
        "",
    ),
)
