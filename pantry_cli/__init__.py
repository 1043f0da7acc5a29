"""The `pantry` command: a client of Pantry's /v1/ API (the standard library and packaging)."""

__version__ = "0.1.0"
