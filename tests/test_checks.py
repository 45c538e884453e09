"""The code checks run by the test command (and so by `.ci/run`): ruff's lint rules and mypy's type check.

Both are configured in pyproject.toml ([tool.ruff], [tool.mypy]); these tests run them as a developer
would, from the repository root, and fail with their findings.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The type check covers the plugins and the task files: those are what pyproject.toml must name.
TYPED = ("plugins", "tasks.py", "make.py")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_check_is_clean() -> None:
    result = _run("ruff", "check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_plugins_and_tasks() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
    # The configuration really names every module: mypy counts each file it checked.
    checked = re.search(r"no issues found in (\d+) source files", result.stdout)
    assert checked, result.stdout
    expected = sum(1 for _ in (ROOT / "plugins").rglob("*.py")) + 2
    assert int(checked.group(1)) == expected, (checked.group(1), expected)


def test_mypy_configuration_names_the_checked_files() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert tuple(config["files"]) == TYPED


def test_ruff_format_check_is_clean() -> None:
    result = _run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr
