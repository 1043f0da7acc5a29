"""Upstream indexes of remote repositories: fetching, parsing, the cached listing."""
