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


def codemirror(entry: str, short: str) -> dict[str, str]:
    """One CodeMirror package's ES module and licence, as vendor/codemirror/<short>.js."""
    return {
        f"package/{entry}": f"vendor/codemirror/{short}.js",
        "package/LICENSE": f"vendor/codemirror/licenses/{short}.txt",
    }


# CodeMirror 6, the Exercises panel's editor (site/js/editor.js), imported only when that panel
# first opens. Each package's ES module imports the others by name; buildsite/editor.py rewrites
# those names to the files here. Versions chosen together: each satisfies the others' ranges.
EDITOR_PINS = {
    "@codemirror/state": (
        "6.7.6",
        "sha512-kAz+AncRtKuIknedxT1bq4XwXv4UowhbkHU1myPrtVb/jZtImWuV5BXzv5vK6i3kYACsdiZiQKFQQ5Mq7elW8w==",
        codemirror("dist/index.js", "state"),
    ),
    "@codemirror/view": (
        "6.44.2",
        "sha512-7yxTh7+iCbxIV9QCJAVlkYjWV/TCHD0zmLIaIR3NOb47YpCWwVUuFUnHwkRC3z+8cXNgeJzrCy4QtlR3fVt5kg==",
        codemirror("dist/index.js", "view"),
    ),
    "@codemirror/language": (
        "6.13.1",
        "sha512-zfvU2r3TyylQLMj/te+5CnQ0rSqZi8B1oTCBbQkagcLW4Xc6imab6qN+pEJhsuNOLaJqiRyBXp9UhWA1DhVvDw==",
        codemirror("dist/index.js", "language"),
    ),
    "@codemirror/commands": (
        "6.11.2",
        "sha512-NbH6Q9lmcXvf9s5/mMJIwL2Hjl2NEdsN/dDlezGnaFOQgNZ59dT7ndKUf21/PIjJacD/Ti2Ifi4TsBkO6WHvsg==",
        codemirror("dist/index.js", "commands"),
    ),
    "@codemirror/autocomplete": (  # lang-python imports it; the editor uses its bracket closing
        "6.20.4",
        "sha512-yF8RhOf2SXlg00+qtupzLhrglcas61boqaONiNcbPIebHCpJocpqTBA6dyrtUrQO47hqyTdeob/3XnYilT7TaQ==",
        codemirror("dist/index.js", "autocomplete"),
    ),
    "@codemirror/lang-python": (
        "6.2.1",
        "sha512-IRjC8RUBhn9mGR9ywecNhB51yePWCGgvHfY1lWN/Mrp3cKuHr0isDKia+9HnvhiWNnMpbGhWrkhuWOc09exRyw==",
        codemirror("dist/index.js", "lang-python"),
    ),
    "@codemirror/streamparser": (  # language re-exports its StringStream
        "6.0.0",
        "sha512-JTFPF6xrfjt0mnfGPgzcLiMwYmvIyNaoizp8BYzv8FE8KrT6GBGDZ190rtt+O7Wke3gG/MFHyiY9YGNeimof4w==",
        codemirror("dist/index.js", "streamparser"),
    ),
    "@lezer/common": (
        "1.5.7",
        "sha512-3+3PN+M/3xSjrlQz8/wBPOl+JYGJ+G37ZszHfnhphFwj41qPUPxsz4WEic3ZyVpL23rX1qefaGqz0lA7jGUqwg==",
        codemirror("dist/index.js", "lezer-common"),
    ),
    "@lezer/highlight": (
        "1.2.5",
        "sha512-O1GMVKgtf5YspFaRzpmqkVgMtIk2HG9uMAbH6wdAIdNh3TVzCsch/+cRi+6l2//UGDKe6NB9BW3cvuR5ezMQ0w==",
        codemirror("dist/index.js", "lezer-highlight"),
    ),
    "@lezer/lr": (
        "1.4.13",
        "sha512-Ez6qF9rXdnR/7hTcA6kHq1uTcPV+17hyUFjiHBVYNi0a81TgbkC0SwiNvxcuUMkvX7phuhTHo+QAXh9L2kjGdg==",
        codemirror("dist/index.js", "lezer-lr"),
    ),
    "@lezer/python": (
        "1.1.19",
        "sha512-MhQIURHRytsNzP/YXnqpYKW6la6voAH3kyplTOOiCdjyFY6cWWGFVmYVdHIPrElqSDf4iCDktQCockB9FxuhzQ==",
        codemirror("dist/index.js", "lezer-python"),
    ),
    "style-mod": (
        "4.1.5",
        "sha512-WQ2llCZa9sZSkJA+aOwpg5DkfbAXFKGh//t3MRTBeruFiSBC+GXUmbBzrw3bXyboCWAbtCW9InDfBsXrRD/rAg==",
        codemirror("src/style-mod.js", "style-mod"),
    ),
    "w3c-keyname": (
        "2.2.8",
        "sha512-dpojBhNsCNN7T82Tm7k26A6G9ML3NkhDsnw9n/eoxSRlVBB4CEtIQ/KTCLI2Fwf3ataSXRhYFkQi3SlnFwPvPQ==",
        codemirror("index.js", "w3c-keyname"),
    ),
    "crelt": (
        "1.0.7",
        "sha512-aK6BbWfhf4U/wCcLHKPJl/xa6VkVstRaPywWtMKGwuOLc/wZTyQYuoxgvZnNsBvv7Kg3YTBQYYBCggcviQczuA==",
        codemirror("index.js", "crelt"),
    ),
    "@marijn/find-cluster-break": (
        "1.0.4",
        "sha512-Wy0V7+SGUjnF9/TkiM1hKVDPj7jKXduPNboMVtHTA8dySMURWqfg/JZ9E2Sq8JgSJmkl7k7Qe9FLeMSrSraWmQ==",
        codemirror("src/index.js", "find-cluster-break"),
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
