"""Response bodies read under a cap: the bytes on the wire and the bytes they inflate to.

httpx would decode gzip and brotli for us, but in one call per chunk with no
limit: 64 KB of a brotli bomb inflates to gigabytes before we could look. So
bodies are read raw and inflated here, never past the cap.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from typing import Protocol

import brotli

from ..errors import FetchFailed


class Inflater(Protocol):
    def feed(self, data: bytes, room: int) -> bytes:
        """Inflate `data`, returning at most room + 1 bytes (one more than room says the cap is passed)."""
        ...

    def finish(self) -> None:
        """Raise FetchFailed when the compressed stream stopped before its end."""
        ...


class Zlib:
    """gzip (possibly several members) and deflate (zlib-wrapped or, as some servers send it, raw)."""

    def __init__(self, encoding: str) -> None:
        self.wbits = 31 if encoding in ("gzip", "x-gzip") else 15
        self.inflater = zlib.decompressobj(self.wbits)
        self.started = False

    def feed(self, data: bytes, room: int) -> bytes:
        try:
            return self._feed(data, room)
        except zlib.error as exc:
            raise FetchFailed(f"broken {'gzip' if self.wbits == 31 else 'deflate'} data ({exc})", "encoding") from None

    def _feed(self, data: bytes, room: int) -> bytes:
        if not self.started and self.wbits == 15 and data and (data[0] & 0x0F) != 8:
            self.inflater = zlib.decompressobj(-15)  # raw deflate, no zlib header
        self.started = True
        out = self.inflater.decompress(data, room + 1)
        while self.inflater.eof and self.inflater.unused_data and len(out) <= room:
            rest = self.inflater.unused_data  # the next gzip member
            self.inflater = zlib.decompressobj(self.wbits)
            out += self.inflater.decompress(rest, room + 1 - len(out))
        return out

    def finish(self) -> None:
        if self.started and not self.inflater.eof:
            raise FetchFailed(f"broken {'gzip' if self.wbits == 31 else 'deflate'} data (it ends early)", "encoding")


class Brotli:
    def __init__(self) -> None:
        self.inflater = brotli.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        try:
            return bytes(self.inflater.process(data, output_buffer_limit=room + 1))
        except brotli.error as exc:
            raise FetchFailed(f"broken brotli data ({exc})", "encoding") from None

    def finish(self) -> None:
        if not self.inflater.is_finished():
            raise FetchFailed("broken brotli data (it ends early)", "encoding")


def inflaters(content_encoding: str | None) -> list[Inflater]:
    """The decoders for a Content-Encoding header, in the order to apply them (the last applied first)."""
    chain: list[Inflater] = []
    for name in reversed([part.strip().lower() for part in (content_encoding or "").split(",") if part.strip()]):
        if name in ("identity", "none"):
            continue
        if name in ("gzip", "x-gzip", "deflate"):
            chain.append(Zlib(name))
        elif name == "br":
            chain.append(Brotli())
        else:
            raise FetchFailed(f"unsupported content encoding {name!r}", "encoding")
    return chain


async def read_capped(chunks: AsyncIterator[bytes], content_encoding: str | None, max_bytes: int) -> bytes:
    """Read a raw body and inflate it; FetchFailed as soon as either size passes `max_bytes`."""
    chain = inflaters(content_encoding)
    parts: list[bytes] = []
    wire = size = 0
    async for chunk in chunks:
        wire += len(chunk)
        if wire > max_bytes:
            raise FetchFailed(f"the response is over the {max_bytes:,}-byte cap (setting max_page_bytes)", "too-large")
        for inflater in chain:
            chunk = inflater.feed(chunk, max_bytes - size)
            if len(chunk) > max_bytes - size:
                raise FetchFailed(
                    f"the response inflates past the {max_bytes:,}-byte cap: a decompression bomb or a huge page "
                    "(setting max_page_bytes)",
                    "too-large",
                )
        size += len(chunk)
        parts.append(chunk)
    for inflater in chain:
        inflater.finish()
    return b"".join(parts)
