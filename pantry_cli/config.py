"""Defaults saved by `pantry config set` (like `gcloud config set`).

Stored as JSON in $XDG_CONFIG_HOME/pantry/config.json (~/.config/pantry/...),
readable by the user only, since it may hold a token. A flag beats an
environment variable (PANTRY_URL, PANTRY_TOKEN, PANTRY_REPOSITORY), which
beats the saved default.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

KEYS = ("url", "token", "repository")


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "pantry" / "config.json"


def load() -> dict[str, str]:
    try:
        saved = json.loads(config_path().read_text())
    except (OSError, ValueError):
        return {}
    return {key: str(saved[key]) for key in KEYS if isinstance(saved, dict) and key in saved}


def save(key: str, value: str) -> Path:
    values = load()
    values[key] = value
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(values, handle, indent=2)
    return path


def resolve(key: str, flag: str | None) -> str | None:
    return flag or os.environ.get(f"PANTRY_{key.upper()}") or load().get(key)
