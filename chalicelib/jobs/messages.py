"""The messages on the jobs queue: small, typed, versioned JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import boto3

from chalicelib.settings import get_settings

DELETE = "delete"  # payload: none; the operation says what
FILL = "fill"  # payload: repository, project, filename


class InvalidMessage(ValueError):
    """A message no handler can read: it fails until SQS moves it to the dead-letter
    queue, where it can be looked at."""


@dataclass(frozen=True)
class JobMessage:
    kind: str
    operation_id: str | None = None  # jobs that users follow as operations
    payload: dict[str, str] = field(default_factory=dict)
    version: int = 1

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, body: str) -> JobMessage:
        try:
            document = json.loads(body)
            operation_id = document.get("operation_id")
            return cls(
                kind=str(document["kind"]),
                operation_id=str(operation_id) if operation_id is not None else None,
                payload={str(k): str(v) for k, v in (document.get("payload") or {}).items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise InvalidMessage(f"unreadable job message: {error}") from None


@lru_cache(maxsize=1)
def _queue() -> tuple[Any, str]:
    sqs = boto3.client("sqs", region_name=get_settings().region)
    return sqs, sqs.get_queue_url(QueueName=get_settings().jobs_queue)["QueueUrl"]


def send(message: JobMessage) -> None:
    sqs, url = _queue()
    sqs.send_message(QueueUrl=url, MessageBody=message.to_json())
