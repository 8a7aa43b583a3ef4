from .task import *
