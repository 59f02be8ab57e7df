"""The search app: a Flask app factory with blueprints over the store and the index."""
from __future__ import annotations

import os

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    from policekb.config import resolve_home

    home = resolve_home(os.environ.get("POLICEKB_HOME"))
    app.config.from_mapping(
        DATABASE=str(home.database),
        INDEX=str(home.index),
        MAX_CONTENT_LENGTH=64 * 1024,  # searching needs no uploads
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    from search_app import db, errors, formatting, links, security
    from search_app.views import api, documents, export, models, search

    db.init_app(app)
    formatting.init_app(app)
    links.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    for blueprint in (search.bp, documents.bp, models.bp, export.bp, api.bp):
        app.register_blueprint(blueprint)
    return app
