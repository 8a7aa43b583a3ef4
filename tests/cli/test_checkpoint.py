"""``dbadmin checkpoint ...`` from the command line: create, list, restore with the phrase, delete, prune."""

from __future__ import annotations

import re

from tests.helpers import run_cli


def test_checkpoint_workflow(env, tmp_path):
    env = env | {"CHECKPOINT_DIR": str(tmp_path / "store")}
    assert run_cli("migrate", "up", "dev", env=env).returncode == 0
    assert run_cli("migrate", "promote", "--confirm", "PROMOTE 5", env=env).returncode == 0
    made = run_cli("checkpoint", "create", "prod", "before launch", "--notes", "release 7", env=env)
    assert made.returncode == 0, made.stderr
    checkpoint_id = re.search(r"checkpoint #(\d+) \(dump, ", made.stdout)[1]

    listed = run_cli("checkpoint", "list", "prod", env=env)
    assert listed.returncode == 0 and "before launch" in listed.stdout and "auto: before" in listed.stdout

    refused = run_cli("checkpoint", "restore", "prod", checkpoint_id, env=env)
    assert refused.returncode == 1 and f"needs the exact phrase 'RESTORE {checkpoint_id}'" in refused.stderr
    restored = run_cli("checkpoint", "restore", "prod", checkpoint_id, "--confirm", f"RESTORE {checkpoint_id}", env=env)
    assert restored.returncode == 0, restored.stderr
    undo_id = re.search(r"the replaced state is checkpoint #(\d+)", restored.stdout)[1]
    compared = run_cli("checkpoint", "diff", checkpoint_id, env=env)
    assert (
        compared.returncode == 0
        and f"Production now vs checkpoint #{checkpoint_id}: no schema differences" in compared.stdout
    )

    deleted = run_cli("checkpoint", "delete", undo_id, env=env)
    assert deleted.returncode == 0 and f"deleted checkpoint #{undo_id}" in deleted.stdout
    assert run_cli("checkpoint", "delete", undo_id, env=env).returncode == 2  # gone: "no checkpoint"
    pruned = run_cli("checkpoint", "prune", env=env)
    assert pruned.returncode == 0 and pruned.stdout.startswith("pruned 0 checkpoint(s)")  # nothing expired yet


def test_bad_labels_and_unknown_ids(env):
    bad = run_cli("checkpoint", "create", "dev", "", env=env)
    assert bad.returncode == 2 and "needs a label" in bad.stderr and "Traceback" not in bad.stderr
    unknown = run_cli("checkpoint", "restore", "dev", "4242", env=env)
    assert unknown.returncode == 2 and "no checkpoint #4242" in unknown.stderr
