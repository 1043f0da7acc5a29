"""Run real pip, uv and twine as subprocesses, isolated from this machine's config.

The machine's global pip configuration adds local indexes and find-links that
would hide a broken Pantry: every client here runs with PIP_CONFIG_FILE=/dev/null,
UV_NO_CONFIG=1, no PIP_* or UV_* variables and a scratch HOME.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BIN_DIR = Path(sys.executable).parent


def client_env(scratch: Path) -> dict[str, str]:
    scratch.mkdir(parents=True, exist_ok=True)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "UV_", "TWINE_", "AWS_"))
    }
    environment.update(
        HOME=str(scratch),
        XDG_CONFIG_HOME=str(scratch / "config"),
        XDG_CACHE_HOME=str(scratch / "cache"),
        PIP_CONFIG_FILE="/dev/null",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        UV_NO_CONFIG="1",
        UV_CACHE_DIR=str(scratch / "uv-cache"),
        UV_PYTHON_DOWNLOADS="never",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return environment


def run(
    command: list[str],
    scratch: Path,
    check: bool = True,
    timeout: float = 300,
    env: dict[str, str | None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a client; `env` adds variables (None removes one)."""
    environment = client_env(scratch)
    for key, value in (env or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    result = subprocess.run(
        command,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command[:3])} ... exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def new_venv(path: Path, scratch: Path) -> Path:
    """A fresh, empty virtual environment (made by uv: fast); returns its python."""
    run([str(BIN_DIR / "uv"), "venv", "--quiet", "--python", sys.executable, str(path)], scratch)
    return path / "bin" / "python"


def pip(scratch: Path, target_python: Path, *args: str, check: bool = True, **kw: Any):
    """The project's pip (a recent release), installing into `target_python`'s venv."""
    command = [sys.executable, "-m", "pip", "--python", str(target_python), *args]
    return run(command, scratch, check=check, **kw)


def uv(scratch: Path, *args: str, check: bool = True, **kw: Any):
    return run([str(BIN_DIR / "uv"), *args], scratch, check=check, **kw)


def twine(scratch: Path, *args: str, check: bool = True, **kw: Any):
    return run([str(BIN_DIR / "twine"), *args], scratch, check=check, **kw)


def pantry(scratch: Path, *args: str, check: bool = True, **kw: Any):
    return run([str(BIN_DIR / "pantry"), *args], scratch, check=check, **kw)
