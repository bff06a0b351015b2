"""Serve the RNN demo from this folder on your own computer: python3 serve.py

Opens http://127.0.0.1:8000/ (or the next free port) in your browser. Only your computer can
reach it, and the page needs nothing from the internet. Press Ctrl+C to stop.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import webbrowser
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the types browsers insist on for WebAssembly and modules; quiet logs."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
    }

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8000, verbose=False):
    """A threaded static server for directory; port 0, or a busy port, picks a free one."""
    handler = functools.partial(Handler, directory=str(directory))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError:
        server = http.server.ThreadingHTTPServer((host, 0), handler)
    server.verbose = verbose
    return server


def serve(directory: Path, host: str = "127.0.0.1", port: int = 8000, open_browser=False):
    """Serve directory until Ctrl+C, printing the address."""
    server = make_server(directory, host, port, verbose=True)
    url = f"http://{host}:{server.server_port}/"
    print(f"Serving {directory} at {url}  (Ctrl+C to stop)", flush=True)
    if open_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="port to use (default 8000)")
    parser.add_argument("--no-browser", action="store_true", help="don't open a browser")
    args = parser.parse_args()
    serve(SITE, port=args.port, open_browser=not args.no_browser)


if __name__ == "__main__":
    main()
