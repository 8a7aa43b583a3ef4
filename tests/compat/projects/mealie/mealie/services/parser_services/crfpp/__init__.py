from .processor import *
