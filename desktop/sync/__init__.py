"""The desktop side of the team server: an offline-first client (docs/server.md, "Sync").

The local library stays the app's source of truth, so reading, undo and search stay
instant; ``SyncEngine`` keeps it in step with a team server. It sends the passages this
library made (the change journal's own entries after the last one the server
acknowledged) and pulls the server's change feed, applying what it reads with the merge
rules bundles use. Qt-free, so that ``closeread sync`` runs it as the app does; it talks
to the server over HTTP only and never imports it (``pyproject.toml``'s contracts).

``desktop.sync.status`` holds the status and the report without loading the HTTP client,
for front ends that show them before a round runs; ``desktop.sync.engine`` is the engine.
"""
