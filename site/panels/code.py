"""Handlers of the Code panel and the notebook download: the Python that runs, shown and taken
home.

The listing comes from rnn_py.source (inspect, tokenize and ast), imported only when the panel
is first opened, so the first screen never pays for it. After every repaint, an open panel is
told to follow the page; js/panels/code.js reads the main snapshot (`current`, `running`, the
substituted equation) to mark the lines of the current timestep, or the backward pass while
BPTT trains.
"""

from dataclasses import dataclass

import page
from page import when
from pyscript import document, window


@dataclass
class Code:
    """Which cell's listing the painter has ("" for none yet)."""

    sent: str = ""


code = Code()


def _open():
    return bool(document.getElementById("code-panel").open)


def _send_listing(cell):
    """The running cell's listing, sent when the panel opens or the cell changes."""
    from rnn_py.source import listing  # inspect, tokenize, ast: loaded on first opening

    page.panel("code", {"kind": "listing", **listing(cell)})
    code.sent = cell


def _follow(session):
    """A listener: an open panel re-marks its lines from the snapshot just painted (and shows
    the other cell's code when the Cell select changed)."""
    if code.sent and _open():
        if code.sent != session.state.cell:
            _send_listing(session.state.cell)
        page.panel("code", {"kind": "follow"})


page.listeners.append(_follow)


@when("toggle", "#code-panel")
def on_toggle(event):
    if not _open():
        return
    if code.sent != page.session.state.cell:
        _send_listing(page.session.state.cell)
    page.panel("code", {"kind": "follow"})


@when("click", "#export-notebook")
def on_export_notebook(event):
    from rnn_py.notebook import notebook

    status = document.getElementById("share-status")
    try:
        text = notebook(page.session.state)
    except ValueError as error:
        status.textContent = f"No notebook: {error}"
        return
    window.RnnPage.download("rnn-experiment.ipynb", "application/x-ipynb+json", text)
    status.textContent = (
        "Notebook saved as rnn-experiment.ipynb: open it in Jupyter and run all cells."
    )
