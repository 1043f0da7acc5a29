"""What `make deploy` would ship, checked without AWS: the packaged and merged
template, the resources template, and the resources deployed into moto."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.deploy import package, with_code_location

PROJECT_DIR = Path(__file__).resolve().parents[2]
CFN_LINT = str(Path(sys.executable).parent / "cfn-lint")


class CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short tags (!Ref, !Sub, ...) as plain values."""


CfnLoader.add_multi_constructor("!", lambda loader, tag, node: None)


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package")
    sam = package("prod", out / "prod")
    final = out / "deploy.json"
    template = with_code_location(json.loads(sam.read_text()), "artifacts", "prod/x.zip")
    final.write_text(json.dumps(template))
    return final


def app_template(packaged: Path) -> dict[str, Any]:
    return dict(json.loads(packaged.read_text()))


def resources_template() -> dict[str, Any]:
    return dict(yaml.load((PROJECT_DIR / "infra/resources.yaml").read_text(), CfnLoader))


def test_cfn_lint_accepts_both_templates(packaged: Path) -> None:
    for template in (packaged, PROJECT_DIR / "infra/resources.yaml"):
        result = subprocess.run([CFN_LINT, str(template)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_job_event_source_reports_partial_batch_failures(packaged: Path) -> None:
    events = app_template(packaged)["Resources"]["RunJobs"]["Properties"]["Events"]
    source = events["RunJobsSqsEventSource"]["Properties"]
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["Queue"]["Fn::Sub"].endswith(":pantry-prod-jobs")


def test_queue_visibility_is_at_least_six_times_the_job_timeout(packaged: Path) -> None:
    visibility = int(resources_template()["Parameters"]["JobVisibilityTimeout"]["Default"])
    timeout = app_template(packaged)["Resources"]["RunJobs"]["Properties"]["Timeout"]
    assert visibility >= 6 * timeout


def _statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    policies = template["Resources"][role]["Properties"]["Policies"]
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def test_each_function_has_its_own_scoped_policy(packaged: Path) -> None:
    template = app_template(packaged)
    for role in ("ApiHandlerRole", "RunJobsRole", "SweepReservationsRole"):
        for statement in _statements(template, role):
            resources = statement["Resource"]
            resources = resources if isinstance(resources, list) else [resources]
            for resource in resources:
                assert resource != "*", (role, statement["Sid"])
                text = json.dumps(resource)
                assert (
                    "pantry-${Stage}" in text
                    or "pantry/${Stage}" in text
                    or ("log-group:/aws/lambda" in text)
                ), (role, statement["Sid"], text)
            actions = statement["Action"]
            assert not any(action.endswith(":*") for action in actions), (role, statement)
    for role in ("ApiHandlerRole", "RunJobsRole"):  # else S3 says 403 for a missing key
        actions = {a for s in _statements(template, role) for a in s["Action"]}
        assert "s3:ListBucket" in actions, role
    sweep = {s["Sid"]: s for s in _statements(template, "SweepReservationsRole")}
    assert set(sweep) == {"Logs", "Reservations", "StagedBlobs", "StaleDeletes", "RequeueDeletes"}
    jobs = {s["Sid"] for s in _statements(template, "RunJobsRole")}
    assert "AdminToken" not in jobs  # only the API reads the admin secret


def test_no_secret_appears_in_plain_text(packaged: Path) -> None:
    text = packaged.read_text()
    assert 'PANTRY_ADMIN_TOKEN"' not in text
    variables = app_template(packaged)["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["PANTRY_ADMIN_TOKEN_SECRET_ARN"] == {
        "Fn::ImportValue": {"Fn::Sub": "pantry-${Stage}-AdminTokenSecretArn"}
    }
    secret = resources_template()["Resources"]["AdminTokenSecret"]["Properties"]
    assert "GenerateSecretString" in secret and "SecretString" not in secret


def test_stateful_resources_are_kept_encrypted_and_private() -> None:
    resources = resources_template()["Resources"]
    tables = [r for r in resources.values() if r["Type"] == "AWS::DynamoDB::Table"]
    assert len(tables) == 7
    for table in tables:
        assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
        assert table["DeletionPolicy"] == "Retain"
        assert table["Properties"]["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True
        }
    bucket = resources["FilesBucket"]
    assert bucket["DeletionPolicy"] == "Retain"
    properties = bucket["Properties"]
    assert all(properties["PublicAccessBlockConfiguration"].values())
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "BucketEncryption" in properties
    rules = {rule["Id"] for rule in properties["LifecycleConfiguration"]["Rules"]}
    assert {"abandoned-two-phase-uploads", "old-versions"} <= rules
    assert resources["JobsDeadLetterAlarm"]["Type"] == "AWS::CloudWatch::Alarm"


def test_bundle_holds_the_lambda_code_only(packaged: Path) -> None:
    bundle = packaged.parent / "prod" / "deployment.zip"
    with zipfile.ZipFile(bundle) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    assert {"app.py", "chalicelib"} <= tops
    assert not tops & {"pantry_cli", "tests", "infra", "bench", ".venv", "docs"}


def test_the_resources_template_deploys_into_moto_with_its_exports(aws: None) -> None:
    """moto's CloudFormation creates the tables, buckets and queues; it skips the
    secret, the bucket policy and the alarm (no support), which cfn-lint checks."""
    import boto3

    from infra.stacks import deploy_stack

    cloudformation = boto3.client("cloudformation")
    outputs = deploy_stack(
        cloudformation,
        "pantry-ci-resources",
        (PROJECT_DIR / "infra/resources.yaml").read_text(),
        {"Stage": "ci"},
    )
    assert outputs["FilesTableName"] == "pantry-ci-files"
    exports = {e["Name"] for e in cloudformation.list_exports()["Exports"]}
    assert {"pantry-ci-FilesTableName", "pantry-ci-JobsQueueArn", "pantry-ci-JobMaxReceives"} <= (
        exports
    )
    tables = boto3.client("dynamodb").list_tables()["TableNames"]
    assert {f"pantry-ci-{name}" for name in ("files", "projects", "reservations")} <= set(tables)
