"""Handlers of text mode: your text and its presets, the text network's settings, Train / Stop /
Reset, Sample and What the network sees (imported by panels.task, with the Task choice, the
first time the page is in text mode). rnn_py.text.task trains and samples,
rnn_py.text.view turns a model into data, js/panels/text.js draws it (imported the first time
text mode is chosen). Work runs in pieces between frames, so the page never freezes: sampling
SLICE seconds per frame, training the pieces of windows that fit in a frame after its painting
(FRAME_WORK; a window may span frames); a link's trained=N replays N windows the same way.
"""

import asyncio
import time
from dataclasses import dataclass, field, replace

import page
from page import when
from pyodide.ffi import create_once_callable
from pyscript import document, window

from rnn_py.i18n import N_, _
from rnn_py.page.pace import Pace
from rnn_py.page.state import MAX_SAMPLE, MAX_SEED, MAX_TEMP, MIN_TEMP, read_number
from rnn_py.text import task as tx
from rnn_py.text import view as tv

SLICE = 0.012  # seconds of sampling, or of the gradient reach, per frame
# A frame at 60 Hz lasts 16.7 ms. Python resumes after a frame's requestAnimationFrame in a task
# of its own (the browser has drawn that frame by then); training's work in a frame (its windows,
# then the loss line and curve sent and drawn) ends FRAME_WORK after the frame began, so that the
# next one starts on time, with the rest as room for a busy machine. The windows get what is
# left after the painting, measured as training goes, in pieces (a time step forward or back, a
# row of the gradient, a slice of the update: tv.advance), so one window may span frames. A
# dropped frame (a gap of more than 1.5 frames, on a busy machine) lowers that time by a
# millisecond, down to MIN_WORK; frames on time raise it again, slowly (rnn_py.page.pace).
FRAME_WORK = 0.014
MIN_WORK = 0.008
SEES_EVERY = 1.0  # seconds between heatmap updates while training (when on screen)
CACHE = 6  # networks kept: change a setting and back, and the trained one returns


@dataclass
class TextSession:
    """Text mode's part of the visit: the trained networks and what the panel shows."""

    models: dict = field(default_factory=dict)  # model_key → TextModel, oldest first
    model: tv.TextModel | None = None
    running: str | None = None  # "train", "replay" or "sample"
    status: str = ""
    warn: bool = False
    started: bool = False
    shown_text: str | None = None  # the text last written into the box
    text_error: str = ""  # a refused edit's message (the model keeps the last good text)
    sees_at: tuple = ()  # what the heatmaps were last computed for
    sees_time: float = 0.0
    step: int | None = None  # Step Forward's character in the stretch
    reach_at: tuple = ()  # what the gradient reach chart was last computed for
    sample: dict = field(default_factory=lambda: {"text": "", "done": True, "status": ""})


text = TextSession()
followers: list = []  # called after every paint (the Code panel marks Step Forward's lines)


def next_frame():
    return window.Promise.new(
        create_once_callable(lambda resolve, _reject: window.requestAnimationFrame(resolve))
    )


def _count(value):
    return _("{n} of {most} characters, {distinct} distinct.").format(
        n=f"{len(value):,}", most=f"{tx.MAX_CHARS:,}", distinct=len(set(value))
    )


def _model_for(state):
    """The network for these settings: kept from before, or a fresh seeded one."""
    key = tv.model_key(state)
    model = text.models.pop(key, None) or tv.new_model(state)
    text.models[key] = model
    while len(text.models) > CACHE:
        del text.models[next(iter(text.models))]
    return model


def _settle(**settings):
    """A setting that does not touch the network (sampling, the stretch): no run is stopped."""
    page.session.notices = ()
    page.session.state = replace(page.session.state, **settings)
    page.repaint()


# ---- following the page ----------------------------------------------------------------------


def follow(session):
    """A page listener: switch the layout, keep the network in step with the settings, paint."""
    state = session.state
    document.body.classList.toggle("task-text", state.mode == "text")
    document.getElementById("task").value = state.mode
    if state.mode != "text":
        return
    if not text.started:
        text.started = True
        for el in document.querySelectorAll("#text-stage :is(input, select, button)"):
            el.disabled = False
    if text.model is None or text.model.key != tv.model_key(state):
        text.model = _model_for(state)
        text.step = None
        text.sample = {"text": "", "done": True, "status": ""}  # it was another network's
        text.status = ""
        text.warn = False
    model = text.model
    if state.trained != model.windows and text.running not in ("train", "replay"):
        if state.trained > model.windows and not model.windows and text.shown_text is None:
            asyncio.ensure_future(run_training(target=state.trained, replay=True))
        else:
            session.state = replace(state, trained=model.windows)
            page.repaint()  # the address follows; this listener runs again, in step
            return
    paint(full=True, sees=False)
    asyncio.ensure_future(_sees_soon())


async def _sees_soon():
    """The heatmaps a moment after the rest, so one change is never one long task."""
    await asyncio.sleep(0.01)
    if page.session.state.mode == "text" and text.model is not None and not text.running:
        paint(sees=True)
        await _reach_soon()


async def _reach_soon():
    """The gradient reach over the stretch, a few steps back per frame, while nothing runs."""
    model, start = text.model, page.session.state.text_from
    at = (id(model), model.windows, start)
    if at == text.reach_at:
        return
    text.reach_at = at
    steps, result = tv.reach_steps(model, start), None
    while result is None:
        began = time.perf_counter()
        for result in steps:
            if result is not None or time.perf_counter() - began > SLICE:
                break
        if result is not None:
            break
        await next_frame()
        now = (id(text.model), model.windows, page.session.state.text_from)
        if text.running or now != at:
            text.reach_at = ()
            return
    page.panel("text", {"mode": "text", "reach": result})


def paint(full=False, sees=True, loss=True):
    """Send the text panel what changed: the status, the loss line (unless loss=False: a
    training frame that finished no window); with full the settings too."""
    state, model = page.session.state, text.model
    if state.mode != "text" or model is None:
        return
    data = {"mode": "text", "running": text.running, "status": text.status, "warn": text.warn,
            "text_error": text.text_error}  # fmt: skip
    if loss or full:
        data["summary"] = tv.summary(model, state)
        data["summary"]["vocab_raw"] = model.vocab.chars
    if full:
        a, _end = tv.stretch_bounds(model, state.text_from)
        start = state.sample_start if state.sample_start in model.vocab.chars else model.text[0]
        set_text = state.text != text.shown_text
        text.shown_text = state.text
        data["settings"] = {
            "text": state.text, "set_text": set_text, "cell": state.text_cell,
            "hidden": state.text_hidden, "seq_length": state.seq_length,
            "optimizer": state.text_optimizer, "temperature": state.temperature,
            "sample_length": state.sample_length, "sample_start": start,
            "sample_seed": state.sample_seed, "text_from": a,
        }  # fmt: skip
        if not text.text_error:
            data["text_count"] = _count(state.text)
        data["sample"] = text.sample
    if sees:
        at = (id(model), model.windows, state.text_from, text.step)
        if at != text.sees_at:
            text.sees_at, text.sees_time = at, time.perf_counter()
            data["sees"] = tv.sees(model, state.text_from)
            data["step"] = _step_data()
    page.panel("text", data)
    for follower in followers:
        follower()


def _estimate(before, seconds):
    """A running estimate of a duration: quick to follow a rise (at most doubling at once, so
    one moment when the machine was busy elsewhere does not starve the next frames), slower to
    fall."""
    if before is None:
        return seconds
    if seconds > before:
        return min(seconds, 2 * before)
    return 0.75 * before + 0.25 * seconds


def _report(spent, split):
    """How the training frames spent their time, for bench/bench_page_text.py (the medians,
    in ms): the windows' own, the painting's (Python's data, the JSON, the drawing), how late
    in its frame Python started, and the working time a frame had; and how many frames ended
    with a window partly done."""
    if spent:
        figures = document.getElementById("text-stage").dataset
        figures.frames = str(len(spent))
        figures.split = str(split)  # frames that ended with a window partly done
        for name, column in (("windowsMs", 0), ("paintMs", 1), ("lateMs", 2), ("workMs", 3)):
            values = sorted(row[column] for row in spent)
            setattr(figures, name, f"{values[len(values) // 2]:.2f}")


def _step_data():
    model, state = text.model, page.session.state
    if text.step is None:
        return {"t": None, "lines": []}
    return {"t": text.step, "lines": tv.step_lines(model, state.text_from, text.step)}


page.listeners.append(follow)


# ---- the text (the Task select is panels.task's) ----------------------------------------------


@when("input", "#text-input")
def on_text_typed(event):
    """Check as the person types; the network takes the text when they leave the box."""
    value = event.target.value
    try:
        checked = tx.check_text(value)
    except ValueError as error:
        text.text_error = f"{error} {_('The network keeps the text it has.')}"
        page.panel("text", {"mode": "text", "text_error": text.text_error,
                            "text_count": _count(value), "running": text.running})  # fmt: skip
        return
    text.text_error = ""
    page.panel("text", {"mode": "text", "text_error": "", "text_count": _count(checked),
                        "running": text.running})  # fmt: skip


@when("change", "#text-input")
def on_text(event):
    try:
        checked = tx.check_text(event.target.value)
    except ValueError as error:
        text.text_error = f"{error} {_('The network keeps the text it has.')}"
        paint()
        return
    text.text_error = ""
    if checked != page.session.state.text:
        page.change(text=checked, text_from=0)
    else:
        paint(full=True)


@when("click", "#text-presets")
def on_preset(event):
    target = event.target
    button = target.closest("button[data-preset]") if hasattr(target, "closest") else None
    if button is None:
        return
    text.text_error = ""
    page.change(text=tx.PRESETS[button.dataset.preset], text_from=0)


# ---- the network's settings ------------------------------------------------------------------


def _typed(event, message_id, low, high, label, integer=True):
    value, message = read_number(event.target.value, low, high, _(label), integer)
    page.message(message_id, message, info=value is not None)
    return value


@when("change", "#text-cell")
def on_cell(event):
    page.change(text_cell=event.target.value)


@when("change", "#text-opt")
def on_optimizer(event):
    page.change(text_optimizer=event.target.value)


@when("change", "#text-hidden")
def on_hidden(event):
    n = _typed(event, "text-hidden-msg", 1, tx.MAX_HIDDEN_TEXT, N_("Hidden units"))
    if n is not None:
        page.change(text_hidden=n)


@when("change", "#seq-length")
def on_seq_length(event):
    value = _typed(event, "seq-length-msg", 2, 100, N_("Sequence length"))
    if value is not None:
        page.change(seq_length=value)


# ---- training ---------------------------------------------------------------------------------


@when("click", "#text-train")
async def on_train(event):
    await run_training()


@when("click", "#text-stop")
def on_stop(event):
    page.stop_run()
    paint()


@when("click", "#text-reset")
def on_reset(event):
    """A fresh network from the seed: the trained one is dropped."""
    page.stop_run()
    state = page.session.state
    text.models.pop(tv.model_key(state), None)
    text.model = None
    text.status = _("A new network from the seed.")
    page.change(trained=0)


async def run_training(target=None, replay=False):
    """Train window after window until Stop, a change, divergence or (replaying a link) the
    target number of windows: in each frame as many pieces of windows (tv.advance) as fit in
    FRAME_WORK after painting, at least one; a window left partly done at the end of a frame
    goes on in the next. Only how the work is spread over frames depends on the machine: the
    numbers are those of whole windows."""
    if text.running or text.text_error:
        return
    page.stop_run()
    session = page.session
    session.run_id += 1
    me = session.run_id
    session.running = "text"
    model = text.model
    text.running = "replay" if replay else "train"
    text.reach_at = ()
    page.panel("text", {"mode": "text", "reach": None})  # recomputed once training stops
    text.warn = False
    first, clock, slowest = model.chars, time.perf_counter(), 0.0
    painting, piece = 0.0, 0.0  # seconds: a frame's painting, a piece of work (estimates)
    frame_at = None  # the frame's start (its requestAnimationFrame time, ms)
    pace = Pace(FRAME_WORK, MIN_WORK)  # less work a frame after a dropped one (rnn_py.page.pace)
    work = FRAME_WORK
    spent = []  # per frame, ms: windows, painting, late, working time (bench_page_text.py)
    split = 0  # frames that ended with a window partly done
    stage, sees_panel = document.getElementById("text-stage"), document.getElementById("text-sees")
    deadline = before = 0.0

    def out_of_time():
        """Between two pieces: stop when the next might not end before the deadline (the
        estimate follows the longest piece lately, decaying slowly)."""
        nonlocal before, piece, slowest
        now = time.perf_counter()
        took, before = now - before, now
        slowest = max(slowest, took)
        piece = max(took, 0.98 * piece)
        return now + piece > deadline

    try:
        while True:
            start = before = time.perf_counter()
            late = 0.0 if frame_at is None else (window.performance.now() - frame_at) / 1000
            deadline = start + work - min(late, work) - painting
            windows = model.windows
            while target is None or model.windows < target:  # pieces while the next one fits
                if tv.advance(model, out_of_time) is None or model.status != "running":
                    break
                if out_of_time():  # (the window's last piece, timed too)
                    break
            seconds = time.perf_counter() - clock
            rate = (model.chars - first) / seconds if seconds else 0
            windows_text = f"{model.windows:,}"
            if replay:
                what = _("Replaying the link's training: window {n} of {total}").format(
                    n=windows_text, total=f"{target:,}"
                )
            else:
                what = _("Training: window {n}").format(n=windows_text)
            text.status = _("{what} ({rate} characters per second).").format(
                what=what, rate=f"{rate:,.0f}"
            )
            done = model.status != "running" or (target is not None and model.windows >= target)
            trained = time.perf_counter()
            paint(sees=False, loss=model.windows != windows)
            # Python's part of painting, and the drawing's as text.js last timed it (it draws
            # after this step returns, in the same task)
            took = time.perf_counter() - trained + getattr(stage, "paintMs", 0) / 1000
            painting = _estimate(painting or None, took)
            split += model.partial
            if len(spent) < 4000:
                spent.append((1000 * (trained - start), 1000 * took, 1000 * late, 1000 * work))
            if done:
                break
            frame_at = await next_frame()
            work = pace.frame(frame_at / 1000)
            if me != session.run_id:
                break
            on_screen = getattr(sees_panel, "inView", True)  # text.js keeps it
            if on_screen and time.perf_counter() - text.sees_time > SEES_EVERY:
                paint(sees=True)  # the heatmaps in a frame of their own, not after windows
                frame_at = await next_frame()
                work = pace.frame(frame_at / 1000)
                if me != session.run_id:
                    break
    finally:
        if session.run_id == me:
            session.running = None
        text.running = None
        _report(spent, split)
    if model.status == "diverged":
        text.status, text.warn = model.message or _("Training diverged."), True
    else:
        text.status = _("Trained {n} windows ({chars} characters); measuring the loss on the "
                        "whole text…").format(n=f"{model.windows:,}",
                                              chars=f"{model.chars:,}")  # fmt: skip
        # figures for bench/bench_page_text.py: characters per second, the slowest piece (ms)
        figures = document.getElementById("text-stage").dataset
        figures.rate, figures.slowest = str(round(rate)), f"{1000 * slowest:.1f}"
    if text.model is not model:  # a change took over: the address follows the new network
        page.repaint()
        return
    page.session.state = replace(page.session.state, trained=model.windows)
    page.repaint()
    await measure(model)


async def measure(model):
    """The whole text's loss in bits per character, a chunk per frame; then the challenges
    hear of it."""
    if model.whole_at == model.windows or model.status == "diverged":
        return
    windows = model.windows
    for bits in tx.bits_per_char_steps(model.params, model.text, tv.ACTIVATION, chunk=50):
        if bits is None:
            await asyncio.sleep(0.005)
            if model.windows != windows:
                return  # trained on meanwhile
    model.whole, model.whole_at = bits, windows
    text.status = _("Trained {n} windows ({chars} characters): {bits} bits per character on "
                    "the whole text.").format(n=f"{windows:,}", chars=f"{model.chars:,}",
                                              bits=f"{bits:.2f}")  # fmt: skip
    page.record("text_run", text=model.text, cell=model.params.CELL, hidden=model.params.n,
                windows=windows, bits=bits)  # fmt: skip
    if text.model is model:
        paint()
        page.repaint()  # the challenges check again


# ---- sampling ----------------------------------------------------------------------------------


@when("click", "#sample")
async def on_sample(event):
    if text.running:
        return
    state, model = page.session.state, text.model
    start = state.sample_start if state.sample_start in model.vocab.chars else model.text[0]
    session = page.session
    page.stop_run()
    session.run_id += 1
    me = session.run_id
    session.running = "sample"
    text.running = "sample"
    count, temperature, seed = state.sample_length, state.temperature, state.sample_seed
    chars = tx.sample_steps(model.params, model.vocab, start, count, temperature=temperature,
                            seed=seed, activation=tv.ACTIVATION)  # fmt: skip
    out = [start]
    finished = False
    try:
        while not finished:
            begin = time.perf_counter()
            finished = True
            for ch in chars:
                out.append(ch)
                if time.perf_counter() - begin > SLICE:
                    finished = False
                    break
            text.sample = {"text": "".join(out), "done": finished,
                           "status": _("Writing… {n} of {total}").format(
                               n=len(out) - 1, total=count)}  # fmt: skip
            page.panel("text", {"mode": "text", "sample": text.sample, "running": "sample"})
            if not finished:
                await next_frame()
                if me != session.run_id:
                    text.sample["status"] = _("Stopped.")
                    return
    finally:
        if session.run_id == me:
            session.running = None
        text.running = None
    sample = "".join(out)
    text.sample = {"text": sample, "done": True,
                   "status": _("{n} characters from ‘{start}’ at temperature {temperature}, "
                               "seed {seed}.").format(n=count, start=tv.show_char(start),
                                                      temperature=f"{temperature:g}",
                                                      seed=seed)}  # fmt: skip
    page.record("text_sample", text=model.text, hidden=model.params.n, sample=sample,
                temperature=temperature, windows=model.windows)  # fmt: skip
    paint(full=True)
    page.repaint()


@when("change", "#sample-start")
def on_start(event):
    _settle(sample_start=event.target.value)


@when("input", "#temperature")
def on_temperature_slider(event):
    page.message("temperature-msg", "", False)
    _settle(temperature=round(float(event.target.value), 2))


@when("change", "#temperature-num")
def on_temperature(event):
    value = _typed(event, "temperature-msg", MIN_TEMP, MAX_TEMP, N_("Temperature"), integer=False)
    if value is not None:
        _settle(temperature=value)


@when("change", "#sample-length")
def on_sample_length(event):
    value = _typed(event, "sample-length-msg", 1, MAX_SAMPLE, N_("Characters"))
    if value is not None:
        _settle(sample_length=value)


@when("change", "#sample-seed")
def on_sample_seed(event):
    value = _typed(event, "sample-seed-msg", 0, MAX_SEED, N_("Sample seed"))
    if value is not None:
        _settle(sample_seed=value)


# ---- what the network sees ---------------------------------------------------------------------


@when("change", "#sees-from")
def on_from(event):
    last = max(1, len(page.session.state.text) - 1)
    value = _typed(event, "sees-from-msg", 1, last, N_("From character"))
    if value is not None:
        text.step = None
        _settle(text_from=value - 1)


@when("click", "#sees-step")
def on_step(event):
    a, b = tv.stretch_bounds(text.model, page.session.state.text_from)
    text.step = 0 if text.step is None or text.step >= b - a - 1 else text.step + 1
    paint()


@when("click", "#sees-reset")
def on_step_reset(event):
    text.step = None
    paint()


@when("click", "#text-export")
def on_export(event):
    model = text.model
    if model is None:
        return
    window.RnnPage.download("rnn-text-weights.json", "application/json",
                            tv.export_weights(model, page.session.state))  # fmt: skip
    saved = _("Text weights saved as rnn-text-weights.json (with the vocabulary).")
    document.getElementById("share-status").textContent = saved
