from .password_reset import *
from .user_to_recipe import *
from .users import *
