"""Raw records kept by pointer: the payload of one record of a WARC file, read back for re-extraction."""

from __future__ import annotations

from warcio.archiveiterator import ArchiveIterator

from ..errors import ItemError


def read_record_payload(path: str, offset: int) -> bytes:
    """The payload of the record at `offset` of a WARC file: raw records kept by pointer."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        for record in ArchiveIterator(stream, arc2warc=True):
            return bytes(record.content_stream().read())
    raise ItemError(f"no WARC record at offset {offset} of {path}")
