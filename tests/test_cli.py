"""`python -m rnn_py`, run as a user would, in a subprocess."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_py import Params, forward, make_sequence
from rnn_py.cells import random_params

ROOT = Path(__file__).resolve().parent.parent


def rnn_py(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "rnn_py", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def strict_json(text):
    """Parse JSON that must not contain NaN or Infinity."""

    def refuse(constant):
        raise AssertionError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_run_prints_an_aligned_table():
    out = rnn_py("run", "--sequence", "linear", "--length", "5")
    assert out.returncode == 0 and out.stderr == ""
    lines = out.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| "))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "t",
        "x_t",
        "h_t",
        "y_t",
        "target",
        "error",
    ]
    rows = [line for line in lines if line.startswith("|")]
    assert len(rows) == 2 + 5 and len({len(r) for r in rows}) == 1  # aligned
    assert "loss" in lines[-1]


def test_run_json_uses_the_default_weights():
    out = rnn_py("run", "--sequence", "fibonacci", "--normalized", "--json")
    result = strict_json(out.stdout)
    xs = make_sequence("fibonacci", 12, normalized=True)
    expected = forward(Params.scalar(0.5, 0.8, 1.0, 0.0, 0.0), xs, "tanh")
    assert result["final_loss"] == expected.loss
    assert result["loss_history"] == [expected.loss] and result["evaluations"] == 1
    assert result["params"] == Params.scalar(0.5, 0.8, 1.0).to_dict()
    assert result["y"] == expected.y


def test_run_with_custom_numbers_and_weights():
    out = rnn_py("run", "--custom", "1; 2 4,8", "--activation", "linear", "--w-hh", "2", "--json")
    result = strict_json(out.stdout)
    assert result["xs"] == [1.0, 2.0, 4.0, 8.0] and result["sequence"] == "custom"
    assert Params.from_dict(result["params"]) == Params.scalar(0.5, 2.0, 1.0)


def test_run_with_several_hidden_units():
    out = rnn_py("run", "--hidden", "3", "--seed", "5", "--json")
    assert Params.from_dict(strict_json(out.stdout)["params"]) == Params.random(3, 5)


def test_train_json():
    out = rnn_py("train", "--sequence", "sine", "--epochs", "40", "--lr", "0.2", "--json")
    assert out.returncode == 0 and out.stderr == ""  # no progress bar when stderr is a pipe
    result = strict_json(out.stdout)
    assert result["status"] == "done" and result["evaluations"] == 40
    assert len(result["loss_history"]) == 40
    assert result["loss_history"][-1] < result["loss_history"][0]
    params = Params.from_dict(result["params"])
    assert result["final_loss"] == forward(params, make_sequence("sine", 12), "tanh").loss


def test_train_text():
    out = rnn_py("train", "--sequence", "alternating", "--hidden", "2", "--no-clip")
    assert out.returncode == 0
    assert "status: done after 300 evaluations" in out.stdout and "no clipping" in out.stdout


def test_train_that_diverges_is_reported_not_crashed():
    out = rnn_py(
        "train", "--sequence", "exponential", "--length", "64", "--activation", "relu",
        "--lr", "1", "--no-clip", "--json",
    )  # fmt: skip
    assert out.returncode == 0
    result = strict_json(out.stdout)
    assert result["status"] == "diverged" and "normalize" in result["message"]
    assert Params.from_dict(result["params"]).is_finite()
    assert result["evaluations"] == len(result["loss_history"]) < 300


def test_search_json():
    out = rnn_py("search", "--trials", "30", "--seed", "4", "--json")
    result = strict_json(out.stdout)
    assert result["method"] == "random" and result["evaluations"] == 30
    assert len(result["loss_history"]) == 30
    assert result["final_loss"] == result["best_loss"] == min(result["loss_history"])
    assert rnn_py("search", "--trials", "30", "--seed", "4", "--json").stdout == out.stdout


def test_compare_covers_every_sequence_with_tanh_and_linear():
    out = rnn_py("compare", "--budget", "20")
    assert out.returncode == 0
    rows = [line for line in out.stdout.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 5 * 2
    assert {r.split("|")[2].strip() for r in rows} == {"tanh", "linear"}


def test_compare_json_gives_both_methods_the_same_budget():
    out = rnn_py("compare", "--budget", "15", "--sequence", "sine", "--sequence", "linear",
                 "--activation", "relu", "--json")  # fmt: skip
    result = strict_json(out.stdout)
    assert [(r["sequence"], r["activation"]) for r in result["rows"]] == [
        ("sine", "relu"),
        ("linear", "relu"),
    ]
    for row in result["rows"]:
        assert row["bptt"]["evaluations"] == row["random"]["evaluations"] == 15
        for method in ("bptt", "random"):
            for key in ("final_loss", "loss_history", "evaluations", "params"):
                assert key in row[method]


def test_help():
    out = rnn_py("--help")
    assert out.returncode == 0 and "compare" in out.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([], "required"),
        (["fly"], "invalid choice"),
        (["run", "--sequence", "squares"], "invalid choice"),
        (["run", "--length", "100"], "between 3 and 64"),
        (["run", "--length", "ten"], "invalid int value"),
        (["run", "--custom", "1, 2, abc"], "'abc' (item 3) is not a number"),
        (["run", "--custom", "1, 2, 3", "--length", "5"], "--length"),
        (["run", "--custom", "1,2,3", "--sequence", "sine"], "not allowed with"),
        (["run", "--w-hh", "nan"], "finite"),
        (["run", "--hidden", "2", "--w-hh", "0.5"], "scalar RNN"),
        (["run", "--hidden", "0"], "hidden units"),
        (["train", "--lr", "-1"], "learning rate"),
        (["train", "--epochs", "0"], "epochs"),
        (["train", "--clip", "0"], "clipping limit"),
        (["train", "--clip", "2", "--no-clip"], "not allowed with"),
        (["search", "--low", "3"], "below"),
        (["search", "--trials", "-5"], "trials"),
        (["compare", "--budget", "0"], "epochs"),
        (["train", "--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_flags_give_one_line_and_exit_code_2(args, words):
    out = rnn_py(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("rnn-py: error: ")
    assert words in out.stderr
    assert "Traceback" not in out.stderr


def test_main_in_process(capsys):
    from rnn_py.cli.main import main

    assert main(["train", "--epochs", "5", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["evaluations"] == 5 and math.isfinite(result["final_loss"])
    assert main(["train", "--lr", "0"]) == 2
    assert capsys.readouterr().err.startswith("rnn-py: error: The learning rate")


# ---- cells: --cell, --weights, --optimizer and the long-lag measurement ----------------------

from rnn_py.cli.main import main  # noqa: E402


def test_run_with_a_weights_file_prints_the_gradients_by_name(tmp_path, capsys):
    from rnn_py import cells
    from rnn_py.page.state import DemoState, export_weights

    state = DemoState().with_cell("lstm").with_hidden(2)
    path = tmp_path / "weights.json"
    path.write_text(export_weights(state))
    assert main(["run", "--cell", "lstm", "--weights", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = cells.backward(state.params, make_sequence("sine", 12))
    assert out["cell"] == "lstm" and out["final_loss"] == expected.loss
    assert out["grads"] == expected.grads.to_dict()
    assert set(out["grads"]) == set(state.params.names())
    assert len(out["c"]) == 12 and set(out["gates"][0]) == {"i", "f", "o", "cc", "tc"}


def test_weights_flags_refuse_a_mismatch_and_a_bad_file(tmp_path, capsys):
    from rnn_py.page.state import DemoState, export_weights

    path = tmp_path / "gru.json"
    path.write_text(export_weights(DemoState().with_cell("gru")))
    assert main(["run", "--cell", "lstm", "--weights", str(path)]) == 2
    assert "holds gru weights, not lstm" in capsys.readouterr().err
    document = json.loads(path.read_text())
    del document["params"]["w_hz"]
    path.write_text(json.dumps(document))
    assert main(["train", "--weights", str(path)]) == 2
    assert "'w_hz' (gate z)" in capsys.readouterr().err
    assert main(["search", "--weights", str(tmp_path / "missing.json")]) == 2
    assert "can't read" in capsys.readouterr().err


def test_train_and_search_take_the_cell_and_the_optimizer(tmp_path, capsys):
    assert main(["train", "--cell", "gru", "--hidden", "2", "--optimizer", "adam",
                 "--epochs", "20", "--normalized", "--json"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["cell"] == "gru" and out["optimizer"] == "adam"
    assert out["final_loss"] < out["loss_history"][0]
    assert main(["search", "--cell", "lstm", "--trials", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cell"] == "lstm" and "w_xf" in out["params"]


def test_cells_command_reports_what_longlag_measures(capsys):
    from rnn_py.studies import longlag

    argv = ["cells", "--cells", "vanilla,gru", "--gaps", "3", "--seeds", "2", "--epochs", "4",
            "--batch", "2", "--hidden", "1", "--jobs", "1", "--gate-bias", "1,5",
            "--vanilla-starts", "identity", "--json"]  # fmt: skip
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    s = out["settings"]
    assert (s["gaps"], s["seeds"], s["epochs"], s["optimizer"]) == ([3], 2, 4, "adam")
    assert [r["label"] for r in out["rows"]] == [
        "Vanilla RNN, W_hh = I", "GRU, b_z = 1", "GRU, b_z = 5"
    ]
    for row in out["rows"]:
        losses = [
            longlag.final_loss(row["cell"], 3, seed, 4, 2, 1, "adam", s["lr"], s["clip"],
                               s["test_size"], row["start"])  # fmt: skip
            for seed in range(2)
        ]
        found = row["gaps"]["3"]
        assert found["losses"] == losses
        assert found["median_loss"] == pytest.approx(sum(losses) / 2)
        assert found["solved"] == sum(loss < 0.01 for loss in losses) / 2
    # the starts differ: W_hh = I is not the random start, b_z = 5 is not b_z = 1
    gru = [row["gaps"]["3"]["losses"] for row in out["rows"][1:]]
    assert gru[0] != gru[1]
    assert main(["cells", "--gaps", "1"]) == 2
    assert "gap" in capsys.readouterr().err
    for wrong in (["--gate-bias", "11"], ["--vanilla-starts", "orthogonal"]):
        with pytest.raises(SystemExit) as exit:
            main(["cells", *wrong])
        assert exit.value.code == 2
    assert "memory bias must be a number from -10 to 10" in capsys.readouterr().err


def test_gate_bias_starts_a_fresh_gated_network_there(capsys):
    assert main(["train", "--cell", "lstm", "--gate-bias", "3", "--epochs", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["gate_bias"] == 3.0
    start = random_params("lstm", 1, 0, memory_bias=3.0)
    assert start.b_f == [3.0] and start.w_xf == random_params("lstm", 1, 0).w_xf
    assert main(["run", "--cell", "gru", "--gate-bias", "-2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["params"]["b_z"] == [-2.0]
    assert main(["run", "--gate-bias", "5"]) == 2  # the vanilla cell has no gate
    assert "no gate" in capsys.readouterr().err
    assert main(["train", "--cell", "gru", "--gate-bias", "10.5"]) == 2
    assert "from -10 to 10" in capsys.readouterr().err


def into_closed_pipe(*args):
    """Run `python -m rnn_py ARGS` with stdout a pipe whose reader has already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "rnn_py", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=60,
        )
    finally:
        os.close(write_end)


CLOSED_PIPE_COMMANDS = [
    ["run"],
    ["run", "--json"],
    ["train", "--epochs", "20"],
    ["train", "--epochs", "20", "--json"],
    ["search", "--trials", "20"],
    ["search", "--trials", "20", "--json"],
    ["compare", "--sequence", "linear", "--budget", "5"],
    ["compare", "--sequence", "linear", "--budget", "5", "--json"],
    ["units", "--hidden", "1", "--epochs", "5", "--seeds", "1"],
    ["units", "--hidden", "1", "--epochs", "5", "--seeds", "1", "--json"],
]


@pytest.mark.parametrize("args", CLOSED_PIPE_COMMANDS, ids=" ".join)
def test_a_closed_pipe_ends_the_command_quietly(args):
    """The reader has gone before the first line is written: no traceback, status 1."""
    out = into_closed_pipe(*args)
    assert out.stderr == ""
    assert out.returncode == 1


def test_help_into_a_closed_pipe_is_quiet():
    out = into_closed_pipe("train", "--help")
    assert out.stderr == ""


def test_piped_into_head_exits_quietly():
    """`python -m rnn_py train --json | head -n 3`: head reads 3 lines and leaves."""
    producer = subprocess.Popen(
        [sys.executable, "-m", "rnn_py", "train", "--epochs", "3000", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    head = subprocess.run(
        ["head", "-n", "3"], stdin=producer.stdout, capture_output=True, text=True, timeout=60
    )
    producer.stdout.close()  # only head holds the read end now
    stderr = producer.stderr.read().decode()
    producer.wait(timeout=60)
    assert head.stdout.splitlines()[0] == "{"
    assert len(head.stdout.splitlines()) == 3
    assert stderr == ""
    assert producer.returncode in (0, 1)  # 0 if it all fit in the pipe before head left
