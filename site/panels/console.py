"""Handlers of the Python console panel: what the learner types runs in the page's interpreter.

rnn_py.console does the work (code.InteractiveConsole, the time limit, checking a changed
params); it is imported when the panel is first opened. Only text typed into the "Python input"
box runs: nothing from the address, a classroom link, a loaded file or storage ever reaches it,
and neither the entries nor their history are saved anywhere (they live in this visit's memory).
js/panels/console.js writes the output as text.
"""

import asyncio
from dataclasses import dataclass, field

import page
from page import when
from pyscript import document

HISTORY = 200  # entries kept for the up and down arrows


@dataclass
class ConsolePanel:
    """The console (made on first use), this visit's entries for ↑/↓, and whether one runs."""

    console: object = None
    history: list = field(default_factory=list)
    position: int = 0  # the entry ↑/↓ shows; len(history) is the one being typed
    draft: str = ""  # what was typed before ↑ was pressed
    busy: bool = False


panel = ConsolePanel()


def _input():
    return document.getElementById("console-input")


def _console():
    if panel.console is None:
        from rnn_py.console import Console  # code, ast, linecache: loaded on first use

        panel.console = Console()
        page.panel("console", {"kind": "welcome", "text": panel.console.welcome()})
    return panel.console


@when("toggle", "#console-panel")
def on_toggle(event):
    if document.getElementById("console-panel").open:
        _console()


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
    text = box.value
    if panel.busy or not text.strip():
        return
    console = _console()
    if not run_unfinished and console.unfinished(text):
        _new_line(box)
        return
    panel.busy = True
    page.panel("console", {"kind": "running"})
    asyncio.ensure_future(_run(box, text))


async def _run(box, text):
    try:
        await asyncio.sleep(0.02)  # a frame for "Running…" before the entry takes over
        result = panel.console.run(text, page.session.state, finish=True)
        entry = text.rstrip()
        if not panel.history or panel.history[-1] != entry:
            panel.history.append(entry)
            del panel.history[:-HISTORY]
        panel.position, panel.draft = len(panel.history), ""
        box.value = ""
        message = result.message
        if result.params is not None:
            page.record("weights", how="console")
            page.adopt(result.params, status="Weights set in the Python console.")
            message = f"The page took the new params. {message}".strip()
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
