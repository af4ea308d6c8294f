"""A loopback server that speaks just enough of PostgreSQL's wire protocol to ask for a
password and refuse it, as a server with password authentication does: the machine's own
PostgreSQL trusts every local connection, so it cannot show how a wrong password is reported."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SSL_REQUEST = 80877103
GSS_REQUEST = 80877104
CLEARTEXT_PASSWORD = 3


def _read_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the client went away")
        data += chunk
    return data


def _error(user: str) -> bytes:
    fields = b"".join(
        code + text.encode() + b"\0"
        for code, text in (
            (b"S", "FATAL"),
            (b"V", "FATAL"),
            (b"C", "28P01"),
            (b"M", f'password authentication failed for user "{user}"'),
        )
    )
    body = fields + b"\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


class _Refuser(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock: socket.socket = self.request
        try:
            while True:  # SSL and GSS requests first, each refused with one byte
                (length,) = struct.unpack("!I", _read_exact(sock, 4))
                payload = _read_exact(sock, length - 4)
                (code,) = struct.unpack("!I", payload[:4])
                if code not in (SSL_REQUEST, GSS_REQUEST):
                    break
                sock.sendall(b"N")
            words = payload[4:].split(b"\0")
            params = dict(zip(words[0::2], words[1::2], strict=False))
            user = params.get(b"user", b"").decode(errors="replace")
            sock.sendall(b"R" + struct.pack("!II", 8, CLEARTEXT_PASSWORD))
            tag = _read_exact(sock, 1)
            (length,) = struct.unpack("!I", _read_exact(sock, 4))
            _read_exact(sock, length - 4)  # the password: never looked at, always wrong
            if tag == b"p":
                sock.sendall(_error(user))
        except (ConnectionError, struct.error):
            return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def password_refusing_server() -> Iterator[int]:
    """A server on 127.0.0.1 that refuses every password; yields its port."""
    server = _Server(("127.0.0.1", 0), _Refuser)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
