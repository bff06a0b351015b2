"""The text task with a student's own text: what is refused with a message, what works, and the
`python -m rnn_py text` command."""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_py.text import task as text
from rnn_py.text.task import (
    MAX_CHARS,
    PRESETS,
    Vocab,
    bits_per_char,
    check_text,
    sample,
    text_params,
    train_text,
    unigram_bits,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "empty"),
        ("aaaaaa", "only one distinct character"),
        ("\n\n\n", "only one distinct character \\(a line break\\)"),
        ("ab" * 1001, "2,002 characters; the limit is 2,000"),
        ("".join(chr(0x4E00 + k) for k in range(70)), "70 distinct characters; the limit is 64"),
        ("hello\x00world", "U\\+0000, at position 6"),
        ("bell\x07", "control character, U\\+0007"),
        ("abc\x1b[31m", "U\\+001B"),
        ("abc\u202eevil", "U\\+202E"),
        ("ab\ud800cd", "lone surrogate, U\\+D800"),
        (None, "must be a string"),
        (["a", "b"], "must be a string"),
    ],
)
def test_bad_text_gets_a_message(raw, words):
    with pytest.raises(ValueError, match=words):
        check_text(raw)


def test_the_limits_themselves_are_accepted():
    assert check_text("ab" * 1000) == "ab" * 1000
    assert len(check_text("".join(chr(0x4E00 + k) for k in range(64)))) == 64
    assert check_text("a\tb\r\nc\rd") == "a\tb\nc\nd"  # tabs kept, line breaks made "\n"
    assert MAX_CHARS == 2000 and text.MAX_VOCAB == 64


@pytest.mark.parametrize(
    "raw",
    [
        "שלום עולם, שלום לכם\n" * 4,  # Hebrew, right to left
        "مرحبا بالعالم " * 5,  # Arabic
        "I 🙂 emoji 🐍 and 🙂 again " * 3,  # outside the Basic Multilingual Plane
        "naïve café, déjà vu. " * 4,
    ],
)
def test_right_to_left_text_accents_and_emoji_work(raw):
    source = check_text(raw)
    vocab = Vocab(source)
    assert vocab.decode(vocab.encode(source)) == source
    assert vocab.size == len(set(source))  # one code point, one character
    params = text_params("gru", 6, vocab.size, seed=0)
    steps = list(train_text(params, source, windows=3 * text.windows_per_epoch(source)))
    assert steps[-1].status == "done"
    assert bits_per_char(steps[-1].params, source) < unigram_bits(source)
    written = sample(steps[-1].params, vocab, source[0], 40, 1.0, seed=0)
    assert len(written) == 40 and set(written) <= set(source)


def test_presets_are_valid_and_labelled():
    assert set(PRESETS) == {"hello", "rhyme", "python", "abc"} == set(text.PRESET_LABELS)
    for key, source in PRESETS.items():
        assert check_text(source) == source, key
    assert PRESETS["abc"].startswith("abcabc")


def rnn_py(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "rnn_py", "text", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_cli_json_reports_the_run_and_repeats_it_exactly():
    args = ("--preset", "rhyme", "--cell", "lstm", "--hidden", "8", "--epochs", "3",
            "--sample", "40", "--temperature", "0.8", "--seed", "4", "--json")  # fmt: skip
    first, second = rnn_py(*args), rnn_py(*args)
    assert first.returncode == 0 and first.stderr == ""
    assert first.stdout == second.stdout
    result = json.loads(first.stdout)
    source = PRESETS["rhyme"]
    assert result["unigram_bits_per_char"] == pytest.approx(unigram_bits(source))
    assert len(result["loss_history"]) == 3 and result["status"] == "done"
    assert len(result["sample"]) == 40 and set(result["sample"]) <= set(source)
    assert (result["cell"], result["hidden"], result["seed"], result["temperature"]) == (
        "lstm",
        8,
        4,
        0.8,
    )
    # recompute: the same training in-process gives the same bits per character and sample
    vocab = Vocab(source)
    params = text_params("lstm", 8, vocab.size, 4)
    *_, last = train_text(params, source, windows=3 * text.windows_per_epoch(source))
    assert result["bits_per_char"] == bits_per_char(last.params, source)
    assert result["sample"] == sample(last.params, vocab, "T", 40, 0.8, 4)
    assert result["perplexity"] == pytest.approx(2 ** result["bits_per_char"])


def test_cli_prints_losses_baseline_and_sample(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("to be or not to be\n" * 5, encoding="utf-8")
    out = rnn_py("--file", str(path), "--epochs", "4", "--sample", "30", "--start", "to")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"text: file {path} (95 characters, 8 distinct), vanilla")
    rows = [line for line in lines if line.startswith("|")]
    assert len(rows) == 2 + 4
    assert any(line.startswith("bits per character: ") for line in lines)
    baseline = unigram_bits("to be or not to be\n" * 5)
    assert f"unigram baseline (the character frequencies): {baseline:.3f}" in out.stdout
    header = "sample (30 characters after 'to', temperature 1):\n"
    written = out.stdout.split(header)[1][:-1]  # print's own line break at the end
    assert written.startswith("to") and len(written) == 2 + 30


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--text", "aaaa"), "only one distinct character"),
        (("--text", "ab" * 1001), "the limit is 2,000"),
        (("--text", "x\x01y"), "U+0001"),
        (("--file", "/no/such/file.txt"), "Cannot read /no/such/file.txt"),
        (("--preset", "abc", "--start", "z"), "'z' is not one of the text's characters"),
        (("--preset", "abc", "--temperature", "3"), "from 0.1 to 2"),
        (("--preset", "abc", "--hidden", "64"), "from 1 to 32"),
        (("--preset", "abc", "--epochs", "0"), "epochs"),
        (("--preset", "abc", "--text", "ab"), "not allowed with"),
        ((), "one of the arguments --file --text --preset is required"),
    ],
)
def test_cli_bad_input_gives_one_line_and_status_2(args, words):
    out = rnn_py(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("rnn-py: error: ") and len(out.stderr.splitlines()) == 1
    assert words in out.stderr


def test_cli_refuses_a_binary_file(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)))
    out = rnn_py("--file", str(path))
    assert out.returncode == 2 and "is not UTF-8 text" in out.stderr


def test_the_readme_run_is_what_the_command_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```console\n$ python -m rnn_py text ")[1].split("```")[0]
    command, expected = block.split("\n", 1)
    out = rnn_py(*shlex.split(command))
    assert out.returncode == 0, out.stderr
    printed = [line.rstrip() for line in out.stdout.splitlines()]
    assert printed == [line.rstrip() for line in expected.splitlines()]


def test_the_readme_figures_about_the_presets():
    assert (len(PRESETS["rhyme"]), len(PRESETS["python"])) == (171, 131)
    source = PRESETS["python"]
    vocab = Vocab(source)
    params = text_params("lstm", 16, vocab.size, 0)
    *_, last = train_text(params, source, windows=30 * text.windows_per_epoch(source))
    assert round(bits_per_char(last.params, source), 2) == 0.39
    assert round(unigram_bits(source), 2) == 3.74
