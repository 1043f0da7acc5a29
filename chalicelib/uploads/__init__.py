"""The legacy upload API: form checks, archive checks, the upload service."""
