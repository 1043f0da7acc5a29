"""`pantry print-settings python`: client settings for one repository."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit


def _with_credentials(url: str, token: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"__token__:{token}@{parts.netloc}"))


def python_settings(base_url: str, repository: str, token: str | None) -> str:
    base = base_url.rstrip("/")
    index_url = f"{base}/{repository}/simple/"
    upload_url = f"{base}/{repository}/"
    secret = token or "<token>"
    hint = "" if token else " (run with --include-token to fill it in)"
    env_name = re.sub(r"[^A-Z0-9]", "_", repository.upper())
    return f"""\
# Index URL:  {index_url}
# Upload URL: {upload_url}
# Username __token__, password a Pantry token{hint}.

# pip: ~/.config/pip/pip.conf (or pip.ini on Windows)
[global]
index-url = {_with_credentials(index_url, secret)}

# twine: ~/.pypirc, then `twine upload -r {repository} dist/*`
[distutils]
index-servers =
    {repository}

[{repository}]
repository = {upload_url}
username = __token__
password = {secret}

# uv: pyproject.toml (in uv.toml drop the "tool.uv." prefix: [[index]])
[[tool.uv.index]]
name = "{repository}"
url = "{index_url}"
publish-url = "{upload_url}"
default = true

# uv credentials, in the environment rather than a file:
export UV_INDEX_{env_name}_USERNAME=__token__
export UV_INDEX_{env_name}_PASSWORD={secret}
# then: uv pip install PACKAGE, uv add PACKAGE, uv publish --index {repository}
"""
