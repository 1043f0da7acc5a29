"""The messages on the jobs queue: small, typed, versioned JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import boto3

from chalicelib.settings import get_settings

DELETE = "delete"


class InvalidMessage(ValueError):
    """A message no handler can read: retrying cannot help."""


@dataclass(frozen=True)
class JobMessage:
    kind: str
    operation_id: str
    version: int = 1

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, body: str) -> JobMessage:
        try:
            payload = json.loads(body)
            return cls(kind=str(payload["kind"]), operation_id=str(payload["operation_id"]))
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidMessage(f"unreadable job message: {error}") from None


@lru_cache(maxsize=1)
def _queue() -> tuple[Any, str]:
    sqs = boto3.client("sqs", region_name=get_settings().region)
    return sqs, sqs.get_queue_url(QueueName=get_settings().jobs_queue)["QueueUrl"]


def send(message: JobMessage) -> None:
    sqs, url = _queue()
    sqs.send_message(QueueUrl=url, MessageBody=message.to_json())
