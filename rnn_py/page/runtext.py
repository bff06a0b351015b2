"""What the page says about a Train (BPTT) or Random Search run: a short reading beside the
buttons while it goes (`run_progress`), and the line it announces when it ends (`run_summary`).
"""

import math

from ..i18n import _


def run_progress(method, last, total):
    """The reading beside the run buttons while a run goes: how far it is and its loss so far,
    from the run's latest Step (last) and its length (total). Written each frame, so it is not
    announced; the page's status line announces the run's start and end.

    >>> from rnn_py import Params, make_sequence, train_bptt
    >>> steps = list(train_bptt(Params.scalar(0.5, 1.5, 1.0), make_sequence("sine", 12),
    ...                         "linear", lr=0.05, epochs=300))
    >>> run_progress("bptt", steps[119], 300)
    'Epoch 120 of 300 · loss 0.244'
    """
    if method == "bptt":
        text = _("Epoch {n} of {total} · loss {loss}")
        return text.format(n=last.evaluations, total=total, loss=_number(last.loss))
    text = _("Try {n} of {total} · best loss {loss}")
    return text.format(n=last.evaluations, total=total, loss=_number(last.best_loss))


def _number(value):
    return f"{value:.4g}" if math.isfinite(value) else _("overflow")


def run_summary(method, first, last, clipped, task=False):
    """The line the page announces when a run ends: first and last are its first and last
    Step, clipped how many of its epochs had a gradient entry clipped; task says the losses are
    each epoch's batch (the long-lag task).

    >>> from rnn_py import Params, make_sequence, train_bptt
    >>> steps = list(train_bptt(Params.scalar(0.5, 1.5, 1.0), make_sequence("sine", 12),
    ...                         "linear", lr=0.05, epochs=300))
    >>> run_summary("bptt", steps[0], steps[-1], sum(s.clipped for s in steps))
    'BPTT: 300 epochs, loss 111.8 → 0.106. Clipping engaged in 2 of them.'
    """
    if last.status == "diverged":
        return last.message
    if method == "bptt":
        losses = {"n": last.evaluations, "first": f"{first.loss:.4g}", "last": f"{last.loss:.4g}"}
        if task:
            text = _("BPTT: {n} epochs, loss {first} → {last} (each epoch's batch).")
        else:
            text = _("BPTT: {n} epochs, loss {first} → {last}.")
        text = text.format(**losses)
        if clipped:
            text += " " + _("Clipping engaged in {n} of them.").format(n=clipped)
        return text
    text = _("Random Search: {n} random tries, best loss {loss}.")
    return text.format(n=last.evaluations, loss=f"{last.best_loss:.4g}")
