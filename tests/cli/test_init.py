"""``dbadmin init`` as a person runs it in their app's folder: the files, the .env line, what it prints,
and the design's workflow from there (``migrate new``, ``up dev``, status of Prod)."""

from __future__ import annotations

from tests.helpers import version
from tests.helpers import run_cli


def test_cli_init_from_the_apps_folder_then_migrate_new_up_and_promote(legacy, databases, tmp_path):
    context, folder, dev, prod = legacy
    env = {
        "DEV_DATABASE_URL": dev,
        "PROD_DATABASE_URL": prod,
        "ADMIN_DATABASE_URL": databases.new("control"),
        "CHECKPOINT_DIR": str(tmp_path / "cli-checkpoints"),
    }
    (folder / ".env").write_text("SECRET_KEY=kept\n")
    done = run_cli("init", env=env, cwd=folder)
    assert done.returncode == 0, done.stderr
    revision = version(context, "dev")[0]
    assert f"Development: recorded at {revision}" in done.stdout
    assert "Production has the same schema as Development" in done.stdout
    assert f"dbadmin migrate baseline prod --revision {revision}" in done.stdout  # no terminal: a second step
    assert (folder / ".env").read_text() == "SECRET_KEY=kept\nMIGRATIONS=alembic.ini\n"

    again = run_cli("init", env=env, cwd=folder)
    assert again.returncode == 1 and again.stderr.startswith("dbadmin: error: MIGRATIONS already names a project")
    assert "Traceback" not in again.stderr

    # From now on the project is found through .env, from the app's folder.
    baselined = run_cli(
        "migrate", "baseline", "prod", "--revision", revision, "--confirm", f"BASELINE {revision}", env=env, cwd=folder
    )
    assert baselined.returncode == 0, baselined.stderr
    new = run_cli("migrate", "new", "add customer status", env=env, cwd=folder)
    assert new.returncode == 0, new.stderr
    assert run_cli("migrate", "up", "dev", env=env, cwd=folder).returncode == 0
    status = run_cli("migrate", "status", "prod", env=env, cwd=folder)
    assert "1 pending" in status.stdout and "add customer status" in status.stdout


def test_migrate_new_on_the_embedded_default_says_how_to_start_a_project(tmp_path):
    done = run_cli(
        "migrate", "new", "add customer status", env={"DBADMIN_DATA_DIR": str(tmp_path / "data")}, cwd=tmp_path
    )
    assert done.returncode == 2
    assert "run 'dbadmin init' in your application's folder" in done.stderr and "Traceback" not in done.stderr


def test_init_on_the_embedded_default_says_its_dev_is_the_example(tmp_path):
    done = run_cli("init", env={"DBADMIN_DATA_DIR": str(tmp_path / "data")}, cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "the embedded example shop, already under migrations: point DEV_DATABASE_URL" in done.stderr
    assert not (tmp_path / "migrations").exists() and not (tmp_path / "alembic.ini").exists()
