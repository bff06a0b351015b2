"""`python -m rnn_py` (or `rnn-py`): the forward pass, training, random search and a comparison
of the two, in a terminal.

    python -m rnn_py run --sequence fibonacci --w-hh 1.2
    python -m rnn_py train --sequence sine --activation tanh --epochs 500
    python -m rnn_py search --custom "1, 2, 4, 8" --normalized --trials 1000
    python -m rnn_py compare --budget 300
    python -m rnn_py units --sequence sine --normalized --hidden 1,2,3
    python -m rnn_py run --cell lstm --weights weights.json --json
    python -m rnn_py cells --gaps 5,20 --seeds 2
    python -m rnn_py text --preset rhyme --cell lstm --hidden 16 --epochs 30
    python -m rnn_py figures --check README.md site/index.html

Every command takes --json for a machine-readable result. Bad flags or values print one line,
`rnn-py: error: …`, and exit with status 2.
"""

import argparse
import json
import os
import sys

from .. import cells
from ..cells.vanilla import Params
from ..page.state import parse_weights
from ..studies import longlag
from ..studies.units import DEFAULT_EPOCHS, DEFAULT_LR, DEFAULT_SEEDS, best_losses
from ..text import cli as textcli
from ..train import OPTIMIZERS, random_search, train_bptt
from . import compare
from .common import add_clip_flags as _add_clip_flags
from .common import add_hidden_and_seed as _add_hidden_and_seed
from .common import add_range_flags as _add_range_flags
from .common import add_sequence_flags as _add_sequence_flags
from .common import sequence as _sequence
from .common import summary as _summary
from .format import describe as _describe
from .format import finite_or_null as _finite_or_null
from .format import num as _num
from .format import params_text as _params_text
from .format import print_history as _print_history
from .format import progress as _progress
from .format import table as _table
from .format import vector_text as _vector_text


class _Parser(argparse.ArgumentParser):
    """argparse, with errors on one line instead of a usage block."""

    def error(self, message):
        self.exit(2, f"rnn-py: error: {message} (see {self.prog} --help)\n")


def build_parser():
    """The argument parser for every subcommand."""
    parser = _Parser(
        prog="rnn-py",
        description="A recurrent neural network that learns to predict the next number.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="one forward pass, as a table of t, x_t, h_t, y_t")
    _add_sequence_flags(run)
    _add_hidden_and_seed(run, "random weights for --hidden > 1")
    for flag, default in (
        ("--w-xh", 0.5),
        ("--w-hh", 0.8),
        ("--w-hy", 1.0),
        ("--b-h", 0),
        ("--b-y", 0),
    ):
        run.add_argument(flag, type=float, help=f"weight of the scalar RNN (default {default})")
    _add_cell_flags(run)
    _add_gate_bias_flag(run)
    run.add_argument("--json", action="store_true", help="print the result as JSON")

    train = commands.add_parser("train", help="gradient descent with BPTT")
    _add_sequence_flags(train)
    _add_hidden_and_seed(train, "random starting weights")
    train.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    train.add_argument("--epochs", type=int, default=300, help="epochs (default 300)")
    _add_clip_flags(train)
    _add_cell_flags(train)
    _add_gate_bias_flag(train)
    train.add_argument(
        "--optimizer", choices=OPTIMIZERS, default="gd", help="gd (gradient descent) or adam"
    )
    train.add_argument("--json", action="store_true", help="print the result as JSON")

    search = commands.add_parser("search", help="random search over the weights")
    _add_sequence_flags(search)
    _add_hidden_and_seed(search, "the random trials")
    search.add_argument("--trials", type=int, default=300, help="trials (default 300)")
    _add_range_flags(search)
    _add_cell_flags(search)
    search.add_argument("--json", action="store_true", help="print the result as JSON")

    compare.add_parser(commands)

    units = commands.add_parser(
        "units", help="the best loss per hidden size, from the same seeds and budget"
    )
    _add_sequence_flags(units)
    units.add_argument(
        "--hidden",
        type=_hidden_sizes,
        default=(1, 2, 3),
        metavar="N,N,...",
        help="hidden sizes to compare (default 1,2,3)",
    )
    units.add_argument(
        "--epochs", type=int, default=DEFAULT_EPOCHS, help=f"epochs (default {DEFAULT_EPOCHS})"
    )
    units.add_argument(
        "--seeds",
        type=int,
        default=DEFAULT_SEEDS,
        metavar="K",
        help=f"train from seeds 0..K-1 and keep the best (default {DEFAULT_SEEDS})",
    )
    units.add_argument(
        "--lr", type=float, default=DEFAULT_LR, help=f"learning rate (default {DEFAULT_LR})"
    )
    _add_clip_flags(units)
    units.add_argument("--json", action="store_true", help="print the result as JSON")

    longlag.add_parser(commands)
    textcli.add_parser(commands, _add_clip_flags)
    figures = commands.add_parser(
        "figures", help="recompute every figure the README and the page quote"
    )
    figures.add_argument("names", nargs="*", help="figure names or groups (default: all)")
    figures.add_argument("--check", nargs="+", metavar="FILE", help="compare FILEs' figures")
    figures.add_argument("--write", action="store_true", help="with --check: rewrite them")
    figures.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def _add_cell_flags(parser):
    parser.add_argument("--cell", choices=cells.CELLS, help="vanilla (default), gru or lstm")
    parser.add_argument(
        "--weights", metavar="FILE", help="start from a weights file saved by the page"
    )


def _add_gate_bias_flag(parser):
    parser.add_argument(
        "--gate-bias", type=float, metavar="B",
        help="a fresh GRU's update bias b_z or LSTM's forget bias b_f: its memory bias, "
             "-10 to 10 (default 1)",
    )  # fmt: skip


def _hidden_sizes(text):
    """--hidden 1,2,3 as a tuple of whole numbers ≥ 1."""
    try:
        sizes = tuple(int(item) for item in text.split(",") if item.strip())
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of hidden sizes; write whole numbers ≥ 1 like 1,2,3"
        )
    return tuple(dict.fromkeys(sizes))


def main(argv=None):
    """Run the command line; returns the exit status.

    A reader that closes the pipe early (`rnn-py run --json | head`) ends the command quietly with
    status 1, as the Python documentation recommends (`signal` module, "Note on SIGPIPE").
    """
    try:
        status = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at devnull so the interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status


def _main(argv):
    args = build_parser().parse_args(argv)
    try:
        result = _COMMANDS[args.command](args)
    except ValueError as e:
        print(f"rnn-py: error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_finite_or_null(result), indent=2))
    return 0


def _start(args):
    """The weights a command starts from: --weights FILE, or the cell's seeded random start
    (with --gate-bias, its memory gate's bias there)."""
    bias = getattr(args, "gate_bias", None)
    if bias is not None:
        cell = args.cell or cells.DEFAULT
        if args.weights is not None:
            raise ValueError("--gate-bias sets where a fresh network starts, not --weights FILE.")
        if not cells.has_memory_gate(cell):
            raise ValueError(
                f"--gate-bias sets a gated cell's memory bias; the {cells.LABELS[cell]} has no "
                "gate (try --cell gru or --cell lstm)."
            )
    if args.weights is None:
        return cells.random_params(args.cell or cells.DEFAULT, args.hidden, args.seed, bias)
    try:
        with open(args.weights, encoding="utf-8") as file:
            text = file.read(200_000)
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"can't read {args.weights}: {error}") from None
    params, _ = parse_weights(text)
    if args.cell is not None and args.cell != params.CELL:
        raise ValueError(f"{args.weights} holds {params.CELL} weights, not {args.cell}.")
    return params


def _run(args):
    name, xs = _sequence(args, args.sequence or "sine")
    weights = (args.w_xh, args.w_hh, args.w_hy, args.b_h, args.b_y)  # Params.scalar's
    scalar = args.cell in (None, Params.CELL)  # those flags build the vanilla cell's scalar RNN
    if (args.weights is not None or not scalar) and any(w is not None for w in weights):
        raise ValueError("--w-xh, --w-hh, --w-hy, --b-h and --b-y set a vanilla scalar RNN.")
    if args.weights is not None or not scalar or args.gate_bias is not None:
        params = _start(args)
    elif args.hidden == 1:
        defaults = (0.5, 0.8, 1.0, 0.0, 0.0)
        params = Params.scalar(
            *(d if w is None else w for w, d in zip(weights, defaults, strict=True))
        )
    elif any(w is not None for w in weights):
        raise ValueError("--w-xh, --w-hh, --w-hy, --b-h and --b-y set a scalar RNN (--hidden 1).")
    else:
        params = Params.random(args.hidden, args.seed)
    g = cells.backward(params, xs, args.activation)
    trace = g.trace
    if not args.json:
        print(f"run: {_describe(name, xs, args)}, {cells.LABELS[params.CELL]}, n = {params.n}")
        print(f"weights: {_params_text(params)}")
        print()
        rows = []
        for t, (x, h, y) in enumerate(zip(xs, trace.h, trace.y, strict=True)):
            target, error = (xs[t + 1], y - xs[t + 1]) if t + 1 < len(xs) else ("", "")
            rows.append((t, x, _vector_text(h), y, target, error))
        print(_table(("t", "x_t", "h_t", "y_t", "target", "error"), rows))
        print()
        print(f"loss = mean of error² over t = 0..{len(xs) - 2}: {_num(trace.loss)}")
    result = {
        "command": "run",
        "sequence": name,
        "xs": xs,
        "cell": params.CELL,
        "activation": args.activation,
        "z": trace.z,
        "h": trace.h,
        "y": trace.y,
        "final_loss": trace.loss,
        "loss_history": [trace.loss],
        "evaluations": 1,
        "params": params.to_dict(),
        "grads": g.grads.to_dict(),
    }
    if trace.gates is not None:
        result["gates"] = trace.gates
    if trace.c is not None:
        result["c"] = trace.c
    return result


def _train(args):
    name, xs = _sequence(args, args.sequence or "sine")
    start = _start(args)
    steps = train_bptt(start, xs, args.activation, args.lr, args.clip, args.epochs, args.optimizer)
    result = {
        "command": "train",
        "sequence": name,
        "xs": xs,
        "cell": start.CELL,
        "optimizer": args.optimizer,
        "activation": args.activation,
        "hidden": start.n,
        "lr": args.lr,
        "clip": args.clip,
        "epochs": args.epochs,
        "seed": args.seed,
        **_summary(_progress(steps, args.epochs, "train"), xs, args.activation),
    }
    if args.gate_bias is not None:
        result["gate_bias"] = args.gate_bias
    if not args.json:
        clipping = "no clipping" if args.clip is None else f"clip {args.clip:g}"
        print(
            f"train (BPTT, {args.optimizer}): {_describe(name, xs, args)}, "
            f"{cells.LABELS[start.CELL]}, n = {start.n}, lr {args.lr:g}, ",
            end="",
        )
        bias = "" if args.gate_bias is None else f", memory bias {args.gate_bias:g}"
        print(f"{clipping}, {args.epochs} epochs, seed {args.seed}{bias}")
        _print_history(result, "epoch", "loss")
    return result


def _search(args):
    name, xs = _sequence(args, args.sequence or "sine")
    shape = _start(args)  # a weights file gives the cell and size to search over
    cell, n = shape.CELL, shape.n
    steps = random_search(xs, args.activation, n, args.trials, args.seed, args.low, args.high, cell)
    result = {
        "command": "search",
        "sequence": name,
        "xs": xs,
        "cell": cell,
        "activation": args.activation,
        "hidden": n,
        "trials": args.trials,
        "seed": args.seed,
        "low": args.low,
        "high": args.high,
        **_summary(_progress(steps, args.trials, "search"), xs, args.activation),
    }
    if not args.json:
        print(
            f"search (random): {_describe(name, xs, args)}, {cells.LABELS[cell]}, n = {n}, ", end=""
        )
        print(f"weights in [{args.low:g}, {args.high:g}], {args.trials} trials, seed {args.seed}")
        _print_history(result, "trial", "loss of this trial")
    return result


def _units(args):
    name, xs = _sequence(args, args.sequence or "sine")
    best = best_losses(xs, args.activation, args.hidden, args.seeds, args.lr, args.clip,
                       args.epochs)  # fmt: skip
    if not args.json:
        clipping = "no clipping" if args.clip is None else f"clip {args.clip:g}"
        print(
            f"units: {_describe(name, xs, args)}; lr {args.lr:g}, {clipping}, "
            f"{args.epochs} epochs, best of seeds 0..{args.seeds - 1}"
        )
        print()
        rows = [(n, _num(loss), seed) for n, (loss, seed) in best.items()]
        print(_table(("hidden units", "best loss", "seed"), rows))
    return {
        "command": "units",
        "sequence": name,
        "xs": xs,
        "normalized": args.normalized,
        "activation": args.activation,
        "hidden": list(best),
        "epochs": args.epochs,
        "seeds": args.seeds,
        "lr": args.lr,
        "clip": args.clip,
        "losses": {str(n): loss for n, (loss, _) in best.items()},
        "best_seed": {str(n): seed for n, (_, seed) in best.items()},
    }


def _figures(args):
    from ..lessons import figures

    return figures.command(args.names, args.check, args.write, args.json)


_COMMANDS = {
    "figures": _figures,
    "run": _run,
    "train": _train,
    "search": _search,
    "compare": compare.run,
    "units": _units,
    "cells": longlag.run,
    "text": textcli.run,
}
