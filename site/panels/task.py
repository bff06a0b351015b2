"""The Task choice (numbers or text) and text mode's handlers imported on first use.

The page opens on the numbers, so the first screen neither ships nor runs text mode's handlers
(panels.text) and the text network they train (rnn_py.text.task, textmodel, textcore, textview):
they are in rnn-page-later.zip (build.py's first_screen()). They are imported the first time
the page is in text mode (a text link at start, the Task select, or any other change to it),
fetching that archive there and then if it is not in yet (_rnn_later), or at the browser's
first idle moment once it is, whichever comes first.
"""

import importlib
import sys

import _rnn_later
import page
from page import when
from pyodide.ffi import create_once_callable
from pyscript import document, window

TEXT = "panels.text"
_on_text: list = []  # called with panels.text once it is imported (the Code panel follows it)


def text_panel():
    """Text mode's handlers (panels.text), imported and hooked up on first use."""
    if TEXT not in sys.modules:
        module = importlib.import_module(TEXT)
        for callback in _on_text:
            callback(module)
    return sys.modules[TEXT]


def on_text_panel(callback):
    """Call callback(panels.text) once text mode's module is imported (at once if it is)."""
    if TEXT in sys.modules:
        callback(sys.modules[TEXT])
    else:
        _on_text.append(callback)


def follow(session):
    """A page listener: the layout and the Task select follow the settings; in text mode the
    first time, panels.text is imported, and its own listener (added to page.listeners behind
    this one) follows in this same repaint."""
    state = session.state
    document.body.classList.toggle("task-text", state.mode == "text")
    document.getElementById("task").value = state.mode
    if state.mode == "text":
        text_panel()


page.listeners.append(follow)


@when("change", "#task")
def on_task(event):
    page.change(mode=event.target.value)


# Ready for the first switch to text mode: imported at the first idle moment once the archive
# that holds it is in (a no-op if a text link or the Task select imported it already).
_rnn_later.when_loaded(
    lambda: window.RnnPage.idle(create_once_callable(lambda _=None: text_panel()))
)
