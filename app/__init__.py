"""dbadmin: safe, auditable database operations for a PostgreSQL-backed web app.

The folder is ``app/`` but the package installs as ``dbadmin`` (see pyproject.toml), so
code inside always uses relative imports.
"""

__version__ = "0.1.0"
