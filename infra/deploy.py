"""`make deploy STAGE=prod`: stand Pantry up in the AWS account of the current credentials.

1. the resources stack, pantry-STAGE-resources, from infra/resources.yaml (tables,
   buckets, queues, the admin token secret, the dead-letter alarm);
2. `chalice package` with infra/chalice-merge.json (hand-written IAM per function,
   ReportBatchItemFailures, the 5xx alarm, settings imported from the resources stack);
3. the bundle uploaded to the artifacts bucket, and the application stack,
   pantry-STAGE-app, deployed from the packaged template;
4. prints the API URL.
Needs AWS credentials and a region (AWS_PROFILE / AWS_REGION, as boto3 reads them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3

from infra.stacks import deploy_stack

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESOURCES = PROJECT_DIR / "infra" / "resources.yaml"
MERGE = PROJECT_DIR / "infra" / "chalice-merge.json"
APP_CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND")


def package(stage: str, out: Path) -> Path:
    """`chalice package` merged with infra/chalice-merge.json; returns sam.json."""
    chalice = Path(sys.executable).parent / "chalice"
    # The stage's settings come from .chalice/config.json and the merge template only:
    # a PANTRY_* variable of this shell (a local run's) must not leak into the package.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PANTRY_")}
    environment.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # chalice package needs one
    subprocess.run(
        [str(chalice), "package", "--stage", stage, "--merge-template", str(MERGE), str(out)],
        cwd=PROJECT_DIR,
        check=True,
        env=environment,
    )
    return out / "sam.json"


def with_code_location(template: dict[str, Any], bucket: str, key: str) -> dict[str, Any]:
    """Point every function at the uploaded bundle (what `cloudformation package` does)."""
    for resource in template["Resources"].values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = f"s3://{bucket}/{key}"
    return template


def deploy(stage: str, build_dir: Path) -> str:
    cloudformation = boto3.client("cloudformation")
    print(f"1/3 resources stack pantry-{stage}-resources", flush=True)
    outputs = deploy_stack(
        cloudformation, f"pantry-{stage}-resources", RESOURCES.read_text(), {"Stage": stage}
    )
    print("2/3 chalice package", flush=True)
    sam = package(stage, build_dir / stage)
    bundle = sam.parent / "deployment.zip"
    key = f"{stage}/{hashlib.sha256(bundle.read_bytes()).hexdigest()}.zip"
    s3, artifacts = boto3.client("s3"), outputs["ArtifactsBucketName"]
    s3.upload_file(str(bundle), artifacts, key)
    template = with_code_location(json.loads(sam.read_text()), outputs["ArtifactsBucketName"], key)
    print(f"3/3 application stack pantry-{stage}-app", flush=True)
    app_outputs = deploy_stack(
        cloudformation,
        f"pantry-{stage}-app",
        json.dumps(template),
        {"Stage": stage},
        APP_CAPABILITIES,
    )
    return app_outputs["ApiUrl"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True, help="dev, prod, ... (see .chalice/config.json)")
    parser.add_argument("--build-dir", type=Path, default=PROJECT_DIR / "build")
    args = parser.parse_args()
    url = deploy(args.stage, args.build_dir)
    print(f"Pantry is deployed: {url}")
    secret = f"pantry/{args.stage}/admin-token"
    print(f"Admin token: aws secretsmanager get-secret-value --secret-id {secret}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
