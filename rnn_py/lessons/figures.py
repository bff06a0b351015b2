"""Every figure the README and the page quote, recomputed in one place.

`python -m rnn_py figures` prints each one by name; `--check README.md site/index.html` says
which quoted figures differ from the recomputed ones (beyond the digits printed), and
`--write` rewrites them. In a text a figure sits between two markers,

    <!-- figure:cliffs.ratio -->1728<!-- /figure -->

so a later edit of the text stays checked (tests/test_figures.py runs the check). The message
catalogues quote the page's figures too, markers and all, in msgid and msgstr alike:
`--check` and `--write` read locale/*.po and locale/messages.pot as text, like the others
(a marker never spans a line there: buildsite/po.py splits a message only at a newline, and
the page's units have none). Figures come
in groups, each computed by one function; `compute(names)` runs only the groups it needs.
"""

import contextlib
import io
import itertools
import math
import re

from ..cells.vanilla import ACTIVATIONS, Params, backward, forward
from ..cli import compare
from ..sequences import SEQUENCES, make_sequence
from ..studies.landscape import CLIFFS, cliff_step, loss_map, steepest
from ..studies.units import COMPARE_EPOCHS, best_losses, best_one_unit, exact_loss, exact_two_units
from ..train import RUN_LENGTH, random_search, train_bptt

MARK = re.compile(r"<!-- figure:([\w.-]+) -->(.*?)<!-- /figure -->", re.DOTALL)
GROUPS = {}  # group name → function returning {figure name: text}


def group(fn):
    GROUPS[fn.__name__.lstrip("_").replace("_", "-")] = fn
    return fn


def _g(v, digits=3):
    """v with `digits` significant digits, as the README writes numbers."""
    return f"{v:.{digits}g}"


def _span(values, decimals):
    low, high = min(values), max(values)
    return f"{low:.{decimals}f}–{high:.{decimals}f}"


def _compare_table(argv):
    """The table `python -m rnn_py compare ARGV` prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        compare.run(compare.parse(argv))
    return "\n".join(line for line in out.getvalue().splitlines() if line.startswith("|"))


# ---- BPTT against random search --------------------------------------------------------------


@group
def _compare():
    """Both tables of `python -m rnn_py compare`, and what the README says about them."""
    normalized, raw = _compare_table([]), _compare_table(["--no-normalized"])
    rows = [line.split("|")[1:-1] for line in normalized.splitlines()[2:]]
    orders = [math.log10(float(r[3]) / float(r[2])) for r in rows]
    raw_rows = [[c.strip() for c in line.split("|")[1:-1]] for line in raw.splitlines()[2:]]
    random_wins = [r[0] for r in raw_rows if r[4] == "random" and r[1] == "linear"]
    return {
        "compare.normalized": normalized,
        "compare.raw": raw,
        "compare.rows": str(len(rows)),
        "compare.bptt-wins": str(sum(r[4].strip() == "BPTT" for r in rows)),
        "compare.tenfold": str(sum(o > 1 for o in orders)),
        "compare.max-orders": f"{max(orders):.1f}",
        "compare.raw-random-wins": ", ".join(random_wins[:-1]) + " and " + random_wins[-1],
    }


@group
def _seeds():
    """BPTT on normalized sine/tanh from seeds 1 and 2, against random search (compare's
    settings: lr 0.1, clipping at 5, 300 evaluations)."""
    xs = make_sequence("sine", 12, normalized=True)
    lowest, end, w_hh, rand = [], [], [], []
    for seed in (1, 2):
        steps = list(train_bptt(Params.random(1, seed), xs, "tanh", 0.1, 5.0, 300))
        lowest.append(steps[-1].best_loss)
        end.append(forward(steps[-1].params, xs, "tanh").loss)  # the weights it ends with
        w_hh.append(steps[-1].params.w_hh[0][0])
        rand.append(list(random_search(xs, "tanh", 1, 300, seed))[-1].best_loss)
    return {
        "seeds.lowest": _span(lowest, 2),
        "seeds.end": _span(end, 3),
        "seeds.w_hh": _span(w_hh, 2),
        "seeds.random": _span(rand, 2),
    }


@group
def _clip_raw():
    """Raw fibonacci, linear and exponential with the linear activation (compare's settings):
    how many of the 5 gradient entries clipping changes, epoch by epoch."""
    out = {}
    for kind in ("fibonacci", "linear", "exponential"):
        xs = make_sequence(kind, 12)
        params, counts = Params.random(1, 0), []
        for _ in range(300):
            grads = backward(params, xs, "linear").grads.flat()
            counts.append(sum(abs(d) > 5.0 for d in grads))
            theta = [
                w - 0.1 * max(-5.0, min(5.0, d)) for w, d in zip(params.flat(), grads, strict=True)
            ]
            params = Params.from_flat(1, theta)
        (last,) = list(train_bptt(Params.random(1, 0), xs, "linear", 0.1, None, 300))[-1:]
        out[f"clip-raw.{kind}.all-five"] = str(sum(c == 5 for c in counts))
        out[f"clip-raw.{kind}.fewest"] = str(min(counts))
        out[f"clip-raw.{kind}.diverges"] = (
            str(last.evaluations) if last.status == "diverged" else "-"
        )
    return out


@group
def _clip_page():
    """The page's clipping example: default weights on Sine, linear, hidden weight 1.5, the
    page's learning rate 0.05 and its 300 epochs per Train click."""
    xs = make_sequence("sine", 12)
    start = Params.scalar(0.5, 1.5, 1.0, 0.0, 0.0)
    on = list(train_bptt(start, xs, "linear", 0.05, 5.0, 300))
    off = list(train_bptt(start, xs, "linear", 0.05, None, 300))
    return {
        "clip-page.engaged": str(sum(s.clipped for s in on)),
        "clip-page.end": f"{on[-1].loss:.3f}",
        "clip-page.diverges": str(off[-1].evaluations) if off[-1].status == "diverged" else "-",
    }


# ---- the loss landscape's cliffs -------------------------------------------------------------


def _ratio(params, size, x_range, y_range):
    m = loss_map(params, CLIFFS.xs(), CLIFFS.activation, CLIFFS.x_key, CLIFFS.y_key, x_range,
                 y_range, size, gradients=True)  # fmt: skip
    return steepest(m.grad_norms)


@group
def _cliffs():
    """The Cliffs preset: its wall, one step with and without clipping, 300 epochs of each."""
    wall = _ratio(CLIFFS.params, 48, CLIFFS.x_range, CLIFFS.y_range)
    xs = CLIFFS.xs()
    s = cliff_step(CLIFFS.params, xs, CLIFFS.activation, lr=CLIFFS.lr, limit=5.0)
    ends = {}
    for limit in (5.0, None):
        *_, last = train_bptt(CLIFFS.params, xs, CLIFFS.activation, CLIFFS.lr, limit, 300)
        ends[limit] = last.loss
    return {
        "cliffs.norm": f"{wall.norm:.0f}",
        "cliffs.ratio": f"{wall.ratio:.0f}",
        "cliffs.median": f"{wall.median:.2f}",
        "cliffs.clipped-move": f"{s.clipped_move:.3f}",
        "cliffs.unclipped-move": f"{s.unclipped_move:.1f}",
        "cliffs.farther": f"{s.unclipped_move / s.clipped_move:.0f}",
        "cliffs.clipped-loss": f"{ends[5.0]:.4f}",
        "cliffs.unclipped-loss": f"{ends[None]:.4f}",
    }


@group
def _grids():
    """How high the wall stands above the median on grids of 40, 48, 56 and 64 points: the
    preset, and the page's default weights over W_hh ∈ [0, 4] × b_h ∈ [−2, 2] on its sequence."""
    sizes = (40, 48, 56, 64)
    preset = [_ratio(CLIFFS.params, k, CLIFFS.x_range, CLIFFS.y_range).ratio for k in sizes]
    default = Params.scalar(0.5, 0.8, 1.0, 0.0, 0.0)
    plain = [_ratio(default, k, (0.0, 4.0), (-2.0, 2.0)).ratio for k in sizes]
    return {
        "grids.preset": ", ".join(f"{r:.0f}" for r in preset[:3]) + f" and {preset[3]:.0f}",
        "grids.default-48": f"{plain[1]:.0f}",
        "grids.default-others": f"{plain[0]:.0f}, {plain[2]:.0f} and {plain[3]:.0f}",
    }


# ---- hidden units ----------------------------------------------------------------------------


UNITS_HEADER = (
    "| sequence    | activation |     n = 1 |     n = 2 |     n = 3 |\n"
    "|-------------|------------|----------:|----------:|----------:|"
)
UNITS_ROWS = list(itertools.product(SEQUENCES, ("tanh", "linear")))


def units_row(kind, activation):
    """One row of the README's units table: the best loss of 1, 2 and 3 units (seeds 0–3, 4000
    epochs, lr 0.05, clipping at 5) on the normalized sequence; (its line, {n: loss})."""
    xs = make_sequence(kind, 12, normalized=True)
    losses = {n: loss for n, (loss, _) in best_losses(xs, activation, (1, 2, 3)).items()}
    cells = " | ".join(f"{_g(losses[n]):>9}" for n in (1, 2, 3))
    return f"| {kind:<11} | {activation:<10} | {cells} |", losses


@group
def _units():
    """The README's units table (`python -m rnn_py units`, every sequence normalized), and the
    figures its text quotes. The slowest group: 10 rows × 3 sizes × 4 seeds × 4000 epochs."""
    lines, table = [UNITS_HEADER], {}
    for kind, activation in UNITS_ROWS:
        line, table[kind, activation] = units_row(kind, activation)
        lines.append(line)
    return {"units.table": "\n".join(lines), **units_text(table)}


def units_text(table):
    """The figures the README's text quotes from the units table {(kind, activation): {n: loss}}."""
    fib = make_sequence("fibonacci", 12, normalized=True)
    return {
        "units.sine-one-tanh": _g(table["sine", "tanh"][1], 2),
        "units.sine-one-linear": _g(table["sine", "linear"][1], 2),
        "units.sine-two-tanh": f"{table['sine', 'tanh'][2]:.0e}",
        "units.sine-two-linear": f"{table['sine', 'linear'][2]:.1e}",
        "units.fib-one-linear": f"{table['fibonacci', 'linear'][1]:.0e}",
        "units.fib-two-linear": f"{table['fibonacci', 'linear'][2]:.1e}",
        "units.fib-exact": f"{exact_loss(fib):.0e}",
    }


@group
def _one_unit():
    """What one unit does on normalized Sine: what training reached (best of seeds 0–3 after
    2000 epochs, the page's budget) and what a hard search reaches (`best_one_unit`), against
    two linear units' exact weights."""
    xs = make_sequence("sine", 12, normalized=True)
    out = {}
    for activation in ("tanh", "linear"):
        trained = best_losses(xs, activation, (1,), epochs=COMPARE_EPOCHS)[1][0]
        searched, _ = best_one_unit(xs, activation)
        out[f"one-unit.trained-{activation}"] = f"{trained:.3f}"
        out[f"one-unit.search-{activation}"] = f"{searched:.4f}"
    two = forward(exact_two_units(xs), xs, "linear").loss
    out["one-unit.exact-two"] = f"{two:.0e}"
    return out


# ---- the challenge "Beat random search" ------------------------------------------------------


@group
def _beat():
    """BPTT (300 epochs from the default weights, lr 0.05, clipping at 5) against Random Search
    (300 tries, seed 1, the page's first search) on every sequence, activation and scaling."""
    default = Params.scalar(0.5, 0.8, 1.0, 0.0, 0.0)
    lower = tenfold = total = 0
    first = None
    for kind, activation, normalized in itertools.product(SEQUENCES, ACTIVATIONS, (False, True)):
        xs = make_sequence(kind, 12, normalized=normalized)
        bptt = list(train_bptt(default, xs, activation, 0.05, 5.0, 300))[-1].loss
        rand = list(random_search(xs, activation, 1, 300, 1))[-1].best_loss
        total += 1
        lower += bptt < rand
        tenfold += 10 * bptt <= rand
        if (kind, activation, normalized) == ("sine", "tanh", False):
            first = (bptt, rand)
    return {
        "beat.lower": str(lower),
        "beat.tenfold": str(tenfold),
        "beat.total": str(total),
        "beat.first-bptt": f"{first[0]:.3f}",
        "beat.first-random": f"{first[1]:.3f}",
    }


@group
def _memory():
    """The "Remember across 100 steps" preset's run, as the page trains it (seed 0, Adam, 300
    epochs of 16 examples, gap 100, 4 units), measured on 100 examples it never saw: from its
    memory bias b_z = 5, and from the default b_z = 1; and how near 1 the trained GRU's update
    gate stays along the example the page shows."""
    from ..cells import forward
    from ..page.gateview import MEMORY_PRESET as m
    from ..studies import longlag, remember

    def trained(bias):
        task = remember.Remember(m["gap"], m["batch"], m["seed"])
        start = longlag.start_params(m["cell"], m["hidden"], m["seed"], bias)
        *_, last = train_bptt(start, task, "tanh", m["lr"], 5.0, RUN_LENGTH, m["optimizer"])
        return last.params, remember.evaluate(last.params, task.test_set(100)), task.shown()

    params, biased, (xs, targets) = trained(m["memory_bias"])
    gates = forward(params, xs, "tanh", targets).gates
    z_means = [sum(g["z"][i] for g in gates) / len(gates) for i in range(params.n)]
    default = trained(1.0)[1]
    if not biased < remember.SOLVED:  # the page says, in every language, that the preset solves it
        raise ValueError(
            f"The memory preset's held-out loss {biased:.3g} is no longer below "
            f"{remember.SOLVED}: rewrite the sentence that says it is (site/index.html, "
            "#remember-100-hint, and its translations in locale/)."
        )
    return {
        "memory.bias": f"{m['memory_bias']:g}",
        "memory.z": f"{1 / (1 + math.exp(-m['memory_bias'])):.3f}",
        "memory.keep-5": _g((1 / (1 + math.exp(-5.0))) ** 100),
        "memory.keep-1": _g((1 / (1 + math.exp(-1.0))) ** 100),
        "memory.preset": _g(biased),
        "memory.default": _g(default),
        "memory.baseline": f"{remember.BASELINE:.3f}",
        "memory.z-trained": f"{math.floor(min(z_means) * 100) / 100:.2f}",
    }


# ---- computing and checking ------------------------------------------------------------------


def group_of(name):
    """The group that computes a figure: its name up to the first dot."""
    return name.split(".")[0]


def compute(names=None):
    """{name: text} for the given figure or group names (every figure when None)."""
    groups = GROUPS if names is None else {group_of(n) for n in names}
    out = {}
    for g in groups:
        if g not in GROUPS:
            raise ValueError(f"No figure group {g!r}; the groups are {', '.join(GROUPS)}.")
        out.update(GROUPS[g]())
    if names is None:
        return out
    whole = {group_of(n) for n in names if "." not in n}
    return {k: v for k, v in out.items() if k in names or group_of(k) in whole}


def marked(text):
    """The figures a text quotes between markers: [(name, quoted text)]."""
    return [(m.group(1), m.group(2)) for m in MARK.finditer(text)]


_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?")


def agrees(quoted, computed):
    """Whether a quoted figure says what the computed one says, to the digits it prints: the
    words must match and every number must lie within half a unit of its last printed digit."""
    q_numbers, c_numbers = _NUMBER.findall(quoted), _NUMBER.findall(computed)
    if _NUMBER.sub("#", quoted).split() != _NUMBER.sub("#", computed).split():
        return False
    if len(q_numbers) != len(c_numbers):
        return False
    return all(_close(q, c) for q, c in zip(q_numbers, c_numbers, strict=True))


def _close(quoted, computed):
    q = quoted.replace(",", "").replace("−", "-")
    c = float(computed.replace(",", "").replace("−", "-"))
    mantissa, _, exponent = q.partition("e")
    decimals = len(mantissa.partition(".")[2])
    half = 0.5 * 10.0 ** (-decimals + (int(exponent) if exponent else 0))
    return abs(float(q) - c) <= half * (1 + 1e-9)


def check(text, figures):
    """[(name, quoted, computed)] for every marked figure of text that disagrees with figures
    (a name figures lacks counts as disagreeing, with computed None)."""
    wrong = []
    for name, quoted in marked(text):
        computed = figures.get(name)
        if computed is None or not agrees(quoted.strip(), computed.strip()):
            wrong.append((name, quoted, computed))
    return wrong


def rewrite(text, figures):
    """text with every marked figure replaced by its computed value."""

    def fill(m):
        value = figures.get(m.group(1))
        if value is None:
            return m.group(0)
        inside = m.group(2)
        if "\n" in value:  # a table: on its own lines, as the marker's text was
            value = "\n" + value + "\n"
        elif inside != inside.strip():
            value = inside[: len(inside) - len(inside.lstrip())] + value
        return f"<!-- figure:{m.group(1)} -->{value}<!-- /figure -->"

    return MARK.sub(fill, text)


def command(names, files, write, as_json):
    """`python -m rnn_py figures`: print the figures (or the groups) named, or all of them;
    with files, only those the files quote, and which of them disagree (exit status 1)."""
    texts = {}
    for path in files or ():
        with open(path, encoding="utf-8") as f:
            texts[path] = f.read()
    if texts:
        names = sorted({n for text in texts.values() for n, _ in marked(text)})
    figures = compute(names or None)
    wrong = {path: check(text, figures) for path, text in texts.items()}
    if not as_json:
        for name, value in figures.items():
            print(f"{name}:" + ("\n" if "\n" in value else " ") + value)
        for path, bad in wrong.items():
            for name, quoted, computed in bad:
                print(f"{path}: {name} says {quoted.strip()!r}, recomputed {computed!r}")
            if not bad:
                print(f"{path}: every marked figure agrees")
    if write:
        for path, text in texts.items():
            with open(path, "w", encoding="utf-8") as f:
                f.write(rewrite(text, figures))
    elif any(wrong.values()):
        raise ValueError("some quoted figures disagree with the recomputed ones (listed above).")
    return {"figures": figures, "disagree": {p: [w[0] for w in b] for p, b in wrong.items()}}
