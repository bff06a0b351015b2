"""Arrival from a link, and the page that embeds this one.

On the first paint: a one-panel embed (``?embed=1&panel=landscape``) keeps only that panel's
parts (rnn_py.page.embed.PANELS), the panels a link names (``open=``) open, and in an embed the
painter (js/embed.js) starts telling the host page its height and each new link, after a
"ready" message. Challenges send "challenge-solved" themselves (panels/challenges.py).
"""

import json

import page
from pyscript import window

from rnn_py.page import embed

arrived = False


def arrive(session):
    """The page listener: act on the link once, at the first paint."""
    global arrived
    if arrived:
        return
    arrived = True
    state = session.state
    panel = embed.panel_of(state)
    window.RnnPage.arrive(
        json.dumps({
            "show": embed.shown_parts(panel) if panel else None,
            "open": embed.opened(state),
            "host": state.embed,
            "panel": panel.name if panel else "",
        })
    )  # fmt: skip


page.listeners.insert(0, arrive)
