"""A tiny threaded HTTP server for faults a request/response mock cannot make.

pytest-httpserver answers with whole responses; a server that drips bytes,
stalls after the headers, resets the connection or sends a truncated body has
to write to the socket itself. Each fault is a function of the open socket.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Fault = Callable[[BaseHTTPRequestHandler], None]


class FaultServer:
    """Serves one fault per path on 127.0.0.1; requests to other paths get 404."""

    def __init__(self) -> None:
        self.faults: dict[str, Fault] = {}
        self.requests: list[str] = []
        self.released = threading.Event()  # set at shutdown: stalled handlers give up
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests.append(self.path)
                self.server_released = server.released
                fault = server.faults.get(self.path)
                if fault is None:
                    self.send_error(404)
                    return
                with contextlib.suppress(OSError):
                    fault(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self._httpd.shutdown()
        self._httpd.server_close()


def headers(handler: BaseHTTPRequestHandler, status: int = 200, **fields: str) -> None:
    handler.send_response(status)
    for name, value in fields.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()


def drip(body: bytes, every: float) -> Fault:
    """Headers at once, then one byte every `every` seconds: each read is quick, the whole is not."""

    def fault(handler: BaseHTTPRequestHandler) -> None:
        headers(handler, content_type="text/html", content_length=str(len(body)))
        for byte in _bytes(body):
            handler.wfile.write(byte)
            handler.wfile.flush()
            if handler.server_released.wait(every):
                return

    return fault


def drip_headers(every: float) -> Fault:
    """The status line and headers a byte at a time, never finishing."""

    def fault(handler: BaseHTTPRequestHandler) -> None:
        for byte in _bytes(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"z" * 10_000):
            handler.wfile.write(byte)
            handler.wfile.flush()
            if handler.server_released.wait(every):
                return

    return fault


def stall(handler: BaseHTTPRequestHandler) -> None:
    """Accepts the request and never answers."""
    handler.server_released.wait(30)


def reset(handler: BaseHTTPRequestHandler) -> None:
    """Closes the connection with a TCP reset before any answer."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.rfile.close()  # the socket closes (and resets) only when its files are closed too
    handler.wfile.close()
    handler.connection.close()
    handler.close_connection = True


def truncated(body: bytes, cut: int) -> Fault:
    """Promises the whole body in Content-Length, sends `cut` bytes and hangs up."""

    def fault(handler: BaseHTTPRequestHandler) -> None:
        headers(handler, content_type="text/html", content_length=str(len(body)))
        handler.wfile.write(body[:cut])
        handler.wfile.flush()
        handler.close_connection = True

    return fault


def _bytes(data: bytes) -> Iterator[bytes]:
    return (data[i : i + 1] for i in range(len(data)))


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> bool:
    """Polls a condition a server thread makes true (no fixed sleeps in tests)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()
