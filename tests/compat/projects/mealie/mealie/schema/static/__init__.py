# GENERATED CODE - DO NOT MODIFY BY HAND
from .recipe_keys import *
