"""The web console at {base}/console/: server-rendered pages, one small script,
speaking to the same /v1/ API and operations as the CLI."""
