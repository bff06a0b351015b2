"""Where the build reads from and writes to."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
OFFLINE = ROOT / "offline"
PACKAGE = ROOT / "rnn_py"
CACHE = ROOT / ".cache" / "npm"
BUILD = Path(os.environ.get("RNN_BUILD_DIR", ROOT / "build"))
OUT = BUILD / "site"
BUNDLE = BUILD / "rnn-demo-offline.zip"
