"""rnn_py: a recurrent neural network you can watch learn, in pure Python.

sequences  the sequences to continue, and reading one that a student typed
model      Params, the forward pass and backpropagation through time
train      BPTT training and random search, one Step per evaluation
state      DemoState: every setting of the demo, and its URL form
view       what the page shows, computed: table rows, equations, chart series
units      how many hidden units a sequence needs, and the exact two-unit Fibonacci solution
forecast   free running: the network continues the sequence on its own predictions
landscape  the loss over a grid of two weights, its cliffs, and the Cliffs preset
lessons    the challenges: goals checked from the settings and this visit's history
cli        `python -m rnn_py`: the same, in a terminal
"""

from .cells.vanilla import ACTIVATIONS, Gradients, Params, Trace, backward, forward, loss_and_grads
from .forecast import Forecast, forecast, true_continuation
from .page.state import DemoState, from_query, to_query
from .page.view import History, snapshot, snapshot_json
from .sequences import (
    DEFAULT_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    SEQUENCES,
    make_sequence,
    normalize,
    parse_sequence,
)
from .train import LOSS_LIMIT, PARAM_LIMIT, Step, clip, random_search, train_bptt

_UNITS = ("best_losses", "exact_fibonacci", "loss_curves", "race")


def __getattr__(name):
    """The Memory panel's names (rnn_py.studies.units), imported on first use: the first screen,
    which imports this package, does not need them."""
    if name not in _UNITS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .studies import units

    return getattr(units, name)


__all__ = [
    "ACTIVATIONS",
    "DemoState",
    "History",
    "from_query",
    "snapshot",
    "snapshot_json",
    "to_query",
    "DEFAULT_LENGTH",
    "LOSS_LIMIT",
    "MAX_LENGTH",
    "MIN_LENGTH",
    "PARAM_LIMIT",
    "SEQUENCES",
    "Gradients",
    "Params",
    "Step",
    "Trace",
    "backward",
    "clip",
    "forward",
    "loss_and_grads",
    "make_sequence",
    "normalize",
    "parse_sequence",
    "random_search",
    "train_bptt",
    "Forecast",
    "forecast",
    "true_continuation",
    "best_losses",
    "exact_fibonacci",
    "loss_curves",
    "race",
]
