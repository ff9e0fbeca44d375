"""The files a post import reads: plain, gzip, or each member of a zip, streamed as text or bytes."""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .records import FileFailed


@dataclass(frozen=True)
class Input:
    """One stream to read: a file, or a member of a zip; `name` is how problems name it."""

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def suffix(self) -> str:
        """The suffix that tells the format, under any .gz."""
        name = (self.member or self.path.name).lower().removesuffix(".gz")
        return Path(name).suffix

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """The decompressed bytes, streamed."""
        try:
            if self.member is not None:
                with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as member:
                    yield _gunzipped(member, self.member)
            else:
                with self.path.open("rb") as raw:
                    yield _gunzipped(raw, self.path.name)
        except (OSError, zipfile.BadZipFile, EOFError) as exc:
            raise FileFailed(f"cannot read it: {exc}") from None

    @contextmanager
    def open_text(self) -> Iterator[IO[str]]:
        with self.open() as stream:
            yield io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")


def _gunzipped(stream: IO[bytes], name: str) -> IO[bytes]:
    if name.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=stream)  # type: ignore[return-value]
    return stream


def inputs_of(path: Path) -> list[Input]:
    """The streams of one path: itself, or each file member of a zip."""
    if not path.is_file():
        raise FileFailed("no such file")
    if zipfile.is_zipfile(path) and path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [info.filename for info in archive.infolist() if not info.is_dir()]
        return [Input(path, member) for member in members if not Path(member).name.startswith(".")]
    return [Input(path)]
