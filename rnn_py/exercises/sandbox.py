"""Running a learner's source: compiled in a fresh namespace, with a time limit, and every error
turned into a plain sentence with the learner's line.

Only source strings come in here, typed by the learner and sent when they press Check or Run:
nothing read from a link or a file is ever compiled. On the page this runs in a worker of its
own (site/exercises-worker.js), which the page ends if one built-in call outlives the limit;
the builtins here keep out the obvious accidents (open, input, exec, imports other than a few
maths modules), they are not a security boundary: the worker is.
"""

from __future__ import annotations

import builtins
import contextlib
import sys
import time

from ..i18n import _

FILENAME = "<exercise>"  # the learner's code, as compile() names it (tracebacks, the time check)
SOURCE_LIMIT = 20_000  # characters a source may have
PRINT_LIMIT = 400  # characters of printed output kept, shown with a failing case
ALLOWED_IMPORTS = frozenset(
    {"math", "cmath", "operator", "itertools", "functools", "statistics", "random", "fractions"}
)
_BLOCKED = ("open", "input", "exec", "eval", "compile", "breakpoint", "exit", "quit", "help")


class TimeUp(BaseException):
    """Raised inside the learner's code when its time is up (not an Exception, so a learner's
    `except Exception` does not swallow it)."""


class Problem(Exception):
    """What went wrong with the learner's code, in plain words, and the line to point at."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message, self.line = message, line


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and name.partition(".")[0] in ALLOWED_IMPORTS:
        return __import__(name, globals, locals, fromlist, level)
    allowed = ", ".join(sorted(ALLOWED_IMPORTS))
    raise ImportError(
        _("Only these modules can be imported in an exercise: {allowed}.").format(allowed=allowed)
    )


class _Printed:
    """print() for the learner's code: keeps the first PRINT_LIMIT characters."""

    def __init__(self):
        self.parts, self.size = [], 0

    def __call__(self, *args, sep=" ", end="\n", **_):
        text = sep.join(map(str, args)) + end
        room = PRINT_LIMIT - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)

    def text(self):
        return "".join(self.parts).strip()


def _builtins(printed):
    table = {k: v for k, v in vars(builtins).items() if k not in _BLOCKED}
    table["__import__"] = _import
    table["print"] = printed
    return table


class Deadline:
    """One time limit shared by every call into the learner's code during one check or run."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.line = None  # the learner's line that was running when the time ran out

    @contextlib.contextmanager
    def running(self):
        """Stop the learner's code run inside this block once the deadline passes, checked at
        every opcode of the learner's own frames (so a one-line `while True: pass` is caught)
        and at every call elsewhere."""

        def check(frame, event, arg):
            if time.monotonic() > self.end:
                self.line = _learner_line_of_frame(frame)
                raise TimeUp
            if frame.f_code.co_filename == FILENAME:
                frame.f_trace_opcodes = True
                return check
            return None

        previous = sys.gettrace()
        sys.settrace(check)
        try:
            yield
        finally:
            sys.settrace(previous)


def _learner_line_of_frame(frame):
    while frame is not None:
        if frame.f_code.co_filename == FILENAME:
            return frame.f_lineno
        frame = frame.f_back
    return None


def learner_line(error):
    """The learner's line where an exception was raised (the innermost frame of their code)."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def describe(error):
    """An exception as a short sentence: its type and message, no traceback."""
    if isinstance(error, NotImplementedError):
        return _(
            "it is not written yet (it raised NotImplementedError): replace the "
            "`raise NotImplementedError(...)` line with your code"
        )
    if isinstance(error, RecursionError):
        return _("it called itself too deeply (RecursionError)")
    if isinstance(error, MemoryError):
        return _("it ran out of memory (MemoryError)")
    text = str(error)
    if len(text) > 200:
        text = text[:200] + "…"
    name = type(error).__name__
    if text:
        return _("it raised {name}: {text}").format(name=name, text=text)
    return _("it raised {name}").format(name=name)


def at_line(line):
    return _(" (line {line})").format(line=line) if line else ""


class Program:
    """The learner's source, compiled and run once: its namespace, and its printed output."""

    def __init__(self, source, deadline, what=None):
        what = _("your code") if what is None else what
        if not isinstance(source, str):
            raise Problem(_("The code must be text."))
        if len(source) > SOURCE_LIMIT:
            raise Problem(
                _("The code is {n} characters long; an exercise takes at most {most}.").format(
                    n=f"{len(source):,}", most=f"{SOURCE_LIMIT:,}"
                )
            )
        self.deadline, self.printed = deadline, _Printed()
        try:
            compiled = compile(source, FILENAME, "exec", dont_inherit=True)
        except SyntaxError as e:  # IndentationError and TabError are SyntaxErrors too
            kind = type(e).__name__
            message = _("Line {line}: {error} ({kind}). Python could not read {what}.")
            raise Problem(message.format(line=e.lineno, error=e.msg, kind=kind, what=what),
                          e.lineno) from None  # fmt: skip
        except ValueError as e:  # a NUL character in the source
            raise Problem(
                _("Python could not read {what}: {error}.").format(what=what, error=e)
            ) from None
        self.namespace = {"__builtins__": _builtins(self.printed), "__name__": "exercise"}
        self.call(lambda: exec(compiled, self.namespace), _("Running {what}").format(what=what))

    def function(self, name):
        """The learner's function of that name, or a Problem saying it is missing."""
        fn = self.namespace.get(name)
        if fn is None:
            raise Problem(
                _(
                    "Your code defines no function named {name}. Keep the first line of the "
                    "stub, def {name}(…):, and write the body below it."
                ).format(name=name)
            )
        if not callable(fn):
            raise Problem(
                _("{name} is a {kind}, not a function: define it with def.").format(
                    name=name, kind=type(fn).__name__
                )
            )
        return fn

    def call(self, thunk, doing):
        """thunk() under the deadline; a Problem starting with `doing` if it fails or runs out
        of time."""
        try:
            with self.deadline.running():
                return thunk()
        except TimeUp:
            line = self.deadline.line
            message = _(
                "{doing} was stopped after {seconds} s{line}: it was still running. Is there a "
                "loop that never ends?"
            )
            seconds = f"{self.deadline.seconds:g}"
            raise Problem(message.format(doing=doing, seconds=seconds, line=at_line(line)),
                          line) from None  # fmt: skip
        except BaseException as e:  # SystemExit and KeyboardInterrupt too: never past here
            line = learner_line(e)
            message = _("{doing}: {problem}{line}.").format(
                doing=doing, problem=describe(e), line=at_line(line)
            )
            raise Problem(message, line) from None
