"""Assemble the deployable site: site/ + rnn_py/ + the pinned, hash-checked browser runtime.

    python3 build.py            build into build/site (only when something changed)
    python3 build.py --force    rebuild from scratch
    python3 build.py serve      build if needed, then serve on http://127.0.0.1:8000/
    python3 build.py test       install what the tests need, build, run every test

The runtime comes from the npm registry by exact version (``npm pack``), is checked against
the sha512 integrity recorded below, and only the files the page actually requests are
copied, so the build folder is what a static host (GitHub Pages, a USB stick) serves.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "offline"))
from serve import Handler, make_server, serve  # noqa: E402, F401 - the bundle's server, reused

SITE = ROOT / "site"
OFFLINE = ROOT / "offline"
PACKAGE = ROOT / "rnn_py"
CACHE = ROOT / ".cache" / "npm"
BUILD = Path(os.environ.get("RNN_BUILD_DIR", ROOT / "build"))
OUT = BUILD / "site"
BUNDLE = BUILD / "rnn-demo-offline.zip"

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


def package_files() -> list[Path]:
    """The rnn_py sources the browser needs (no caches, no CLI-only files are excluded)."""
    return sorted(p for p in PACKAGE.glob("*.py"))


def page_modules() -> list[Path]:
    """The page's Python modules other than main.py (which PyScript loads itself)."""
    return sorted(
        p for p in SITE.rglob("*.py") if p.name != "main.py" and "__pycache__" not in p.parts
    )


def inputs_digest() -> str:
    """A hash of everything the build is made from: it names the build and its cache."""
    h = hashlib.sha256()
    h.update(json.dumps({**PINS, **TEST_PINS}, sort_keys=True).encode())
    h.update(Path(__file__).read_bytes())
    for path in sorted(SITE.rglob("*")) + sorted(OFFLINE.rglob("*")) + package_files():
        if path.is_file():
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def write_pyscript_config(out: Path) -> None:
    """PyScript's config: the local interpreter, rnn_py's files, and no unused plugins."""
    files = {f"./rnn_py/{p.name}": f"./rnn_py/{p.name}" for p in package_files()}
    # The page's own Python modules beside main.py (page.py, panels/*.py), importable by name.
    for path in page_modules():
        name = path.relative_to(SITE).as_posix()
        files[f"./{name}"] = f"./{name}"
    config = {
        "interpreter": "./vendor/pyodide/pyodide.mjs",
        "files": files,
        # Plugins the page never uses: leaving them out saves requests at start-up,
        # and "!error" keeps Python tracebacks off the page (the page shows its own message).
        "plugins": [
            "!error",
            "!codemirror",
            "!deprecations-manager",
            "!donkey",
            "!py-editor",
            "!py-game",
            "!py-terminal",
        ],
    }
    (out / "pyscript.json").write_text(json.dumps(config, indent=2) + "\n")


def write_service_worker(out: Path, version: str) -> None:
    """Fill in sw.js: this build's version (its cache name) and every file it must cache."""
    files = sorted(
        "./" + p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != "sw.js"
    )
    worker = out / "sw.js"
    text = worker.read_text().replace("__BUILD_VERSION__", version)
    worker.write_text(text.replace("__PRECACHE__", json.dumps(["./", *files], indent=1)))


def write_bundle(out: Path, bundle: Path) -> None:
    """The downloadable offline copy: the site, a one-command server and how to use them."""
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(OFFLINE / "serve.py", "rnn-demo/serve.py")
        z.write(OFFLINE / "README.txt", "rnn-demo/README.txt")
        for path in sorted(out.rglob("*")):
            if path.is_file():
                z.write(path, "rnn-demo/site/" + path.relative_to(out).as_posix())


def build(force: bool = False) -> Path:
    """Build the site into build/site unless it is already up to date; return its path."""
    version = inputs_digest()
    stamp = OUT / "build-version.txt"
    if not force and stamp.exists() and stamp.read_text().strip() == version:
        return OUT
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    extract(PINS, OUT)
    for path in SITE.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            target = OUT / path.relative_to(SITE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    (OUT / "rnn_py").mkdir()
    for path in package_files():
        shutil.copy2(path, OUT / "rnn_py" / path.name)
    write_pyscript_config(OUT)
    stamp.write_text(version + "\n")
    write_service_worker(OUT, version)
    write_bundle(OUT, BUNDLE)
    shutil.copy2(BUNDLE, OUT / BUNDLE.name)  # linked from the page; not in the offline cache
    print(f"built {OUT} (version {version})")  # OUT may lie outside ROOT (RNN_BUILD_DIR)
    return OUT


def test_assets() -> Path:
    """Fetch the test-only packages (axe-core) into build/test-assets and return that folder."""
    dest = BUILD / "test-assets"
    extract(TEST_PINS, dest)
    return dest


def chromium_path() -> str | None:
    """Debian's Chromium, which the browser tests drive (Playwright cannot download one here)."""
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


def test(pytest_args: list[str]) -> int:
    """Set up everything the tests need on a fresh machine, then run them all."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    print("installing test requirements ...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *extras["test"],
        ],
        check=True,
    )
    if chromium_path() is None:
        if os.geteuid() != 0:
            sys.exit("build.py: the browser tests need Chromium: sudo apt-get install -y chromium")
        print("installing Debian's chromium ...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True)
    build()
    test_assets()
    code = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT).returncode
    if code == 5:
        print("build.py: pytest collected no tests; that is a failure.", file=sys.stderr)
        return 1
    return code


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", choices=["build", "serve", "test"], default="build")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--port", type=int, default=8000)
    args, rest = parser.parse_known_args(argv)
    if args.command == "test":
        sys.exit(test(rest))
    if rest:
        parser.error("unrecognised arguments: " + " ".join(rest))
    out = build(force=args.force)
    if args.command == "serve":
        serve(out, port=args.port)
    else:
        print(f"offline bundle: {BUNDLE}")


if __name__ == "__main__":
    main()
