"""The SSRF guard: URLs from users and from feeds must not reach our own network.

Every host is resolved first and every address it resolves to must be
public: loopback, private, link-local (which holds the cloud metadata service
at 169.254.169.254), shared, reserved and multicast addresses are refused.
`allow_private` lifts the guard, for monitoring an intranet or for tests.

`check_url` refuses early, before robots.txt is asked; the connection itself
(`transport`) resolves the name once more, checks those addresses and
connects to one of them, so a name that answers differently the second time
(DNS rebinding) still cannot lead a connection to a private address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from ..errors import FetchFailed

# Names that cloud providers answer with instance credentials, whatever they resolve to.
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data"})
METADATA_ADDRESSES = frozenset({"169.254.169.254", "fd00:ec2::254"})

# A host name and port to the addresses they resolve to, best first: the system's resolver, or a stand-in.
Resolver = Callable[[str, int], Awaitable[list[str]]]


def kind_of_address(address: str) -> str | None:
    """Why an address is not public ('loopback', 'private', ...), or None when it is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for name in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    return None if ip.is_global else "non-public"


async def check_url(url: str, allow_private: bool) -> None:
    """Refuse a URL that is not http(s) or whose host is not public; raise FetchFailed('ssrf') with the reason."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"only http and https URLs can be fetched, not {url[:80]!r}", "ssrf")
    if not allow_private:
        await checked_addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), False)


async def checked_addresses(host: str, port: int, allow_private: bool, resolve: Resolver | None = None) -> list[str]:
    """The addresses to connect to for `host`, resolved once by `resolve` (the system's resolver by default);
    unless `allow_private`, FetchFailed('ssrf') when any of them is not public."""
    host = host.strip("[]").rstrip(".").lower()
    if not allow_private and host in METADATA_HOSTS:
        raise FetchFailed(f"refused: {host} is a cloud metadata address (pass --allow-private to fetch it)", "ssrf")
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = await (resolve or system_resolver)(host, port)
    for address in [] if allow_private else addresses:
        kind = kind_of_address(address)
        if kind:
            kind = "cloud metadata" if address in METADATA_ADDRESSES else kind
            raise FetchFailed(
                f"refused: {host} resolves to {address}, a {kind} address "
                "(pass --allow-private to fetch from your own network)",
                "ssrf",
            )
    return addresses


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses from the system's resolver, in its order of preference."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchFailed(f"cannot resolve {host} ({exc.strerror or exc})", "network") from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))
