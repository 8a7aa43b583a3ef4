"""The local login link's route (``/auth/local``) takes ten bad tries a minute from one address: tickets are
random enough that guessing is hopeless, but each try is a control-store statement and an audit count
(security probe, informational: the route had no rate limit); a good link is never refused, so a page that
makes a browser guess cannot lock its person out."""

from __future__ import annotations

import httpx
import psycopg

from dbadmin.services.embedded import example_migrations
from tests.helpers import serve


def test_a_client_trying_login_links_is_slowed_to_ten_a_minute(databases, tmp_path):
    urls = {
        "DEV_DATABASE_URL": databases.new(),
        "PROD_DATABASE_URL": databases.new(),
        "ADMIN_DATABASE_URL": databases.new("control"),
    }
    served = serve(urls | {"MIGRATIONS": str(example_migrations())}, tmp_path / "serve.log")
    try:
        with httpx.Client(base_url=served.base_url, timeout=30) as client:
            answers = [client.get(f"/admin/auth/local?ticket=guess{n}").status_code for n in range(12)]
            limited = client.get("/admin/auth/local?ticket=guess-more")
            good = client.get(served.login_link().replace(served.base_url, ""), follow_redirects=False)
    finally:
        assert served.stop() == 0
    assert answers == [403] * 10 + [429] * 2
    assert limited.status_code == 429 and "too many login links tried: at most 10 per minute" in limited.text
    assert good.status_code == 303  # a good link always works: only bad ones are counted (no lockout by guessing)
    with psycopg.connect(urls["ADMIN_DATABASE_URL"]) as conn:
        refused = [
            reason
            for (reason,) in conn.execute(
                "SELECT details ->> 'reason' FROM admin_actions WHERE action = 'auth.refused' ORDER BY id"
            )
        ]
    assert refused == ["unknown, used or expired login link", "too many login links tried"]  # a row a minute each
