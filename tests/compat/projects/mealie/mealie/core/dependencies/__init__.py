from .dependencies import *
