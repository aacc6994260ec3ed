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


def test_the_repository_documents_its_architecture_and_cites_only_itself():
    from support import REPO

    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    for package in ("core/", "store/", "io/", "ui/", "cli.py"):
        assert package in doc, f"docs/architecture.md does not describe {package}"
    for heading in ("## Invariants", "## The change journal", "## Change events"):
        assert heading in doc
    cited = []
    for path in [*REPO.glob("desktop/**/*.py"), *REPO.glob("tests/**/*.py"),
                 *REPO.glob("benchmarks/**/*.py"), REPO / "pyproject.toml", REPO / "README.md"]:
        text = path.read_text(encoding="utf-8")
        for outside in ("ARCHITECTURE.md", "PLATFORM.md", "STYLE.md", "shared/design"):
            if outside in text and path.name != "test_architecture.py":
                cited.append(f"{path.relative_to(REPO)}: {outside}")
    assert cited == [], "files cite design documents outside the repository"
