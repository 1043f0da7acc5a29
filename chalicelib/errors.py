"""Domain errors. No HTTP here: chalicelib/http/errors.py maps them to statuses."""

from __future__ import annotations


class PantryError(Exception):
    """Base of every error a caller can act on; the message is shown to them."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        # A short machine tag for metrics and logs (e.g. "digest-mismatch").
        self.reason = reason or type(self).__name__


class InvalidRequest(PantryError):
    """The request itself is wrong: a field, a name, a filename, the archive."""


class NotAuthenticated(PantryError):
    """No credentials, or credentials that identify nobody."""


class PermissionDenied(PantryError):
    """Known caller without the role the action needs."""


class NotFound(PantryError):
    pass


class AlreadyExists(PantryError):
    """A create-only thing exists already (a repository, a file with other bytes)."""


class NotAcceptable(PantryError):
    """No representation the client accepts."""


class TooLarge(PantryError):
    pass


class UnsupportedOperation(PantryError):
    """The repository's mode does not allow this (e.g. upload to a remote)."""


class UpstreamFailed(PantryError):
    """An upstream index failed, and nothing cached can stand in (502)."""


class Gone(PantryError):
    """Something that existed and ran out (an expired reservation): 410."""
