from .group import *
from .labels import *
from .recipe import *
from .server import *
from .users import *
