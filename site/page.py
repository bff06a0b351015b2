"""The page's one session, and the helpers that every panel's handlers share.

Handlers live in main.py (the core controls) and in panels/ (one module per panel); each reads
a control, updates ``session`` through rnn_py and calls ``repaint()``. Read the session as
``page.session``: it is created once at start-up by ``start()``.
"""

import json
from dataclasses import dataclass, field, replace

from pyodide.ffi import create_proxy
from pyscript import document, window

import rnn_py
from rnn_py.i18n import _
from rnn_py.page.state import DemoState, from_query
from rnn_py.page.view import History, snapshot_json


@dataclass
class Session:
    """The page's one piece of mutable state: the settings plus what this visit has done."""

    state: DemoState
    history: History = field(default_factory=History)
    running: str | None = None  # "bptt" or "random" while a run animates
    run_id: int = 0  # bumped to make a running loop stop at its next frame
    status: str = ""
    warn: bool = False
    notices: tuple[str, ...] = ()  # about the link the page was opened with
    best_random: tuple[float, rnn_py.Params] | None = None
    events: list[dict] = field(default_factory=list)  # this visit's history, for the challenges


SEARCH_RANGE = (-2.0, 2.0)  # where Random Search draws every weight from

session: Session = None  # set by start()
# Called with the session after every repaint: panels that follow the model (landscape,
# challenges, code marks). Each must be cheap; heavy work is scheduled, not done here.
listeners: list = []


def start():
    """Read the settings from the address (query and hash) and create the session."""
    global session
    query = window.location.search[1:] + "&" + window.location.hash[1:]
    state, notices = from_query(query.strip("&"))
    session = Session(state=state, notices=tuple(notices))
    window.RnnPage.onSettle(create_proxy(lambda *_: repaint()))  # the full repaint after light ones
    return session


def repaint(light=False, touched=(), views=None):
    """Paint the main snapshot, then let every panel listener follow.

    light=True (a drag's input events, an animation's frames) computes and paints only the
    views on screen, and the views in touched (where the control the person uses is, even before
    the page has seen it scroll in); the painter then asks for a full repaint once the changes
    stop for a moment, and when a view left out scrolls into sight (js/views.js). views (light
    only) replaces the views on screen: () paints the status, buttons and settings alone."""
    if light and views is None:
        visible = window.RnnPage.visibleViews()
        views = None if visible is None else [*(v for v in str(visible).split(",") if v), *touched]
    elif light:
        views = list(views)
    else:
        views = None
    window.RnnPage.paint(
        snapshot_json(
            session.state,
            session.history,
            running=session.running,
            status=session.status,
            status_warn=session.warn,
            notices=session.notices,
            views=views,
            address=(not session.running and bool(window.RnnPage.addressDue())) if light else None,
        )
    )
    for listener in listeners:
        listener(session)


def when(event_type, selector):
    """Decorator: call the handler with the event on every element selector matches.

    Like PyScript's @when for this page's use (a CSS selector, a handler taking the event, sync
    or async), but about ten times cheaper per binding, which adds up at start-up: one proxy
    per handler, and no import of pyscript.web."""

    def bind(handler):
        elements = document.querySelectorAll(selector)
        if not elements.length:
            raise ValueError(f"No element on the page matches {selector!r}.")
        proxy = create_proxy(handler)  # an async handler gives the browser a promise
        for i in range(elements.length):
            elements.item(i).addEventListener(event_type, proxy)
        return handler

    return bind


def stop_run():
    """Stop a running BPTT or search loop (it notices at its next frame)."""
    if session.running:
        session.run_id += 1
        session.running = None
        session.status = _("Stopped.")
        session.warn = False


def start_over():
    """Stop any run and forget this visit's loss curves (new network, or Reset)."""
    stop_run()
    session.history.clear()
    session.best_random = None
    session.status = ""


def change(light=False, touched=(), **settings):
    """Apply a person's change: it takes over from a running loop, then everything repaints
    (light=True, for a drag's input events: what is on screen now, the rest once it stops)."""
    stop_run()
    session.notices = ()
    session.state = replace(session.state, **settings)
    repaint(light, touched)


def adopt(params, status=""):
    """Start over with new weights (a preset, the console, a landscape click on a new network)."""
    start_over()
    session.notices = ()
    session.status = status
    session.state = replace(session.state, params=params)
    repaint()


def search_seed():
    """The seed of the next Random Search: a second search in a visit draws new samples."""
    return session.state.seed + session.history.evaluations("random")


def record(kind, **data):
    """Note what happened in this visit (a run ended, weights set by hand…) for the challenges."""
    session.events.append({"kind": kind, **data})
    del session.events[:-500]  # a long visit keeps its recent history only


def panel(name, data):
    """Send one panel its data: the painter imports site/js/panels/<name>.js on first use."""
    return window.RnnPage.panel(name, json.dumps(data, allow_nan=False))


def page_url():
    """This page's address without its query or hash: what shared links start with."""
    return window.location.origin + window.location.pathname


def tell(text):
    """A line in the Share and save panel."""
    window.document.getElementById("share-status").textContent = text


def tell_host(kind, **data):
    """A message to the page that embeds this one (js/embed.js sends it only in an embed)."""
    window.RnnPage.tellHost(kind, json.dumps(data, allow_nan=False))


def message(element_id, text, info=False):
    """A message under a control (info=True: a note, not an error)."""
    window.RnnPage.message(element_id, text, info)
