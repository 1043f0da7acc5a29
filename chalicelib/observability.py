"""The one Logger of the service and its metrics (powertools, CloudWatch EMF).

Logs are structured JSON. Never log a token, an Authorization header or a
presigned URL: log names, sizes and reasons only.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, single_metric
from aws_lambda_powertools.metrics import MetricUnit

NAMESPACE = "Pantry"

logger = Logger(service="pantry")


def count(name: str, **dimensions: str) -> None:
    """Add 1 to a metric, with dimensions such as a rejection reason.

    Each count is its own EMF document, so a reason never lands on another metric.
    """
    with single_metric(
        name=name,
        unit=MetricUnit.Count,
        value=1,
        namespace=NAMESPACE,
        default_dimensions={"service": "pantry"},
    ) as metric:
        for key, value in dimensions.items():
            metric.add_dimension(name=key, value=value)


def metric_value(name: str, value: float, unit: str) -> None:
    """Record one measurement (a latency, a size)."""
    with single_metric(
        name=name,
        unit=MetricUnit(unit),
        value=value,
        namespace=NAMESPACE,
        default_dimensions={"service": "pantry"},
    ):
        pass
