"""The host application's own package, deliberately named ``app`` like most FastAPI projects."""
