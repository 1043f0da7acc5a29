"""A small upstream index for tests, with faults on demand (stdlib http.server).

It serves PEP 503 HTML or PEP 691 JSON project pages for the files it holds, and
can lie about a hash, cut a download short, demand Basic auth or fail with 500.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename


@dataclass
class FakeIndex:
    files: dict[str, bytes] = field(default_factory=dict)  # filename -> bytes
    metadata: dict[str, bytes] = field(default_factory=dict)  # filename -> METADATA
    json_pages: bool = False
    wrong_hash: set[str] = field(default_factory=set)  # advertise a hash that lies
    cut_short: set[str] = field(default_factory=set)  # announce more bytes than sent
    failing: bool = False  # every request answers 500
    credentials: tuple[str, str] | None = None
    requests: list[str] = field(default_factory=list)

    def project_of(self, filename: str) -> str:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[0]
        return parse_sdist_filename(filename)[0]

    def start(self) -> str:
        index = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                index.requests.append(self.path)
                if index.failing:
                    return self._send(500, b"upstream is broken", "text/plain")
                if index.credentials is not None:
                    pair = ":".join(index.credentials).encode()
                    wanted = "Basic " + base64.b64encode(pair).decode()
                    if self.headers.get("Authorization") != wanted:
                        return self._send(401, b"who are you?", "text/plain")
                parts = self.path.strip("/").split("/")
                if len(parts) == 2 and parts[0] == "simple":
                    return self._page(canonicalize_name(parts[1]))
                if len(parts) == 2 and parts[0] == "packages":
                    return self._file(parts[1])
                self._send(404, b"not found", "text/plain")

            def _page(self, project: str) -> None:
                names = [f for f in index.files if index.project_of(f) == project]
                if not names:
                    return self._send(404, b"no such project", "text/plain")
                if index.json_pages:
                    body = json.dumps(
                        {
                            "meta": {"api-version": "1.1"},
                            "name": project,
                            "files": [index.json_entry(f) for f in names],
                        }
                    ).encode()
                    return self._send(200, body, "application/vnd.pypi.simple.v1+json")
                anchors = "".join(index.html_anchor(f) for f in names)
                return self._send(200, f"<html><body>{anchors}</body></html>".encode(), "text/html")

            def _file(self, name: str) -> None:
                if name.endswith(".metadata") and name[: -len(".metadata")] in index.metadata:
                    return self._send(200, index.metadata[name[: -len(".metadata")]], "text/plain")
                if name not in index.files:
                    return self._send(404, b"no such file", "text/plain")
                body = index.files[name]
                if name in index.cut_short:
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.close_connection = True
                    return
                self._send(200, body, "application/octet-stream")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/simple/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def advertised_sha256(self, filename: str) -> str:
        if filename in self.wrong_hash:
            return "0" * 64
        return hashlib.sha256(self.files[filename]).hexdigest()

    def json_entry(self, filename: str) -> dict[str, Any]:
        metadata: Any = False
        if filename in self.metadata:
            metadata = {"sha256": hashlib.sha256(self.metadata[filename]).hexdigest()}
        return {
            "filename": filename,
            "url": f"../../packages/{filename}",  # relative, resolved by the reader
            "hashes": {"sha256": self.advertised_sha256(filename)},
            "requires-python": ">=3.8",
            "core-metadata": metadata,
            "size": len(self.files[filename]),
            "upload-time": "2026-01-02T03:04:05.000000Z",
        }

    def html_anchor(self, filename: str) -> str:
        extra = ""
        if filename in self.metadata:
            sha = hashlib.sha256(self.metadata[filename]).hexdigest()
            extra = f' data-dist-info-metadata="sha256={sha}"'
        return (
            f'<a href="/packages/{filename}#sha256={self.advertised_sha256(filename)}"'
            f' data-requires-python="&gt;=3.8"{extra}>{filename}</a><br>'
        )
