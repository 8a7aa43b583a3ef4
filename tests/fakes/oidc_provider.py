"""A real OpenID Connect provider for the tests: ``tests/oidc/provider.mjs`` (panva's oidc-provider) on Node.js.

``scripts/ensure-oidc-provider`` installs Node.js and the provider's npm packages.

The provider's development login form accepts any user name, and the name decides the
claims (see provider.mjs): ``<name>@example.test``, ``email_verified`` unless the name
starts with ``unverified``, ``groups == ["dbadmin-admins"]`` when it starts with
``group-admin``. The consent step is skipped: every requested scope and claim is granted.
PKCE (S256) is required, and the ID token carries the granted claims.

    with start_provider(["http://127.0.0.1:8080/auth/callback"]) as provider:
        ...  # provider.issuer, provider.client_id, provider.client_secret
        page.goto(...)                # the relying party redirects to the provider's login form
        login(page, "group-admin-ann")  # back at the relying party's callback afterwards
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

OIDC_DIR = Path(__file__).resolve().parents[1] / "oidc"
ENSURE = "scripts/ensure-oidc-provider"


@dataclass
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    process: subprocess.Popen = field(repr=False)
    log: Path = field(repr=False)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, timeout: float = 10) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self.log.unlink(missing_ok=True)

    def __enter__(self) -> Provider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_provider(
    redirect_uris: list[str],
    client_id: str = "dbadmin",
    client_secret: str = "dbadmin-test-secret",
    timeout: float = 30,
) -> Provider:
    """Start the provider on a free 127.0.0.1 port with one confidential client; wait for discovery."""
    node = shutil.which("node")
    if node is None or not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        raise AssertionError(f"the OpenID Connect provider needs Node.js and its npm packages: run {ENSURE}")
    port = _free_port()
    env = os.environ | {
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": client_secret,
        "OIDC_REDIRECT_URIS": ",".join(redirect_uris),
    }
    fd, log_name = tempfile.mkstemp(prefix="oidc-provider-", suffix=".log")
    with os.fdopen(fd, "wb") as handle:  # a file, not a pipe: nobody has to drain it
        process = subprocess.Popen(
            [node, str(OIDC_DIR / "provider.mjs")], cwd=OIDC_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    provider = Provider(f"http://127.0.0.1:{port}", client_id, client_secret, process, Path(log_name))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = provider.output()
            provider.stop()
            raise AssertionError(f"the OpenID Connect provider exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(provider.discovery_url, timeout=1).status_code == 200:
                return provider
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    output = provider.output()
    provider.stop()
    raise AssertionError(f"the OpenID Connect provider did not answer within {timeout}s:\n{output}")


def login(page, username: str, password: str = "any-password") -> None:
    """Sign in on the provider's login form ``page`` is showing, and confirm consent if asked.

    Returns once the browser has left the form (normally: redirected to the relying party's
    callback); the caller waits for whatever the relying party shows next.
    """
    form_url = page.url
    provider = "{0.scheme}://{0.netloc}".format(urlsplit(form_url))
    page.locator('input[name="login"]').fill(username)
    page.locator('input[name="password"]').fill(password)  # required by the form, never checked
    page.locator('button[type="submit"]').click()  # "Sign-in"
    # "commit": the provider's pages @import a web font, so their load event can be slow offline.
    page.wait_for_url(lambda url: url != form_url, wait_until="commit")
    if page.url.startswith(f"{provider}/interaction/"):  # a consent form (provider.mjs normally skips it)
        consent_url = page.url
        page.locator('input[name="prompt"][value="consent"] ~ button[type="submit"]').click()  # "Continue"
        page.wait_for_url(lambda url: url != consent_url, wait_until="commit")
