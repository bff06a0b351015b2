"""Write it yourself: exercises the page grades, in Python (issue 26).

Each exercise is one function the learner writes (`EXERCISES`, `exercise`); `check` runs their
source on random and edge cases against rnn_py's own functions; `page_trace_json` computes what
the page shows using the functions they passed, `page_step_json` one training step with them;
`notebook` writes their code and the checks as a notebook. Sources are strings the learner
typed: nothing here reads a link or a file. The page imports this package only in its grading
worker, never on the first screen.
"""

from .checking import CheckResult, check, check_json
from .notebook import notebook
from .texts import EXERCISES, ROLES, Exercise, exercise, parse_choice
from .trace import page_step_json, page_trace_json

__all__ = [
    "EXERCISES",
    "ROLES",
    "CheckResult",
    "Exercise",
    "check",
    "check_json",
    "exercise",
    "notebook",
    "page_step_json",
    "page_trace_json",
    "parse_choice",
]
