"""SSRF without DNS rebinding: each connection goes to the address the guard checked, resolved once.

Against the real local server (tests/httpserver.py) and, for TLS, a real HTTPS server with a certificate
made by openssl. The resolver is a parameter of our transport: a stand-in maps made-up names to 127.0.0.1
and counts how often it is asked.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from presswatch.errors import FetchFailed
from presswatch.fetch import FetchSettings, FetchThread
from presswatch.fetch.transport import GuardedTransport

from .httpserver import TestServer


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as running:
        running.add("/page", "<p>hello</p>")
        yield running


class CountingResolver:
    """Answers every name with `addresses`, and notes each question."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = list(addresses)
        self.asked: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append((host, port))
        return self.addresses


def fetch_all(transport: GuardedTransport, urls: list[str]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=transport) as client:
            return [await client.get(url) for url in urls]

    return asyncio.run(run())


def test_one_resolution_per_connection_and_the_connection_goes_to_it(server: TestServer) -> None:
    port = server.httpd.server_address[1]
    resolver = CountingResolver("127.0.0.1")
    kept_alive = GuardedTransport(True, httpx.Limits(max_connections=1), resolve=resolver)
    answers = fetch_all(kept_alive, [f"http://news.example:{port}/page"] * 3)
    assert [a.status_code for a in answers] == [200] * 3
    assert resolver.asked == [("news.example", port)]  # three requests over one connection: asked once
    assert {r.headers["host"] for r in server.requests} == {f"news.example:{port}"}  # the Host is the name

    resolver = CountingResolver("127.0.0.1")
    one_each = GuardedTransport(True, httpx.Limits(max_keepalive_connections=0), resolve=resolver)
    fetch_all(one_each, [f"http://news.example:{port}/page"] * 2)
    assert resolver.asked == [("news.example", port)] * 2  # two connections: asked once for each


def test_a_name_resolving_to_a_private_address_is_refused_before_connecting(server: TestServer) -> None:
    port = server.httpd.server_address[1]
    resolver = CountingResolver("93.184.215.14", "127.0.0.1")  # one public answer does not hide a private one
    guarded = GuardedTransport(False, httpx.Limits(), resolve=resolver)
    with pytest.raises(FetchFailed, match="127.0.0.1, a loopback address") as refused:
        fetch_all(guarded, [f"http://rebound.example:{port}/page"])
    assert refused.value.reason == "ssrf" and resolver.asked == [("rebound.example", port)]
    assert server.hits == {}


def test_localhost_is_refused_without_allow_private_and_reached_with_it(server: TestServer, tmp_path: Path) -> None:
    url = server.url("/page").replace("127.0.0.1", "localhost")
    settings = FetchSettings(warc_dir=tmp_path / "warc", host_interval=0.0)
    with FetchThread(settings) as net:
        refused = net.get(url)
    assert refused.reason == "ssrf" and "loopback" in (refused.error or "") and server.hits == {}
    with FetchThread(FetchSettings(warc_dir=tmp_path / "warc", host_interval=0.0, allow_private=True)) as net:
        reached = net.get(url)
    assert reached.ok and reached.body == b"<p>hello</p>", reached.error


# ---- TLS: SNI and certificate verification stay with the name ---------------------------------------


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[int, Path, list[str | None]]]:
    """An HTTPS server on 127.0.0.1 whose certificate names only news.example; the names clients sent as SNI."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=news.example"]
        + ["-addext", "subjectAltName=DNS:news.example", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    seen: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: seen.append(name)

    class Hello(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], cert, seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_tls_is_verified_for_the_name_not_the_address(https_server: tuple[int, Path, list[str | None]]) -> None:
    port, cert, seen = https_server
    trusting = ssl.create_default_context(cafile=str(cert))
    transport = GuardedTransport(True, httpx.Limits(), resolve=CountingResolver("127.0.0.1"), verify=trusting)
    [answer] = fetch_all(transport, [f"https://news.example:{port}/"])
    assert answer.status_code == 200 and answer.content == b"hello"
    assert seen == ["news.example"]  # SNI carried the name, though the socket went to 127.0.0.1
    # Another name on the same address: the certificate does not name it, and verification says so.
    transport = GuardedTransport(True, httpx.Limits(), resolve=CountingResolver("127.0.0.1"), verify=trusting)
    with pytest.raises(httpx.ConnectError, match="certificate"):
        fetch_all(transport, [f"https://other.example:{port}/"])
