"""The page's Python console: what a learner types runs in an interpreter of its own.

On the page that is a second Pyodide in a web worker (site/console-worker.js), so that one long
built-in call, which no time check can interrupt, never freezes the page: the page ends the
worker when an entry outlives the time limit and starts a new one. The page's state goes in as
its link (``run_json``) and the result comes back as JSON, read again by ``read_result``, which
trusts nothing in it. Built on the standard library's ``code.InteractiveConsole``. Before every
entry the names ``rnn_py``, ``params``, ``xs``, ``activation``, ``cell``, ``optimizer`` and
``state`` are set to copies of the page's current ones (``params`` is the running cell's
weights: the vanilla ``Params``, or the GRU's or LSTM's, by weight name); after it, a changed
``params`` (rebound, or edited in place such as ``params.w_hh[0][0] = 0.3`` or
``params.b_f[0] = 3``) is checked like a loaded weights file and handed back for the page to
adopt. Output and tracebacks come back as text, capped in size, and an entry that runs too long
is stopped by a ``sys.settrace`` time check, so a runaway loop cannot freeze the page.
"""

from __future__ import annotations

import ast
import code
import contextlib
import copy
import json
import linecache
import sys
import time
from dataclasses import dataclass, replace

from ..cells import LABELS, cell_class, module, params_class, weights_cell
from ..cells.vanilla import Params
from ..i18n import N_, _, ngettext
from .state import DemoState, check_limits, format_number, from_query

TIME_LIMIT = 5.0  # seconds an entry may run
OUTPUT_LIMIT = 20_000  # characters of output kept per entry
INPUT_LIMIT = 20_000  # characters an entry may have

HARD_LIMIT = TIME_LIMIT + 2.0  # seconds after which the page ends the worker that runs an entry

WELCOME = N_(
    "Python {version}, in an interpreter of its own beside the page. Try\n"
    "    rnn_py.forward(params, xs, activation).loss\n"
)
GATED_WELCOME = N_(
    "Python {version}, in an interpreter of its own beside the page. params is the {label}'s "
    "weights, "
    "by name:\n{gates}"
    "    w_hy, b_y: the readout\n"
    "state.memory_bias is the Memory bias a fresh {label} starts from ({memory}). Try\n"
    "    rnn_py.cells.random_params(state.cell, state.hidden, state.seed, memory_bias=5).{memory}\n"
    "    rnn_py.cells.forward(params, xs).loss\n"
)

TEXT_WELCOME = N_(
    "Python {version}, in an interpreter of its own beside the page. In text mode these are in "
    "scope too:\n"
    "    text: the page's text; vocab: its characters (rnn_py.text.task.Vocab, vocab.chars)\n"
    "    text_params: the {label} text network's starting weights from the page's seed and "
    "Hidden units\n"
    "      (not the trained ones: those stay on the page; changes here do not go back)\n"
    "Train them here, 50 windows:\n"
    "    steps = list(rnn_py.text.task.train_text(text_params, text, windows=50))\n"
    "    steps[-1].loss, rnn_py.text.task.sample(steps[-1].params, vocab, text[0], 40)\n"
)


@dataclass(frozen=True)
class Result:
    """What one entry did.

    transcript is the entry echoed with prompts followed by its output (what the console shows);
    output is the output alone. more is True when the entry is unfinished (an open block or
    bracket) and nothing ran. params holds checked new weights for the page to adopt, or None;
    message explains a refused params (or notes that other names do not go back to the page);
    stopped says the time limit ended the entry.
    """

    transcript: str
    output: str
    more: bool = False
    params: Params | None = None
    message: str = ""
    stopped: bool = False


class _TimeUp(BaseException):
    """Raised inside the running entry when its time is up (not an Exception, so a learner's
    `except Exception` does not swallow it)."""


class _CappedText:
    """A write-only text stream that keeps the first `limit` characters."""

    def __init__(self, limit):
        self.limit, self.parts, self.size, self.cut = limit, [], 0, False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        if len(text) > room:
            self.cut = True
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def text(self):
        return "".join(self.parts)


@contextlib.contextmanager
def _time_limit(seconds):
    """Stop the code run inside this block once `seconds` have passed (checked on every line)."""
    deadline = time.monotonic() + seconds

    def check(frame, event, arg):
        if time.monotonic() > deadline:
            raise _TimeUp
        if frame.f_code.co_filename.startswith("<input"):
            # the learner's own code: checked at every opcode, since "line" events miss a loop
            # on one line (while True: pass)
            frame.f_trace_opcodes = True
            return check
        return None  # library code (rnn_py, …) runs at full speed, checked at every call

    previous = sys.gettrace()
    sys.settrace(check)
    try:
        yield
    finally:
        sys.settrace(previous)


def _no_input(prompt=""):
    raise RuntimeError("input() can't wait for typing here: give the value in the code instead.")


def _fingerprint(value):
    """A text that changes when params' numbers change (in place or by rebinding)."""
    try:
        if weights_cell(value) is not None:
            return repr((type(value), [getattr(value, n, None) for n in value.names()]))
        return repr((type(value), value))
    except Exception:  # a learner's object with a broken repr
        return f"unreadable {id(value)}"


def check_params(value, cell="vanilla"):
    """The learner's params as fresh, checked weights of the page's cell, like a loaded
    weights file.

    Accepts that cell's weights object (rnn_py.Params for the vanilla cell,
    rnn_py.cells.gru.Params or rnn_py.cells.lstm.Params) or a dict of its weights by name;
    raises ValueError saying what is wrong (another cell's weights, a missing gate, a wrong
    shape, text, inf or nan, more than MAX_HIDDEN units, a weight beyond ±1e6).

    >>> check_params({"w_xh": [1], "w_hh": [[0.5]], "w_hy": [2], "b_h": [0], "b_y": 0}).w_hh
    [[0.5]]
    >>> check_params("weights")
    Traceback (most recent call last):
    ...
    ValueError: params must be rnn_py.Params (or a dict of its five entries), not str.
    >>> check_params({"w_xh": [1]}, "lstm")
    Traceback (most recent call last):
    ...
    ValueError: The saved LSTM weights have no 'w_xi' (gate i).
    """
    cls = params_class(cell)
    given = weights_cell(value)
    if given is not None and given != cell:
        raise ValueError(_other_cell(value, cell))
    if given is not None:
        value = {name: getattr(value, name, None) for name in cls.names()}
    elif not isinstance(value, dict):
        if cell in _SPELLED:
            spelled = _(_SPELLED[cell])
        else:
            spelled = _("{name} (or a dict of its weights by name)").format(
                name=f"rnn_py.cells.{cell}.Params"
            )
        message = _("params must be {spelled}, not {kind}.")
        raise ValueError(message.format(spelled=spelled, kind=type(value).__name__))
    try:
        params = cls.from_dict(value)
    except (TypeError, AttributeError, KeyError, RecursionError) as error:
        message = _("params is malformed ({kind}).").format(kind=type(error).__name__)
        raise ValueError(message) from None
    return check_limits(params, "params")


# How a learner names a cell's weights, where it is not rnn_py.cells.<cell>.Params
_SPELLED = {"vanilla": N_("rnn_py.Params (or a dict of its five entries)")}


def _other_cell(value, cell):
    return _(
        "params holds {given} weights, but the page runs the {cell}: "
        "choose the {given} in the Cell select first."
    ).format(given=LABELS[value.CELL], cell=LABELS[cell])


def welcome_text(cell="vanilla", task="numbers"):
    """The console's first lines for a cell: for a gated cell, its gates' weight names; for the
    text task (cell is then the text network's), what text mode puts in scope."""
    version = sys.version.split()[0]
    if task == "text":
        return _(TEXT_WELCOME).format(version=version, label=LABELS[cell])
    if not cell_class(cell).gated:  # no gates to list: the plain welcome
        return _(WELCOME).format(version=version)
    m = module(cell)
    gates = "".join(
        "    "
        + _("{names}: the {role}").format(names=f"w_x{g}, w_h{g}, b_{g}", role=_(m.ROLES[g]))
        + "\n"
        for g in m.GATES
    )
    memory = "b_" + m.Params.MEMORY_GATE
    return _(GATED_WELCOME).format(version=version, label=LABELS[cell], gates=gates, memory=memory)


class Console(code.InteractiveConsole):
    """A console whose entries see the page's current rnn_py, params, xs, activation, state.

    >>> console = Console()
    >>> r = console.run("params.w_hh[0][0] = 0.3", DemoState())
    >>> r.params.w_hh
    [[0.3]]
    >>> console.run("print(len(xs), activation)", DemoState()).output
    '12 tanh\\n'
    """

    def __init__(self, time_limit=TIME_LIMIT, output_limit=OUTPUT_LIMIT):
        import rnn_py

        super().__init__({"__name__": "__console__", "__doc__": None, "rnn_py": rnn_py})
        self.time_limit = time_limit
        self.output_limit = output_limit
        self.entries = 0
        self._out = None

    def write(self, data):
        """Tracebacks and syntax errors go to the entry's output."""
        if self._out is not None:
            self._out.write(data)
        else:  # pragma: no cover - only outside an entry
            sys.stderr.write(data)

    @staticmethod
    def unfinished(entry: str) -> bool:
        """True when the entry still has a block or bracket open (Enter should add a line).

        >>> Console.unfinished("for i in range(3):"), Console.unfinished("print(1)")
        (True, False)
        """
        try:
            return code.compile_command(entry.rstrip(), "<input>", "exec") is None
        except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError):
            return False  # running it shows the error

    def welcome(self, cell: str = "vanilla") -> str:
        """The first lines the console shows, naming the cell's weights."""
        return welcome_text(cell)

    def run(self, entry: str, state: DemoState, finish: bool = False) -> Result:
        """Run one entry (one or more lines) against the page's current state.

        An unfinished entry (a block or bracket still open) runs nothing and comes back with
        more=True, unless finish is True: then it is compiled as it is (and may show a
        SyntaxError). A final expression's value is printed, as at the >>> prompt.
        """
        if not isinstance(entry, str):
            raise ValueError(_("The console runs text."))
        entry = entry.replace("\r\n", "\n").rstrip()
        if not entry.strip():
            return Result(transcript="", output="")
        if len(entry) > INPUT_LIMIT:
            text = _("That entry is longer than {n} characters; it was not run.")
            text = text.format(n=f"{INPUT_LIMIT:,}") + "\n"
            return Result(transcript=_echo(entry[:200] + " …") + text, output=text)
        self.entries += 1
        filename = f"<input {self.entries}>"
        given = self._refresh(state)
        self._out = out = _CappedText(self.output_limit)
        stopped = False
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                compiled = self._compile(entry, filename, finish)
                if compiled is None:
                    return Result(transcript="", output="", more=True)
                stopped = compiled is not False and self._execute(compiled)
        finally:
            self._out = None
        output = out.text()
        if out.cut:
            cut = _("… (output cut at {n} characters)").format(n=f"{self.output_limit:,}")
            output += f"\n{cut}\n"
        if stopped:
            output += (
                _(
                    "Stopped: this entry ran for more than {seconds} s, so "
                    "the page ended it (a loop that never finishes?). Your earlier names are kept."
                ).format(seconds=format_number(self.time_limit))
                + "\n"
            )
        params, message = self._changed_params(given)
        return Result(_echo(entry) + output, output, False, params, message, stopped)

    # ---- the steps of one entry ------------------------------------------------------------

    def _refresh(self, state):
        """Put copies of the page's current objects in scope; what was given, for comparing."""
        params = copy.deepcopy(state.params)
        try:
            xs = state.xs()
        except ValueError:
            xs = []  # a custom sequence that can't be read: the page says why
        given = {
            "params": params,
            "params_text": _fingerprint(params),
            "xs": list(xs),
            "activation": state.activation,
            "cell": state.cell,
            "optimizer": state.optimizer,
        }
        self.locals.update(
            params=params,
            xs=xs,
            activation=state.activation,
            cell=state.cell,
            optimizer=state.optimizer,
            state=replace(state, params=copy.deepcopy(state.params)),
            input=_no_input,
        )
        if state.mode == "text":
            self.locals.update(_text_scope(state))
        return given

    def _compile(self, entry, filename, finish=False):
        """Code objects for the entry (its last expression echoed), None if unfinished, or
        False after showing a syntax error."""
        try:
            if not finish and code.compile_command(entry, filename, "exec") is None:
                return None
            tree = ast.parse(entry, filename, "exec")
        except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError):
            self.showsyntaxerror(filename)
            return False
        linecache.cache[filename] = (len(entry), None, entry.splitlines(True), filename)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = compile(ast.Interactive([tree.body.pop()]), filename, "single")
        return compile(tree, filename, "exec"), last

    def _execute(self, compiled):
        """Run the compiled entry under the time limit; True when the limit stopped it."""
        try:
            with _time_limit(self.time_limit):
                for part in compiled:
                    if part is not None:
                        exec(part, self.locals)
        except _TimeUp:
            return True
        except SystemExit:
            self.write(_("exit() and quit() do nothing here: the console stays open.") + "\n")
        except BaseException:
            self.showtraceback()
        return False

    def _changed_params(self, given):
        """(new Params or None, message) after an entry."""
        notes = []
        for name in ("xs", "activation", "cell", "optimizer"):
            try:
                same = self.locals.get(name) == given[name]
            except Exception:
                same = False
            if not same:
                notes.append(name)
        note = ""
        if notes:
            names = notes[-1]
            if len(notes) > 1:
                names = _("{a} and {b}").format(a=", ".join(notes[:-1]), b=notes[-1])
            note = ngettext(
                "Only params goes back to the page; {names} here is a copy: use the page's "
                "controls to change it.",
                "Only params goes back to the page; {names} here are copies: use the page's "
                "controls to change them.",
                len(notes),
            ).format(names=names)
        if "params" not in self.locals:
            return None, note
        value = self.locals["params"]
        if _fingerprint(value) == given["params_text"]:
            return None, note
        try:
            return check_params(value, given["cell"]), note
        except ValueError as error:
            message = _("The page keeps its weights: {error}").format(error=error)
            return None, f"{message} {note}".strip()


def _text_scope(state):
    """text, vocab and text_params (the seeded starting weights of the page's text network)."""
    from ..text import task as tx  # noqa: PLC0415 (only text mode needs it)

    vocab = tx.Vocab(state.text)
    params = tx.text_params(state.text_cell, state.text_hidden, vocab.size, state.seed)
    return {"text": state.text, "vocab": vocab, "text_params": params}


def _echo(entry: str) -> str:
    """The entry as the console shows it, with >>> and ... prompts."""
    lines = entry.split("\n")
    return "".join((">>> " if i == 0 else "... ") + line + "\n" for i, line in enumerate(lines))


# ---- across the worker boundary ----------------------------------------------------------------


def run_json(console: Console, entry: str, query: str) -> str:
    """Run one entry (as the page's Run does, finish=True) in the console's worker.

    The page's state arrives as its link (state.to_query), the result leaves as JSON, with a
    changed params as a plain dict for the page to check again (read_result).

    >>> from rnn_py.page.state import to_query
    >>> text = run_json(Console(), "params.b_y = 0.5", to_query(DemoState()))
    >>> read_result(text).params.b_y
    0.5
    """
    state, _notices = from_query(query)
    r = console.run(entry, state, finish=True)
    params = None if r.params is None else r.params.to_dict()
    return json.dumps({
        "transcript": r.transcript, "output": r.output, "more": r.more, "params": params,
        "message": r.message, "stopped": r.stopped,
    })  # fmt: skip


def read_result(text: str, cell: str = "vanilla") -> Result:
    """The worker's answer as a Result, trusting nothing in it.

    A learner's code runs in that worker and could post anything, so params is checked again
    like a loaded weights file for the page's cell (a refused one becomes the message), and
    every text is capped.

    >>> read_result('{"output": "42", "params": {"w_xh": "x"}}').message
    "The page keeps its weights: The saved weights have no 'w_hh'."
    """
    try:
        data = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return Result("", _("The console's Python gave an answer the page can't read.") + "\n")

    def cap(name):
        value = data.get(name, "")
        return value[: OUTPUT_LIMIT + 2 * INPUT_LIMIT] if isinstance(value, str) else ""

    params, message = None, cap("message")
    if data.get("params") is not None:
        try:
            params = check_params(data["params"], cell)
        except ValueError as error:
            message = _("The page keeps its weights: {error}").format(error=error)
    return Result(cap("transcript"), cap("output"), data.get("more") is True, params, message,
                  data.get("stopped") is True)  # fmt: skip


def ended(entry: str, limit: float = HARD_LIMIT) -> Result:
    """What the console shows after the page ended its worker: the entry outlived the limit
    inside one call that no time check reaches (such as sum(range(10**10)))."""
    output = (
        _(
            "Stopped: this entry was still running after {seconds} s, inside one long "
            "call that the time check could not interrupt, so the page ended the console's "
            "interpreter and started a new one. Names you defined earlier are gone."
        ).format(seconds=format_number(limit))
        + "\n"
    )
    return Result(_echo(entry.replace("\r\n", "\n").rstrip()) + output, output, stopped=True)
