from .providers import *
