"""The remote-cache fill job: copy one upstream file into the repository's cache."""

from __future__ import annotations

from packaging.utils import canonicalize_name
from pynamodb.exceptions import DoesNotExist

from chalicelib.errors import NotFound
from chalicelib.jobs.messages import InvalidMessage, JobMessage
from chalicelib.observability import logger
from chalicelib.repositories.remote import RemoteRepository
from chalicelib.storage.models import RepositoryRecord
from chalicelib.upstream.transfer import FillRejected


def run_fill(message: JobMessage) -> None:
    try:
        repository = message.payload["repository"]
        project = canonicalize_name(message.payload["project"])
        filename = message.payload["filename"]
    except KeyError as error:
        raise InvalidMessage(f"fill message without {error}") from None
    try:
        record = RepositoryRecord.get(repository)
    except DoesNotExist:
        return  # the repository is gone: nothing to fill
    try:
        RemoteRepository(record).fill(project, filename)
    except NotFound:
        logger.info("fill of a file the upstream no longer lists", extra={"file": filename})
    except FillRejected as error:
        logger.warning("fill rejected", extra={"file": filename, "reason": error.reason})
        if not error.permanent:
            raise  # a cut download may work next time: SQS retries
