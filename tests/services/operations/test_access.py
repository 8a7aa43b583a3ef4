"""Roles, sessions, one-time login tickets and API tokens, on a real control store; and the role
check in the services' entry points (a viewer is refused and audited whatever the front end)."""

from __future__ import annotations

import pytest

from dbadmin.services.operations import access as auth
from dbadmin.services import checkpoints, migrations
from dbadmin.services.operations.access import Principal, Role, RolePolicy
from dbadmin.services.errors import InvalidInput, NotAllowed, NotAuthenticated, NotFound
from dbadmin.services.registry import CONTROL
from tests.helpers import actions, admin, version

VIEWER = Principal("vera@example.test", Role.VIEWER, "oidc")


@pytest.fixture
def policy(make_settings) -> RolePolicy:
    return RolePolicy.from_settings(
        make_settings(
            admin_emails="Ada@Example.test, root@example.test",
            admin_groups="dbadmin-admins",
            viewer_emails="vera@example.test",
            viewer_domains="@viewers.test",
        )
    )


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"email": "ada@example.test", "email_verified": True}, Role.ADMIN),  # case-insensitive
        ({"email": "ada@example.test"}, Role.ADMIN),  # provider does not say: trusted as configured
        ({"email": "ada@example.test", "email_verified": False}, None),  # unverified never counts
        ({"email": "ada@example.test", "email_verified": "false"}, None),
        ({"email": "x@example.test", "groups": ["staff", "dbadmin-admins"]}, Role.ADMIN),
        ({"email": "x@example.test", "groups": "dbadmin-admins"}, Role.ADMIN),
        ({"email": "vera@example.test", "email_verified": True}, Role.VIEWER),
        ({"email": "someone@viewers.test", "email_verified": True}, Role.VIEWER),
        ({"email": "someone@viewers.test", "email_verified": False}, None),
        ({"email": "mallory@evil.test", "email_verified": True}, None),
        ({"email": "mallory@evil.test", "groups": ["DBADMIN-ADMINS"]}, None),  # groups are exact
        ({"sub": "no-email"}, None),
    ],
)
def test_roles_come_from_verified_claims(policy, claims, role):
    assert policy.role_for(claims) is role


def test_sessions_end_on_logout_idle_and_absolute_expiry(make_context):
    context = make_context()
    settings = context.settings
    raw = auth.start_session(context, VIEWER)
    found = auth.session(context, raw)
    assert found.principal == VIEWER
    assert auth.session(context, raw + "x") is None  # forged id
    with context.registry.connection(CONTROL) as conn:  # nothing secret is stored
        stored = conn.execute("SELECT id_hash FROM auth_sessions").fetchone()[0]
    assert raw not in stored and len(stored) == 64

    def age(column: str, seconds: float) -> None:
        with context.registry.connection(CONTROL) as conn:
            conn.execute(f"UPDATE auth_sessions SET {column} = now() - make_interval(secs => %s)", (seconds,))

    age("last_seen_at", settings.session_idle_minutes * 60 + 5)
    assert auth.session(context, raw) is None  # idle too long

    other = auth.start_session(context, VIEWER)
    with context.registry.connection(CONTROL) as conn:
        conn.execute("UPDATE auth_sessions SET expires_at = now() - interval '1 second'")
    assert auth.session(context, other) is None  # past its absolute expiry

    third = auth.start_session(context, VIEWER)
    auth.end_session(context, third)
    assert auth.session(context, third) is None  # logged out


def test_login_tickets_work_once_and_expire(make_context):
    context = make_context()
    ticket = auth.issue_ticket(context)
    assert auth.redeem_ticket(context, ticket) is True
    assert auth.redeem_ticket(context, ticket) is False  # one time only
    assert auth.redeem_ticket(context, "") is False
    stale = auth.issue_ticket(context)
    with context.registry.connection(CONTROL) as conn:
        conn.execute("UPDATE auth_tickets SET expires_at = now() - interval '1 second'")
    assert auth.redeem_ticket(context, stale) is False


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(make_context):
    context = make_context()
    token, raw = auth.create_token(context, name="release pipeline", role="admin", created_by=admin("ada"))
    assert raw.startswith(auth.TOKEN_PREFIX) and token.role == "admin"
    with context.registry.connection(CONTROL) as conn:
        assert conn.execute("SELECT count(*) FROM api_tokens WHERE token_hash = %s", (raw,)).fetchone()[0] == 0
    who = auth.token_principal(context, raw)
    assert (who.role, who.via, who.name) == (Role.ADMIN, "token", f"token #{token.id} release pipeline")
    assert auth.list_tokens(context)[0].last_used_at is not None
    assert auth.token_principal(context, raw[:-1]) is None
    assert auth.revoke_token(context, token.id, by=admin("ada")).revoked_at is not None
    assert auth.token_principal(context, raw) is None
    with pytest.raises(NotFound):
        auth.revoke_token(context, 999999, by=admin("ada"))
    with pytest.raises(NotAllowed):
        auth.create_token(context, name="sneaky", role="admin", created_by=VIEWER)
    for bad_name, bad_role in (("", "admin"), ("x" * 101, "admin"), ("tab\there", "admin"), ("ok", "root")):
        with pytest.raises(InvalidInput):
            auth.create_token(context, name=bad_name, role=bad_role, created_by=admin("ada"))
    assert len(auth.list_tokens(context)) == 1
    outcomes = [(a.action, a.actor, a.outcome) for a in actions(context) if a.action.startswith("token.")]
    assert outcomes[:3] == [
        ("token.create", "ada", "ok"),
        ("token.revoke", "ada", "ok"),
        ("token.revoke", "ada", "refused"),
    ]
    assert ("token.create", VIEWER.name, "refused") in outcomes


def test_a_viewer_is_refused_by_every_changing_service_and_audited(shop):
    checkpoint = checkpoints.create(shop, "dev", actor=admin("ada"), label="safe", strategy="clone")
    attempts = [
        ("migrate.up", lambda: migrations.upgrade(shop, "dev", actor=VIEWER)),
        ("migrate.down", lambda: migrations.downgrade(shop, "dev", actor=VIEWER, steps=1)),
        ("migrate.promote", lambda: migrations.promote(shop, actor=VIEWER, confirm="PROMOTE 4")),
        ("checkpoint.create", lambda: checkpoints.create(shop, "dev", actor=VIEWER, label="x")),
        ("checkpoint.restore", lambda: checkpoints.restore(shop, "dev", checkpoint.id, actor=VIEWER)),
        ("checkpoint.delete", lambda: checkpoints.delete(shop, "dev", checkpoint.id, actor=VIEWER)),
        ("checkpoint.prune", lambda: checkpoints.prune(shop, actor=VIEWER)),
    ]
    before = (version(shop, "dev"), version(shop, "prod"), [c.id for c in checkpoints.list_for_branch(shop, "dev")])
    for action, attempt in attempts:
        with pytest.raises(NotAllowed, match="only admins may"):
            attempt()
        last = actions(shop)[-1]
        assert (last.action, last.actor, last.outcome) == (action, VIEWER.name, "refused")
        assert "viewer" in last.details["error"]
    assert (
        version(shop, "dev"),
        version(shop, "prod"),
        [c.id for c in checkpoints.list_for_branch(shop, "dev")],
    ) == before


# -- only a live session acts ----------------------------------------------------------------------


def test_a_principal_whose_session_ended_can_change_nothing(shop):
    """A page keeps the principal it was opened with; the service asks whether its session is live as it acts."""
    raw = auth.start_session(shop, Principal("ada@example.test", Role.ADMIN, "oidc"))
    who = auth.session(shop, raw).principal
    assert who.credential.startswith("session:") and raw not in who.credential  # only the hash travels
    migrations.upgrade(shop, "dev", actor=who, steps=1)  # live: it acts
    auth.end_session(shop, raw)  # signed out in another tab
    with pytest.raises(NotAuthenticated, match="the session of ada@example.test has ended"):
        migrations.upgrade(shop, "dev", actor=who)
    with pytest.raises(NotAuthenticated):
        checkpoints.create(shop, "dev", actor=who, label="after sign-out")
    assert version(shop, "dev") == ["0001"] and checkpoints.list_for_branch(shop, "dev") == []
    refused = actions(shop)[-2:]
    assert [(a.actor, a.action, a.outcome) for a in refused] == [
        ("ada@example.test", "migrate.up", "refused"),
        ("ada@example.test", "checkpoint.create", "refused"),
    ]


def test_a_revoked_tokens_principal_can_change_nothing(shop):
    token, raw = auth.create_token(shop, name="pipeline", role="admin", created_by=admin("root"))
    who = auth.token_principal(shop, raw)
    auth.revoke_token(shop, token.id, by=admin("root"))
    with pytest.raises(NotAuthenticated, match="the token of token #"):
        migrations.upgrade(shop, "dev", actor=who)
    assert version(shop, "dev") == []
