"""Adapters to DynamoDB (PynamoDB models) and S3 (blobs, presigned URLs)."""
