from .security import *
