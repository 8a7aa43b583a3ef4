from .repository_factory import AllRepositories

__all__ = [
    "AllRepositories",
]
