from .json_provider import *
from .provider_factory import *
