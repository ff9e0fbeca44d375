"""Helpers shared by the eval scripts: arguments, the data folder, temporary stores, output."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from presswatch import Presswatch

DEFAULT_DATA = Path("../shared/data")


def parser(description: str) -> argparse.ArgumentParser:
    """The options every script takes: where the data is, and JSON output."""
    args = argparse.ArgumentParser(description=description)
    args.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="the shared data folder (default: ../shared/data, relative to the project root)",
    )
    args.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    return args


def require(folder: Path) -> Path:
    """The folder, or a clear message and exit 0: absent data is not a failure of presswatch."""
    if not folder.is_dir():
        print(f"data folder {folder} is absent; nothing to measure (pass --data DIR to point elsewhere)")
        sys.exit(0)
    return folder


def quiet_libraries() -> None:
    # trafilatura, htmldate and warcio warn about every odd page; the report is the output here.
    logging.basicConfig(level=logging.ERROR)
    for name in ("trafilatura", "htmldate", "courlan", "charset_normalizer", "presswatch"):
        logging.getLogger(name).setLevel(logging.ERROR)


@contextmanager
def temp_store() -> Iterator[Presswatch]:
    """A Presswatch on a fresh SQLite file that disappears afterwards."""
    with tempfile.TemporaryDirectory(prefix="presswatch-eval-") as folder:
        app = Presswatch(db=str(Path(folder) / "eval.db"))
        try:
            yield app
        finally:
            app.close()


def emit(figures: dict[str, Any], lines: list[str], as_json: bool) -> None:
    """Print the readable report, or the figures as JSON for machines."""
    if as_json:
        print(json.dumps(figures, indent=2, sort_keys=True, default=str))
    else:
        print("\n".join(lines))
