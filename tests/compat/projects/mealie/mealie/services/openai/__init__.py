from .openai import OpenAIDataInjection, OpenAIImageExternal, OpenAILocalImage, OpenAIService

__all__ = [
    "OpenAIDataInjection",
    "OpenAIImageExternal",
    "OpenAILocalImage",
    "OpenAIService",
]
