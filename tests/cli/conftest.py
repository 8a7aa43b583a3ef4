"""What the CLI tests share: three new databases and the example shop's migrations, as environment variables."""

from __future__ import annotations

import pytest

from dbadmin.services.embedded import example_migrations


@pytest.fixture
def env(databases):
    return {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
        "MIGRATIONS": str(example_migrations()),
    }
