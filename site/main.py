"""The page's glue for the core controls: one handler per kind of event reads a control, updates
the one session (page.py) through rnn_py, and repaints. All computing happens in rnn_py; all
drawing in js/. Each further panel has its own module of handlers under panels/."""

import asyncio
import importlib
import sys
import time
from dataclasses import replace

import page
from page import change, page_url, record, repaint, start_over, stop_run, tell, when
from pyodide.ffi import create_once_callable
from pyscript import document, window

import rnn_py
from rnn_py.cells.base import MEMORY_BIAS_RANGE
from rnn_py.i18n import N_, _
from rnn_py.page.gateview import memory_preset_settings, preset_settings
from rnn_py.page.pace import Pace
from rnn_py.page.runtext import run_progress, run_summary
from rnn_py.page.state import (
    LR_RANGE,
    MAX_HIDDEN,
    MAX_LENGTH,
    MAX_SEED,
    MIN_LENGTH,
    WEIGHT_LIMIT,
    default_params,
    embed_snippet,
    export_weights,
    import_weights,
    read_gap,
    read_number,
    to_query,
    with_weight,
)
from rnn_py.page.view import timesteps_csv
from rnn_py.train import RUN_LENGTH  # evaluations per Train or Search click, the same for both

PER_FRAME = 4  # steps drawn per frame at most: a small run animates over 75 frames, about 1.5 s
FRAME = 0.010  # seconds of Python per animation frame, training and repaint together, at most
MIN_FRAME = 0.005  # … and at least, after dropped frames (rnn_py.page.pace)
LABELS = {
    "w_xh": N_("Input weight"),
    "w_hh": N_("Hidden weight"),
    "w_hy": N_("Output weight"),
    "b_h": N_("Hidden bias"),
    "b_y": N_("Output bias"),
}


# ---- data and network -----------------------------------------------------------------------


@when("change", "#sequence")
def on_sequence(event):
    change(sequence=event.target.value, step=None)


def typed(event, message_id, low, high, label, integer=False):
    """A number box's committed value, refused (None) or clamped, with its message shown.

    The painter then writes the value the model uses back into the box."""
    value, message = read_number(event.target.value, low, high, _(label), integer)
    window.RnnPage.message(message_id, message, value is not None)
    return value


@when("change", "#length")
def on_length(event):
    value = typed(event, "length-msg", MIN_LENGTH, MAX_LENGTH, N_("Length"), integer=True)
    if value is not None:
        change(length=value, step=None)


@when("input", "#custom")
def on_custom(event):
    change(custom=event.target.value[:1000], step=None)


@when("change", "#normalized")
def on_normalized(event):
    change(normalized=bool(event.target.checked))


@when("change", "#activation")
def on_activation(event):
    change(activation=event.target.value)


@when("change", "#gap")
def on_gap(event):
    """The long-lag task's gap: refused with a message (not clamped) unless 2–100."""
    value, message = read_gap(event.target.value)
    window.RnnPage.message("gap-msg", message, value is not None)
    if value is None:
        repaint()  # the box shows the gap in use again
    else:
        change(gap=value, step=None)


@when("change", "#cell")
def on_cell(event):
    """Another cell: its seeded random start with the same number of units."""
    start_over()
    page.session.notices = ()
    page.session.state = page.session.state.with_cell(str(event.target.value))
    record("weights", how="default")
    repaint()


@when("change", "#memory-bias")
def on_memory_bias(event):
    """A gated cell's memory bias: a new network from the seed that starts there."""
    low, high = MEMORY_BIAS_RANGE
    value = typed(event, "memory-bias-msg", low, high, N_("Memory bias"))
    if value is None:
        repaint()  # the box shows the bias in use again
        return
    start_over()
    page.session.notices = ()
    page.session.state = page.session.state.with_memory_bias(value)
    record("weights", how="default")
    repaint()


@when("click", "#preset-remember-100")
def on_preset_remember(event):
    """Remember across 100 steps: a GRU whose update bias starts at 5 on the long-lag task with
    gap 100 (rnn_py.page.gateview.memory_preset_settings), trained at once."""
    start_over()
    page.session.notices = ()
    page.session.state = replace(page.session.state, **memory_preset_settings())
    record("weights", how="preset", preset="remember-100", params=page.session.state.params)
    start("bptt", fresh=True)


@when("click", "#preset-forget-open")
def on_preset_open(event):
    preset("forget-open")


@when("click", "#preset-forget-shut")
def on_preset_shut(event):
    preset("forget-shut")


def preset(name):
    """A forget-gate preset: the long-lag task with gap 63 and a one-unit LSTM (page.gateview)."""
    settings = preset_settings(name)
    start_over()
    page.session.notices = ()
    page.session.state = replace(page.session.state, **settings)
    record("weights", how="preset", preset=name, params=settings["params"])
    repaint()


@when("change", "#hidden")
def on_hidden(event):
    n, _message = read_number(event.target.value, 1, MAX_HIDDEN, _("Hidden units"), integer=True)
    start_over()
    page.session.state = page.session.state.with_hidden(n or 1)
    record("weights", how="default")  # fresh weights for the new size
    repaint()


# ---- weights and learning rate --------------------------------------------------------------


@when("input", "#scalar-weights input[type=range]")
def on_weight_slider(event):
    name = event.target.dataset.param
    window.RnnPage.message(name + "-msg", "", False)
    by_hand(with_weight(page.session.state.params, name, float(event.target.value)), light=True)


@when("change", "#scalar-weights input[type=number]")
def on_weight_number(event):
    name = event.target.dataset.param
    value = typed(event, name + "-msg", -WEIGHT_LIMIT, WEIGHT_LIMIT, LABELS[name])
    if value is not None:  # the views on screen at once, the rest when typing pauses
        by_hand(with_weight(page.session.state.params, name, value), light=True)


def by_hand(params, light=False):
    """Weights a person set with a slider, a box or a grid cell (the challenges ask for this)."""
    if not page.session.events or page.session.events[-1] != {"kind": "weights", "how": "hand"}:
        record("weights", how="hand")
    change(light=light, touched=("grid",), params=params)  # the weights are where the hand is


@when("click", "#default-weights")
def on_default_weights(event):
    record("weights", how="default")
    s = page.session.state
    change(params=default_params(s.hidden, s.seed, s.cell))


@when("input", "#lr")
def on_lr_slider(event):
    window.RnnPage.message("lr-msg", "", False)
    change(light=True, lr=float(f"{10 ** float(event.target.value):.2g}"))


@when("change", "#lr-num")
def on_lr_number(event):
    value = typed(event, "lr-msg", *LR_RANGE, N_("Learning rate"))
    if value is not None:
        change(lr=value)


@when("change", "#optimizer")
def on_optimizer(event):
    change(optimizer=str(event.target.value))


@when("change", "#clip")
def on_clip(event):
    change(clip=bool(event.target.checked))


@when("change", "#seed")
def on_seed(event):
    value = typed(event, "seed-msg", 0, MAX_SEED, N_("Seed"), integer=True)
    if value is not None:
        change(seed=value)


# ---- stepping --------------------------------------------------------------------------------


@when("click", "#step")
def on_step(event):
    """Read the next timestep; on a fresh page or after the last one, start over at x₀."""
    state = page.session.state
    try:
        T = len(state.xs())
    except ValueError:
        return  # the custom sequence's message is already on the page
    step = state.step
    if step is None or step >= T:
        step = 0
    change(step=step + 1)


@when("click", "#reset")
def on_reset(event):
    start_over()
    change(step=0)


# ---- training and search ---------------------------------------------------------------------


@when("click", "#train")
def on_train(event):
    start("bptt")


@when("click", "#search")
def on_search(event):
    start("random")


@when("click", "#stop")
def on_stop(event):
    stop_run()
    repaint()


def steps_for(method):
    """The rnn_py generator for one run of method on the current settings: the sequence, or for
    the long-lag task a fresh batch of examples each epoch (random search scores one batch)."""
    s = page.session.state
    data = s.training_data()
    if method == "bptt":
        clip = 5.0 if s.clip else None
        return rnn_py.train_bptt(
            s.params, data, s.activation, lr=s.lr, clip=clip, epochs=RUN_LENGTH,
            optimizer=s.optimizer, pieces=True,
        )  # fmt: skip
    low, high = page.SEARCH_RANGE
    return rnn_py.random_search(
        data, s.activation, n=s.hidden, trials=RUN_LENGTH, seed=page.search_seed(), low=low,
        high=high, cell=s.cell,
    )  # fmt: skip


def next_frame():
    """A promise of the browser's next animation frame (the callback is freed once called)."""
    return window.Promise.new(
        create_once_callable(lambda resolve, _reject: window.requestAnimationFrame(resolve))
    )


def start(method, fresh=False):
    """Start a BPTT or search run in the click's own task: the status and the buttons say it is
    running before anything else can happen; then it animates (run).

    fresh: the click made a new network of another shape (a preset): its views are built in the
    next frame's task, apart from the click's (each stays a short task)."""
    try:
        page.session.state.xs()
    except ValueError:
        return  # the custom sequence's message is already on the page
    stop_run()
    page.session.run_id += 1
    page.session.running, page.session.warn, page.session.notices = method, False, ()
    page.session.status = (
        _("Training with BPTT…") if method == "bptt" else _("Trying random weights…")
    )
    page.session.state = replace(page.session.state, step=None)
    later("panels.landscape")  # it follows every run, to draw its path once opened
    repaint(light=True, views=() if fresh else None)  # like the run's frames
    asyncio.ensure_future(run(method, page.session.run_id, page.session.state, fresh))


async def run(method, me, settings, fresh=False):
    """Drive run number me (page.session.run_id) a few steps per frame from settings,
    repainting as the weights move."""
    # The click's task painted the run's start; the first steps wait for the next frame, so that
    # the click (which may have built a new cell's views) and the first steps are two tasks.
    # After a fresh network's click (status and settings only), the next frame builds the views
    # on screen, and the steps begin one frame later.
    for _frame in range(2 if fresh else 1):
        await next_frame()
        if me != page.session.run_id:
            return  # stopped, or a setting changed, before its first frame
        if fresh:
            repaint(light=True)
            fresh = False
    steps = steps_for(method)
    offset = page.session.history.evaluations(method)
    # With reduced motion there is no animation: compute in 40 ms slices, paint at the end.
    # Animated, a frame holds at most PER_FRAME steps, and only as many as fit in FRAME beside
    # the last frame's repaint (at least one), so a frame's work stays under one display frame;
    # after a dropped frame a little less (down to MIN_FRAME), then back up (rnn_py.page.pace).
    # Where the repaint alone takes longer than FRAME (a slow or busy machine), steps may take as
    # long as its overshoot: the animation drops frames either way, and the run ends sooner.
    # An epoch of the long-lag task is many examples: BPTT yields None after each (a piece), so a
    # frame can end mid-epoch; a frame that finished no epoch has nothing new to repaint.
    animate = not window.RnnPage.reducedMotion()
    per_frame = PER_FRAME if animate else RUN_LENGTH
    painting = 0.0  # the last light repaint's time
    pace = Pace(FRAME, MIN_FRAME)  # less Python a frame after a dropped one
    first = last = None
    clipped = 0
    finished = False
    try:
        while not finished:
            frame_start = time.perf_counter()
            budget = abs(pace.frame(frame_start) - painting) if animate else 0.04
            count = 0  # steps this frame
            for step in steps:
                if step is not None:
                    first = first or step
                    last = step
                    count += 1
                    clipped += step.clipped
                    page.session.history.add(step, offset)
                    if step.status != "running" or count == per_frame:
                        break
                if time.perf_counter() - frame_start > budget:
                    break
            else:
                finished = True
            finished = finished or (last is not None and last.status != "running")
            if me != page.session.run_id:
                return  # the person stopped it or changed a setting meanwhile
            if count:
                page.session.state = replace(page.session.state, params=best_params(method, last))
            if finished:
                # the full repaint below, with the run's summary, in a frame of its own: the
                # last steps and that repaint are two tasks, each shorter than either together
                if animate and count:
                    await next_frame()
                    if me != page.session.run_id:
                        return
                break
            if count:  # beside the buttons, wherever the charts are
                window.RnnPage.runProgress(
                    last.evaluations, RUN_LENGTH, run_progress(method, last, RUN_LENGTH)
                )
            painting = 0.0
            if animate and count:
                began = time.perf_counter()
                repaint(light=True)  # the views on screen; the rest once the run ends
                painting = time.perf_counter() - began
            # Wait for the browser's next animation frame: it draws this one and handles clicks
            # (Stop, sliders) meanwhile, and one repaint lands in each frame it shows.
            await (next_frame() if animate else asyncio.sleep(0))
            if me != page.session.run_id:
                return
    finally:
        record_run(method, settings, first, last, finished)
    page.session.running = None
    task = page.session.state.task() is not None
    page.session.status = run_summary(method, first, last, clipped, task)
    page.session.warn = last.status == "diverged"
    repaint()


def record_run(method, settings, first, last, finished):
    """Note a run in this visit's history: its settings, how it ended and its losses."""
    if last is None:
        return
    record(
        "run",
        method=method,
        status=last.status if finished else "stopped",
        evaluations=last.evaluations,
        first_loss=first.loss,
        last_loss=last.loss,
        best_loss=last.best_loss,
        lr=settings.lr,
        clip=settings.clip,
        sequence=settings.sequence,
        custom=settings.custom,
        normalized=settings.normalized,
        activation=settings.activation,
        hidden=settings.hidden,
        cell=settings.cell,
        optimizer=settings.optimizer,
        length=settings.length,
        params=settings.params,
        gap=settings.gap,
        batch=settings.batch,
    )


def best_params(method, step):
    """BPTT's current weights, or the best weights any search has found this visit."""
    if method == "bptt":
        return step.params
    if page.session.best_random is None or step.best_loss < page.session.best_random[0]:
        page.session.best_random = (step.best_loss, step.params)
    return page.session.best_random[1]


# ---- sharing and saving ---------------------------------------------------------------------


@when("click", "#copy-link")
async def on_copy_link(event):
    copied = await window.RnnPage.copy(page_url() + "#" + to_query(page.session.state))
    tell(_("Link copied: it opens exactly this view.") if copied else _("Copy the link below."))


@when("click", "#copy-embed")
async def on_copy_embed(event):
    snippet = embed_snippet(page_url(), replace(page.session.state, step=None))
    copied = await window.RnnPage.copy(snippet)
    tell(
        _("Embed code copied: paste it into your course page.")
        if copied
        else _("Copy the code below.")
    )


@when("click", "#export-weights")
def on_export_weights(event):
    window.RnnPage.download(
        "rnn-weights.json", "application/json", export_weights(page.session.state)
    )
    tell(_("Weights saved as rnn-weights.json."))


@when("click", "#export-csv")
def on_export_csv(event):
    try:
        text = timesteps_csv(page.session.state)
    except ValueError as error:
        tell(str(error))
        return
    window.RnnPage.download("rnn-timesteps.csv", "text/csv", text)
    tell(_("Table saved as rnn-timesteps.csv."))


@when("click", "#export-png")
def on_export_png(event):
    window.RnnPage.downloadCharts("rnn-charts.png")
    tell(_("Charts saved as rnn-charts.png."))


@when("change", "#import-weights")
async def on_import_weights(event):
    files = event.target.files
    if not files.length:
        return
    text = await files.item(0).text()
    event.target.value = ""  # loading the same file again still fires "change"
    try:
        state = import_weights(text, page.session.state)
    except ValueError as error:
        tell(str(error))
        return
    start_over()
    page.session.state = state
    record("weights", how="import")
    tell(_("Weights loaded."))
    repaint()


# ---- start ----------------------------------------------------------------------------------
# Each panel's handlers live in their own module under panels/; importing one binds its events.
# The first screen's panels are imported now (one import line per panel, below); the others
# (LATER) when first opened, when a run starts (the landscape draws every run's path) or once
# the browser is idle after start-up, whichever comes first, so the controls are enabled sooner.
import panels.code  # noqa: E402, F401 (the Code panel and the notebook download)
import panels.embed  # noqa: E402, F401 (one-panel embeds, open=, messages to the host page)
import panels.forecast  # noqa: E402, F401 (the Forecast switch and steps)
import panels.task  # noqa: E402, F401 (the Task select; text mode's handlers on first use)
import panels.teachers  # noqa: E402, F401 (the For teachers panel: links and embeds)
from panels import weights  # noqa: E402, F401 (binds the weight grids)

LATER = {  # a <details> panel: the module with its handlers
    "#challenges-panel": "panels.challenges",  # Challenges (it catches up from the events)
    "#cells-panel": "panels.cells",  # the Compare cells panel
    "#landscape-panel": "panels.landscape",  # the Loss landscape panel
    "#units-panel": "panels.units",  # the Memory panel
    "#console-panel": "panels.console",  # the Python console
    "#exercises-panel": "panels.exercises",  # the Exercises (their checker starts when opened)
}


def later(name):
    """Import a LATER panel's module (binding its handlers) unless it already is."""
    if name not in sys.modules:
        importlib.import_module(name)
    return sys.modules[name]


def bind_later(selector, name):
    @when("toggle", selector)
    def on_first_open(event):
        if name in sys.modules or not event.target.open:
            return  # the module's own toggle handler takes over once it is imported
        module = later(name)
        if hasattr(module, "on_toggle"):  # bound too late to hear this event itself
            module.on_toggle(event)


def when_idle(callback):
    """Call callback(None) at the browser's next idle moment (js/index.js: RnnPage.idle)."""
    window.RnnPage.idle(create_once_callable(callback))


def load_at_idle(names):
    """Import the LATER panels one per idle moment of the browser, after start-up."""
    if names:
        later(names[0])
        when_idle(lambda _=None: load_at_idle(names[1:]))


for selector, name in LATER.items():
    bind_later(selector, name)

page.start()
window.RnnPage.ready()
repaint()
document.documentElement.dataset.pyReady = "1"
# The LATER panels' modules are in rnn-page-later.zip, which boot.js fetches at idle (build.py).
import _rnn_later  # noqa: E402

_rnn_later.when_loaded(lambda: when_idle(lambda _=None: load_at_idle(list(LATER.values()))))
