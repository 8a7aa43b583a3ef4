"""The project's own revision count and stored heads, from Alembic's ScriptDirectory (not from dbadmin).

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
heads = script.get_heads()
# What the version table holds at heads: a head that another head depends on (Glance's contract revisions
# depend on their expand twins) is implied, and Alembic does not store it.
graph = script.revision_map
implied = {
    rev.revision
    for other in heads
    for rev in graph._get_ancestor_nodes([graph.get_revision(other)], include_dependencies=True)
    if rev.revision != other
}
print(json.dumps({"heads": sorted(set(heads) - implied), "count": len(revisions)}))
