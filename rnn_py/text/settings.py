"""The text task's limits, defaults and preset texts: what the settings (rnn_py.page.state) need to
read and write a text link, without the text network itself (rnn_py.text.task, which re-exports
them). The page opens on the numbers task; this keeps the text network off its first screen.
"""

MAX_CHARS = 2000  # the longest text a person can train on
DEFAULT_SEQ_LENGTH = 25  # characters per BPTT window
MAX_HIDDEN_TEXT = 32  # a link's hidden units at most: textmodel.MAX_HIDDEN_TEXT (test_state.py)

PRESETS = {
    "hello": "hello world\n" * 8,
    "rhyme": (
        "Twinkle, twinkle, little star,\n"
        "How I wonder what you are!\n"
        "Up above the world so high,\n"
        "Like a diamond in the sky.\n"
        "Twinkle, twinkle, little star,\n"
        "How I wonder what you are!\n"
    ),
    "python": (
        "def fib(n):\n"
        "    a, b = 0, 1\n"
        "    for _ in range(n):\n"
        "        a, b = b, a + b\n"
        "    return a\n"
        "\n"
        "\n"
        "for i in range(10):\n"
        "    print(i, fib(i))\n"
    ),
    "abc": "abc" * 40,
}
PRESET_LABELS = {
    "hello": "hello world",
    "rhyme": "Nursery rhyme",
    "python": "A few lines of Python",
    "abc": "abcabc…",
}
