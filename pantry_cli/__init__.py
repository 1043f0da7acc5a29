"""The `pantry` command: a client of Pantry's /v1/ API (standard library only)."""

__version__ = "0.1.0"
