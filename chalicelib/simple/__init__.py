"""The simple repository API: one PEP 691-shaped model, two renderers."""
