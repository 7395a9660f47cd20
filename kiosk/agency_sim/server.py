"""The HTTP server under every reference agency: the standard library's, made fit for bursts.

* a listen backlog of 128: the stdlib's 5 drops the connections of a worker's
  burst of senders (they time out connecting), which no agency server does;
* a client that gave up (its read timeout, a killed worker) is not an error
  worth a traceback: the agency simply could not answer it.
"""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any


class LoopbackServer(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # broken pipe, reset by peer
            return
        super().handle_error(request, client_address)
