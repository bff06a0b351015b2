"""`python -m rnn_py compare`: BPTT against random search on the same number of evaluations.

`lessons.figures` quotes its tables, so it lives apart from the command line that runs it.
"""

import argparse

from ..cells.vanilla import ACTIVATIONS, Params
from ..sequences import DEFAULT_LENGTH, SEQUENCES
from ..train import random_search, train_bptt
from .common import add_clip_flags, add_hidden_and_seed, add_range_flags, sequence, summary
from .format import Bar, num, winner
from .format import table as markdown_table


def add_parser(commands):
    """The compare command under the command line's subcommands."""
    add_arguments(
        commands.add_parser(
            "compare", help="BPTT against random search on the same number of evaluations"
        )
    )


def add_arguments(parser):
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--sequence",
        action="append",
        choices=SEQUENCES,
        help="a sequence to include; repeat for several (default: all of them)",
    )
    source.add_argument("--custom", metavar="NUMBERS", help='your own numbers, e.g. "1, 2, 4, 8"')
    parser.add_argument("--length", type=int, help=f"terms per sequence (default {DEFAULT_LENGTH})")
    parser.add_argument(
        "--normalized",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="rescale each sequence onto [-1, 1] (default: on)",
    )
    parser.add_argument(
        "--activation",
        action="append",
        choices=ACTIVATIONS,
        help="an activation to include; repeat for several (default: tanh and linear)",
    )
    add_hidden_and_seed(parser, "BPTT's starting weights and the random trials")
    parser.add_argument(
        "--budget",
        type=int,
        default=300,
        help="evaluations for each method: BPTT epochs = random trials (default 300)",
    )
    parser.add_argument("--lr", type=float, default=0.1, help="BPTT learning rate (default 0.1)")
    add_clip_flags(parser)
    add_range_flags(parser)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def parse(argv):
    """The compare command's arguments from its flags alone (`["--no-normalized"]`)."""
    parser = argparse.ArgumentParser(prog="rnn-py compare")
    add_arguments(parser)
    return parser.parse_args(argv)


def run(args):
    """BPTT and random search on each sequence and activation; prints their table."""
    sources = [None] if args.custom is not None else list(dict.fromkeys(args.sequence or SEQUENCES))
    activations = list(dict.fromkeys(args.activation or ("tanh", "linear")))
    budget = args.budget
    rows, table = [], []
    progress = Bar(len(sources) * len(activations) * 2 * max(budget, 1), "compare")
    for kind in sources:
        name, xs = sequence(args, kind)
        for activation in activations:
            start = Params.random(args.hidden, args.seed)
            bptt = summary(
                progress.count(train_bptt(start, xs, activation, args.lr, args.clip, budget)),
                xs,
                activation,
            )
            trials = random_search(
                xs, activation, args.hidden, budget, args.seed, args.low, args.high
            )
            rand = summary(progress.count(trials), xs, activation)
            rows.append({"sequence": name, "activation": activation, "bptt": bptt, "random": rand})
            b, r = bptt["best_loss"], rand["best_loss"]
            table.append(
                (
                    name,
                    activation,
                    num(b) + ("" if bptt["status"] == "done" else " (diverged)"),
                    num(r),
                    winner(b, r),
                )
            )
    progress.close()
    if not args.json:
        scale = "normalized" if args.normalized else "raw"
        length = "" if args.custom is not None else f", length {args.length or DEFAULT_LENGTH}"
        clipping = "no clipping" if args.clip is None else f"clip {args.clip:g}"
        print(
            f"compare: lowest loss within {budget} evaluations each ({scale}{length}, "
            f"n = {args.hidden}, seed {args.seed}; BPTT lr {args.lr:g}, {clipping}; "
            f"random weights in [{args.low:g}, {args.high:g}])"
        )
        print()
        print(
            markdown_table(
                ("sequence", "activation", "BPTT", "random search", "lower"), table, left=2
            )
        )
    return {"command": "compare", "budget": budget, "normalized": args.normalized, "rows": rows}
