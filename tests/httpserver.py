"""A real HTTP server on 127.0.0.1 (ephemeral port) for the fetch tests and the fetch benchmark.

It serves fixture files (feeds, sitemaps, pages) added by the test, and
hostile endpoints that misbehave the ways real servers do. Large and endless
bodies are generated as they are sent, never held in memory.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import brotli

CHUNK = 64 * 1024


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterator[bytes] = b""  # an iterator is sent chunked (or with the Content-Length given)


Handler = Callable[["Request"], Reply]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    count: int  # how many times this path was asked for, this one included
    at: float = field(default_factory=time.monotonic)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on hostile bodies is what the tests want


class TestServer:
    """`with TestServer() as server: server.url("/feed.xml")`."""

    __test__ = False  # not a pytest test class

    def __init__(self, delay: float = 0.0) -> None:
        self.routes: dict[str, Handler] = {}
        self.prefixes: dict[str, Handler] = {}  # handlers for every path under a prefix
        self.hits: Counter[str] = Counter()
        self.requests: list[Request] = []
        self.delay = delay  # seconds before each answer: the latency of a real network
        self.lock = threading.Lock()
        self.httpd = QuietServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 256
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        add_hostile_routes(self)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", **headers: str) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = lambda request: Reply(200, {"Content-Type": content_type, **headers}, data)
        return self.url(path)

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def __enter__(self) -> TestServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as they are written, as real servers do

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                pass

            def do_GET(self) -> None:  # noqa: N802 - the base class's name
                path = self.path
                with server.lock:
                    server.hits[path] += 1
                    request = Request(path, {k.lower(): v for k, v in self.headers.items()}, server.hits[path])
                    server.requests.append(request)
                handler = server.routes.get(path) or next(
                    (h for prefix, h in server.prefixes.items() if path.startswith(prefix)), None
                )
                reply = handler(request) if handler else Reply(404, {"Content-Type": "text/html"}, b"<p>not here</p>")
                if server.delay:
                    time.sleep(server.delay)
                try:
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up, as it should with hostile bodies

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if isinstance(reply.body, bytes):
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    return
                chunked = "Content-Length" not in reply.headers
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for part in reply.body:
                    if not part:
                        continue
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
                    self.wfile.flush()
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
                self.close_connection = True

        return RequestHandler


# ---- hostile endpoints ---------------------------------------------------------------------------

ROBOTS = "User-agent: *\nDisallow: /private/\n"


def _endless(_: Request) -> Reply:
    return Reply(200, {"Content-Type": "text/html"}, _forever(b"<p>" + b"and more " * 7000 + b"</p>"))


def _forever(block: bytes) -> Iterator[bytes]:
    while True:
        yield block


def _drip(_: Request) -> Reply:
    def slowly() -> Iterator[bytes]:
        for byte in b"<html><body><p>" + b"x" * 985:
            time.sleep(1.0)
            yield bytes([byte])

    return Reply(200, {"Content-Type": "text/html", "Content-Length": "1000"}, slowly())


def _fifty_megabytes(_: Request) -> Reply:
    size = 50 * 1024 * 1024

    def blocks() -> Iterator[bytes]:
        block = b"<p>" + b"y" * (CHUNK - 7) + b"</p>"
        for _ in range(size // CHUNK):
            yield block

    return Reply(200, {"Content-Type": "text/html", "Content-Length": str(size)}, blocks())


def _gzip_bomb(_: Request) -> Reply:
    """10 GB of zeros as a gzip stream, compressed as it is sent (about 10 MB on the wire)."""

    def stream() -> Iterator[bytes]:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        zeros = bytes(1024 * 1024)
        for _ in range(10 * 1024):
            yield packer.compress(zeros)
        yield packer.flush()

    return Reply(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, stream())


def _brotli_bomb(_: Request) -> Reply:
    """10 GB of zeros as brotli, compressed as it is sent (a few KB on the wire)."""

    def stream() -> Iterator[bytes]:
        packer = brotli.Compressor(quality=1)
        zeros = bytes(1024 * 1024)
        for _ in range(10 * 1024):
            yield packer.process(zeros) + packer.flush()
        yield packer.finish()

    return Reply(200, {"Content-Type": "text/html", "Content-Encoding": "br"}, stream())


def _redirect(target: str) -> Handler:
    return lambda request: Reply(302, {"Location": target, "Content-Length": "0"}, b"")


def _status_then_feed(status: int, times: int, feed: Callable[[], bytes], **headers: str) -> Handler:
    """`status` for the first `times` requests, then the feed."""

    def handle(request: Request) -> Reply:
        if request.count <= times:
            return Reply(status, {"Content-Type": "text/html", **headers}, f"<p>error {status}</p>".encode())
        return Reply(200, {"Content-Type": "application/rss+xml"}, feed())

    return handle


def _etag_feed(feed: Callable[[], bytes]) -> Handler:
    def handle(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, {"ETag": '"v1"'}, b"")
        return Reply(200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, feed())

    return handle


def rss(items: list[tuple[str, str]], title: str = "Test feed") -> bytes:
    """A small RSS 2.0 feed of (link, title) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Tue, 0{1 + n % 8} Oct 2026 10:00:00 GMT</pubDate></item>"
        for n, (link, t) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link>{entries}</channel></rss>"
    ).encode()


def add_hostile_routes(server: TestServer) -> None:
    empty_feed = lambda: rss([])  # noqa: E731
    server.add("/robots.txt", ROBOTS, "text/plain")
    server.route("/hostile/endless", _endless)
    server.route("/hostile/drip", _drip)
    server.route("/hostile/50mb", _fifty_megabytes)
    server.route("/hostile/gzip-bomb", _gzip_bomb)
    server.route("/hostile/brotli-bomb", _brotli_bomb)
    server.route("/hostile/loop-a", _redirect("/hostile/loop-b"))
    server.route("/hostile/loop-b", _redirect("/hostile/loop-a"))
    server.route("/hostile/429-then-ok", _status_then_feed(429, 1, empty_feed, **{"Retry-After": "1"}))
    server.route("/hostile/429-always", _status_then_feed(429, 10**9, empty_feed, **{"Retry-After": "3600"}))
    server.route("/hostile/500-then-ok", _status_then_feed(500, 1, empty_feed))
    server.route("/hostile/403", _status_then_feed(403, 10**9, empty_feed))
    server.route("/hostile/410", _status_then_feed(410, 10**9, empty_feed))
    server.add("/private/feed.xml", rss([]), "application/rss+xml")
    server.route("/hostile/etag-feed", _etag_feed(empty_feed))
    server.add("/hostile/pdf", b"%PDF-1.4 not a page", "application/pdf")
