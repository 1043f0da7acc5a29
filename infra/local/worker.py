"""The local stand-in for Lambda's SQS event source mappings.

`chalice local` runs no `@app.on_sqs_message` (nor `@app.schedule`) handler. This
process finds them in `app.event_sources`, long-polls each queue in moto, hands
each batch to the same handler function Lambda would call, shaped as a Lambda SQS
event, and deletes
only what succeeded: reported failures (ReportBatchItemFailures) stay in the
queue until their visibility timeout ends, so SQS's own redrive policy moves
poison messages to the dead-letter queue, exactly as on AWS. Scheduled handlers
run every PANTRY_LOCAL_SCHEDULE_SECONDS (300).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
from chalice.app import ScheduledEventConfig, SQSEventConfig

PROJECT_DIR = Path(__file__).resolve().parents[2]


class LocalContext:
    """The parts of a Lambda context that handlers and powertools read."""

    function_name = "pantry-local-worker"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:pantry-local-worker"
    memory_limit_in_mb = 512
    aws_request_id = "local"
    log_group_name = "local"
    log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def lambda_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    attributes = message.get("Attributes", {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class QueuePoller(threading.Thread):
    def __init__(self, sqs: Any, config: SQSEventConfig, handler: Any, stop: threading.Event):
        super().__init__(name=f"poll-{config.queue}", daemon=True)
        self.sqs, self.config, self.handler, self.stop = sqs, config, handler, stop
        self.queue_url = sqs.get_queue_url(QueueName=config.queue)["QueueUrl"]
        self.queue_arn = sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.poll_once()
            except Exception as error:  # keep polling, as the event source mapping does
                print(f"worker: {self.config.queue}: {error!r}", file=sys.stderr, flush=True)
                time.sleep(1)

    def poll_once(self, wait_seconds: int = 2) -> None:
        received = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(self.config.batch_size, 10),
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = received.get("Messages", [])
        if not messages:
            return
        region = self.sqs.meta.region_name
        event = {"Records": [lambda_record(m, self.queue_arn, region) for m in messages]}
        failed: set[str] = set()
        try:
            response = self.handler(event, LocalContext()) or {}
            failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
        except Exception as error:
            # A raised handler fails the whole batch: every message is retried.
            print(f"worker: batch failed: {error!r}", file=sys.stderr, flush=True)
            return
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )


def scheduled_event() -> dict[str, Any]:
    """An EventBridge scheduled event, as Lambda receives it."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": "us-east-1",
        "resources": [],
        "detail": {},
    }


class Scheduler(threading.Thread):
    """EventBridge schedules, locally: each scheduled handler every `every` seconds."""

    def __init__(self, handlers: list[Any], every: float, stop: threading.Event) -> None:
        super().__init__(name="schedules", daemon=True)
        self.handlers, self.every, self.stop = handlers, every, stop

    def run(self) -> None:
        while not self.stop.wait(self.every):
            for handler in self.handlers:
                try:
                    handler(scheduled_event(), LocalContext())
                except Exception as error:
                    print(f"worker: schedule failed: {error!r}", file=sys.stderr, flush=True)


def scheduled_handlers(app_module: Any) -> list[Any]:
    return [
        getattr(app_module, source.name)
        for source in app_module.app.event_sources
        if isinstance(source, ScheduledEventConfig)
    ]


def sqs_handlers(app_module: Any) -> list[tuple[SQSEventConfig, Any]]:
    return [
        (source, getattr(app_module, source.name))
        for source in app_module.app.event_sources
        if isinstance(source, SQSEventConfig) and source.queue
    ]


def main() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    app_module = importlib.import_module("app")
    sqs = boto3.client("sqs")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    pollers = [
        QueuePoller(sqs, config, handler, stop) for config, handler in sqs_handlers(app_module)
    ]
    for poller in pollers:
        poller.start()
    every = float(os.environ.get("PANTRY_LOCAL_SCHEDULE_SECONDS") or 300)
    Scheduler(scheduled_handlers(app_module), every, stop).start()
    print(
        f"worker: polling {', '.join(p.config.queue or '' for p in pollers) or 'no queue'}",
        flush=True,
    )
    try:
        while not stop.is_set():
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
