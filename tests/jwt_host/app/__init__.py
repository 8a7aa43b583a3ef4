"""The host application's own package, named ``app`` as in most FastAPI projects."""
