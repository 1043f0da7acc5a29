"""HTTP edges: content negotiation, multipart parsing, error -> status mapping."""
