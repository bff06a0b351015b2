"""The command line's text: progress bars, numbers, weights and Markdown tables."""

import math
import sys

from .. import cells


class Bar:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total, label):
        self.total, self.label, self.done = total, label, 0
        self.shown = sys.stderr.isatty()

    def count(self, steps):
        for step in steps:
            self.done += 1
            if self.shown and self.done % max(1, self.total // 100) == 0:
                filled = 30 * self.done // self.total
                bar = "#" * filled + "." * (30 - filled)
                print(
                    f"\r{self.label} [{bar}] {self.done}/{self.total}",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
            yield step

    def close(self):
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def num(v):
    return str(v) if isinstance(v, int) else f"{v:.4g}"


def vector_text(v):
    def text(x):
        return vector_text(x) if isinstance(x, list) else num(x)

    return text(v[0]) if len(v) == 1 else "[" + ", ".join(map(text, v)) + "]"


def params_text(p):
    if cells.cell_class(p.CELL).gated:
        return ", ".join(
            f"{name}={num(v) if name == 'b_y' else vector_text(v)}"
            for name, v in p.to_dict().items()
        )
    if p.n == 1:
        return ", ".join(
            f"{k}={num(v)}"
            for k, v in zip(("w_xh", "w_hh", "w_hy", "b_h", "b_y"), p.flat(), strict=True)
        )
    rows = ", ".join(vector_text(row) for row in p.w_hh)
    return (
        f"w_xh={vector_text(p.w_xh)}, w_hh=[{rows}], w_hy={vector_text(p.w_hy)}, "
        f"b_h={vector_text(p.b_h)}, b_y={num(p.b_y)}"
    )


def table(headers, rows, left=0):
    """A Markdown table, readable in a terminal too: the first `left` columns (words) aligned left,
    the rest (numbers) right."""
    cells = [[c if isinstance(c, str) else num(c) for c in row] for row in rows]
    columns = range(len(headers))
    widths = [max(len(headers[i]), *(len(row[i]) for row in cells), 3) for i in columns]

    def line(row):
        padded = (row[i].ljust(widths[i]) if i < left else row[i].rjust(widths[i]) for i in columns)
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * (widths[i] + 2) if i < left else "-" * (widths[i] + 1) + ":" for i in columns]
    return "\n".join([line(headers), "|" + "|".join(rule) + "|", *(line(row) for row in cells)])


def finite_or_null(v):
    """JSON has no inf or nan: write them as null."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: finite_or_null(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [finite_or_null(x) for x in v]
    return v


def print_history(result, unit, label):
    history, best = result["loss_history"], result["best_loss_history"]
    last, every = len(history), max(1, len(history) // 10)
    marks = sorted({1, last, *range(every, last, every)})
    print()
    print(table((unit, label, "best so far"), [(k, history[k - 1], best[k - 1]) for k in marks]))
    print()
    print(f"status: {result['status']} after {result['evaluations']} evaluations")
    if result["message"]:
        print(result["message"])
    print(f"final loss: {num(result['final_loss'])}   best measured: {num(result['best_loss'])}")
    cls = cells.params_class(result.get("cell", "vanilla"))
    print(f"weights: {params_text(cls.from_dict(result['params']))}")


def progress(steps, total, label):
    bar = Bar(total, label)
    yield from bar.count(steps)
    bar.close()


def winner(bptt, rand):
    """Which best loss is lower, calling it a tie within 10% (or when both are below 1e-6)."""
    if not math.isfinite(bptt) or not math.isfinite(rand):
        return "neither" if bptt == rand else "BPTT" if bptt < rand else "random"
    if abs(bptt - rand) <= 0.1 * max(bptt, rand) or max(bptt, rand) < 1e-6:
        return "tie"
    return "BPTT" if bptt < rand else "random"


def describe(name, xs, args):
    scale = ", normalized" if args.normalized else ""
    return f"{name} (length {len(xs)}{scale}), {args.activation}"
