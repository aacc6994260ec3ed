"""The sample articles that ship in resources/samples, for a new library."""

from __future__ import annotations

from desktop.core.tagsets import SAMPLES_DIR
from desktop.io.importer import ImportReport, import_paths
from desktop.store.library import Library


def load_samples(library: Library) -> ImportReport:
    """Imports the bundled sample articles (a no-op for those already there)."""
    return import_paths(library, [SAMPLES_DIR])
