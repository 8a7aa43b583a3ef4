"""The files of a new Alembic project, written by ``dbadmin init`` (``scaffold``)."""
