"""A Flask application as `flask db init` expects it: an app factory, Flask-SQLAlchemy, Flask-Migrate.

Its database comes from its own configuration variable, as Flask apps do; in a deployment it names
the app's real database (here, by default, a host that does not exist).
"""

import os

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
migrate = Migrate()


class Note(db.Model):
    __tablename__ = "notes"
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.Text, nullable=False)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
        "NOTES_DATABASE_URI", "postgresql+psycopg://notes@db.invalid/notes"
    )
    db.init_app(app)
    migrate.init_app(app, db)
    if os.environ.get("NOTES_UPGRADE_ON_START"):  # as some apps do: migrate whenever the app is created
        import flask_migrate

        with app.app_context():
            flask_migrate.upgrade()
    return app
