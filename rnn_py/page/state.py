"""The demo's settings, declared once, and their URL form.

Every setting the page shows lives in one ``DemoState``. The table ``FIELDS`` names each
setting's URL key, its type and its limits; ``to_query`` and ``from_query`` both read that
table, so adding a setting is one line and a link always reproduces the view. A value that
is malformed, out of range or unknown falls back to its default with a notice a person
can read: links get pasted into chats, mangled and hand-edited.
"""

from __future__ import annotations

import json
import math
from array import array
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, quote

from ..cells import CELLS, DEFAULT, cell_class, has_memory_gate, params_class
from ..cells.base import MEMORY_BIAS_RANGE
from ..cells.vanilla import ACTIVATIONS, Params
from ..forecast import MAX_STEPS as MAX_FORECAST
from ..i18n import N_, _
from ..sequences import MAX_LENGTH, MIN_LENGTH, SEQUENCES, make_sequence, normalize, parse_sequence
from ..studies import remember
from ..text.settings import DEFAULT_SEQ_LENGTH, MAX_CHARS, MAX_HIDDEN_TEXT, PRESETS
from ..train import OPTIMIZERS
from .embed import CONTROLS, OPENABLE, PANELS, snippet_height, snippet_title
from .grid import cell_label, weight_cells, with_cell  # noqa: F401 (the grids' cells, rnn_py.page.grid)
from .numbers import SAVED_LIMIT, _shown, format_number  # noqa: F401
from .typed import SCALAR_WEIGHTS, read_gap, read_number, with_weight  # noqa: F401 (page.typed)

# How many challenges rnn_py.lessons has (challenge=N in a link): a number here, so that the
# first screen need not import the lessons; tests/test_lessons.py checks it against them.
CHALLENGE_COUNT = 11
# How many exercises rnn_py.exercises has (exercise=N, exercises=1,3,5), for the same reason;
# tests/test_practice.py checks it against them.
EXERCISE_COUNT = 8
EXERCISE_NUMBERS = tuple(str(number) for number in range(1, EXERCISE_COUNT + 1))

WEIGHT_LIMIT = 5.0  # the sliders' range, ±; typed values are clamped to it
LR_RANGE = (0.0001, 1.0)
MAX_HIDDEN = 8  # the page's Hidden units select offers 1 to MAX_HIDDEN
MAX_CUSTOM_CHARS = 1000
MAX_SEED = 2**31 - 1
REMEMBER = "remember"  # the long-lag task "Remember the first number" (rnn_py.studies.remember)
MAX_BATCH = 64
TASKS = ("numbers", "text")  # the Data box's Task: the numbers, or your own text (rnn_py.text)
MAX_TRAINED = 100_000  # windows a link may ask to replay
MAX_SAMPLE = 1000  # characters one Sample writes
MIN_TEMP, MAX_TEMP = 0.1, 2.0  # the sampling temperature's range
# Controls a teacher can hide with a classroom link (hide=activation,train), panels a link can
# open (open=landscape) and the panels one embed can show alone (panel=landscape): page.embed.
HIDEABLE = tuple(CONTROLS)


DEFAULT_MEMORY_BIAS = 1.0  # a fresh GRU's b_z and LSTM's b_f (the cells' BIAS_START)


def default_params(
    n: int = 1, seed: int = 1, cell: str = "vanilla", memory_bias: float = DEFAULT_MEMORY_BIAS
) -> Params:
    """The weights the demo starts with: for the vanilla cell hand-picked with one unit and
    seeded random with more; for a gated cell always seeded random (rnn_py.cells), its memory
    gate's bias (the GRU's b_z, the LSTM's b_f) at memory_bias."""
    if has_memory_gate(cell):
        return params_class(cell).random(n, seed, memory_bias=memory_bias)
    if n == 1:
        return Params.scalar(w_xh=0.5, w_hh=0.8, w_hy=1.0, b_h=0.0, b_y=0.0)
    return Params.random(n, seed)


@dataclass
class DemoState:
    """Every setting of the demo: what the URL holds and what the page's controls show."""

    sequence: str = "sine"  # one of SEQUENCES, "custom", or REMEMBER (the long-lag task)
    length: int = 12
    custom: str = ""  # the user's numbers, as typed
    normalized: bool = False
    activation: str = "tanh"
    params: Params = field(default_factory=default_params)
    lr: float = 0.05
    seed: int = 1
    clip: bool = True
    step: int | None = None  # timesteps revealed by Step Forward; None shows them all
    hide: tuple[str, ...] = ()  # classroom links: controls to hide
    explain: bool = True  # show the long explanations
    embed: bool = False  # compact layout for iframes
    forecast: bool = False  # keep predicting past the data, feeding each y back in
    forecast_steps: int = 12  # how many timesteps the forecast runs (1 to MAX_FORECAST)
    challenge: int | None = None  # classroom links: the challenge to open (1-based)
    exercise: int | None = None  # classroom links: the exercise to open (1-based)
    exercises: tuple[str, ...] = ()  # classroom links: the exercises shown ("" for all), by number
    optimizer: str = "gd"  # "gd" (gradient descent) or "adam"
    gap: int = remember.DEFAULT_GAP  # the long-lag task's gap
    batch: int = 16  # the long-lag task's examples per epoch
    memory_bias: float = DEFAULT_MEMORY_BIAS  # where a fresh gated cell's memory gate bias starts
    panel: str = ""  # an embed of one panel alone (rnn_py.page.embed.PANELS), or "" for all
    open: tuple[str, ...] = ()  # panels to open on arrival (rnn_py.page.embed.OPENABLE)
    # The text task (rnn_py.text.task; the page's text mode, rnn_py.text.view). Links carry the text
    # and the settings, never the weights: ``trained`` windows from the seeded start replay them.
    mode: str = "numbers"  # the Task: one of TASKS
    text: str = PRESETS["hello"]
    text_cell: str = "vanilla"
    text_hidden: int = 16
    seq_length: int = DEFAULT_SEQ_LENGTH
    text_optimizer: str = "adam"
    trained: int = 0  # windows trained from the seeded start
    temperature: float = 1.0
    sample_length: int = 200
    sample_start: str = ""  # the character Sample starts from; "" or unknown: the text's first
    sample_seed: int = 0
    text_from: int = 0  # where the stretch "What the network sees" starts

    def __post_init__(self):
        if self.panel == "text":
            self.mode = "text"  # the text view embedded alone is always in text mode

    @property
    def hidden(self) -> int:
        """The number of hidden units n."""
        return self.params.n

    @property
    def cell(self) -> str:
        """The cell the weights belong to: "vanilla", "gru" or "lstm"."""
        return self.params.CELL

    def task(self) -> remember.Remember | None:
        """The long-lag task these settings describe, or None for a plain sequence."""
        if self.sequence != REMEMBER:
            return None
        return remember.Remember(self.gap, self.batch, self.seed)

    def targets(self) -> list | None:
        """What y_t should be at each step: None (y_t predicts x_{t+1}), or for the long-lag
        task None at every step but the last, whose target is x_0."""
        task = self.task()
        return None if task is None else task.shown()[1]

    def training_data(self):
        """What BPTT trains on: the sequence, or the long-lag task (a fresh batch each epoch)."""
        return self.task() or self.xs()

    def xs(self) -> list[float]:
        """The input sequence these settings describe; ValueError if custom text is junk.
        For the long-lag task it is the one example the page shows."""
        if self.sequence == REMEMBER:
            return self.task().shown()[0]
        if self.sequence == "custom":
            xs = parse_sequence(self.custom)
            return normalize(xs) if self.normalized else xs
        return make_sequence(self.sequence, self.length, normalized=self.normalized)

    def with_hidden(self, n: int) -> DemoState:
        """The same settings with n hidden units (fresh weights when n changes)."""
        if n == self.hidden:
            return self
        return replace(self, params=self.fresh_params(n, self.cell), step=None)

    def with_cell(self, cell: str) -> DemoState:
        """The same settings with another cell (its seeded random start, same n)."""
        if cell == self.cell:
            return self
        return replace(self, params=self.fresh_params(self.hidden, cell), step=None)

    def fresh_params(self, n: int | None = None, cell: str | None = None) -> Params:
        """A fresh network's weights for these settings (n units and cell, by default the
        current ones): the seeded start, with the memory bias for a gated cell."""
        n, cell = n or self.hidden, cell or self.cell
        return default_params(n, self.seed, cell, self.memory_bias)

    def with_memory_bias(self, bias: float) -> DemoState:
        """The same settings with another memory bias, and a fresh network that starts there
        (the weights are unchanged for the vanilla cell, which has no gate to bias)."""
        fresh = has_memory_gate(self.cell) and bias != self.memory_bias
        state = replace(self, memory_bias=bias)
        return replace(state, params=state.fresh_params(), step=None) if fresh else state


# ---- the URL form --------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One setting's URL key, the DemoState attribute it fills, and how to read and write it."""

    key: str
    attr: str
    label: str  # the name a person knows it by, for notices
    kind: str  # "choice", "int", "float", "bool", "text", "list", "weights", "step"
    choices: tuple = ()
    low: float = 0
    high: float = 0
    always: bool = True  # written even when it has its default value


# fmt: off
FIELDS = (
    Field("seq", "sequence", N_("Sequence"), "choice", choices=(*SEQUENCES, "custom", REMEMBER)),
    Field("cell", "params", N_("Cell"), "cell", choices=CELLS, always=False),
    Field("len", "length", N_("Length"), "int", low=MIN_LENGTH, high=MAX_LENGTH),
    Field("custom", "custom", N_("Custom values"), "text", high=MAX_CUSTOM_CHARS, always=False),
    Field("norm", "normalized", N_("Normalized inputs"), "bool"),
    Field("act", "activation", N_("Activation"), "choice", choices=ACTIVATIONS),
    Field("n", "params", N_("Hidden units"), "weights", low=1, high=MAX_HIDDEN),
    Field("lr", "lr", N_("Learning rate"), "float", low=LR_RANGE[0], high=LR_RANGE[1]),
    Field("seed", "seed", N_("Seed"), "int", low=0, high=MAX_SEED),
    Field("clip", "clip", N_("Gradient clipping"), "bool"),
    Field("step", "step", N_("Step"), "step", low=0, high=MAX_LENGTH, always=False),
    Field("hide", "hide", N_("Hidden controls"), "list", choices=HIDEABLE, always=False),
    Field("explain", "explain", N_("Explanations"), "bool", always=False),
    Field("embed", "embed", N_("Embed"), "bool", always=False),
    Field("fc", "forecast", N_("Forecast"), "bool", always=False),
    Field("fcn", "forecast_steps", N_("Forecast steps"), "int", low=1, high=MAX_FORECAST,
          always=False),
    Field("challenge", "challenge", N_("Challenge"), "int", low=1, high=CHALLENGE_COUNT,
          always=False),
    Field("exercise", "exercise", N_("Exercise"), "int", low=1, high=EXERCISE_COUNT, always=False),
    Field("exercises", "exercises", N_("Exercises shown"), "list", choices=EXERCISE_NUMBERS,
          always=False),
    Field("opt", "optimizer", N_("Optimizer"), "choice", choices=OPTIMIZERS, always=False),
    Field("gap", "gap", N_("Gap"), "int", low=remember.MIN_GAP, high=remember.MAX_GAP,
          always=False),
    Field("batch", "batch", N_("Batch size"), "int", low=1, high=MAX_BATCH, always=False),
    Field("membias", "memory_bias", N_("Memory bias"), "float", low=MEMORY_BIAS_RANGE[0],
          high=MEMORY_BIAS_RANGE[1], always=False),
    Field("panel", "panel", N_("Panel"), "choice", choices=tuple(p.name for p in PANELS),
          always=False),
    Field("open", "open", N_("Panels to open"), "list", choices=tuple(OPENABLE), always=False),
    Field("task", "mode", N_("Task"), "choice", choices=TASKS, always=False),
    Field("text", "text", N_("Text"), "text", high=MAX_CHARS, always=False),
    Field("tcell", "text_cell", N_("Text cell"), "choice", choices=CELLS, always=False),
    Field("tn", "text_hidden", N_("Hidden units"), "int", low=1, high=MAX_HIDDEN_TEXT,
          always=False),
    Field("tlen", "seq_length", N_("Sequence length"), "int", low=2, high=100, always=False),
    Field("topt", "text_optimizer", N_("Text optimizer"), "choice", choices=OPTIMIZERS,
          always=False),
    Field("trained", "trained", N_("Windows trained"), "int", low=0, high=MAX_TRAINED,
          always=False),
    Field("temp", "temperature", N_("Temperature"), "float", low=MIN_TEMP, high=MAX_TEMP,
          always=False),
    Field("ns", "sample_length", N_("Sample length"), "int", low=1, high=MAX_SAMPLE, always=False),
    Field("start", "sample_start", N_("Start character"), "text", high=1, always=False),
    Field("sseed", "sample_seed", N_("Sample seed"), "int", low=0, high=MAX_SEED, always=False),
    Field("tfrom", "text_from", N_("Stretch start"), "int", low=0, high=MAX_CHARS, always=False),
)
# fmt: on
KNOWN_KEYS = {f.key for f in FIELDS} | {"w"}


def to_query(state: DemoState) -> str:
    """The URL query (without '?' or '#') that reproduces state exactly.

    >>> to_query(DemoState())
    'seq=sine&len=12&norm=0&act=tanh&n=1&w=0.5,0.8,1,0,0&lr=0.05&seed=1&clip=1'
    """
    defaults = DemoState()
    parts = []
    for f in FIELDS:
        value = getattr(state, f.attr)
        if not f.always and value == getattr(defaults, f.attr):
            continue
        if f.kind == "cell":
            if value.CELL != DEFAULT:
                parts.append(f"cell={value.CELL}")
        elif f.kind == "weights":
            parts.append(f"n={value.n}")
            parts.append("w=" + _weights_text(value.flat()))
        elif f.kind == "bool":
            parts.append(f"{f.key}={int(value)}")
        elif f.kind == "float":
            parts.append(f"{f.key}={format_number(value)}")
        elif f.kind == "list":
            parts.append(f"{f.key}=" + ",".join(value))
        elif f.kind == "text":
            parts.append(f"{f.key}=" + quote(value, safe=",.-"))
        else:
            parts.append(f"{f.key}={value}")
    return "&".join(parts)


_WEIGHTS_TEXT = [b"", ""]  # the last weights written into a link: their exact bytes and text


def _weights_text(values) -> str:
    """The weights as a link writes them, comma-separated; a page writes the same weights into
    two links per repaint, and again on a repaint that leaves them alone, so the last text is
    kept (keyed by the weights' exact bytes, so -0.0 and 0.0 stay apart)."""
    try:
        exact = array("d", values)
    except (TypeError, OverflowError):
        exact = None
    if exact is None or exact.tolist() != values:  # not all floats (a huge whole number)
        return ",".join(map(format_number, values))
    key = exact.tobytes()
    if key != _WEIGHTS_TEXT[0]:
        _WEIGHTS_TEXT[:] = key, ",".join(map(format_number, values))
    return _WEIGHTS_TEXT[1]


def _read_number(text: str, kind: str) -> float:
    value = int(text) if kind in ("int", "step", "weights") else float(text)
    if isinstance(value, float) and not math.isfinite(value):  # isfinite(10**400) overflows
        raise ValueError
    return value


def _read_field(f: Field, text: str):
    """One field's value from its URL text; ValueError with a notice for bad input."""
    label, value = _(f.label), _shown(text)
    if f.kind == "choice":
        if text not in f.choices:
            choices = ", ".join(f.choices)
            raise ValueError(
                _("The link's {label} ({value}) is not one of {choices}.").format(
                    label=label, value=value, choices=choices
                )
            )
        return text
    if f.kind == "bool":
        if text not in ("0", "1", "true", "false"):
            raise ValueError(
                _("The link's {label} ({value}) should be 0 or 1.").format(label=label, value=value)
            )
        return text in ("1", "true")
    if f.kind == "text":
        if len(text) > f.high:
            raise ValueError(
                _("The link's {label} is longer than {n} characters.").format(
                    label=label, n=int(f.high)
                )
            )
        return text
    try:
        number = _read_number(text, f.kind)
    except ValueError:
        raise ValueError(
            _("The link's {label} ({value}) is not a number.").format(label=label, value=value)
        ) from None
    if not f.low <= number <= f.high:
        raise ValueError(
            _("The link's {label} ({value}) is outside {low}–{high}.").format(
                label=label, value=value, low=format_number(f.low), high=format_number(f.high)
            )
        )
    return number


def _read_list(f: Field, text: str) -> tuple[tuple[str, ...], list[str]]:
    """A list field's known names, in order without repeats, and a notice naming the rest."""
    items = [item for item in text.split(",") if item]
    unknown = [item for item in items if item not in f.choices]
    known = tuple(dict.fromkeys(item for item in items if item in f.choices))
    if not unknown:
        return known, []
    names = ", ".join(_shown(item) for item in unknown[:3]) + (", ..." if len(unknown) > 3 else "")
    notice = _("The link's {label} name what this page does not have ({names}): ignored.")
    return known, [notice.format(label=_(f.label), names=names)]


def _read_weights(n: int, w_text: str, cell: str = "vanilla") -> Params:
    """The flat weights list w of the URL, checked against n hidden units."""
    try:
        values = [float(v) for v in w_text.split(",")]
    except ValueError:
        raise ValueError(
            _("The link's weights ({value}) are not all numbers.").format(value=_shown(w_text))
        ) from None
    if not all(math.isfinite(v) and abs(v) <= SAVED_LIMIT for v in values):
        limit = format_number(SAVED_LIMIT)
        raise ValueError(
            _("The link's weights must be numbers from -{limit} to {limit}.").format(limit=limit)
        )
    cls = params_class(cell)
    size = cls.size(n)
    if len(values) != size:
        if cell_class(cell).gated:
            message = _("The link has {count} weights; {n} hidden units of a {cell} need {size}.")
        else:
            message = _("The link has {count} weights; {n} hidden units need {size}.")
        raise ValueError(message.format(count=len(values), n=n, cell=cell.upper(), size=size))
    return cls.from_flat(n, values)


FIELDS_BY_KEY = {f.key: f for f in FIELDS}


def from_query(query: str) -> tuple[DemoState, list[str]]:
    """The state a URL query or hash describes, and notices about anything that was ignored.

    Bad parts fall back to their defaults; the rest of the link still applies.

    >>> state, notices = from_query("seq=fibonacci&len=999&act=relu")
    >>> state.sequence, state.length, state.activation
    ('fibonacci', 12, 'relu')
    >>> notices
    ["The link's Length ('999') is outside 3–64. Using the default instead."]
    """
    pairs = dict(parse_qsl(query.lstrip("?#"), keep_blank_values=True))
    values, notices = {}, []
    unknown = [key for key in pairs if key not in KNOWN_KEYS]
    if unknown:
        names = ", ".join(_shown(key) for key in unknown[:3])
        notices.append(_("Ignored settings this page does not know: {names}.").format(names=names))
    for f in FIELDS:
        if f.kind in ("weights", "cell") or f.key not in pairs:
            continue
        if f.kind == "list":
            values[f.attr], notice = _read_list(f, pairs[f.key])
            notices += notice
            continue
        try:
            values[f.attr] = _read_field(f, pairs[f.key])
        except ValueError as error:
            if f.key == "panel":
                instead = _("Showing the whole page instead.")
            else:
                instead = _("Using the default instead.")
            notices.append(f"{error} {instead}")
    if values.get("panel") and not values.get("embed"):
        notices.append(
            _(
                "The link's Panel ({value}) is for embeds only (with embed=1); showing the "
                "whole page."
            ).format(value=_shown(values.pop("panel")))
        )
    n = 1
    if "n" in pairs:
        try:
            n = _read_field(FIELDS_BY_KEY["n"], pairs["n"])
        except ValueError as error:
            notices.append(f"{error} {_('Using 1 instead.')}")
    cell = "vanilla"
    if "cell" in pairs:
        if pairs["cell"] in CELLS:
            cell = pairs["cell"]
        else:
            notices.append(
                _(
                    "The link's Cell ({value}) is not one of {choices}. Using the vanilla cell "
                    "instead."
                ).format(value=_shown(pairs["cell"]), choices=", ".join(CELLS))
            )
    values["params"] = default_params(
        n, values.get("seed", 1), cell, values.get("memory_bias", DEFAULT_MEMORY_BIAS)
    )
    if "w" in pairs:
        try:
            values["params"] = _read_weights(n, pairs["w"], cell)
        except ValueError as error:
            notices.append(f"{error} {_('Using the default weights instead.')}")
    if "text" in values:
        from ..text.task import check_text  # the text network: only a text link needs it

        try:
            values["text"] = check_text(values["text"])  # line breaks as "\n"
        except ValueError as error:
            notices.append(
                _("The link's text can't be used: {error} Using the hello world text.").format(
                    error=error
                )
            )
            del values["text"]
    state = DemoState(**values)
    if state.sequence == "custom":
        try:
            state.xs()
        except ValueError as error:
            notices.append(
                _("The link's custom sequence can't be used: {error}").format(error=error)
            )
    return state, notices


# ---- sharing: embed code and weight files ----------------------------------------------------

WEIGHTS_FORMAT = "rnn_py weights"


def embed_snippet(page_url: str, state: DemoState, height: int | None = None) -> str:
    """The <iframe> code that embeds this view of the demo (one panel of it if state.panel
    names one) in another page; height defaults to the panel's own (rnn_py.page.embed).

    >>> embed_snippet("https://example.org/rnn/", DemoState())[:60]
    '<iframe src="https://example.org/rnn/?embed=1#seq=sine&amp;l'
    >>> 'height="1390"' in embed_snippet("https://example.org/rnn/", DemoState(panel="landscape"))
    True
    """
    query = to_query(replace(state, embed=True))
    src = page_url.split("#")[0].split("?")[0] + "?embed=1#" + query
    src = src.replace("&", "&amp;").replace('"', "&quot;")
    title = snippet_title(state.panel)
    height = snippet_height(state.panel) if height is None else height
    return (
        f'<iframe src="{src}" title="{title}" width="100%" '
        f'height="{height}" style="border:0;max-width:1100px" loading="lazy"></iframe>'
    )


def full_view(state: DemoState) -> DemoState:
    """The full page with the same settings: what an embed's "Open the full demo" opens (a
    one-panel embed's panel, if it is one that opens, opens there too)."""
    opened = state.open
    if state.embed and state.panel in OPENABLE and state.panel not in opened:
        opened = (*opened, state.panel)
    return replace(state, embed=False, panel="", open=opened)


def export_weights(state: DemoState) -> str:
    """The current weights as a JSON document a student can download and load back."""
    document = {
        "format": WEIGHTS_FORMAT,
        "version": 1,
        "hidden_units": state.hidden,
        "cell": state.cell,
        "activation": state.activation,
        "params": state.params.to_dict(),
    }
    return json.dumps(document, indent=2) + "\n"


# What check_limits says, by where the weights came from: whole sentences for the catalogue.
_LIMIT_MESSAGES = {
    "That file": (
        N_("That file has {n} hidden units; the most here is {most}."),
        N_("Every weight in that file must lie between -{limit} and {limit}."),
    ),
    "params": (
        N_("params has {n} hidden units; the most here is {most}."),
        N_("Every weight in params must lie between -{limit} and {limit}."),
    ),
}


def check_limits(params: Params, source: str) -> Params:
    """params if the page can hold them (at most MAX_HIDDEN units, every weight within
    ±SAVED_LIMIT), else a ValueError naming source ("That file", "params")."""
    too_many, out_of_range = _LIMIT_MESSAGES[source]
    if params.n > MAX_HIDDEN:
        raise ValueError(_(too_many).format(n=params.n, most=MAX_HIDDEN))
    if any(abs(v) > SAVED_LIMIT for v in params.flat()):
        raise ValueError(_(out_of_range).format(limit=format_number(SAVED_LIMIT)))
    return params


def parse_weights(text: str) -> tuple[Params, str | None]:
    """The weights in a JSON file made by export_weights (or a bare to_dict()), and the
    activation it names (None when it names none or an unknown one).

    Raises ValueError with a message for the page when the file is not such a document, names
    an unknown cell, or a weight is missing, malformed, non-finite or out of range.
    """
    if len(text) > 100_000:
        raise ValueError(_("That file is too large to be a weights file."))
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError(
            _("That file is not JSON. Load one saved with “Download weights”.")
        ) from None
    if not isinstance(document, dict):
        raise ValueError(_("That JSON file does not hold weights."))
    params_dict = document.get("params", document)
    cell = document.get("cell", "vanilla")  # files from before the gated cells are vanilla
    if cell not in CELLS:
        raise ValueError(
            _("That file's cell ({value}) is not one of {choices}.").format(
                value=_shown(str(cell)), choices=", ".join(CELLS)
            )
        )
    try:
        params = params_class(cell).from_dict(params_dict)
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        raise ValueError(
            _("The weights in that file can't be used: {error}").format(error=error)
        ) from None
    check_limits(params, "That file")
    activation = document.get("activation")
    return params, activation if activation in ACTIVATIONS else None


def import_weights(text: str, state: DemoState) -> DemoState:
    """state with the weights (and cell) from a JSON file made by export_weights; ValueError
    with a message for the page when the file can't be used (see parse_weights)."""
    params, activation = parse_weights(text)
    return replace(state, params=params, activation=activation or state.activation, step=None)
