"""Handlers of the Code panel and the notebook download: the Python that runs, shown and taken
home.

The listing comes from rnn_py.page.source (inspect, tokenize and ast), imported only when the panel
is first opened, so the first screen never pays for it. After every repaint, an open panel is
told to follow the page; js/panels/code.js reads the main snapshot (`current`, `running`, the
substituted equation) to mark the lines of the current timestep, or the backward pass while
BPTT trains.
"""

from dataclasses import dataclass

import page
from page import when
from panels import task
from pyscript import document, window

from rnn_py.i18n import _


@dataclass
class Code:
    """Which cell's listing the painter has ("" for none yet)."""

    sent: str = ""


code = Code()


def _open():
    return bool(document.getElementById("code-panel").open)


def _wanted(state):
    """Which listing the page wants: the numbers' cell, or "text:<cell>" in text mode."""
    return f"text:{state.text_cell}" if state.mode == "text" else state.cell


def _send_listing(wanted):
    """The running cell's listing, sent when the panel opens or the cell or task changes."""
    from rnn_py.page.source import listing  # inspect, tokenize, ast: loaded on first opening

    task, _colon, cell = wanted.rpartition(":")
    page.panel("code", {"kind": "listing", **listing(cell, task or "numbers")})
    code.sent = wanted


def _follow_data(state):
    """What the painter marks from: in numbers mode the running method (a run's frames paint
    light, so the last full snapshot predates the run); in text mode, Step Forward's character
    and the text run."""
    if state.mode != "text":
        return {"kind": "follow", "running": page.session.running}
    t = task.text_panel().text
    return {"kind": "follow", "text": {"t": t.step, "running": t.running,
                                       "seq_length": state.seq_length}}  # fmt: skip


def _follow(session):
    """A listener: an open panel re-marks its lines from the snapshot just painted (and shows
    the other cell's code when the Cell select or the task changed)."""
    if code.sent and _open():
        if code.sent != _wanted(session.state):
            _send_listing(_wanted(session.state))
        page.panel("code", _follow_data(session.state))


page.listeners.append(_follow)
# After every paint of text mode too (Step Forward's character), once text mode is imported.
task.on_text_panel(lambda text_panel: text_panel.followers.append(lambda: _follow(page.session)))


@when("toggle", "#code-panel")
def on_toggle(event):
    if not _open():
        return
    if code.sent != _wanted(page.session.state):
        _send_listing(_wanted(page.session.state))
    page.panel("code", _follow_data(page.session.state))


@when("click", "#export-notebook")
def on_export_notebook(event):
    from rnn_py.page.notebook import notebook

    status = document.getElementById("share-status")
    try:
        text = notebook(page.session.state)
    except ValueError as error:
        status.textContent = _("No notebook: {error}").format(error=error)
        return
    name = "rnn-text.ipynb" if page.session.state.mode == "text" else "rnn-experiment.ipynb"
    window.RnnPage.download(name, "application/x-ipynb+json", text)
    status.textContent = _(
        "Notebook saved as {name}: open it in Jupyter and run all cells."
    ).format(name=name)
