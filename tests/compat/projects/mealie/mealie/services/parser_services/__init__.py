from .ingredient_parser import *
