from .url_constructors import *
