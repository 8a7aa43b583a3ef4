from .string_utils import *
