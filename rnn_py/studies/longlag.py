"""Which cell can carry a number across a long gap: train vanilla, GRU and LSTM on the long-lag
task (rnn_py.studies.remember) with the same seeds, epochs, batch, learning rate and optimizer, and
measure each on examples it never trained on.

    >>> r = measure(cells=("gru",), gaps=(2,), seeds=1, epochs=3, batch=2, hidden=1)
    >>> sorted(r["cells"]["gru"]["2"])
    ['losses', 'median_loss', 'solved']
"""

import argparse
import os
import statistics

from ..cells import CELLS, LABELS, random_params
from ..cli.format import Bar, num, table
from ..train import OPTIMIZERS, train_bptt
from . import remember

GAPS = (5, 10, 20, 50, 100)
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


def final_loss(cell, gap, seed, epochs, batch, hidden, optimizer, lr, clip, test_size):
    """Train one cell from its seeded random start; its mean loss on `test_size` unseen examples
    (inf when training diverged)."""
    task = remember.Remember(gap, batch, seed)
    params = random_params(cell, hidden, seed)
    *_, last = train_bptt(params, task, "tanh", lr, clip, epochs, optimizer)
    if last.status == "diverged":
        return float("inf")
    return remember.evaluate(last.params, task.test_set(test_size))


def _one(job):
    return final_loss(*job)


def measure(cells=CELLS, gaps=GAPS, progress=None, jobs=1, **settings):
    """{"cells": {cell: {gap: {"median_loss", "solved", "losses"}}}, "settings": {...}}: the
    median final loss over seeds 0..seeds−1, and the fraction of seeds whose loss is below
    remember.SOLVED (against remember.BASELINE, the loss of always answering 0). jobs > 1 trains
    that many runs at once in separate processes (the same numbers, sooner)."""
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    s = {**DEFAULTS, **settings}
    for gap in gaps:
        remember.check_gap(gap)
    keys = ("epochs", "batch", "hidden", "optimizer", "lr", "clip", "test_size")
    runs = [
        (cell, gap, seed, *(s[k] for k in keys))
        for cell in cells
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
    by_run = dict(zip(((r[0], r[1], r[2]) for r in runs), losses, strict=True))
    out = {}
    for cell in cells:
        out[cell] = {}
        for gap in gaps:
            found = [by_run[cell, gap, seed] for seed in range(s["seeds"])]
            out[cell][str(gap)] = {
                "median_loss": statistics.median(found),
                "solved": sum(loss < remember.SOLVED for loss in found) / len(found),
                "losses": found,
            }
    settings_out = {
        **s,
        "cells": list(cells),
        "gaps": list(gaps),
        "noise": remember.NOISE,
        "solved_below": remember.SOLVED,
        "baseline": remember.BASELINE,
        "activation (vanilla)": "tanh",
    }
    return {"cells": out, "settings": settings_out}


def entry(row):
    """One table entry: the median loss to 3 significant digits and the seeds that solved it."""
    solved = round(row["solved"] * len(row["losses"]))
    return f"{row['median_loss']:.3g} ({solved}/{len(row['losses'])})"


def markdown(result):
    """The measurement as the README's table: a row per cell, a column per gap."""
    from ..cells import LABELS

    gaps = result["settings"]["gaps"]
    head = "| cell        | " + " | ".join(f"gap {g}" for g in gaps) + " |"
    rule = "|-------------|" + "|".join("-" * (len(f"gap {g}") + 1) + ":" for g in gaps) + "|"
    rows = [
        f"| {LABELS[cell]:<11} | " + " | ".join(entry(by_gap[str(g)]) for g in gaps) + " |"
        for cell, by_gap in result["cells"].items()
    ]
    return "\n".join([head, rule, *rows])


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
    runs = len(args.cells) * len(args.gaps) * args.seeds
    bar = Bar(runs, "cells")
    ticks = bar.count(iter(range(runs)))
    settings = {k: getattr(args, k) for k in ("seeds", "epochs", "batch", "hidden", "lr", "clip")}
    result = measure(
        args.cells, args.gaps, lambda: next(ticks), args.jobs, optimizer=args.optimizer, **settings
    )
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
        rows = [
            (LABELS[cell], int(gap), num(r["median_loss"]), f"{r['solved']:.0%}")
            for cell, by_gap in result["cells"].items()
            for gap, r in by_gap.items()
        ]
        print(table(("cell", "gap", "median loss", "seeds solved"), rows, left=1))
    return {"command": "cells", **result}
