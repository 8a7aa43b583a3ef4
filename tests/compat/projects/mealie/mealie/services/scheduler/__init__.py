from .scheduler_registry import *
from .scheduler_service import *
