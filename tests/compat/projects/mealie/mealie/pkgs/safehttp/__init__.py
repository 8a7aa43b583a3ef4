from .transport import AsyncSafeTransport, ForcedTimeoutException, InvalidDomainError

__all__ = [
    "AsyncSafeTransport",
    "ForcedTimeoutException",
    "InvalidDomainError",
]
