"""Pantry's Lambda code: everything app.py's routes and handlers call."""
