"""What several commands share: their sequence, seed, clipping and weight-range flags, the
sequence the flags describe, and the summary of a training or search run."""

from .. import cells
from ..cells.vanilla import ACTIVATIONS
from ..sequences import DEFAULT_LENGTH, SEQUENCES, make_sequence, normalize, parse_sequence


def add_sequence_flags(parser):
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--sequence", choices=SEQUENCES, help="a named sequence (default sine)")
    source.add_argument("--custom", metavar="NUMBERS", help='your own numbers, e.g. "1, 2, 4, 8"')
    parser.add_argument("--length", type=int, help=f"number of terms (default {DEFAULT_LENGTH})")
    parser.add_argument("--normalized", action="store_true", help="rescale onto [-1, 1]")
    parser.add_argument(
        "--activation", choices=ACTIVATIONS, default="tanh", help="f in h_t = f(z_t) (default tanh)"
    )


def add_hidden_and_seed(parser, seed_use):
    parser.add_argument(
        "--hidden", type=int, default=1, metavar="N", help="hidden units (default 1)"
    )
    parser.add_argument("--seed", type=int, default=0, help=f"seed for {seed_use} (default 0)")


def add_clip_flags(parser):
    clipping = parser.add_mutually_exclusive_group()
    clipping.add_argument(
        "--clip", type=float, default=5.0, help="clip each gradient to [-CLIP, CLIP] (default 5)"
    )
    clipping.add_argument("--no-clip", dest="clip", action="store_const", const=None)


def add_range_flags(parser):
    parser.add_argument("--low", type=float, default=-2.0, help="random weights from (default -2)")
    parser.add_argument("--high", type=float, default=2.0, help="random weights up to (default 2)")


def sequence(args, kind):
    """The sequence the flags describe: a named one, or the --custom numbers."""
    if args.custom is not None:
        if args.length is not None:
            raise ValueError("--length applies to named sequences, not to --custom numbers.")
        xs = parse_sequence(args.custom)
        return "custom", normalize(xs) if args.normalized else xs
    length = DEFAULT_LENGTH if args.length is None else args.length
    return kind, make_sequence(kind, length, normalized=args.normalized)


def summary(steps, xs, activation):
    """Consume a training or search run; the figures every command reports."""
    history, best_history, last = [], [], None
    for last in steps:
        history.append(last.loss)
        best_history.append(last.best_loss)
    final_loss = cells.forward(last.params, xs, activation).loss  # the returned weights' loss
    return {
        "method": last.method,
        "status": last.status,
        "message": last.message,
        "evaluations": last.evaluations,
        "final_loss": final_loss,
        "best_loss": last.best_loss,
        "loss_history": history,
        "best_loss_history": best_history,
        "grad_h": list(last.grad_h),
        "params": last.params.to_dict(),
    }
