"""The speed suite's pure helpers (bench/report.py and the asset list of bench/run.py): medians,
percentiles, ratios, budget verdicts and the table. CPython only; nothing here is timed."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from report import Budget, Row, format_value, median, percentile, ratio, table  # noqa: E402


def test_median_ignores_missing_values_and_averages_the_middle_pair():
    assert median([5.0, 1.0, 3.0]) == 3.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([None, 2.0, None]) == 2.0
    assert median([]) is None
    assert median([None]) is None


def test_percentile_interpolates_between_ranks():
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], 101)


def test_ratio_is_none_when_it_cannot_be_computed():
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(3.0, None) is None
    assert ratio(3.0, 0) is None


def test_format_value_keeps_three_significant_digits_and_the_unit():
    assert format_value(2.71828, "s") == "2.72 s"
    assert format_value(0.0123, "s") == "0.0123 s"
    assert format_value(1234.6, "ms") == "1,235 ms"
    assert format_value(1.2, "×") == "1.20×"
    assert format_value(None, "s") == "n/a"
    assert format_value(0.0, "ms") == "0 ms"


def test_at_most_budget_is_met_at_the_limit_and_missed_above_it():
    budget = Budget("<=", 1.10)
    assert budget.verdict(1.10, "×") == "met"
    assert budget.verdict(0.9, "×") == "met"
    assert budget.verdict(1.32, "×") == "missed by 0.220× (+20%)"
    assert budget.verdict(None) == "n/a"
    assert budget.text("×") == "≤ 1.10×"


def test_at_least_budget_reports_the_shortfall():
    budget = Budget(">=", 50.0)
    assert budget.met(50.0) is True
    assert budget.met(49.9) is False
    assert budget.verdict(21.0, "fps") == "missed by 29.0 fps (-58%)"
    assert budget.text("fps") == "≥ 50.0 fps"


def test_a_budget_needs_a_known_comparison():
    with pytest.raises(ValueError, match="budget"):
        Budget("<", 1.0)


def test_table_has_one_line_per_row_with_value_budget_and_verdict():
    rows = [
        "Cold visit",
        Row("ready", 3.3, "s", Budget("<=", 3.0), note="5 runs"),
        Row("fcp", 184.0, "ms"),
        Row("landscape", None, "s", Budget("<=", 1.0)),
    ]
    lines = table(rows).splitlines()
    assert lines[0] == "| figure | value | budget | verdict | note |"
    assert lines[2] == "| **Cold visit** |  |  |  |  |"
    assert lines[3] == "| ready | 3.30 s | ≤ 3.00 s | missed by 0.300 s (+10%) | 5 runs |"
    assert lines[4] == "| fcp | 184 ms |  |  |  |"
    assert lines[5] == "| landscape | n/a | ≤ 1.00 s | n/a |  |"
    assert len(lines) == 6


def test_assets_counts_each_file_once_with_its_gzip_size(tmp_path):
    sys.path.insert(0, str(BENCH.parent))
    import run  # bench/run.py; importing it starts nothing

    (tmp_path / "index.html").write_text("<p>hello</p>" * 50)
    (tmp_path / "vendor").mkdir()
    data = bytes(range(256)) * 40
    (tmp_path / "vendor" / "a.wasm").write_bytes(data)
    (tmp_path / "lazy.zip").write_bytes(data * 2)
    base = "http://127.0.0.1:9/"
    urls = [base, base + "vendor/a.wasm", base + "vendor/a.wasm?x=1", "data:,x", base + "gone.js"]
    urls.append(base + "lazy.zip")
    files = run.assets(tmp_path, urls, base, later=[base + "lazy.zip"])
    sizes = {path: (raw, gz) for path, raw, gz, _ in files}
    assert sizes["vendor/a.wasm"] == (len(data), len(gzip.compress(data, 9, mtime=0)))
    assert sizes["index.html"][0] == len("<p>hello</p>" * 50)
    assert sizes["gone.js"] == (0, 0)  # requested but not in the build: nothing to count
    assert len(files) == 4
    start = [f for f in files if f[3] == "start"]
    assert [f[0] for f in files if f[3] == "idle"] == ["lazy.zip"]  # fetched after ready
    assert [f[2] for f in start] == sorted((f[2] for f in start), reverse=True)
    lines = run.asset_table(files).splitlines()
    assert lines[-2].startswith("| **until ready and first numbers, 3 files** |")
    assert lines[-2].split("|")[3].strip() == f"**{sum(f[2] for f in start):,}**"
    assert lines[-1].startswith("| **after that, at idle, 1 files** |")
