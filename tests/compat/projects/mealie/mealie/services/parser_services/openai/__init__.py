from .parser import OpenAIParser

__all__ = [
    "OpenAIParser",
]
