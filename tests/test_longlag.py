"""The README's long-lag table (`python -m rnn_py cells`) and its sentences, recomputed.

The gap 5 and gap 20 columns (the ones the page and README draw conclusions from) are trained
again with the command's defaults and must print exactly as the README prints them; so must the
longer vanilla run quoted below the table. The other columns take minutes; they come from the
same code, and the README says how to rerun them.
"""

import re
from pathlib import Path

import pytest

from rnn_py.studies import longlag, remember

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def _table():
    block = re.search(r"<!-- cells-table -->\n(.*?)\n<!-- /cells-table -->", README, re.S)
    assert block, "the README has lost its cells table markers"
    lines = block.group(1).splitlines()
    gaps = [int(g) for g in re.findall(r"gap (\d+)", lines[0])]
    rows = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(gaps, cells[1:], strict=True))
    return gaps, rows


def test_the_table_lists_every_default_gap_and_cell():
    gaps, rows = _table()
    assert tuple(gaps) == longlag.GAPS
    assert list(rows) == ["Vanilla RNN", "GRU", "LSTM"]
    for row in rows.values():
        for text in row.values():
            assert re.fullmatch(r"[0-9.e-]+ \([0-3]/3\)", text), text


@pytest.mark.parametrize("cell", ["vanilla", "gru", "lstm"])
def test_gap_5_and_20_columns_are_what_the_command_measures(cell):
    result = longlag.measure(cells=(cell,), gaps=(5, 20))
    _, rows = _table()
    label = {"vanilla": "Vanilla RNN", "gru": "GRU", "lstm": "LSTM"}[cell]
    for gap in (5, 20):
        assert rows[label][gap] == longlag.entry(result["cells"][cell][str(gap)]), (cell, gap)


def test_the_sentences_under_the_table():
    """At gap 20 vanilla stays near the baseline on every seed while the GRU solves all three and
    the LSTM one; every cell solves gap 5."""
    _, rows = _table()
    solved = {label: {gap: int(text[-4]) for gap, text in row.items()} for label, row in
              rows.items()}  # fmt: skip
    assert solved["Vanilla RNN"][20] == 0 and solved["GRU"][20] == 3 and solved["LSTM"][20] == 1
    assert all(solved[label][5] == 3 for label in solved)
    assert all(solved[label][gap] == 0 for label in solved for gap in (50, 100))
    vanilla_20 = float(rows["Vanilla RNN"][20].split()[0])
    assert vanilla_20 > 0.25 * remember.BASELINE * 3  # "near the baseline" of 1/3


def test_longer_training_lets_the_vanilla_cell_solve_gap_20():
    quoted = re.search(r"losses ([0-9.]+),\s*([0-9.]+) and ([0-9.]+), so (\d) of 3 seeds", README)
    assert quoted, "the README no longer quotes the longer vanilla run"
    result = longlag.measure(cells=("vanilla",), gaps=(20,), epochs=1000, batch=32)
    row = result["cells"]["vanilla"]["20"]
    assert [f"{loss:.2g}" for loss in row["losses"]] == [
        f"{float(q):.2g}" for q in quoted.groups()[:3]
    ]
    assert round(row["solved"] * 3) == int(quoted.group(4))
