"""`HEAD /events` answers with the event stream's headers only and closes, like every other HEAD."""

from __future__ import annotations

import socket

from test_serve import serve_workspace


def raw(server, request: bytes) -> bytes:
    """Send a raw request; everything the server sends until it closes the connection."""
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=20) as sock:
        sock.sendall(request)
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:  # the server kept the connection open: that is the failure
                return data + b"<still open>"
            if not chunk:
                return data
            data += chunk
            if b"\r\n\r\n" in data and data.split(b"\r\n\r\n", 1)[1]:  # a body after a HEAD: stop here
                return data


def test_head_events_sends_headers_only_and_closes(tmp_path):
    server, state, _ = serve_workspace(tmp_path)
    try:
        port = server.server_address[1]
        reply = raw(server, f"HEAD /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        head, _, body = reply.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200")
        assert b"Content-Type: text/event-stream" in head
        assert body == b""
        assert not state.subscribers
        # GET still streams.
        with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
            sock.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            data = b""
            while b"retry:" not in data:
                data += sock.recv(65536)
            assert b"text/event-stream" in data
    finally:
        server.stop()
