"""The exercises themselves: for each, the function the learner writes, its stub (signature and a
docstring saying exactly what to compute), hints shown one at a time, and a reference solution.

Shapes follow rnn_py: a vector is a list of n floats (one per hidden unit), a matrix a list of n
rows (row i = the weights into unit i), so w_hh[i][j] is the weight from unit j at t−1 into unit
i. The gated cells' weights come as one dict by rnn_py's names (w_xr, w_hr, b_r, …).
"""

from __future__ import annotations

from dataclasses import dataclass

from .texts_gated import GATED
from .texts_vanilla import VANILLA

ROLES = ("vanilla_step", "loss", "backward_step", "clip", "gru_step", "lstm_step", "")


@dataclass(frozen=True)
class Exercise:
    """One exercise: the learner writes the function `name`; `role` says what "Run the page on
    my code" may replace with it ("" for nothing)."""

    number: int
    name: str
    title: str
    stub: str
    hints: tuple[str, ...]
    solution: str
    role: str


EXERCISES: tuple[Exercise, ...] = tuple(
    Exercise(number, *fields) for number, fields in enumerate((*VANILLA, *GATED), start=1)
)


def exercise(number: int) -> Exercise:
    """The exercise with this number (1-based), or ValueError.

    >>> exercise(1).name
    'vanilla_step'
    """
    if isinstance(number, bool) or not isinstance(number, int):
        raise ValueError(f"An exercise number must be a whole number, not {number!r}.")
    if not 1 <= number <= len(EXERCISES):
        raise ValueError(f"There is no exercise {number}: they run from 1 to {len(EXERCISES)}.")
    return EXERCISES[number - 1]


def parse_choice(text: str) -> tuple[int, ...]:
    """The exercises a course link chooses ("1,3,5"), in the order given, each once; junk and
    unknown numbers are dropped, and "" (or nothing valid) means all of them. Never raises.

    >>> parse_choice("3, 1,x,3,99")
    (3, 1)
    >>> parse_choice("") == tuple(e.number for e in EXERCISES)
    True
    """
    chosen = []
    for part in str(text or "").split(","):
        part = part.strip()
        number = int(part) if part.isascii() and part.isdigit() else 0
        if 1 <= number <= len(EXERCISES) and number not in chosen:
            chosen.append(number)
    return tuple(chosen) or tuple(e.number for e in EXERCISES)
