from app.utils import dto, env, oauth, serialization

__all__ = ("dto", "env", "oauth", "serialization")
