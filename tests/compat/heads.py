"""The project's own revision count and heads, from Alembic's ScriptDirectory (not from dbadmin).

Run in the project's virtualenv: ``python heads.py FOLDER [VERSION_LOCATION ...]`` prints JSON.
"""

import json
import sys

from alembic.config import Config
from alembic.script import ScriptDirectory

config = Config()
config.set_main_option("script_location", sys.argv[1])
if len(sys.argv) > 2:
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", ":".join(sys.argv[2:]))
script = ScriptDirectory.from_config(config)
revisions = list(script.walk_revisions())
print(json.dumps({"heads": sorted(script.get_heads()), "count": len(revisions)}))
