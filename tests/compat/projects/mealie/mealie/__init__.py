__version__ = "develop"
