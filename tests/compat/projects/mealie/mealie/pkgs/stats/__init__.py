from .fs_stats import *
