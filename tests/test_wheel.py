"""The real wheel: built from this repository, installed into a new virtual environment,
it makes a library with the sample articles and both tag sets, from outside the repository.

Nothing is fetched: the wheel is built with this environment's setuptools (no build
isolation) and installed without dependencies; the new environment borrows this one's
dependencies through a ``.pth`` line naming its site-packages. That line does not run this
environment's editable-install hook (``.pth`` files are read only in site directories), so
``desktop`` there is the wheel's copy, which the test checks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from support import REPO

pytestmark = pytest.mark.slow

# what a fresh clone does not have, or a build must not pick up
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", "*.py[cod]",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", ".import_linter_cache",
    "*.db", "*.db-wal", "*.db-shm", "*.db-journal", ".data",
)


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=300,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result.stdout


def _shipped_files(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix() for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the repository (a build writes build/ and
    *.egg-info beside the sources, which must not land in the working tree)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCE)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "--wheel-dir", base / "dist", source, cwd=base)
    (built,) = (base / "dist").glob("closeread-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the wheel installed and this one's dependencies."""
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    _run(sys.executable, "-m", "venv", "--without-pip", env_dir, cwd=env_dir.parent)
    python = _python(env_dir)
    # installed before the .pth exists, so pip sees no other closeread to replace
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
         "--no-index", "--quiet", wheel, cwd=env_dir.parent)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                     cwd=env_dir.parent).strip())
    outer = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (site / "closeread_test_dependencies.pth").write_text("\n".join(outer) + "\n")
    return env_dir


def _python(env_dir: Path) -> Path:
    return env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _script(env_dir: Path) -> Path:
    return env_dir / ("Scripts/closeread.exe" if sys.platform == "win32" else "bin/closeread")


def _environment() -> dict[str, str]:
    """This process's environment without what could point Python or Closeread elsewhere."""
    return {
        key: value for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "CLOSEREAD_", "VIRTUAL_ENV", "PIP_"))
    } | {"PYTHONNOUSERSITE": "1", "CLOSEREAD_ANNOTATOR": "tester"}


def test_the_wheel_holds_every_module_and_resource_of_the_repository(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"desktop/{name}" for name in _shipped_files(REPO / "desktop")}
    resources = {f"desktop/resources/{name}" for name in _shipped_files(REPO / "resources")}
    assert modules - names == set(), "a package of desktop/ is missing from pyproject.toml"
    assert resources - names == set()
    assert {"desktop/resources/tagsets/default.json", "desktop/resources/tagsets/ptc.json"} <= names
    assert len([n for n in names if n.startswith("desktop/resources/samples/")]) == 4


def test_the_installed_wheel_makes_a_library_with_the_samples_and_both_tag_sets(
    venv: Path, tmp_path: Path
):
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = _environment()
    where = json.loads(_run(_python(venv), "-c", (
        "import json, sys, importlib.resources as r, desktop\n"
        "print(json.dumps({'desktop': desktop.__file__,"
        " 'resources': str(r.files('desktop.resources')),"
        " 'editable': any('editable' in name for name in sys.modules)}))"
    ), cwd=work, env=env))
    prefix = venv.resolve()
    assert Path(where["desktop"]).resolve().is_relative_to(prefix), where
    assert Path(where["resources"]).resolve().is_relative_to(prefix), where
    assert not where["editable"], where
    assert not Path(where["desktop"]).resolve().is_relative_to(REPO), where

    closeread = _script(venv)
    db = work / "library.db"
    assert "4 imported" in _run(closeread, "--db", db, "samples", cwd=work, env=env)

    articles = json.loads(_run(closeread, "--db", db, "articles", "--json", cwd=work, env=env))
    assert len(articles) == 4
    sets = json.loads(_run(closeread, "--db", db, "tags", "sets", "--json", cwd=work, env=env))
    expected = {}
    for name in ("default", "ptc"):
        spec = json.loads((REPO / "resources" / "tagsets" / f"{name}.json").read_text("utf-8"))
        expected[name] = len(spec["tags"]) + sum(
            len(tag.get("children", ())) for tag in spec["tags"]
        )
    assert {s["name"]: s["tags"] for s in sets} == expected
    assert [s["name"] for s in sets if s["active"]] == ["default"]
    assert "SemEval" in next(s["title"] for s in sets if s["name"] == "ptc")

    assert "version" in _run(_python(venv), "-m", "desktop", "--version", cwd=work, env=env)
