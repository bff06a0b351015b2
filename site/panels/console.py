"""Handlers of the Python console panel: what the learner types runs in an interpreter of its own.

That interpreter is a web worker with its own Pyodide (console-worker.js, driven by
js/panels/console.js), started when the panel is first opened, so the page's own start is
unchanged and a long entry never freezes the page. rnn_py.page.console does the work on both sides:
the worker runs entries (code.InteractiveConsole, the time limit) and here read_result checks
what comes back, a changed params included, before the page adopts it. Only text typed into the
"Python input" box runs: nothing from the address, a classroom link, a loaded file or storage
ever reaches it, and neither the entries nor their history are saved anywhere (they live in
this visit's memory). js/panels/console.js writes the output as text.
"""

import asyncio
import json
from dataclasses import dataclass, field

import page
from page import when
from pyscript import document, window

from rnn_py.i18n import _
from rnn_py.page.state import to_query

HISTORY = 200  # entries kept for the up and down arrows


@dataclass
class ConsolePanel:
    """The console's runner (js/panels/console.js), this visit's entries for ↑/↓, and whether
    one runs."""

    runner: object = None
    started: bool = False  # the welcome has been shown
    history: list = field(default_factory=list)
    position: int = 0  # the entry ↑/↓ shows; len(history) is the one being typed
    draft: str = ""  # what was typed before ↑ was pressed
    busy: bool = False
    cell: str = ""  # the cell the last welcome named


panel = ConsolePanel()


def _input():
    return document.getElementById("console-input")


async def _start():
    """Start the console's interpreter (once) and show its welcome; False if it can't start."""
    if panel.runner is None:
        panel.runner = await window.RnnPage.loadPanel("console")
    if panel.started:
        return True
    panel.started = True
    try:
        info = json.loads(await panel.runner.start())
    except Exception as error:  # the worker could not start (a JavaScript error)
        panel.started = False
        text = str(getattr(error, "message", "") or error)[:300]
        page.panel(
            "console",
            {
                "kind": "failed",
                "text": _("The console's Python could not start: {error}").format(error=text),
            },
        )
        return False
    del info  # the worker's own welcome names no cell; the page's does
    _welcome(page.session)
    return True


def _welcome(session):
    """Name the running cell's weights when the console starts and whenever the cell changes
    (a page listener)."""
    state = session.state
    text = state.mode == "text"
    cell = f"text:{state.text_cell}" if text else state.cell
    if panel.started and cell != panel.cell:
        from rnn_py.page.console import welcome_text

        panel.cell = cell
        welcome = welcome_text(state.text_cell, "text") if text else welcome_text(cell)
        page.panel("console", {"kind": "welcome", "text": welcome})


page.listeners.append(_welcome)


@when("toggle", "#console-panel")
def on_toggle(event):
    if document.getElementById("console-panel").open and not panel.started:
        asyncio.ensure_future(_start())


def _put(box, text):
    """Show text in the input box with the caret at its end."""
    box.value = text
    box.selectionStart = box.selectionEnd = len(box.value)


def _recall(box, move):
    if panel.position == len(panel.history):
        panel.draft = box.value
    panel.position = max(0, min(len(panel.history), panel.position + move))
    in_history = panel.position < len(panel.history)
    _put(box, panel.history[panel.position] if in_history else panel.draft)


def _new_line(box):
    """Enter on an unfinished entry (an open block or bracket): a new line, indented."""
    text = box.value
    current = text.rsplit("\n", 1)[-1]
    indent = current[: len(current) - len(current.lstrip())]
    if current.rstrip().endswith(":"):
        indent += "    "
    _put(box, text.rstrip(" ") + "\n" + indent)


@when("keydown", "#console-input")
def on_key(event):
    box = event.target
    key = event.key
    if key == "Enter" and not (event.shiftKey or event.isComposing):
        event.preventDefault()
        submit(box)
    elif event.shiftKey or key not in ("ArrowUp", "ArrowDown"):
        return
    elif key == "ArrowUp" and panel.position > 0 and "\n" not in box.value[: box.selectionStart]:
        event.preventDefault()  # the caret is on the first line: the entry before
        _recall(box, -1)
    elif (
        key == "ArrowDown"
        and panel.position < len(panel.history)
        and "\n" not in box.value[box.selectionEnd :]
    ):
        event.preventDefault()  # the caret is on the last line: the entry after
        _recall(box, +1)


@when("click", "#console-run")
def on_run(event):
    submit(_input(), run_unfinished=True)


@when("click", "#console-clear")
def on_clear(event):
    page.panel("console", {"kind": "clear"})


def submit(box, run_unfinished=False):
    """Run what the box holds (after the page has shown that it runs)."""
    from rnn_py.page.console import Console  # code, ast: loaded on first use

    text = box.value
    if panel.busy or not text.strip():
        return
    if not run_unfinished and Console.unfinished(text):
        _new_line(box)
        return
    panel.busy = True
    page.panel("console", {"kind": "running"})
    asyncio.ensure_future(_run(box, text))


async def _run(box, text):
    from rnn_py.page.console import HARD_LIMIT, ended, read_result

    try:
        if not await _start():
            return
        query = to_query(page.session.state)
        answer = await panel.runner.run(text, query, HARD_LIMIT)  # no text: the worker was ended
        cell = page.session.state.cell
        result = read_result(answer, cell) if isinstance(answer, str) else ended(text)
        entry = text.rstrip()
        if not panel.history or panel.history[-1] != entry:
            panel.history.append(entry)
            del panel.history[:-HISTORY]
        panel.position, panel.draft = len(panel.history), ""
        box.value = ""
        message = result.message
        if result.params is not None:
            page.record("weights", how="console")
            page.adopt(result.params, status=_("Weights set in the Python console."))
            message = f"{_('The page took the new params.')} {message}".strip()
        echo = result.transcript[: len(result.transcript) - len(result.output)]
        page.panel(
            "console",
            {
                "kind": "entry",
                "echo": echo,
                "output": result.output,
                "stopped": result.stopped,
                "message": message,
            },
        )
    finally:
        panel.busy = False
