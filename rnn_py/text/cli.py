"""`python -m rnn_py text`: a character-level RNN that learns to write a text (rnn_py.text.task)."""

import math

from ..cells import CELLS
from ..cells.vanilla import ACTIVATIONS
from ..cli.format import progress, table
from ..train import OPTIMIZERS
from .task import DEFAULT_LR as TEXT_LR
from .task import (
    DEFAULT_SEQ_LENGTH,
    MAX_CHARS,
    PRESETS,
    Vocab,
    bits_per_char,
    check_text,
    perplexity,
    sample,
    text_params,
    train_text,
    unigram_bits,
    windows_per_epoch,
)


def add_parser(commands, add_clip_flags):
    """The text subcommand's flags."""
    text = commands.add_parser("text", help="a character-level RNN that learns to write a text")
    source = text.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", help="a UTF-8 text file (up to 2,000 characters)")
    source.add_argument("--text", help="the text itself")
    source.add_argument("--preset", choices=PRESETS, help="one of the page's preset texts")
    text.add_argument("--cell", choices=CELLS, default="vanilla", help="the cell (default vanilla)")
    text.add_argument(
        "--hidden", type=int, default=16, metavar="N", help="hidden units (default 16)"
    )
    text.add_argument("--epochs", type=int, default=20, help="passes over the text (default 20)")
    text.add_argument(
        "--seq-length",
        type=int,
        default=DEFAULT_SEQ_LENGTH,
        help=f"characters per BPTT window (default {DEFAULT_SEQ_LENGTH})",
    )
    text.add_argument(
        "--lr", type=float, default=TEXT_LR, help=f"learning rate (default {TEXT_LR})"
    )
    text.add_argument("--optimizer", choices=OPTIMIZERS, default="adam", help="(default adam)")
    add_clip_flags(text)
    text.add_argument(
        "--activation", choices=ACTIVATIONS, default="tanh", help="the vanilla cell's f"
    )
    text.add_argument(
        "--sample", type=int, default=200, metavar="COUNT", help="characters to write (default 200)"
    )
    text.add_argument(
        "--temperature", type=float, default=1.0, help="sampling temperature, 0.1 to 2 (default 1)"
    )
    text.add_argument(
        "--start", help="the text to start writing from (default: its first character)"
    )
    text.add_argument(
        "--seed", type=int, default=0, help="seed for the weights and the sample (default 0)"
    )
    text.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args):
    """The text command: train on the text, report bits per character, write a sample."""
    if args.file is not None:
        try:
            with open(args.file, encoding="utf-8") as f:
                raw = f.read(2 * MAX_CHARS + 1)
        except OSError as e:
            raise ValueError(f"Cannot read {args.file}: {e.strerror}.") from None
        except UnicodeDecodeError:
            raise ValueError(f"{args.file} is not UTF-8 text.") from None
        if len(raw) > 2 * MAX_CHARS:
            raise ValueError(
                f"{args.file} has more than {2 * MAX_CHARS:,} characters; the limit is "
                f"{MAX_CHARS:,}."
            )
        source = f"file {args.file}"
    elif args.preset is not None:
        raw, source = PRESETS[args.preset], f"preset {args.preset}"
    else:
        raw, source = args.text, "text"
    text = check_text(raw)
    vocab = Vocab(text)
    if args.epochs < 1:
        raise ValueError(f"The number of epochs must be a whole number ≥ 1, not {args.epochs}.")
    start = text[0] if args.start is None else args.start
    vocab.encode(start)  # every start character must be one of the text's
    per_epoch = windows_per_epoch(text, max(1, args.seq_length))
    params = text_params(args.cell, args.hidden, vocab.size, args.seed)
    steps = train_text(params, text, args.seq_length, args.lr, args.clip, args.optimizer,
                       args.activation, windows=args.epochs * per_epoch)  # fmt: skip
    history, total, count, last = [], 0.0, 0, None
    for last in progress(steps, args.epochs * per_epoch, "text"):
        total, count = total + last.loss * last.length, count + last.length
        if last.end_of_text or last.status != "running":
            history.append(total / count)  # this epoch's mean loss, nats per character
            total, count = 0.0, 0
    bits = bits_per_char(last.params, text, args.activation)
    unigram = unigram_bits(text)
    written = sample(last.params, vocab, start, args.sample, args.temperature, args.seed,
                     args.activation)  # fmt: skip
    if not args.json:
        clipping = "no clipping" if args.clip is None else f"clip {args.clip:g}"
        print(
            f"text: {source} ({len(text)} characters, {vocab.size} distinct), "
            f"{args.cell}, {args.hidden} hidden units; {args.optimizer} lr {args.lr:g}, "
            f"{clipping}, windows of {args.seq_length}, {args.epochs} epochs, seed {args.seed}"
        )
        print()
        rows = [(e, nats, nats / math.log(2.0)) for e, nats in enumerate(history, 1)]
        print(table(("epoch", "loss (nats/char)", "bits/char"), rows))
        print()
        if last.status == "diverged":
            print(last.message)
        print(f"bits per character: {bits:.3f} (perplexity {perplexity(bits):.2f})")
        print(f"unigram baseline (the character frequencies): {unigram:.3f} bits per character")
        print(f"better than the baseline by {unigram - bits:.3f} bits per character")
        print()
        print(
            f"sample ({args.sample} characters after {start!r}, temperature {args.temperature:g}):"
        )
        print(start + written)
    return {
        "command": "text",
        "source": source,
        "characters": len(text),
        "vocab": vocab.chars,
        "cell": args.cell,
        "hidden": args.hidden,
        "epochs": args.epochs,
        "seq_length": args.seq_length,
        "lr": args.lr,
        "clip": args.clip,
        "optimizer": args.optimizer,
        "activation": args.activation,
        "seed": args.seed,
        "temperature": args.temperature,
        "start": start,
        "status": last.status,
        "message": last.message,
        "windows": last.window,
        "loss_history": history,
        "bits_per_char": bits,
        "unigram_bits_per_char": unigram,
        "perplexity": perplexity(bits),
        "sample": written,
    }
