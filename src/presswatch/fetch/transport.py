"""The connection end of the SSRF guard: every connection goes to an address the guard has just checked.

Checking a name and then letting the HTTP library connect to it resolves the
name twice; a name whose answers change between the two (DNS rebinding)
passes the check with a public address and connects to a private one. Here
httpx's connection pool opens each connection through `GuardedBackend`:
the host is resolved once, every address is checked, and the socket is
opened to one of those addresses. TLS is started on that socket for the
name, so SNI and certificate verification are for the name, and the Host
header is the name's, as without the guard.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from .guard import Resolver, checked_addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, with each TCP connection resolved once, checked, and made to a checked address."""

    def __init__(
        self, allow_private: bool, resolve: Resolver | None = None, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self.allow_private = allow_private
        self.resolve = resolve  # None: the system's resolver
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await checked_addresses(host, port, self.allow_private, self.resolve)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took longer than {timeout:g} s") from None
        failure: Exception = httpcore.ConnectError(f"{host} resolves to no address")
        for address in addresses:  # in the resolver's order of preference, as a browser tries them
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("fetching over a Unix socket is not allowed")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over `GuardedBackend`; `verify` is the TLS context (the system's CA bundle by default)."""

    def __init__(
        self,
        allow_private: bool,
        limits: httpx.Limits,
        resolve: Resolver | None = None,
        verify: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(limits=limits, trust_env=False)
        self.backend = GuardedBackend(allow_private, resolve)
        # httpx's transport takes no network backend of its own: its pool is made again around ours, with the
        # TLS context and the limits httpx would have given it.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify or httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=self.backend,
        )
