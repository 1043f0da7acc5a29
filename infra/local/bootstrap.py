"""Deploy infra/resources.yaml into an AWS endpoint (the moto server locally).

The same template a deploy pipeline sends to CloudFormation on AWS: the local
stack has no table, bucket or queue that production lacks, and none more.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

import boto3

TEMPLATE = Path(__file__).resolve().parent.parent / "resources.yaml"

# Stack outputs -> the environment variables chalicelib.settings reads.
OUTPUT_TO_ENV = {
    "RepositoriesTableName": "PANTRY_REPOSITORIES_TABLE",
    "ProjectsTableName": "PANTRY_PROJECTS_TABLE",
    "FilesTableName": "PANTRY_FILES_TABLE",
    "OperationsTableName": "PANTRY_OPERATIONS_TABLE",
    "PrincipalsTableName": "PANTRY_PRINCIPALS_TABLE",
    "TokensTableName": "PANTRY_TOKENS_TABLE",
    "ReservationsTableName": "PANTRY_RESERVATIONS_TABLE",
    "BucketName": "PANTRY_BUCKET",
    "JobsQueueName": "PANTRY_JOBS_QUEUE",
}


def deploy_resources(
    stage: str,
    parameters: dict[str, str] | None = None,
    timeout: float = 60.0,
    client: Any = None,
) -> dict[str, str]:
    """Create (or find) the stack of `stage`; returns the settings environment."""
    cloudformation: Any = client or boto3.client("cloudformation")
    stack_name = f"pantry-{stage}-resources"
    given = {"Stage": stage, **(parameters or {})}
    with contextlib.suppress(cloudformation.exceptions.AlreadyExistsException):
        cloudformation.create_stack(
            StackName=stack_name,
            TemplateBody=TEMPLATE.read_text(),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in given.items()],
        )
    deadline = time.monotonic() + timeout
    while True:
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
        status = stack["StackStatus"]
        if status in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
            break
        if status.endswith("FAILED") or "ROLLBACK" in status or time.monotonic() > deadline:
            raise RuntimeError(f"stack {stack_name} ended in {status}")
        time.sleep(0.2)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    environment = {env: outputs[key] for key, env in OUTPUT_TO_ENV.items()}
    environment["PANTRY_STAGE"] = stage
    return environment
