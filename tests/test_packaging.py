"""The wheel carries everything presswatch needs: package data lists only files that exist, and an
installed wheel, not the source tree, runs the demo.

The wheel is built offline (no build isolation: setuptools comes from the test extra) from a copy of
the project without egg-info or caches, so only what pyproject.toml declares goes in. It is installed
into a fresh venv without its dependencies; a .pth file written after the install puts this venv's
site-packages (where `make install` put them) behind the fresh venv's own. Lines of a .pth file are
plain path entries, so this venv's editable install of presswatch (its own .pth) is not processed:
presswatch itself can only come from the wheel, which the test checks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PACKAGE = PROJECT / "src" / "presswatch"
PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))
PATTERNS: list[str] = PYPROJECT["tool"]["setuptools"]["package-data"]["presswatch"]


def _matches(pattern: str) -> list[Path]:
    return sorted(p for p in PACKAGE.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_package_data_pattern_matches_a_file(pattern: str) -> None:
    assert _matches(pattern), f"package-data pattern {pattern!r} matches no file under {PACKAGE}"


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"}}
    env.pop("VIRTUAL_ENV", None)
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(args: list[str | Path], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"{args} exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("build")
    tree = work / "project"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (PROJECT / name).exists():
            shutil.copy2(PROJECT / name, tree / name)
    shutil.copytree(PROJECT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    out = work / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", out, tree],
        cwd=work,
    )
    (built,) = out.glob("presswatch-*.whl")
    return built


def test_the_wheel_holds_every_package_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for pattern in PATTERNS:
        for path in _matches(pattern):
            name = path.relative_to(PACKAGE.parent).as_posix()
            assert name in names, f"{name} (package-data {pattern!r}) is not in {wheel.name}"


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed, and this venv's site-packages behind its own for the dependencies."""
    env_dir = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", env_dir], cwd=env_dir.parent)
    python = env_dir / "bin" / "python"
    # pip from this venv, installing into the fresh one; before the .pth exists, so it sees no presswatch there
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel], cwd=env_dir)
    site = Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=env_dir).stdout.strip()
    )
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "zz_presswatch_test_dependencies.pth").write_text("".join(f"{p}\n" for p in ours), "utf-8")
    return env_dir


def test_the_installed_package_is_the_wheel_not_the_source_tree(venv: Path) -> None:
    probe = "import json, sys, presswatch; print(json.dumps({'file': presswatch.__file__, 'path': sys.path}))"
    seen = json.loads(_run([venv / "bin" / "python", "-c", probe], cwd=venv.parent).stdout)
    assert Path(seen["file"]).resolve().is_relative_to(venv.resolve()), seen["file"]
    assert str(PROJECT / "src") not in seen["path"]


def test_the_installed_wheel_runs_the_demo(venv: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = _run([venv / "bin" / "presswatch", "demo", "--db", db, "--json"], cwd=tmp_path)
    summary = json.loads(result.stdout)
    assert summary["ingest"]["failed"] == 0
    assert summary["stats"]["articles"] > 0
    assert summary["digest"]["files"], summary["digest"]
    for name in summary["digest"]["files"]:
        path = Path(name) if Path(name).is_absolute() else tmp_path / name
        assert path.is_file() and path.stat().st_size > 0, path
    assert {Path(name).suffix for name in summary["digest"]["files"]} >= {".html", ".md"}


def test_the_installed_wheel_serves_its_templates_and_static_files(venv: Path, tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from fastapi.testclient import TestClient\n"
        "from presswatch import Presswatch\n"
        "from presswatch.web.app import create_app\n"
        "pw = Presswatch(db=sys.argv[1])\n"
        "client = TestClient(create_app(pw, public=True))\n"
        "for path in ('/', '/login', '/static/presswatch.css'):\n"
        "    response = client.get(path)\n"
        "    assert response.status_code == 200, (path, response.status_code, response.text[:500])\n"
        "    assert response.text.strip(), path\n"
        "pw.close()\n"
    )
    _run([venv / "bin" / "python", "-c", script, tmp_path / "web.db"], cwd=tmp_path)
