import functools
import os


@functools.lru_cache
def get_settings() -> dict:
    """Read once per process: a second branch in the same process would get the first one's URL."""
    return {"database_url": os.environ["NOTES_DB_URL"]}
