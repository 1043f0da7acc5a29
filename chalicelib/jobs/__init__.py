"""Asynchronous work: typed queue messages, operations, and one handler per kind."""
