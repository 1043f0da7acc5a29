"""Repositories: one protocol, one implementation per mode."""
