from .cache_key import *
