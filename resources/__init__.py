"""The files that ship with Closeread, installed as the package ``desktop.resources``.

``samples/``: the sample articles a new library starts with; ``tagsets/*.json``: the tag
sets. Read them with ``importlib.resources.files("desktop.resources")``. This file makes
the folder a regular package: the editable install's import hook finds a folder mapped to
a package name (pyproject.toml, package-dir) only when it has an ``__init__.py``.
"""
