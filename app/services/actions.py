"""Every kind of thing dbadmin records or announces, in one registry: its name, its words, its weight.

An ``ActionType`` is what the audit log's ``action`` column, the webhooks' ``event`` and the
after-run hooks' ``Event.action`` name.  It says, in one place:

* ``name``: the stable identifier stored and sent (``checkpoint.restore``); scripts filter on it;
* how History and the notices say it in words, done and attempted ("Restored Production to
  checkpoint #12", "Restore Production to checkpoint #12"), from the row's details;
* ``production``: the noun a webhook notice uses when it changed Production ("restore"), or
  None when it is not a Production change the webhooks hear of.

No action name is written as a string anywhere else in ``app/`` (a test holds this); a row
whose name is not here (written by an older or newer dbadmin, or by a test) is shown by its
name.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .branch import Branch

_FIELDS = string.Formatter()


@dataclass(frozen=True)
class ActionType:
    """One kind of recorded or announced action (see the module's doc)."""

    name: str
    done: str  # the verb, done: "Restored"
    attempt: str  # the verb, attempted (a refusal or failure): "Restore"
    phrases: tuple[str, ...]  # "{verb} {where} to checkpoint #{checkpoint_id}", ...: the first whose fields are known
    production: str | None = None  # the webhooks' noun when this changed Production

    def __str__(self) -> str:
        return self.name

    def label(self, branch: Branch | str | None, details: Any, outcome: str = "ok") -> str:
        """This action in words: done when ``outcome`` is ok, attempted otherwise (the outcome is shown beside).
        Any row reads: details that are no mapping, or hold odd values, leave fields out, never raise."""
        verb = self.done if outcome == "ok" else self.attempt
        given = details if isinstance(details, Mapping) else {}
        known = {str(key): _shown(value) for key, value in given.items() if value not in (None, "", [], {})}
        known |= {"where": _where(branch), "verb": verb}  # the row's own "verb" or "where" never stand in
        for phrase in self.phrases:
            wanted = {field for _, field, _, _ in _FIELDS.parse(phrase) if field}
            if wanted <= known.keys():
                try:
                    return phrase.format_map(known)
                except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                    continue
        return f"{verb} {known['where']}"


def _where(branch: Branch | str | None) -> str:
    if branch is None:
        return "dbadmin"
    try:
        return Branch.parse(branch).label
    except Exception:  # a row naming a branch this dbadmin does not know: shown as written
        return str(branch)[:40]


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        items = [str(item) for item in value]
        return ", ".join(items[:5]) + (f" and {len(items) - 5} more" if len(items) > 5 else "")
    return str(value)[:200]


REGISTRY: dict[str, ActionType] = {}


def _register(name: str, done: str, attempt: str, *phrases: str, production: str | None = None) -> ActionType:
    kind = ActionType(name, done, attempt, phrases or ("{verb} {where}",), production)
    assert name not in REGISTRY, f"{name} is registered twice"
    REGISTRY[name] = kind
    return kind


# -- migrations ----------------------------------------------------------------------------------
MIGRATE_UP = _register(
    "migrate.up", "Migrated", "Migrate", "{verb} {where} to {after} ({revisions})", "{verb} {where} up {steps} step(s)"
)
MIGRATE_DOWN = _register(
    "migrate.down",
    "Rolled back",
    "Roll back",
    "{verb} {where} to {after} (undid {revisions})",
    "{verb} {where} by {steps} revision(s)",
    production="rollback",
)
MIGRATE_PROMOTE = _register(
    "migrate.promote",
    "Promoted",
    "Promote",
    "{verb} {revisions} to Production",
    "{verb} Development's revisions to Production",
    production="promotion",
)
MIGRATE_BASELINE = _register(
    "migrate.baseline",
    "Baselined",
    "Baseline",
    "{verb} {where} at revision {revision}",
    production="baseline",
)
MIGRATE_INIT = _register(
    "migrate.init", "Set up migrations", "Set up migrations", "{verb} in {directory} from Development's schema"
)
MIGRATE_VERIFY = _register("migrate.verify", "Checked", "Check", "{verb} that {where} is the database named")
# -- checkpoints --------------------------------------------------------------------------------
CHECKPOINT_CREATE = _register(
    "checkpoint.create",
    "Took",
    "Take",
    "{verb} checkpoint #{checkpoint_id} of {where} ({label})",
    "{verb} checkpoint #{checkpoint_id} of {where}",
    "{verb} a checkpoint of {where} ({label})",
    "{verb} a checkpoint of {where}",
)
CHECKPOINT_RESTORE = _register(
    "checkpoint.restore",
    "Restored",
    "Restore",
    "{verb} {where} to checkpoint #{checkpoint_id}",
    "{verb} {where} to {to_time}",
    production="restore",
)
CHECKPOINT_DELETE = _register("checkpoint.delete", "Deleted", "Delete", "{verb} checkpoint #{checkpoint_id} of {where}")
CHECKPOINT_PRUNE = _register(
    "checkpoint.prune",
    "Pruned",
    "Prune",
    "{verb} {where}'s checkpoints (deleted {deleted})",
    "{verb} {where}'s checkpoints",
)
CHECKPOINT_DRILL = _register(
    "checkpoint.drill",
    "Drilled",
    "Drill",
    "{verb} a restore of checkpoint #{checkpoint_id} of {where}",
)
CHECKPOINT_RECOVER = _register(
    "checkpoint.recover", "Settled", "Settle", "{verb} what a stopped dbadmin left on {where}: {settled}"
)
SCHEDULE_SET = _register(
    "schedule.set",
    "Set",
    "Set",
    "{verb} {where}'s checkpoint schedule: {crontab}, keep {keep}",
    "{verb} {where}'s checkpoint schedule: {crontab}",
)
SCHEDULE_FAILED = _register(  # a webhook notice only: each scheduled checkpoint is its own checkpoint.create row
    "schedule.failed", "Took", "Take", "{verb} the scheduled checkpoint of {where} due at {due_at}"
)
SCHEDULE_MISSED = _register(  # a webhook notice only
    "schedule.missed", "Took", "Take", "{verb} the scheduled checkpoints of {where} due at {due_at}"
)
# -- schema changes: capture and guard ----------------------------------------------------------
CAPTURE_INSTALL = _register("capture.install", "Installed", "Install", "{verb} DDL capture on {where}")
CAPTURE_REMOVE = _register("capture.remove", "Removed", "Remove", "{verb} DDL capture from {where}")
GUARD_ON = _register("guard.on", "Turned on", "Turn on", "{verb} {where}'s guard")
GUARD_OFF = _register("guard.off", "Turned off", "Turn off", "{verb} {where}'s guard")
GUARD_BYPASS = _register(
    "guard.bypass",
    "Bypassed",
    "Bypass",
    "{verb} {where}'s guard for {minutes} minutes",
    production="guard bypass",
)
SCHEMA_MIGRATION = _register(  # a captured schema change a dbadmin run made, as an audit-shaped row
    "schema.migration", "Changed", "Change", "{verb} {where}'s schema in a migration: {command} {object}"
)
SCHEMA_OUTSIDE = _register(  # a captured schema change no dbadmin run made
    "schema.outside_migrations",
    "Changed",
    "Change",
    "{verb} {where}'s schema outside migrations: {command} {object}",
    "{verb} {where}'s schema outside migrations: {command}",
)
# -- data ---------------------------------------------------------------------------------------
DATA_SQL = _register("data.sql", "Ran", "Run", "{verb} a read-only query on {where}")
DATA_ROWS = _register("data.rows", "Read", "Read", "{verb} rows of {table} on {where}")
DATA_VALUE = _register("data.value", "Read", "Read", "{verb} {column} of a row of {table} on {where}")
DATA_REVEAL = _register("data.reveal", "Revealed", "Reveal", "{verb} masked {column} of a row of {table} on {where}")
DATA_EXPORT = _register("data.export", "Exported", "Export", "{verb} {table} from {where} as CSV")
EXAMPLE_ROWS = _register("example.rows", "Added", "Add", "{verb} the example shop's rows to {where}")
# -- logins and tokens --------------------------------------------------------------------------
AUTH_LOGIN = _register("auth.login", "Signed in", "Sign in", "{verb} as {role} ({via})", "{verb}")
AUTH_LOGOUT = _register("auth.logout", "Signed out", "Sign out")
AUTH_REFUSED = _register("auth.refused", "Refused", "Request", "{verb} {route}: {reason}", "{verb} {route}")
TOKEN_CREATE = _register(
    "token.create", "Created", "Create", "{verb} API token #{token_id} {name!r} ({role})", "{verb} API token {name!r}"
)
TOKEN_REVOKE = _register("token.revoke", "Revoked", "Revoke", "{verb} API token #{token_id}")
# -- after a run --------------------------------------------------------------------------------
HOOK_CACHE = _register("hook.cache", "Cleared", "Clear", "{verb} the application's cache after {after}")
HOOK_ENTRY_POINT = _register("hook.entry_point", "Ran", "Run", "{verb} AFTER_RUN_HOOK after {after}")
WEBHOOK_TEST = _register("webhook.test", "Sent", "Send", "{verb} a test notice to the webhooks")


def get(name: str) -> ActionType | None:
    return REGISTRY.get(name)


def label(name: str, branch: Branch | str | None, details: Any, outcome: str = "ok") -> str:
    """A recorded row in words; an unknown name (another dbadmin's, a test's) is shown as it is."""
    kind = REGISTRY.get(name)
    if kind is None:
        return name
    return kind.label(branch, details, outcome)


def production_changes() -> dict[str, str]:
    """The actions that, on Production, the webhooks hear of, by name, with their noun."""
    return {kind.name: kind.production for kind in REGISTRY.values() if kind.production}
