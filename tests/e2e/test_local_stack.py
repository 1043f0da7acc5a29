"""`make run`'s script: a second start on a busy port says so plainly."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.stack import PROJECT_DIR, LocalStack


def test_second_run_on_a_busy_port_says_so_and_exits(stack: LocalStack) -> None:
    moto_port = stack.moto_url.rsplit(":", 1)[1]  # busy too: nothing can start
    environment = dict(os.environ, PANTRY_PORT=str(stack.port), PANTRY_MOTO_PORT=moto_port)
    result = subprocess.run(
        [sys.executable, "-m", "infra.local.run"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"port {stack.port} on 127.0.0.1 is already in use" in result.stderr
    assert "set PANTRY_PORT to a free port" in result.stderr
