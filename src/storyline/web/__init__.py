"""The web app and JSON API: a thin shell over the store (and, to ingest, the pipeline).

``storyline serve --db FILE`` runs :func:`create_app` under uvicorn. Pages are rendered on the server and
work without JavaScript; ``static/app.js`` opens cited passages in place and marks what is new since the
last visit. Nothing is fetched from the network.
"""

from .app import create_app

__all__ = ["create_app"]
