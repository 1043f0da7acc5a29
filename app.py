"""Pantry's routes: each one parses, calls chalicelib, and answers.

Routes have a fixed number of segments (no greedy paths); Chalice strips the
trailing slash, so `/{repo}/simple/{project}` serves both forms and the view
redirects to the canonical one. Path parameters arrive percent-encoded.
"""

from __future__ import annotations

from typing import Any

from chalice import Chalice, Response
from chalice.app import CloudWatchEvent, SQSEvent

from chalicelib.console import views as console
from chalicelib.http import (
    contents_views,
    file_views,
    management_views,
    simple_views,
    upload_views,
)
from chalicelib.jobs import handlers
from chalicelib.settings import get_settings

app = Chalice(app_name="pantry")
# Uploads are binary: API Gateway base64-encodes them only for declared types.
app.api.binary_types.append("multipart/form-data")

UPLOAD_TYPES = ["multipart/form-data"]
FORM_TYPES = ["application/x-www-form-urlencoded"]


# Management API (/v1 is a reserved repository name, so it never meets {repo}).
@app.route("/v1/health", methods=["GET"])
def health() -> Response:
    return management_views.health()


@app.route("/v1/repositories", methods=["GET"])
def list_repositories() -> Response:
    return management_views.list_repositories(app.current_request)


@app.route("/v1/repositories", methods=["POST"])
def create_repository() -> Response:
    return management_views.create_repository(app.current_request)


@app.route("/v1/repositories/{name}", methods=["GET"])
def describe_repository(name: str) -> Response:
    return management_views.describe_repository(app.current_request, name)


@app.route("/v1/repositories/{name}", methods=["DELETE"])
def delete_repository(name: str) -> Response:
    return management_views.delete_repository(app.current_request, name)


@app.route("/v1/repositories/{name}", methods=["PATCH"])
def update_repository(name: str) -> Response:
    return management_views.update_repository(app.current_request, name)


@app.route("/v1/repositories/{name}/settings/python", methods=["GET"])
def python_settings(name: str) -> Response:
    return management_views.python_settings(app.current_request, name)


@app.route("/v1/repositories/{name}/iam-policy", methods=["GET"])
def get_iam_policy(name: str) -> Response:
    return management_views.get_iam_policy(app.current_request, name)


@app.route("/v1/repositories/{name}/iam-policy/{change}", methods=["POST"])
def change_iam_policy(name: str, change: str) -> Response:
    return management_views.change_iam_policy(app.current_request, name, change)


@app.route("/v1/principals", methods=["GET"])
def list_principals() -> Response:
    return management_views.list_principals(app.current_request)


@app.route("/v1/principals", methods=["POST"])
def create_principal() -> Response:
    return management_views.create_principal(app.current_request)


@app.route("/v1/principals/{principal}/tokens", methods=["GET"])
def list_tokens(principal: str) -> Response:
    return management_views.list_tokens(app.current_request, principal)


@app.route("/v1/principals/{principal}/tokens", methods=["POST"])
def create_token(principal: str) -> Response:
    return management_views.create_token(app.current_request, principal)


@app.route("/v1/tokens/{token_id}", methods=["DELETE"])
def revoke_token(token_id: str) -> Response:
    return management_views.revoke_token(app.current_request, token_id)


@app.route("/v1/repositories/{repo}/packages", methods=["GET"])
def list_packages(repo: str) -> Response:
    return contents_views.list_packages(app.current_request, repo)


@app.route("/v1/repositories/{repo}/packages/{package}", methods=["DELETE"])
def delete_package(repo: str, package: str) -> Response:
    return contents_views.delete_package(app.current_request, repo, package)


@app.route("/v1/repositories/{repo}/packages/{package}/versions", methods=["GET"])
def list_versions(repo: str, package: str) -> Response:
    return contents_views.list_versions(app.current_request, repo, package)


@app.route("/v1/repositories/{repo}/packages/{package}/versions/{version}", methods=["DELETE"])
def delete_version(repo: str, package: str, version: str) -> Response:
    return contents_views.delete_version(app.current_request, repo, package, version)


@app.route("/v1/repositories/{repo}/files", methods=["GET"])
def list_files(repo: str) -> Response:
    return contents_views.list_files(app.current_request, repo)


@app.route("/v1/operations/{operation_id}", methods=["GET"])
def get_operation(operation_id: str) -> Response:
    return contents_views.get_operation(app.current_request, operation_id)


# The web console (reserved name "console"), served by the same app.
@app.route("/console", methods=["GET"])
def console_home() -> Response:
    return console.home(app.current_request)


@app.route("/console/sign-in", methods=["GET"])
def console_sign_in_form() -> Response:
    return console.sign_in_form(app.current_request)


@app.route("/console/sign-in", methods=["POST"], content_types=FORM_TYPES)
def console_sign_in() -> Response:
    return console.sign_in(app.current_request)


@app.route("/console/sign-out", methods=["POST"], content_types=FORM_TYPES)
def console_sign_out() -> Response:
    return console.sign_out(app.current_request)


@app.route("/console/assets/{name}", methods=["GET"])
def console_asset(name: str) -> Response:
    return console.asset(app.current_request, name)


@app.route("/console/repositories/{repo}", methods=["GET"])
def console_repository(repo: str) -> Response:
    return console.repository(app.current_request, repo)


@app.route("/console/repositories/{repo}/packages/{package}", methods=["GET"])
def console_package(repo: str, package: str) -> Response:
    return console.package(app.current_request, repo, package)


# Legacy upload API: twine and uv publish POST to the repository URL.
@app.route("/{repo}", methods=["POST"], content_types=UPLOAD_TYPES)
def upload(repo: str) -> Response:
    return upload_views.legacy_upload(app.current_request, repo)


@app.route("/{repo}/legacy", methods=["POST"], content_types=UPLOAD_TYPES)
def upload_legacy(repo: str) -> Response:
    return upload_views.legacy_upload(app.current_request, repo)


# Uploads of any size, in two phases (reserve, PUT to S3, finalize).
@app.route("/{repo}/reserve", methods=["POST"], content_types=UPLOAD_TYPES)
def reserve_upload(repo: str) -> Response:
    return upload_views.reserve(app.current_request, repo)


@app.route("/{repo}/finalize", methods=["POST"], content_types=UPLOAD_TYPES)
def finalize_upload(repo: str) -> Response:
    return upload_views.finalize(app.current_request, repo)


# Simple repository API.
@app.route("/{repo}/simple", methods=["GET"])
def simple_root(repo: str) -> Response:
    return simple_views.project_list(app.current_request, repo)


@app.route("/{repo}/simple/{project}", methods=["GET"])
def simple_project(repo: str, project: str) -> Response:
    return simple_views.project_page(app.current_request, repo, project)


# File URLs on the simple pages, and their PEP 658 `.metadata` siblings.
@app.route("/{repo}/files/{project}/{filename}", methods=["GET", "HEAD"])
def download(repo: str, project: str, filename: str) -> Response:
    return file_views.download(app.current_request, repo, project, filename)


# Queued jobs (deletes, remote-cache fills). Locally infra/local/worker.py feeds them.
@app.on_sqs_message(queue=get_settings().jobs_queue, batch_size=10)
def run_jobs(event: SQSEvent) -> dict[str, Any]:
    return handlers.handle_jobs(event.to_dict(), event.context)


# Hourly: reservations never finalized lose their staged objects (DynamoDB's TTL is
# lazy), and deletes whose job message was lost are queued again.
@app.schedule("rate(1 hour)")
def sweep_reservations(event: CloudWatchEvent) -> dict[str, int]:
    return handlers.sweep()
