from .exports import *
from .group import *
from .preferences import *
from .report import *
