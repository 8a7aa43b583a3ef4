from app.lib import crypt, deps, exceptions, log, schema, settings, worker

__all__ = ("crypt", "deps", "exceptions", "log", "schema", "settings", "worker")
