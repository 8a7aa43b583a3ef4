from .exporter import *
from .recipe_exporter import *
