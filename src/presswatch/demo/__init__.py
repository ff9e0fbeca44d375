"""The demo: a fresh store built from the bundled sample corpus, and what presswatch found in it.

Reads: the sample corpus in `presswatch/sample`. Writes: a new SQLite store
and the digest of the sample's busiest week beside it.
"""

from __future__ import annotations

from .tour import DemoResult, run_demo, sample_file_count, sample_parts

__all__ = ["DemoResult", "run_demo", "sample_file_count", "sample_parts"]
