"""Which cell can carry a number across a long gap: train vanilla, GRU and LSTM on the long-lag
task (rnn_py.studies.remember) with the same seeds, epochs, batch, learning rate and optimizer, and
measure each on examples it never trained on.

Each gated cell is measured from more than one start: its memory bias (the GRU's b_z, the
LSTM's b_f) at 1, the page's default, and at 5; the vanilla cell, which has no gate, from the
page's random start and from W_hh = I (Le, Jaitly & Hinton 2015).
"""

import argparse
import os
import statistics

from ..cells import CELLS, LABELS, has_memory_gate, params_class, random_params
from ..cells.base import check_memory_bias
from ..cli.format import Bar, num, table
from ..train import OPTIMIZERS, train_bptt
from . import remember

GAPS = (5, 10, 20, 50, 100)
MEMORY_BIASES = (1.0, 5.0)  # the gated cells' starts measured by default (1 is the page's default)
VANILLA_STARTS = ("random", "identity")  # W_hh random (the page's start) or the identity
DEFAULTS = {
    "seeds": 3,
    "epochs": 300,
    "batch": 16,
    "hidden": 4,
    "optimizer": "adam",
    "lr": 0.03,
    "clip": 5.0,
    "test_size": 100,
}


def starts(cell, biases=MEMORY_BIASES, vanilla=VANILLA_STARTS):
    """The starts measured for a cell: its memory biases if it has a memory gate, else the
    vanilla starts ("random": the page's; "identity": W_hh = I)."""
    return tuple(float(b) for b in biases) if has_memory_gate(cell) else tuple(vanilla)


def start_params(cell, hidden, seed, start):
    """A cell's seeded start: a memory bias (a number) for a gated cell, "random" or "identity"
    for the vanilla cell."""
    if isinstance(start, str):
        return params_class(cell).random(hidden, seed, identity=start == "identity")
    return random_params(cell, hidden, seed, memory_bias=start)


def row_label(cell, start):
    """A table row's name: "GRU, b_z = 5", "Vanilla RNN, W_hh = I", "Vanilla RNN"."""
    if start == "identity":
        return f"{LABELS[cell]}, W_hh = I"
    if isinstance(start, str):
        return LABELS[cell]
    return f"{LABELS[cell]}, b_{params_class(cell).MEMORY_GATE} = {start:g}"


def final_loss(cell, gap, seed, epochs, batch, hidden, optimizer, lr, clip, test_size,
               start=None):  # fmt: skip
    """Train one cell from its seeded start (by default the page's; see start_params); its mean
    loss on `test_size` unseen examples (inf when training diverged)."""
    task = remember.Remember(gap, batch, seed)
    if start is None:
        params = random_params(cell, hidden, seed)
    else:
        params = start_params(cell, hidden, seed, start)
    *_, last = train_bptt(params, task, "tanh", lr, clip, epochs, optimizer)
    if last.status == "diverged":
        return float("inf")
    return remember.evaluate(last.params, task.test_set(test_size))


def _one(job):
    return final_loss(*job)


def measure(cells=CELLS, gaps=GAPS, progress=None, jobs=1, biases=MEMORY_BIASES,
            vanilla=VANILLA_STARTS, **settings):  # fmt: skip
    """{"rows": [{"cell", "start", "label", "gaps": {gap: {"median_loss", "solved", "losses"}}}],
    "settings": {...}}: a row per cell and start (`starts`), the median final loss over seeds
    0..seeds−1, and the fraction of seeds whose loss is below remember.SOLVED (against
    remember.BASELINE, the loss of always answering 0). jobs > 1 trains that many runs at once
    in separate processes (the same numbers, sooner).

    >>> r = measure(cells=("gru",), gaps=(2,), biases=(5,), seeds=1, epochs=3, batch=2, hidden=1)
    >>> r["rows"][0]["label"], sorted(r["rows"][0]["gaps"]["2"])
    ('GRU, b_z = 5', ['losses', 'median_loss', 'solved'])
    """
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    s = {**DEFAULTS, **settings}
    for gap in gaps:
        remember.check_gap(gap)
    keys = ("epochs", "batch", "hidden", "optimizer", "lr", "clip", "test_size")
    rows = [(cell, start) for cell in cells for start in starts(cell, biases, vanilla)]
    runs = [
        (cell, gap, seed, *(s[k] for k in keys), start)
        for cell, start in rows
        for gap in gaps
        for seed in range(s["seeds"])
    ]
    if jobs > 1:
        from multiprocessing import Pool  # not in the browser, which never runs this

        with Pool(jobs) as pool:
            losses = []
            for loss in pool.imap(_one, runs):
                losses.append(loss)
                if progress:
                    progress()
    else:
        losses = []
        for run in runs:
            losses.append(_one(run))
            if progress:
                progress()
    by_run = dict(zip(((r[0], r[-1], r[1], r[2]) for r in runs), losses, strict=True))
    out = []
    for cell, start in rows:
        by_gap = {}
        for gap in gaps:
            found = [by_run[cell, start, gap, seed] for seed in range(s["seeds"])]
            by_gap[str(gap)] = {
                "median_loss": statistics.median(found),
                "solved": sum(loss < remember.SOLVED for loss in found) / len(found),
                "losses": found,
            }
        out.append({"cell": cell, "start": start, "label": row_label(cell, start), "gaps": by_gap})
    settings_out = {
        **s,
        "cells": list(cells),
        "gaps": list(gaps),
        "memory_biases": [float(b) for b in biases],
        "vanilla_starts": list(vanilla),
        "noise": remember.NOISE,
        "solved_below": remember.SOLVED,
        "baseline": remember.BASELINE,
        "activation (vanilla)": "tanh",
    }
    return {"rows": out, "settings": settings_out}


def entry(row):
    """One table entry: the median loss to 3 significant digits and the seeds that solved it."""
    solved = round(row["solved"] * len(row["losses"]))
    return f"{row['median_loss']:.3g} ({solved}/{len(row['losses'])})"


def markdown(result):
    """The measurement as the README's table: a row per cell and start, a column per gap."""
    gaps = result["settings"]["gaps"]
    width = max(11, *(len(row["label"]) for row in result["rows"]))
    head = f"| {'cell':<{width}} | " + " | ".join(f"gap {g}" for g in gaps) + " |"
    rule = f"|{'-' * (width + 2)}|" + "|".join("-" * (len(f"gap {g}") + 1) + ":" for g in gaps)
    rows = [
        f"| {row['label']:<{width}} | " + " | ".join(entry(row["gaps"][str(g)]) for g in gaps)
        + " |"
        for row in result["rows"]
    ]
    return "\n".join([head, rule + "|", *rows])


# ---- python -m rnn_py cells -------------------------------------------------------------------


def add_parser(commands):
    """The cells subcommand's flags."""
    lag = commands.add_parser(
        "cells", help="vanilla, GRU and LSTM on the long-lag task: who remembers across a gap"
    )
    d = DEFAULTS
    lag.add_argument("--cells", type=cell_names, default=CELLS, metavar="C,C,...",
                     help="cells to train (default vanilla,gru,lstm)")  # fmt: skip
    lag.add_argument("--gaps", type=hidden_sizes, default=GAPS, metavar="G,G,...",
                     help="gaps, 2 to 100 (default 5,10,20,50,100)")  # fmt: skip
    for flag, kind, what in (("--seeds", int, "seeds 0..K-1"), ("--epochs", int, "epochs"),
                             ("--batch", int, "examples per epoch"),
                             ("--hidden", int, "hidden units"), ("--lr", float, "learning rate"),
                             ("--clip", float, "gradient clipping limit")):  # fmt: skip
        lag.add_argument(
            flag, type=kind, default=d[flag[2:]], help=f"{what} (default {d[flag[2:]]})"
        )
    lag.add_argument("--gate-bias", type=biases_list, default=MEMORY_BIASES, metavar="B,B,...",
                     help="the gated cells' memory biases (GRU b_z, LSTM b_f) to start from "
                          "(default 1,5)")  # fmt: skip
    lag.add_argument("--vanilla-starts", type=vanilla_starts, default=VANILLA_STARTS,
                     metavar="S,S", help="the vanilla cell's starts: random, identity (W_hh = I) "
                     "(default random,identity)")  # fmt: skip
    lag.add_argument("--optimizer", choices=OPTIMIZERS, default=d["optimizer"],
                     help=f"gd or adam (default {d['optimizer']})")  # fmt: skip
    lag.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                     help="runs at once, in separate processes (default: up to 2)")  # fmt: skip
    lag.add_argument("--json", action="store_true", help="print the result as JSON")


def cell_names(text):
    names = tuple(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))
    if not names or any(name not in CELLS for name in names):
        raise argparse.ArgumentTypeError(f"{text!r}: choose from {','.join(CELLS)}")
    return names


def biases_list(text):
    """--gate-bias 1,5 as a tuple of memory biases."""
    try:
        biases = tuple(dict.fromkeys(check_memory_bias(float(v)) for v in text.split(",") if v))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r}: {error}") from None
    if not biases:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of numbers like 1,5")
    return biases


def vanilla_starts(text):
    names = tuple(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))
    if not names or any(name not in VANILLA_STARTS for name in names):
        raise argparse.ArgumentTypeError(f"{text!r}: choose from {','.join(VANILLA_STARTS)}")
    return names


def hidden_sizes(text):
    """--gaps 5,20 as a tuple of whole numbers."""
    try:
        sizes = tuple(int(item) for item in text.split(",") if item.strip())
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of whole numbers like 5,20")
    return tuple(dict.fromkeys(sizes))


def run(args):
    """The cells command: measure, print the table (or return it for --json)."""
    rows = sum(len(starts(cell, args.gate_bias, args.vanilla_starts)) for cell in args.cells)
    runs = rows * len(args.gaps) * args.seeds
    bar = Bar(runs, "cells")
    ticks = bar.count(iter(range(runs)))
    settings = {k: getattr(args, k) for k in ("seeds", "epochs", "batch", "hidden", "lr", "clip")}
    result = measure(
        args.cells, args.gaps, lambda: next(ticks), args.jobs, args.gate_bias,
        args.vanilla_starts, optimizer=args.optimizer, **settings,
    )  # fmt: skip
    bar.close()
    if not args.json:
        s = result["settings"]
        print(
            f"cells: remember x_0 across a gap (noise σ {s['noise']}); n = {s['hidden']}, "
            f"{s['optimizer']} lr {s['lr']:g}, clip {s['clip']:g}, batch {s['batch']}, "
            f"{s['epochs']} epochs, seeds 0..{s['seeds'] - 1}; loss on {s['test_size']} unseen "
            f"examples; solved below {s['solved_below']} (answering 0 scores 0.333)"
        )
        print()
        lines = [
            (row["label"], int(gap), num(r["median_loss"]), f"{r['solved']:.0%}")
            for row in result["rows"]
            for gap, r in row["gaps"].items()
        ]
        print(table(("cell and start", "gap", "median loss", "seeds solved"), lines, left=1))
    return {"command": "cells", **result}
