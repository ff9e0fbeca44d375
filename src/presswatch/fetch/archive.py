"""Every response we receive, good or bad, kept in rotating WARC files under the data directory.

Payloads are written decoded (gzip and brotli undone, Content-Encoding and
Transfer-Encoding dropped from the kept headers): what we read is what we
keep, a bomb is never written out whole, and `presswatch ingest` on the files
reads back exactly the bytes that fetch extracted.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ..extract.dates import parse_compact
from ..ingest import FEED_ENTRY_TYPE

log = logging.getLogger(__name__)

_DROPPED = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class ArchivedResponse:
    """Where one response record stands: the WARC file, its offset and length, its id and date."""

    path: str
    offset: int
    length: int
    record_id: str
    fetched_at: datetime  # the record's WARC-Date (whole seconds), naive UTC


class WarcArchive:
    """Appends response (and request) records to a WARC file, starting a new one past `max_bytes`."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.sequence = 0
        self.stream: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        self.path: Path | None = None

    def _open(self) -> WARCWriter:
        if self.writer is None or (self.stream is not None and self.stream.tell() > self.max_bytes):
            self.close()
            self.folder.mkdir(parents=True, exist_ok=True)
            self.sequence += 1
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            self.path = self.folder / f"presswatch-{stamp}-{os.getpid()}-{self.sequence:05d}.warc.gz"
            self.stream = open(self.path, "ab")
            self.writer = WARCWriter(self.stream, gzip=True)
            log.info("writing WARC file %s", self.path)
        return self.writer

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        self.stream = self.writer = None

    def write(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
        request_headers: list[tuple[str, str]],
        truncated: str | None = None,
        feed_entry: bytes | None = None,
    ) -> ArchivedResponse:
        """Write one response and the request that asked for it; `truncated` says why the body is cut short.

        `feed_entry` (see warc.feed_entry_json) goes into a metadata record right after the response.
        """
        writer = self._open()
        assert self.stream is not None and self.path is not None
        kept = [(k, v) for k, v in headers if k.lower() not in _DROPPED] + [("Content-Length", str(len(body)))]
        http = StatusAndHeaders(f"{status} {reason or 'Unknown'}", kept, protocol="HTTP/1.1")
        extra = {"WARC-Truncated": truncated} if truncated else None
        response = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http, warc_headers_dict=extra
        )
        offset = self.stream.tell()
        writer.write_record(response)
        length = self.stream.tell() - offset
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        if feed_entry:
            note = writer.create_warc_record(
                url,
                "metadata",
                payload=io.BytesIO(feed_entry),
                length=len(feed_entry),
                warc_content_type=FEED_ENTRY_TYPE,
                warc_headers_dict={"WARC-Refers-To": record_id},
            )
            writer.write_record(note)
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(f"GET {_target(url)} HTTP/1.1", request_headers, is_http_request=True),
            warc_headers_dict={"WARC-Concurrent-To": record_id},
        )
        writer.write_record(request)
        self.stream.flush()
        date = parse_compact(response.rec_headers.get_header("WARC-Date"))
        assert date is not None
        return ArchivedResponse(str(self.path.resolve()), offset, length, record_id, date.replace(tzinfo=None))


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
