"""Run the page on the learner's code (being written)."""

import json


def page_trace_json(sources: str, query: str) -> str:
    return json.dumps({"ok": False, "message": "Not ready yet."})
