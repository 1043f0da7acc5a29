"""Create or update a CloudFormation stack and wait for it (boto3; no AWS CLI needed)."""

from __future__ import annotations

import time
from typing import Any

_DONE = {"CREATE_COMPLETE", "UPDATE_COMPLETE"}


class StackFailed(RuntimeError):
    pass


def _status(cloudformation: Any, name: str) -> dict[str, Any] | None:
    try:
        return dict(cloudformation.describe_stacks(StackName=name)["Stacks"][0])
    except cloudformation.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return None
        raise


def deploy_stack(
    cloudformation: Any,
    name: str,
    template: str,
    parameters: dict[str, str],
    capabilities: tuple[str, ...] = (),
    timeout: float = 1800.0,
) -> dict[str, str]:
    """Create the stack, or update it when it exists; returns its outputs. `template`
    is the body, or an https:// URL of it in S3 (bodies over 51,200 bytes need one)."""
    source = "TemplateURL" if template.startswith("https://") else "TemplateBody"
    arguments = {
        "StackName": name,
        source: template,
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        "Capabilities": list(capabilities),
    }
    existing = _status(cloudformation, name)
    if existing is None:
        cloudformation.create_stack(**arguments)
    else:
        try:
            cloudformation.update_stack(**arguments)
        except cloudformation.exceptions.ClientError as error:
            if "No updates are to be performed" not in str(error):
                raise
    deadline = time.monotonic() + timeout
    while True:
        stack = _status(cloudformation, name)
        assert stack is not None
        status = stack["StackStatus"]
        if status in _DONE:
            return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        if status.endswith("FAILED") or "ROLLBACK" in status or time.monotonic() > deadline:
            raise StackFailed(f"stack {name} ended in {status}")
        time.sleep(0.5 if existing is None else 2)
