"""Fault injection for the crash-safety tests (PANTRY_FAULT_INJECTION).

`exit:<point>` kills the process at that point, as a Lambda timeout or a lost
worker would; `fail:<point>` raises there on every attempt (a poison message).
Never set in a deployment: infra/ sets no such variable.
"""

from __future__ import annotations

import os

from chalicelib.settings import get_settings


class InjectedFault(RuntimeError):
    pass


def checkpoint(point: str) -> None:
    fault = get_settings().fault_injection
    if fault == f"exit:{point}":
        os._exit(70)
    if fault == f"fail:{point}":
        raise InjectedFault(f"injected failure at {point}")
