"""Process: run the analysis stages over the articles each has not seen yet, in the order they need.

Reads and writes: whatever each registered stage reads and writes (see the
stage packages); `stage_state` holds each stage's watermark and fingerprint.
Every stage implements `Stage` and is listed once in `STAGES`.
"""

from __future__ import annotations

from .registry import STAGES, OnStage, in_order, run_stages, stage_names
from .stage import Stage, Tick, forget, run_stage

__all__ = ["STAGES", "OnStage", "Stage", "Tick", "forget", "in_order", "run_stage", "run_stages", "stage_names"]
