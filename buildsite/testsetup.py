"""What the tests need on a fresh machine: the test-only packages, Debian's browsers and the
en_US locale, the test requirements; then pytest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from .assemble import build
from .paths import BUILD, ROOT
from .runtime import TEST_PINS, extract


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


# Debian's browsers the tests drive, by the program each package provides: Chromium (Playwright),
# Firefox ESR (over WebDriver BiDi) and WebKitGTK, Safari's engine (WebKitWebDriver under Xvfb).
BROWSER_PACKAGES = {
    "chromium": "chromium",
    "firefox-esr": "firefox-esr",
    "WebKitWebDriver": "webkit2gtk-driver",
    "Xvfb": "xvfb",
}


LOCALE = "en_US.UTF-8"  # WebKit's Intl rejects the C locale's language tag (tests/test_engines.py)


def has_locale(name: str) -> bool:
    listed = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    return name.lower().replace("-", "") in {n.lower().replace("-", "") for n in listed}


def install_browsers() -> None:
    """Install the browsers above from Debian (as root) when missing, and the en_US locale."""
    missing = [pkg for prog, pkg in BROWSER_PACKAGES.items() if shutil.which(prog) is None]
    if missing:
        if os.geteuid() != 0:
            sys.exit(
                "build.py: the browser tests need: sudo apt-get install -y " + " ".join(missing)
            )
        print(f"installing Debian's {', '.join(missing)} ...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "locales", *missing], check=True, env=env
        )
    if not has_locale(LOCALE) and os.geteuid() == 0:
        if shutil.which("localedef") is None:
            subprocess.run(["apt-get", "install", "-y", "-qq", "locales"], check=True)
        subprocess.run(["localedef", "-i", "en_US", "-c", "-f", "UTF-8", LOCALE], check=True)


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
    install_browsers()
    build()
    test_assets()
    # Browser tests mostly wait for a page to boot, so three workers share two cores well.
    workers = [] if any(a == "-n" or a.startswith("-n") for a in pytest_args) else ["-n", "3"]
    # A stopgap, not a fix: a page test that times out or loses its renderer runs once more
    # (pytest-rerunfailures; the summary lists every rerun). Two such timeouts are open bugs in
    # the lazily loaded panels (landscape, console; see the README's Test section). An assertion
    # that fails is never run again.
    workers += ["--reruns", "1", "--only-rerun", "TimeoutError", "--only-rerun", "crashed",
                "--only-rerun", "TargetClosedError"]  # fmt: skip
    code = subprocess.run(
        [sys.executable, "-m", "pytest", *workers, *pytest_args], cwd=ROOT
    ).returncode
    if code == 5:
        print("build.py: pytest collected no tests; that is a failure.", file=sys.stderr)
        return 1
    return code
