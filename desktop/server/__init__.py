"""The team annotation server: a Hypothesis-compatible HTTP API over a Closeread library.

``app.py`` is the API (FastAPI), ``repository.py`` the small storage interface it calls,
``sqlite.py`` that interface over the library file, ``run.py`` the process (uvicorn, logs,
signals). It never imports the window (``desktop.ui``); see docs/server.md.
"""
