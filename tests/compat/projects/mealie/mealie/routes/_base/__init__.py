from .base_controllers import *
from .controller import *
from .mixins import *
