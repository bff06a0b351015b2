"""The code follows the project's ruff settings (pyproject.toml)."""

import shutil
import subprocess

import pytest
from conftest import ROOT


def test_ruff_check_passes():
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed; `python3 build.py test` installs it")
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
