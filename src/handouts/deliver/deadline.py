"""One time limit for a whole SMTP exchange, however slowly the server answers."""

from __future__ import annotations

import socket
import threading
import time


class Deadline:
    """One limit for the whole delivery. Socket timeouts bound each read, not their sum: a
    server that trickles its greeting a line a second never trips them. At the deadline a
    watchdog shuts the connection's socket down, which ends any read or write in progress."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._watched: list = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def watch(self, smtp) -> None:
        with self._lock:
            self._watched.append(smtp)
            if self.expired:
                cut(smtp)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for smtp in self._watched:
                cut(smtp)


def cut(smtp) -> None:
    """Shut the connection's socket down (TLS or not) so that a blocked read returns."""
    for sock in (getattr(smtp, "sock", None), getattr(smtp, "_raw_sock", None)):
        if sock is not None and sock.fileno() >= 0:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass
