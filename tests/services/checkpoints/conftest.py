"""What the checkpoint tests share: a fake of Neon's API whose branches are real databases, and a context for
any registered strategy (``strategy_context``): on two new databases, or on the environment its hosted
service's fake gives (``HOSTED``)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from dbadmin.services.startup import open_context
from tests.fakes.neon import NeonFake

# A strategy that needs a hosted service names the fixture giving its environment (its fake's URLs and
# settings); every other strategy runs on new databases of the test server with no setting but its name.
HOSTED = {"neon": "neon_env"}


@pytest.fixture
def neon(pg_server):
    fake = NeonFake(pg_server)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def neon_env(neon, databases):
    """Prod is the project's root branch ``main``, Dev its child ``dev``, both with computes and a users table."""
    prod = neon.add_branch("main")
    with psycopg.connect(prod, autocommit=True) as conn:
        conn.execute("CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL)")
        conn.execute("INSERT INTO users (email) VALUES ('first@example.test')")
    dev = neon.add_branch("dev", parent="main")
    return {
        "DEV_DATABASE_URL": dev,
        "PROD_DATABASE_URL": prod,
        "ADMIN_DATABASE_URL": databases.new("control"),
        "CHECKPOINT_STRATEGY_DEV": "neon",
        "CHECKPOINT_STRATEGY_PROD": "neon",
        "NEON_API_KEY": neon.key,
        "NEON_PROJECT_ID": neon.project,
        "NEON_BRANCH_DEV": "dev",
        "NEON_BRANCH_PROD": "main",
        "NEON_API_URL": neon.url,
    }


@pytest.fixture
def strategy_context(request, databases, make_settings, tmp_path: Path):
    """A context whose Dev and Prod checkpoints use the strategy named by the test's parameter."""
    name = request.param
    if name in HOSTED:
        values = {key.lower(): value for key, value in request.getfixturevalue(HOSTED[name]).items()}
    else:
        values = {
            "dev_database_url": databases.new(),
            "prod_database_url": databases.new(),
            "admin_database_url": databases.new("control"),
        }
    values |= {"checkpoint_strategy_dev": name, "checkpoint_strategy_prod": name, "checkpoint_dir": tmp_path / "store"}
    with open_context(make_settings(**values)) as context:
        yield context
