from .auth_provider import *
from .credentials_provider import *
from .ldap_provider import *
from .openid_provider import *
