from .directories import *
from .settings import *
