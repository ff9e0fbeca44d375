"""The evaluation gates in eval/ pass on the real data: extraction, WARC, feeds, entities, translations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import PROJECT

# the eval scripts run in subprocesses, each on a SQLite store of its own: PostgreSQL would change nothing
pytestmark = pytest.mark.sqlite_only(reason="eval scripts in subprocesses, on SQLite stores of their own")


def run_eval(script: str, data: Path) -> dict[str, Any]:
    """Run one eval script as a user would; its exit code is the gate."""
    done = subprocess.run(
        [sys.executable, str(PROJECT / "eval" / script), "--data", str(data), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures


@pytest.mark.parametrize(
    "script", ["feeds.py", "warc.py", "extraction.py", "translations.py", "reuse.py", "stories.py"]
)
def test_eval_gate_passes(script: str, shared_data: Path) -> None:
    assert run_eval(script, shared_data)


def test_coordination_eval_gate_passes() -> None:
    """Simulated posts with known coordination (no shared data needed): F1 and precision >= 0.95 everywhere."""
    done = subprocess.run(
        [sys.executable, str(PROJECT / "eval" / "coordination.py"), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert json.loads(done.stdout)["pass"]


def test_entity_eval_gate_passes(shared_data: Path) -> None:
    figures = run_eval("entities.py", shared_data)
    assert figures["all"]["precision"] >= 0.95 and figures["all"]["recall"] >= 0.95
