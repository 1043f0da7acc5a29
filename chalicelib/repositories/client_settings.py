"""pip.conf, .pypirc and uv settings for one repository (`pantry print-settings
python` and the console show them).

Without a token the settings hold no secret: pip, uv and twine get the token from
the keyring backend the pantry CLI installs. With `TOKEN_PLACEHOLDER` as the token
the CLI fills its own token in locally, so no token travels in a request for them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit


def _with_user(url: str, secret: str | None) -> str:
    parts = urlsplit(url)
    user = f"__token__:{secret}" if secret else "__token__"
    return urlunsplit(parts._replace(netloc=f"{user}@{parts.netloc}"))


TOKEN_PLACEHOLDER = "@@PANTRY_TOKEN@@"


def python_settings(base_url: str, repository: str, token: str | None) -> str:
    base = base_url.rstrip("/")
    index_url = f"{base}/{repository}/simple/"
    upload_url = f"{base}/{repository}/"
    env_name = re.sub(r"[^A-Z0-9]", "_", repository.upper())
    if token:
        pip_auth = ""
        twine_password = f"password = {token}\n"
        uv_auth = f"export UV_INDEX_{env_name}_PASSWORD={token}\n"
        uv_keyring = ""
        note = "# These settings hold a token: keep them private.\n"
    else:
        pip_auth = "keyring-provider = subprocess\n"
        twine_password = ""
        uv_auth = ""
        uv_keyring = 'keyring-provider = "subprocess"\n'
        note = (
            "# No secret below: pip, uv and twine ask the Pantry keyring backend, which\n"
            "# answers with the token of `pantry config set token` (the `keyring`\n"
            "# command must be on PATH, e.g. `pipx install keyring` and\n"
            "# `pipx inject keyring pantry-cli`). --include-token writes the token in.\n"
        )
    return f"""\
# Index URL:  {index_url}
# Upload URL: {upload_url}
{note}
# pip: ~/.config/pip/pip.conf (pip.ini on Windows)
[global]
index-url = {_with_user(index_url, token)}
{pip_auth}
# twine: ~/.pypirc, then `twine upload -r {repository} dist/*`
[distutils]
index-servers =
    {repository}

[{repository}]
repository = {upload_url}
username = __token__
{twine_password}
# uv: pyproject.toml (in uv.toml drop the "tool.uv." prefix: [[index]])
[tool.uv]
{uv_keyring}
[[tool.uv.index]]
name = "{repository}"
url = "{index_url}"
publish-url = "{upload_url}"
default = true

# uv reads the username (and password) from the environment:
export UV_INDEX_{env_name}_USERNAME=__token__
{uv_auth}# then: uv pip install PACKAGE, uv add PACKAGE, uv publish --index {repository}
"""
