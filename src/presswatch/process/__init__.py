"""Process: run the analysis stages over the articles each has not seen yet, in the order they need.

Reads and writes: whatever each registered stage reads and writes (see the
stage packages); `stage_state` holds each stage's watermark.
"""

from __future__ import annotations

from .registry import STAGES, OnStage, run_stages

__all__ = ["STAGES", "OnStage", "run_stages"]
