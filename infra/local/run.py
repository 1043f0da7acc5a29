"""`make run`: the registry on the local stack, stopped together by Ctrl-C.

Starts a moto server, deploys infra/resources.yaml into it, starts the queue
worker and `chalice local`, then prints the URLs and the admin token.
Environment: PANTRY_PORT (8000), PANTRY_MOTO_PORT (5000), PANTRY_ADMIN_TOKEN
(generated when unset), PANTRY_JOB_VISIBILITY_TIMEOUT (30 s) and
PANTRY_JOB_MAX_RECEIVES (5) for the jobs queue, PANTRY_LOCAL_WORKER=0 to start
no queue worker (tests that run workers themselves). State lives in moto's
memory: it is gone at exit.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent
STAGE = "local"
LOG_DIR = PROJECT_DIR / ".local-stack"


class StackError(Exception):
    pass


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_http(url: str, timeout: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(f"{process.args[0]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.1)
    raise StackError(f"nothing answered at {url} within {timeout:.0f} s")


class LocalStack:
    def __init__(self, port: int, moto_port: int, admin_token: str) -> None:
        self.port, self.moto_port, self.admin_token = port, moto_port, admin_token
        self.processes: list[subprocess.Popen[bytes]] = []
        self.environment = dict(
            os.environ,
            AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}",
            # moto accepts any credentials; these are not secrets.
            AWS_ACCESS_KEY_ID="local",
            AWS_SECRET_ACCESS_KEY="local",
            AWS_DEFAULT_REGION="us-east-1",
            PANTRY_ADMIN_TOKEN=admin_token,
            PYTHONUNBUFFERED="1",
        )

    def _start(self, *command: str, log: Path | None = None) -> subprocess.Popen[bytes]:
        # A session of its own: Ctrl-C reaches only this script, which stops the rest.
        output = log.open("ab") if log else None
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=self.environment,
            start_new_session=True,
            stdout=output,
            stderr=output,
        )
        self.processes.append(process)
        return process

    def start(self) -> None:
        for name, port in (("PANTRY_PORT", self.port), ("PANTRY_MOTO_PORT", self.moto_port)):
            if not port_is_free(port):
                raise StackError(
                    f"port {port} on 127.0.0.1 is already in use (another `make run`?); "
                    f"stop it or set {name} to a free port"
                )
        # moto logs every request: keep that out of the terminal.
        LOG_DIR.mkdir(exist_ok=True)
        moto = self._start(
            str(BIN_DIR / "moto_server"),
            "-H",
            "127.0.0.1",
            "-p",
            str(self.moto_port),
            log=LOG_DIR / f"moto-{self.moto_port}.log",
        )
        wait_for_http(f"http://127.0.0.1:{self.moto_port}/moto-api/", 30, moto)

        os.environ.update(self.environment)
        from infra.local.bootstrap import deploy_resources

        self.environment.update(deploy_resources(STAGE, self.job_parameters()))
        if os.environ.get("PANTRY_LOCAL_WORKER", "1") != "0":
            self._start(sys.executable, "-m", "infra.local.worker")
        chalice = self._start(
            sys.executable,
            "-m",
            "infra.local.chalice_local",
            "local",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--stage",
            STAGE,
            "--no-autoreload",
        )
        wait_for_http(f"http://127.0.0.1:{self.port}/v1/health", 60, chalice)

    def job_parameters(self) -> dict[str, str]:
        """Queue settings for the template; short locally so retries show quickly."""
        visibility = os.environ.get("PANTRY_JOB_VISIBILITY_TIMEOUT") or "30"
        max_receives = os.environ.get("PANTRY_JOB_MAX_RECEIVES") or "5"
        # The app reads the receive limit too, to tell a retry from a last attempt.
        self.environment["PANTRY_JOB_MAX_RECEIVES"] = max_receives
        return {"JobVisibilityTimeout": visibility, "JobMaxReceives": max_receives}

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def banner(self) -> str:
        base = f"http://127.0.0.1:{self.port}"
        return "\n".join(
            [
                "",
                "Pantry is running on the local stack (Ctrl-C stops it; data lives in memory).",
                f"  Base URL:    {base}",
                f"  Index URL:   {base}/<repository>/simple/",
                f"  Upload URL:  {base}/<repository>/",
                f"  Admin token: {self.admin_token}",
                "",
                f"  export PANTRY_URL={base} PANTRY_TOKEN={self.admin_token}",
                "  pantry repositories create my-repo --mode=standard",
                "Ready.",
            ]
        )


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    stack = LocalStack(
        port=int(os.environ.get("PANTRY_PORT") or 8000),
        moto_port=int(os.environ.get("PANTRY_MOTO_PORT") or 5000),
        admin_token=os.environ.get("PANTRY_ADMIN_TOKEN") or secrets.token_urlsafe(24),
    )
    # Ctrl-C and SIGTERM both stop everything; set SIGINT explicitly too, since a
    # shell that starts us in the background would have us ignore it.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)
    try:
        stack.start()
        print(stack.banner(), flush=True)
        while all(process.poll() is None for process in stack.processes):
            time.sleep(0.5)
        print("pantry: a process of the local stack exited; stopping", file=sys.stderr)
        return 1
    except StackError as error:
        print(f"pantry: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
