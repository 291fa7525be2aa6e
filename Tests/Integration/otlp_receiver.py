"""A loopback OTLP/HTTP receiver for the trace tests: it records the bodies the server posts to /v1/traces.

The spans are OTLP protobuf; the tests look for the exact bytes of the IDs they sent (a trace ID is 16 bytes, a span
ID 8, written as protobuf `bytes` fields) rather than decoding the message, so nothing of the server's is used to
read what the server sent.
"""

import gzip
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OTLPReceiver:
    def __init__(self, port):
        self.bodies = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                with receiver.lock:
                    receiver.bodies.append((self.path, body))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, needle, timeout=10.0):
        """The first body that holds `needle`, waiting up to `timeout` seconds; None if none arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for path, body in self.bodies:
                    if needle in body:
                        return path, body
            time.sleep(0.05)
        return None

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def receiver_port():
    return int(os.environ["ORT_SERVE_OTLP_PORT"])
