"""`chalice local`, unchanged but for one socket option.

chalice local writes a keep-alive response in two sends (headers, then body); with
Nagle's algorithm on, the second waits for the client's delayed ACK, which adds
about 40 ms to every request on a reused connection (pip and uv reuse them).
"""

from __future__ import annotations

import sys

from chalice.cli import main
from chalice.local import ChaliceRequestHandler

ChaliceRequestHandler.disable_nagle_algorithm = True

if __name__ == "__main__":
    sys.argv[0] = "chalice"
    sys.exit(main())
