"""`chalice package` with infra/'s merge template: what a deploy would ship."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package") / "out"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PANTRY_"))}
    environment["AWS_DEFAULT_REGION"] = "us-east-1"  # chalice package needs one, even offline
    subprocess.run(
        [
            str(Path(sys.executable).parent / "chalice"),
            "package",
            "--stage",
            "prod",
            "--merge-template",
            "infra/chalice-merge.json",
            str(out),
        ],
        cwd=PROJECT_DIR,
        env=environment,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def template(packaged: Path) -> dict[str, Any]:
    return dict(json.loads((packaged / "sam.json").read_text()))


def test_job_event_source_reports_partial_batch_failures(packaged: Path) -> None:
    events = template(packaged)["Resources"]["RunJobs"]["Properties"]["Events"]
    source = events["RunJobsSqsEventSource"]["Properties"]
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["Queue"]["Fn::Sub"].endswith(":pantry-prod-jobs")


def test_job_function_timeout_fits_the_queue_visibility_timeout(packaged: Path) -> None:
    import yaml

    resources = yaml.safe_load((PROJECT_DIR / "infra/resources.yaml").read_text().replace("!", ""))
    visibility = int(resources["Parameters"]["JobVisibilityTimeout"]["Default"])
    timeout = template(packaged)["Resources"]["RunJobs"]["Properties"]["Timeout"]
    assert visibility >= 6 * timeout  # AWS's advice for SQS event sources


def test_bundle_holds_the_lambda_code_only(packaged: Path) -> None:
    with zipfile.ZipFile(packaged / "deployment.zip") as bundle:
        tops = {name.split("/")[0] for name in bundle.namelist()}
    assert {"app.py", "chalicelib"} <= tops
    assert not tops & {"pantry_cli", "tests", "infra", "bench", ".venv"}


def test_template_carries_no_admin_token(packaged: Path) -> None:
    assert "PANTRY_ADMIN_TOKEN" not in (packaged / "sam.json").read_text()
