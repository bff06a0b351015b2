"""Handlers of the Challenges panel.

After every change (a page listener) the goals are checked with rnn_py.lessons, a moment after
the changes settle so that a slider drag stays smooth; newly met ones are ticked and
remembered in localStorage, and the open panel is painted by js/panels/challenges.js.
Storage holds only the ids of the ticked challenges, read back through lessons.load_progress
(never run). When the browser denies storage (a frame of another site, for example) the ticks
live in memory for this visit, and the panel says so.
"""

import asyncio
import time
from dataclasses import dataclass, field

import page
from page import when
from pyscript import document, window

from rnn_py import lessons
from rnn_py.i18n import N_, _

SETTLE = 0.12  # seconds without a change before the goals are checked
SLICE = 0.008  # seconds of the long-lag check's work between two frames, at most
NOTE = N_(
    "This browser does not let the page store your ticks here (inside another site's frame, "
    "for example), so they last until you leave the page."
)


@dataclass
class Progress:
    """The ticked challenges and how they are kept."""

    solved: set = field(default_factory=set)
    started: bool = False
    stored: bool = True  # False once the browser refused localStorage
    pending: bool = False  # a check is scheduled
    changed: float = 0.0  # when the last change was painted (time.monotonic)
    focus: int | None = None  # the challenge a link asked for, until it has been shown


progress = Progress()


def _load():
    try:
        text = window.localStorage.getItem(lessons.STORAGE_KEY)
    except Exception:  # SecurityError: storage denied
        progress.stored = False
        return
    progress.solved = lessons.load_progress(text if isinstance(text, str) else None)


def _save():
    if not progress.stored:
        return
    try:
        window.localStorage.setItem(lessons.STORAGE_KEY, lessons.dump_progress(progress.solved))
    except Exception:  # denied, or full
        progress.stored = False


def _panel():
    return document.getElementById("challenges-panel")


def _events():
    return lessons.since_reset(page.session.events)


def _show():
    """The count beside the panel's title, and the panel itself when it is open."""
    total = len(lessons.CHALLENGES)
    count = document.getElementById("challenges-count")
    count.textContent = _("({n} of {total} solved)").format(n=len(progress.solved), total=total)
    if _panel().open:
        data = lessons.panel_data(
            page.session.state,
            _events(),
            progress.solved,
            focus=progress.focus,
            note="" if progress.stored else _(NOTE),
        )
        progress.focus = None
        page.panel("challenges", data)


def _teacher_options(picked):
    """The teachers' "Open at challenge" select: one option per challenge, by number."""
    select = document.getElementById("teach-challenge")
    for number, c in enumerate(lessons.CHALLENGES, 1):
        option = document.createElement("option")
        option.value = str(number)
        option.textContent = f"{number}. {_(c.title)}"
        select.append(option)
    select.value = "" if picked is None else str(picked)


def _start(session):
    progress.started = True
    _load()
    _teacher_options(session.state.challenge)
    _show()
    if session.state.challenge is not None:  # a link: challenge=N opens the panel at N
        progress.focus = session.state.challenge
        _panel().open = True  # its toggle event paints it


def follow(session):
    """The page listener: schedule a check once the current burst of changes has settled."""
    if not progress.started:
        _start(session)
    progress.changed = time.monotonic()
    if session.running or progress.pending:
        return
    progress.pending = True
    asyncio.ensure_future(_check_later())


async def _check_later():
    """Check once no change has come for SETTLE seconds (a drag postpones it to its end)."""
    while (wait := progress.changed + SETTLE - time.monotonic()) > 0:
        await asyncio.sleep(wait)
    session = page.session
    if session.running:
        progress.pending = False
        return  # the run's last repaint checks again
    # The long-lag check scores the weights on 100 fresh examples (at gap 100, 100 forward
    # passes of 101 steps): done a slice at a time between frames, and begun again after a change.
    began = time.perf_counter()
    for _piece in lessons.goals.long_lag_pieces(session.state, _events()):
        if time.perf_counter() - began > SLICE:
            await asyncio.sleep(0)
            began = time.perf_counter()
            if session.running or time.monotonic() - progress.changed < SETTLE:
                progress.pending = False
                if not session.running:
                    follow(session)
                return
    progress.pending = False
    _note_vanilla(session)
    new = lessons.solved_now(session.state, _events(), progress.solved)
    if new:
        progress.solved.update(new)
        _save()
        for c in lessons.CHALLENGES:  # to the page that embeds this one, if any (js/embed.js)
            if c.id in new:
                page.tell_host("challenge-solved", id=c.id, title=c.title)
    _show()


def _note_vanilla(session):
    """Keep the vanilla cell's weights in the visit's events when they (or the activation)
    changed, so that the LSTM challenge can compare with them after a switch of cell."""
    state = session.state
    if state.cell != "vanilla":  # lessons.VANILLA keeps the vanilla cell's weights, by name
        return
    for e in reversed(session.events):
        if e.get("kind") == lessons.VANILLA:
            if e["params"] == state.params and e["activation"] == state.activation:
                return
            break
    page.record(lessons.VANILLA, params=state.params, activation=state.activation)


@when("toggle", "#challenges-panel")
def on_toggle(event):
    if _panel().open:
        _show()


@when("click", "#challenges-reset")
def on_reset(event):
    page.record(lessons.RESET)
    progress.solved.clear()
    _save()
    _show()
    follow(page.session)  # what holds right now is ticked again


@when("click", "#challenge-list")
def on_list_click(event):
    target = event.target
    if not hasattr(target, "closest") or not target.closest("button[data-action=restore]"):
        return
    params = lessons.restore_point(_events())
    if params is None:
        return
    page.record("weights", how="restore")
    page.stop_run()
    page.session.status = _("The weights are back where the diverged run started.")
    page.change(params=params)


page.listeners.append(follow)
if page.session is not None:  # imported after start-up (main.LATER): catch up with the visit
    follow(page.session)
