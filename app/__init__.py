"""dbadmin: safe, auditable database operations for a PostgreSQL-backed web app.

The folder is ``app/`` but the package installs as ``dbadmin`` (see pyproject.toml), so
code inside always uses relative imports.  ``from dbadmin import mount_admin`` is
resolved lazily, so the CLI does not load the web stack.
"""

__version__ = "0.1.0"
__all__ = ["mount_admin", "Principal", "Role"]


def __getattr__(name: str):
    if name == "mount_admin":
        from .mount import mount_admin

        return mount_admin
    if name in ("Principal", "Role"):
        from .services.operations import access as auth

        return getattr(auth, name)
    raise AttributeError(f"module 'dbadmin' has no attribute {name!r}")
