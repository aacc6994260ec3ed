"""The layering of docs/architecture.md, enforced by the import-linter contracts in pyproject."""

import os

from importlinter.cli import lint_imports
from support import REPO


def test_layers_and_forbidden_imports_hold():
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        assert lint_imports(no_cache=True) == 0
    finally:
        os.chdir(cwd)
