"""The sample articles that ship in resources/samples, for a new library."""

from __future__ import annotations

from importlib.resources import as_file

from desktop.core.tagsets import SAMPLES_DIR
from desktop.io.importer import ImportReport, import_paths
from desktop.store.library import Library


def load_samples(library: Library) -> ImportReport:
    """Imports the bundled sample articles (a no-op for those already there).

    The samples are a folder of the package ``desktop.resources``; ``as_file`` gives the
    import pipeline a real folder for it (the folder itself when the package lies on disk,
    as in the editable install and an installed wheel).
    """
    with as_file(SAMPLES_DIR) as folder:
        return import_paths(library, [folder])
