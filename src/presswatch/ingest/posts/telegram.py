"""A Telegram Desktop export (result.json) read one message at a time, however large the file.

The export is one JSON object whose "messages" list holds everything; the standard library has no
streaming JSON parser, so the header is read up to that list and each message is decoded on its own
with `raw_decode`, the buffer holding one message or a chunk at most.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from .records import FileFailed, RowFailed

CHUNK = 1 << 16
_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
_HEADER = {
    "name": re.compile(r'"name"\s*:\s*("(?:[^"\\]|\\.)*")'),
    "type": re.compile(r'"type"\s*:\s*("(?:[^"\\]|\\.)*")'),
    "id": re.compile(r'"id"\s*:\s*(-?\d+)'),
}
Messages = Iterator[tuple[int, dict[str, Any] | RowFailed]]


class _Buffer:
    """Decoded text read ahead of the parser, with the line number of its start."""

    def __init__(self, stream: IO[bytes], max_bytes: int) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self.text = ""
        self.at = 0
        self.line = 1
        self.max_bytes = max_bytes
        self.done = False

    def more(self) -> bool:
        if self.done:
            return False
        chunk = self.stream.read(CHUNK)
        self.done = not chunk
        self.text = self.text[self.at :] + self.decoder.decode(chunk, final=self.done)
        self.at = 0
        return bool(chunk) or bool(self.text)

    def advance(self, to: int) -> None:
        self.line += self.text.count("\n", self.at, to)
        self.at = to

    def skip_space(self) -> str | None:
        """The next character that is not blank or a comma; None at the end of the file."""
        while True:
            match = re.compile(r"[\s,]*").match(self.text, self.at)
            assert match is not None
            self.advance(match.end())
            if self.at < len(self.text):
                return self.text[self.at]
            if not self.more() or self.at >= len(self.text) and self.done:
                return None


def telegram_messages(stream: IO[bytes], max_bytes: int) -> tuple[dict[str, Any], Messages]:
    """The chat's name, type and id, and its messages with the line each starts on."""
    buffer = _Buffer(stream, max_bytes)
    while (found := _MESSAGES.search(buffer.text)) is None:
        if len(buffer.text) > max_bytes or not buffer.more():
            if not buffer.text.strip():
                raise FileFailed("the file is empty")
            raise FileFailed('not a Telegram export: no "messages" list (choose another --format)')
    chat = {}
    for name, pattern in _HEADER.items():
        match = pattern.search(buffer.text, 0, found.start())
        if match:
            chat[name] = json.loads(match.group(1))
    buffer.advance(found.end())
    return chat, _messages(buffer)


def _messages(buffer: _Buffer) -> Messages:
    decoder = json.JSONDecoder()
    while (first := buffer.skip_space()) is not None and first != "]":
        try:
            message, end = decoder.raw_decode(buffer.text, buffer.at)
        except json.JSONDecodeError as exc:
            if len(buffer.text) - buffer.at > buffer.max_bytes:
                yield (
                    buffer.line,
                    RowFailed(f"a message longer than max_page_bytes ({buffer.max_bytes}); the rest unread"),
                )
                return
            if buffer.more():
                continue
            yield buffer.line, RowFailed(f"broken JSON ({exc.msg}); the rest of the file unread")
            return
        line = buffer.line
        buffer.advance(end)
        yield line, message if isinstance(message, dict) else RowFailed("a message that is not a JSON object")
