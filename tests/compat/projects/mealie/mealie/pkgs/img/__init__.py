"""
The img package is a collection of utilities for working with images. While it offers some Mealie specific functionality, libraries
within the img package should not be tightly coupled to Mealie.
"""

from .minify import *
