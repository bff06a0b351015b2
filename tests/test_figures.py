"""Every figure the README and the page quote, recomputed: each text marks its figures with
<!-- figure:name -->…<!-- /figure -->, and rnn_py.lessons.figures recomputes them. A figure that
differs
beyond the digits it prints fails here, so the texts cannot drift from the code."""

import math
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_py import lessons
from rnn_py.lessons import figures
from rnn_py.lessons.figures import GROUPS, UNITS_HEADER, UNITS_ROWS, agrees, check, group_of, marked

ROOT = Path(__file__).resolve().parent.parent
# the message catalogues quote the page's figures in every language (rnn_py.lessons.figures)
LOCALE = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "locale").glob("*.po*"))
TEXTS = {
    name: (ROOT / name).read_text(encoding="utf-8")
    for name in ("README.md", "site/index.html", *LOCALE)
}


def quoted(group):
    """[(file, name, quoted text)] for one group's figures in the README and the page."""
    return [(f, n, q) for f, text in TEXTS.items() for n, q in marked(text) if group_of(n) == group]


def test_the_texts_mark_their_figures():
    names = {n for text in TEXTS.values() for n, _ in marked(text)}
    for expected in ("compare.normalized", "compare.raw", "seeds.end", "clip-raw.linear.fewest",
                     "cliffs.ratio", "grids.preset", "units.table", "one-unit.search-tanh",
                     "clip-page.engaged"):  # fmt: skip
        assert expected in names
    assert all(group_of(n) in GROUPS for n in names)
    page = {n for n, _ in marked(TEXTS["site/index.html"])}
    assert {"clip-page.engaged", "one-unit.search-linear", "one-unit.exact-two"} <= page


@pytest.mark.parametrize("group", sorted(set(GROUPS) - {"units"}))
def test_quoted_figures_agree_with_the_recomputed_ones(group):
    computed = GROUPS[group]()
    found = quoted(group)
    if group != "beat":  # the challenge's figures live in rnn_py/lessons/__init__.py
        assert found, f"no text quotes the {group} figures"
    for file, name, text in found:
        assert name in computed, f"{file}: unknown figure {name}"
        assert agrees(text.strip(), computed[name]), (file, name, text, computed[name])


@pytest.mark.parametrize(("kind", "activation"), UNITS_ROWS)
def test_units_table_row_agrees(kind, activation):
    """One row of the README's units table, recomputed (the slow figures: 3 sizes × 4 seeds ×
    4000 epochs each; the rows run in parallel)."""
    (table,) = [q for _, n, q in quoted("units") if n == "units.table"]
    lines = table.strip().splitlines()
    assert "\n".join(lines[:2]) == UNITS_HEADER
    assert len(lines) == 2 + len(UNITS_ROWS)
    (line,) = [
        x for x in lines[2:] if x.split("|")[1:3] == [f" {kind:<11} ", f" {activation:<10} "]
    ]
    computed, _ = figures.units_row(kind, activation)
    assert agrees(line, computed), (line, computed)


def test_units_text_follows_from_the_table():
    """The sentences under the units table quote its cells (checked row by row above)."""
    (table,) = [q for _, n, q in quoted("units") if n == "units.table"]
    cells = {}
    for line in table.strip().splitlines()[2:]:
        kind, activation, *losses = (c.strip() for c in line.split("|")[1:-1])
        cells[kind, activation] = {n: float(v) for n, v in zip((1, 2, 3), losses, strict=True)}
    text = figures.units_text(cells)
    for file, name, q in quoted("units"):
        if name != "units.table":
            assert agrees(q.strip(), text[name]), (file, name, q, text[name])


def test_the_challenge_quotes_the_measured_race():
    computed = GROUPS["beat"]()
    for key, value in lessons.BEAT_MEASURED.items():
        assert agrees(str(value), computed[f"beat.{key}"]), key
    (beat,) = [c for c in lessons.CHALLENGES if c.id == "beat-random"]
    assert "usually" not in beat.explanation
    assert (
        f"in {computed['beat.lower']} of the {computed['beat.total']} settings" in beat.explanation
    )


@pytest.mark.parametrize(
    ("quoted_text", "computed", "ok"),
    [
        ("1728", "1728", True),
        ("1728", "1727.6", True),
        ("1728", "1729", False),
        ("0.438", "0.4384", True),
        ("0.438", "0.4386", False),
        ("5e-4", "5e-04", True),
        ("5e-4", "6e-04", False),
        ("0.31–0.34", "0.31–0.35", False),
        ("37, 1728, 55 and 143", "37, 1728, 55 and 143", True),
        ("37, 1728 and 143", "37, 1728, 55 and 143", False),
        ("fibonacci and linear", "fibonacci and exponential", False),
        ("| a | 1.5 |", "| a |  1.5 |", True),
    ],
)
def test_agrees_compares_to_the_printed_digits(quoted_text, computed, ok):
    assert agrees(quoted_text, computed) is ok


def test_check_reports_an_unknown_or_wrong_figure():
    text = "<!-- figure:cliffs.ratio -->1729<!-- /figure --> <!-- figure:x.y -->1<!-- /figure -->"
    assert [w[0] for w in check(text, {"cliffs.ratio": "1728"})] == ["cliffs.ratio", "x.y"]
    fixed = figures.rewrite(text, {"cliffs.ratio": "1728"})
    assert fixed.startswith("<!-- figure:cliffs.ratio -->1728<!-- /figure -->")


def test_figures_command_checks_and_rewrites_a_file(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("The wall is <!-- figure:clip-page.engaged -->3<!-- /figure --> epochs.\n")
    run = [sys.executable, "-m", "rnn_py", "figures", "--check", str(page)]
    bad = subprocess.run(run, capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "clip-page.engaged says '3', recomputed '2'" in bad.stdout
    fixed = subprocess.run([*run, "--write"], capture_output=True, text=True, cwd=ROOT)
    assert fixed.returncode == 0
    assert "<!-- figure:clip-page.engaged -->2<!-- /figure -->" in page.read_text()
    again = subprocess.run(run, capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 0 and "every marked figure agrees" in again.stdout


def test_one_unit_search_is_a_real_minimum_scipy_cross_check():
    """best_one_unit's result, checked with an independent optimiser: scipy's L-BFGS-B from the
    point it found goes no more than 5% lower, and from 4 random starts (200 iterations each)
    finds nothing below half of it."""
    import random

    import numpy as np
    import scipy.optimize as scipy_optimize

    from rnn_py import Params, make_sequence
    from rnn_py.cells.vanilla import loss_and_grads
    from rnn_py.studies.units import best_one_unit

    xs = make_sequence("sine", 12, normalized=True)
    loss, params = best_one_unit(xs, "linear", starts=10)

    def fg(theta):
        value, grads = loss_and_grads(Params.from_flat(1, list(theta)), xs, "linear")
        return value, np.array(grads.flat())

    bounds = [(-5.0, 5.0)] * 5
    polished = scipy_optimize.minimize(
        fg, params.flat(), jac=True, method="L-BFGS-B", bounds=bounds
    )
    assert polished.fun >= 0.95 * loss
    rng = random.Random(1)
    for _ in range(4):
        start = [rng.uniform(-5, 5) for _ in range(5)]
        r = scipy_optimize.minimize(
            fg, start, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 200}
        )
        assert r.fun > 0.5 * loss and math.isfinite(r.fun)
