"""Handlers of the Exercises panel: the learner writes the functions the page runs.

The exercises, their checks and the trace on the learner's functions are rnn_py.exercises; the
progress kept in the browser and the page's numbers from a trace are rnn_py.page.practice. The
learner's code runs only in the checker, a web worker with its own Pyodide (console-worker.js,
driven by js/panels/exercises.js), started when the panel first opens, and only when Check is
pressed or "Run the page on my code" is on: never on load, from a link, or from storage alone
(storage keeps drafts and the code that passed; reading them back runs nothing). A check still
running after HARD seconds ends the worker and a new one starts. With "Run the page on my code"
on, every change of the page's state asks the worker for the page's numbers computed with the
learner's passed functions (a moment after the changes settle); a failing or non-finite answer
leaves rnn_py's numbers on the page with the reason, and one that takes longer than OWN_LIMIT
switches it off. "One training step on my code" (backward step passed, vanilla cell) asks the
worker for one gradient-descent step with the learner's backward step and clip, and the page
adopts the weights only once rnn_py.page.practice.read_step has checked them.
"""

import asyncio
import json
import time
from dataclasses import dataclass, field

import page
from page import when
from pyscript import document, window

from rnn_py.i18n import N_, _
from rnn_py.page import practice
from rnn_py.page.state import to_query

HARD = 7.0  # seconds a check may run before its worker is ended (its own limit is 5 s)
OWN_LIMIT = 1.0  # seconds the page waits for the numbers from the learner's code
SETTLE = 0.15  # seconds without a change before the page asks for them
NOTE = N_(
    "This browser does not let the page store your code here (inside another site's frame, "
    "for example), so it lasts until you leave the page."
)


@dataclass
class Panel:
    """The panel's runner (js/panels/exercises.js), the learner's progress and what is shown."""

    runner: object = None
    started: bool = False
    numbers: tuple = ()  # the exercises listed (exercises= in a link, or all)
    current: int = 0
    progress: dict = field(default_factory=practice.empty_progress)
    stored: bool = True  # False once the browser refused localStorage
    hints: dict = field(default_factory=dict)  # exercise -> hints shown
    results: dict = field(default_factory=dict)  # exercise -> the last check's result
    busy: bool = False  # a check runs
    confirm: str = ""  # the action the confirm step asks about: "solution", "stub" or ""
    own: bool = False  # "Run the page on my code"
    own_message: str = ""
    own_pending: bool = False
    changed: float = 0.0
    arrived: bool = False  # the link's exercise=N has been acted on
    trained: tuple = (None, "")  # the weights a training step left (or kept), and what it said


panel = Panel()


def _exercises():
    import rnn_py.exercises as exercises  # the exercises' text and checks: on first opening

    return exercises


def _element():
    return document.getElementById("exercises-panel")


def _load():
    numbers = tuple(e.number for e in _exercises().EXERCISES)
    try:
        text = window.localStorage.getItem(practice.STORAGE_KEY)
    except Exception:  # SecurityError: storage denied
        panel.stored = False
        text = None
    panel.progress = practice.load_progress(text if isinstance(text, str) else None, numbers)


def _save():
    if not panel.stored:
        return
    try:
        window.localStorage.setItem(practice.STORAGE_KEY, practice.dump_progress(panel.progress))
    except Exception:  # denied, or full
        panel.stored = False
        _paint_list()


def _send(data):
    return page.panel("exercises", data)


def _status(text):
    _send({"kind": "status", "text": text})


def _paint_list():
    passed = [n for n in panel.numbers if n in panel.progress["passed"]]
    _send({
        "kind": "list",
        "items": [
            {"number": n, "title": _(_exercises().exercise(n).title),
             "passed": n in panel.progress["passed"]}
            for n in panel.numbers
        ],
        "current": panel.current,
        "count": _("({n} of {total} passed)").format(n=len(passed), total=len(panel.numbers)),
        "note": "" if panel.stored else _(NOTE),
    })  # fmt: skip


def _paint_exercise():
    e = _exercises().exercise(panel.current)
    shown = panel.hints.get(e.number, 0)
    _send({
        "kind": "exercise",
        "number": e.number,
        "title": _(e.title),
        "passed": e.number in panel.progress["passed"],
        "hints": [_(hint) for hint in e.hints[:shown]],
        "more_hints": shown < len(e.hints),
        "result": panel.results.get(e.number),
    })  # fmt: skip


def _roles():
    """The passed exercises whose function the page can run, by number."""
    return {
        n: source
        for n, source in sorted(panel.progress["passed"].items())
        if n in panel.numbers and _exercises().exercise(n).role
    }


def _paint_own():
    usable = bool(_roles())
    if not usable:
        message = _(
            "Pass an exercise whose function the page uses (the vanilla step, the loss, …) "
            "to unlock this."
        )
    else:
        message = panel.own_message or (
            _(
                "The page computes its numbers with your passed functions (the Timesteps table, "
                "the loss and, with your backward step, the gradient chart's |∂L/∂h_t|)."
            )
            if panel.own
            else _("Off: the page's numbers come from rnn_py.")
        )
    state = page.session.state
    train = practice.step_offer(state, {_exercises().exercise(n).role for n in _roles()})
    train["shown"] = train["shown"] and panel.own and usable
    if panel.trained[0] is state.params:  # what the last step said, until the weights change
        train["note"] = panel.trained[1]
    _send({"kind": "own", "enabled": usable, "checked": panel.own and usable, "message": message,
           "train": train})  # fmt: skip


def _draft(number):
    return panel.progress["drafts"].get(number) or _exercises().exercise(number).stub


async def _start():
    """Show the exercises and the editor, and start the checker's Python (once)."""
    if panel.started:
        return
    panel.started = True
    from rnn_py.page.practice import chosen

    _load()
    numbers = tuple(e.number for e in _exercises().EXERCISES)
    panel.numbers = chosen(page.session.state, numbers)
    wanted = page.session.state.exercise
    panel.current = wanted if wanted in panel.numbers else panel.numbers[0]
    panel.runner = await window.RnnPage.loadPanel("exercises")
    _paint_list()
    _paint_exercise()
    _paint_own()
    _status(_("Starting the checker's Python…"))
    await panel.runner.mount(_draft(panel.current))
    if wanted in panel.numbers:  # a link's exercise=N: shown, and the focus goes there
        _send({"kind": "focus", "id": "ex-title"})
    try:
        await panel.runner.start()
    except Exception as error:  # the worker could not start (a JavaScript error)
        text = str(getattr(error, "message", "") or error)[:300]
        _status(_("The checker's Python could not start: {error}").format(error=text))
        return
    if not panel.busy:
        _status(_("Ready: write your function, then press Check."))


@when("toggle", "#exercises-panel")
def on_toggle(event):
    if _element().open and not panel.started:
        asyncio.ensure_future(_start())


async def _keep_draft():
    if panel.runner is None or not panel.current:
        return
    source = str(await panel.runner.getValue())
    if len(source) > practice.MAX_SOURCE:
        return
    if source == _exercises().exercise(panel.current).stub:
        panel.progress["drafts"].pop(panel.current, None)
    else:
        panel.progress["drafts"][panel.current] = source
    _save()


@when("ex-draft", "#ex-editor")
async def on_draft(event):
    await _keep_draft()


@when("click", "#ex-list")
async def on_pick(event):
    target = event.target
    button = target.closest("button[data-number]") if hasattr(target, "closest") else None
    if button is None or panel.runner is None or panel.busy:
        return
    number = int(button.dataset.number)
    if number == panel.current:
        return
    await _keep_draft()
    panel.current = number
    panel.confirm = ""
    _send({"kind": "confirm", "text": ""})
    await panel.runner.setValue(_draft(number))
    _paint_list()
    _paint_exercise()
    _status("")
    _send({"kind": "focus", "id": "ex-title"})


@when("click", "#ex-check")
async def on_check(event):
    if panel.runner is None or panel.busy:
        return
    panel.busy = True
    number = panel.current
    try:
        await _keep_draft()
        source = str(await panel.runner.getValue())
        _status("Checking…")
        _send({"kind": "result", "result": None})
        answer = await panel.runner.check(number, source, HARD)
        result = _read_check(answer)
        panel.results[number] = {"text": result["message"], "passed": result["passed"]}
        if result["passed"]:
            panel.progress["passed"][number] = source
            _save()
            page.tell_host("exercise-passed", exercise=number)
        if number == panel.current:
            _paint_exercise()
            if result["line"]:
                await panel.runner.setLine(result["line"])
        _paint_list()
        _paint_own()
        _status("Passed." if result["passed"] else _("Not yet: see the message below."))
        if panel.own:
            follow(page.session)
    finally:
        panel.busy = False


def _read_check(answer):
    """check_json's answer, or what to say when the worker was ended (answer is not text)."""
    if not isinstance(answer, str):
        return {
            "passed": False,
            "line": None,
            "message": _(
                "Stopped: your code was still running after {seconds} s (an endless loop?). "
                "The checker's Python was ended and starts afresh."
            ).format(seconds=f"{HARD:g}"),
        }
    try:
        data = json.loads(answer)
        line = data.get("line")
        return {
            "passed": data.get("passed") is True,
            "line": line if isinstance(line, int) and line > 0 else None,
            "message": str(data.get("message") or "")[:4000],
        }
    except (ValueError, AttributeError):
        return {
            "passed": False,
            "line": None,
            "message": _("The check's answer could not be read."),
        }


@when("click", "#ex-hint")
def on_hint(event):
    if panel.runner is None:
        return
    e = _exercises().exercise(panel.current)
    panel.hints[e.number] = min(len(e.hints), panel.hints.get(e.number, 0) + 1)
    _paint_exercise()


QUESTIONS = {
    "solution": N_(
        "Replace your code with a solution? Your own code for this exercise will be gone "
        "(download the notebook first to keep it)."
    ),
    "stub": N_("Start again from the stub? Your own code for this exercise will be gone."),
}


def _ask(action):
    if panel.runner is None:
        return
    panel.confirm = action
    _send({"kind": "confirm", "text": _(QUESTIONS[action])})


@when("click", "#ex-solution")
def on_solution(event):
    _ask("solution")


@when("click", "#ex-restart")
def on_restart(event):
    _ask("stub")


@when("click", "#ex-confirm-no")
def on_confirm_no(event):
    back = "ex-solution" if panel.confirm == "solution" else "ex-restart"
    panel.confirm = ""
    _send({"kind": "confirm", "text": ""})
    _send({"kind": "focus", "id": back})


@when("click", "#ex-confirm-yes")
async def on_confirm_yes(event):
    action, panel.confirm = panel.confirm, ""
    _send({"kind": "confirm", "text": ""})
    if not action or panel.runner is None:
        return
    e = _exercises().exercise(panel.current)
    await panel.runner.setValue(e.solution if action == "solution" else e.stub)
    await _keep_draft()
    _status(_("A solution is in the editor: read it, then press Check.") if action == "solution"
            else _("The stub is back in the editor."))  # fmt: skip
    await panel.runner.focusEditor()


@when("click", "#ex-notebook")
async def on_notebook(event):
    if panel.runner is None:
        return
    await _keep_draft()
    progress = {
        n: panel.progress["drafts"].get(n) or panel.progress["passed"].get(n) or ""
        for n in panel.numbers
    }
    book = _exercises().notebook({n: source for n, source in progress.items() if source})
    window.RnnPage.download(
        "rnn-exercises.ipynb", "application/x-ipynb+json", json.dumps(book, indent=1)
    )
    _status(_("Notebook saved as rnn-exercises.ipynb: your code, with the checks as asserts."))


# ---- "Run the page on my code" ---------------------------------------------------------------


@when("change", "#ex-own")
def on_own(event):
    panel.own = bool(event.target.checked) and bool(_roles())
    panel.own_message = ""
    _paint_own()
    if panel.own:
        follow(page.session)
    else:
        _send({"kind": "numbers", "ok": False, "badge": ""})
        page.repaint()  # rnn_py's numbers again


def follow(session):
    """The page listener: with "Run the page on my code" on, ask for the numbers from the
    learner's code once the current burst of changes has settled."""
    if not panel.own:
        return
    panel.changed = time.monotonic()
    _send({"kind": "numbers", "ok": False, "badge": _badge("computing…")})
    _paint_own()  # the training step's button follows the cell, the task and clipping
    if not panel.own_pending:
        panel.own_pending = True
        asyncio.ensure_future(_own_later())


def _badge(what):
    used = ", ".join(str(n) for n in _roles())
    return _("Running on your code (exercise {used}): {what}").format(used=used, what=what)


async def _own_later():
    try:
        while True:
            while (wait := panel.changed + SETTLE - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            if page.session.running or panel.busy:
                await asyncio.sleep(SETTLE)  # a run's last repaint, or the check, comes first
                continue
            state = page.session.state
            asked = panel.changed
            answer = await panel.runner.trace(json.dumps(_roles()), to_query(state), OWN_LIMIT)
            if not panel.own:
                return
            if panel.changed != asked:
                continue  # the page changed meanwhile: ask again for the new state
            _show_numbers(state, answer)
            return
    finally:
        panel.own_pending = False


def _show_numbers(state, answer):
    if not isinstance(answer, str):
        panel.own = False
        panel.own_message = _(
            "Your code gave no answer within {seconds} s, so the page went back to rnn_py's "
            "numbers and switched this off. Switch it on to try again."
        ).format(seconds=f"{OWN_LIMIT:g}")
        _paint_own()
        _send({"kind": "numbers", "ok": False, "badge": ""})
        page.repaint()
        return
    try:
        numbers = practice.own_numbers(state, answer)
    except ValueError as error:  # the page's own settings cannot be computed (a custom sequence)
        numbers = {"ok": False, "message": str(error)}
    if numbers["ok"] and numbers["used"]:
        used = ", ".join(str(n) for n in numbers["used"])
        panel.own_message = ""
        badge = _("Running on your code (exercise {used}).").format(used=used)
        _send({**numbers, "kind": "numbers", "badge": badge})
    elif numbers["ok"]:
        panel.own_message = _(
            "None of your passed functions applies to this view (its cell or task)."
        )
        badge = _("rnn_py's numbers: none of your passed functions applies here.")
        _send({"kind": "numbers", "ok": False, "badge": badge})
    else:
        problem = numbers["message"]
        panel.own_message = _("Back to rnn_py's numbers: {problem}").format(problem=problem)
        badge = _("rnn_py's numbers: your code failed here. {problem}").format(problem=problem)
        badge = badge[:600]
        _send({"kind": "numbers", "ok": False, "badge": badge})
    _paint_own()


@when("click", "#ex-train")
async def on_train(event):
    """One step of gradient descent with the learner's backward step (and clip), computed in
    the checker; the page takes the new weights only if they pass read_step's checks and the
    page has not changed meanwhile."""
    if panel.runner is None or panel.busy or not panel.own:
        return
    state = page.session.state
    panel.busy = True
    try:
        panel.trained = (state.params, _("Computing one step with your code…"))
        _paint_own()
        answer = await panel.runner.step(json.dumps(_roles()), to_query(state), HARD)
        read = practice.read_step(state, answer if isinstance(answer, str) else None)
        if not isinstance(answer, str):
            read["message"] = _("The page keeps its weights: your code was still running after "
                                "{seconds} s, so the checker was ended.").format(
                                    seconds=f"{HARD:g}")  # fmt: skip
        elif read["ok"] and page.session.state is not state:
            read = {"ok": False, "message": _("The page keeps its weights: its settings changed "
                    "while the step ran. Press again.")}  # fmt: skip
        if read["ok"]:
            history = page.session.history
            history.add(read["step"], history.evaluations("bptt"))  # one point on the loss chart
            page.record("weights", how="exercises")
            panel.trained = (read["params"], read["message"])
            page.session.status = read["message"]
            page.change(params=read["params"])
        else:
            panel.trained = (page.session.state.params, read["message"])
    finally:
        panel.busy = False
    _paint_own()


def _arrive(session):
    """A link's exercise=N opens the panel at N (once)."""
    if panel.arrived:
        return
    panel.arrived = True
    if session.state.exercise is not None and not _element().open:
        _element().open = True  # its toggle event starts the panel


page.listeners.append(follow)
page.listeners.append(_arrive)
if page.session is not None:  # imported after start-up (main.LATER): catch up with the link
    _arrive(page.session)
