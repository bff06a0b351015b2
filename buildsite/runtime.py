"""The pinned browser runtime: fetched from the npm registry by exact version (`npm pack`),
checked against the sha512 integrity recorded here, and the pinned files copied out."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import tarfile
from pathlib import Path

from .paths import CACHE

# name -> (version, npm integrity, {file inside the tarball: destination in the build})
PINS = {
    "pyodide": (
        "314.0.7",
        "sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+SNvi/6V5JEsOlD2R1A==",
        {
            f"package/{name}": f"vendor/pyodide/{name}"
            for name in (
                "pyodide.mjs",
                "pyodide.asm.mjs",
                "pyodide.asm.wasm",
                "python_stdlib.zip",
                "pyodide-lock.json",
            )
        },
    ),
    "@pyscript/core": (
        "0.7.31",
        "sha512-GqM1aonc1N4RTkNZ1zJ8jJk8+i2cqeztZslPsAiQtn+wHHkUX9Z1FgIg4HjCvhBylB68UKmbTVTzOobpgPIMVQ==",
        {
            f"package/dist/{name}": f"vendor/pyscript/{name}"
            for name in (
                # core.js re-exports core-*.js, which loads the "py" script type on demand.
                "core.js",
                "core-C9KDLldu.js",
                "py-Dl-y4L1b.js",
                # Always imported, even when disabled ("!error" only keeps errors off the page).
                "error-D2315lOB.js",
            )
        },
    ),
    "uplot": (
        "1.6.32",
        "sha512-KIMVnG68zvu5XXUbC4LQEPnhwOxBuLyW1AHtpm6IKTXImkbLgkMy+jabjLgSLMasNuGGzQm/ep3tOkyTxpiQIw==",
        {
            "package/dist/uPlot.iife.min.js": "vendor/uplot/uPlot.iife.min.js",
            "package/dist/uPlot.min.css": "vendor/uplot/uPlot.min.css",
            "package/LICENSE": "vendor/uplot/LICENSE",
        },
    ),
}


# Test-only packages: fetched and checked the same way, never copied into the site.
TEST_PINS = {
    "axe-core": (
        "4.11.0",
        "sha512-ilYanEU8vxxBexpJd8cWM4ElSQq4QctCLKih0TSfjIfCQTeyH/6zVrmIJfLPrKTKJRbiG+cfnZbQIjAlJmF1jQ==",
        {"package/axe.min.js": "axe.min.js"},
    ),
}


def integrity(path: Path) -> str:
    """The npm-style sha512 integrity string of a file."""
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def fetch(name: str, version: str, expected: str) -> Path:
    """Download name@version from the npm registry once, check its hash, return the tarball."""
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not tarball.exists():
        print(f"fetching {name}@{version} ...", flush=True)
        out = subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(CACHE)],
            check=True,
            capture_output=True,
            text=True,
        )
        packed = CACHE / json.loads(out.stdout)[0]["filename"]
        packed.replace(tarball)
    actual = integrity(tarball)
    if actual != expected:
        tarball.unlink()
        sys.exit(f"build.py: {name}@{version} failed its integrity check ({actual}); refusing it.")
    return tarball


def extract(pins: dict, dest: Path) -> None:
    """Copy the pinned files out of each package's tarball into dest."""
    for name, (version, expected, files) in pins.items():
        with tarfile.open(fetch(name, version, expected)) as tar:
            for member, target in files.items():
                data = tar.extractfile(member)
                if data is None:
                    sys.exit(f"build.py: {member} is missing from {name}@{version}")
                path = dest / target
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data.read())
