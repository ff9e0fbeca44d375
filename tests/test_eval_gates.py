"""The evaluation gates in eval/ pass on the real data: extraction, WARC reading, feeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PROJECT


@pytest.mark.parametrize("script", ["feeds.py", "warc.py", "extraction.py"])
def test_eval_gate_passes(script: str, shared_data: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(PROJECT / "eval" / script), "--data", str(shared_data), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert json.loads(done.stdout)


def test_entity_eval_gate_passes(shared_data: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(PROJECT / "eval" / "entities.py"), "--data", str(shared_data), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    figures = json.loads(done.stdout)
    assert figures["all"]["precision"] >= 0.95 and figures["all"]["recall"] >= 0.95


def test_translation_eval_gate_passes(shared_data: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(PROJECT / "eval" / "translations.py"), "--data", str(shared_data), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
