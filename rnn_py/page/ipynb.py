"""The pieces of an nbformat-4 notebook: a markdown cell and a code cell."""


def _lines(text: str) -> list[str]:
    """Cell source as nbformat stores it: a list of lines, each keeping its newline."""
    return text.splitlines(keepends=True)


def _markdown(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": _lines(text)}


def _code(cell_id: str, text: str) -> dict:
    return {
        "cell_type": "code",
        "id": cell_id,
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": _lines(text),
    }
