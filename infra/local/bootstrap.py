"""Deploy infra/resources.yaml into an AWS endpoint (the moto server locally).

The same template a deploy pipeline sends to CloudFormation on AWS: the local
stack has no table, bucket or queue that production lacks, and none more.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3

from infra.stacks import deploy_stack

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
    """Create (or update) the stack of `stage`; returns the settings environment."""
    cloudformation: Any = client or boto3.client("cloudformation")
    outputs = deploy_stack(
        cloudformation,
        f"pantry-{stage}-resources",
        TEMPLATE.read_text(),
        {"Stage": stage, **(parameters or {})},
        timeout=timeout,
    )
    environment = {env: outputs[key] for key, env in OUTPUT_TO_ENV.items()}
    environment["PANTRY_STAGE"] = stage
    return environment
