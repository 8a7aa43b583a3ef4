"""The ``dbadmin`` command: a thin adapter over the services.

Errors from the services become one line on stderr and a non-zero exit code, never a
traceback: 2 for configuration or input the user must change, 1 for everything else.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import __version__
from ..config import Settings, load_settings
from ..services import dburl
from ..services.errors import ConfigError, DBAdminError, InvalidInput
from ..services.operations import access as auth
from . import adopt, capture, checkpoint, guard, migrate, schedule, sql, token, webhook

cli = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Safe, auditable database operations for Dev and Prod."
)
cli.add_typer(migrate.app, name="migrate")
cli.add_typer(checkpoint.app, name="checkpoint")
cli.add_typer(schedule.app, name="schedule")
cli.add_typer(webhook.app, name="webhook")
cli.add_typer(token.app, name="token")
cli.add_typer(capture.app, name="capture")
cli.add_typer(guard.app, name="guard")
cli.command("init")(adopt.init)
cli.command("sql")(sql.sql)


def main() -> None:
    """Console-script entry point."""
    # The pool logs every failed connection attempt; the command's own one-line error says it once.
    quiet = logging.getLogger("psycopg.pool")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    try:
        cli()
    except DBAdminError as exc:
        typer.echo(f"dbadmin: error: {exc}", err=True)
        sys.exit(2 if isinstance(exc, (ConfigError, InvalidInput)) else 1)
    except Exception as exc:  # a bug or an error no service named: still one line, never a traceback
        if os.environ.get("DBADMIN_DEBUG"):
            raise
        typer.echo(
            f"dbadmin: error: unexpected {type(exc).__name__}: {dburl.reason(exc, _secrets())} "
            "(set DBADMIN_DEBUG=1 for the traceback)",
            err=True,
        )
        sys.exit(1)


@cli.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default 127.0.0.1; env DBADMIN_HOST).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default 8080; env DBADMIN_PORT).")] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Embedded server data (default ./.dbadmin; env DBADMIN_DATA_DIR).")
    ] = None,
) -> None:
    """Run the console. With no database URL configured, on an embedded PostgreSQL."""
    import uvicorn

    from ..logs import uvicorn_log_config
    from ..services.startup import open_context
    from ..web import create_app

    _fewer_malloc_arenas()
    settings = _settings(host=host, port=port, data_dir=data_dir)
    _ensure_port_free(settings)
    # uvicorn handles SIGTERM, then re-raises it with the handler it found at start; this
    # handler turns it into an exception so the context below still unwinds.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    with open_context(settings) as context:
        app, gate = create_app(context)
        where = "embedded PostgreSQL" if context.embedded else "configured databases"
        base = f"http://{_url_host(settings.host)}:{settings.port}"
        typer.echo(f"dbadmin {__version__} on {where}: {base}/admin")
        if gate.mode == "local":
            typer.echo(
                f"Open this one-time link to sign in (valid {auth.TICKET_MINUTES} minutes; "
                f"`dbadmin login-link` prints another):\n    {_login_link(base, context)}"
            )
        # Leaving the context (normally, on Ctrl-C or on SIGTERM) closes the pools and
        # stops the embedded server.
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level="info",
            timeout_graceful_shutdown=5,
            log_config=uvicorn_log_config(),
        )


def _fewer_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas before the server starts its threads.

    glibc gives each thread that allocates an arena of its own (up to 8 per core); with the
    server's worker threads taking turns, freed memory stays scattered over them and the
    process grows under steady load although Python's heap does not (bench/load.py, 20
    clients: +7 MiB in 150 s with the default, flat after 40 s with 2 arenas, and faster).
    What the operator sets in MALLOC_ARENA_MAX wins; other C libraries are left alone.
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        pass


_M_ARENA_MAX = -8  # glibc's malloc.h


@cli.command("login-link")
def login_link(
    port: Annotated[
        int | None, typer.Option(help="Port the console listens on (default 8080; env DBADMIN_PORT).")
    ] = None,
) -> None:
    """Print a new one-time sign-in link for a console in local mode (no identity provider)."""
    from ..services.startup import open_context

    settings = _settings(port=port)
    if settings.login != "local":
        raise ConfigError("OIDC_ISSUER: is set, so people sign in with the identity provider, not with links")
    with open_context(settings) as context:
        typer.echo(_login_link(f"http://{_url_host(settings.host)}:{settings.port}", context))


def _login_link(base: str, context: Any) -> str:
    return f"{base}/admin/auth/local?ticket={auth.issue_ticket(context)}"


audit_cli = typer.Typer(no_args_is_help=True, help="The audit log.")
cli.add_typer(audit_cli, name="audit")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the audit log's hash chain; name the first row that was changed or removed."""
    from ..services.operations import audit
    from ..services.startup import open_context

    with open_context(_settings()) as context:
        found = audit.verify_log(context)
    if not found.intact:
        typer.echo(f"audit log BROKEN at row #{found.broken_id}: {found.problem} ({found.rows} rows)")
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {found.rows} rows; head #{found.head_seq} {found.head_hash or '-'}")


@cli.command()
def recover() -> None:
    """Settle what a killed dbadmin left: its lock, unfinished restores (a closed branch reopened), 'creating'
    checkpoints, partial archives, migration steps still 'running'. Every command does this as it starts; this
    one says what it found (exit 1 when a branch could not be checked)."""
    from ..services.branch import Branch
    from ..services.startup import open_context

    with open_context(_settings()) as context:
        found = dict(context.recovered)
    unchecked = False
    for branch in Branch:
        lines = found.get(branch.value)
        if lines is None:
            continue
        unchecked |= any(line.startswith("not checked:") for line in lines)
        typer.echo(f"{branch.label}: {'; '.join(lines) if lines else 'nothing left half-done'}")
    raise typer.Exit(1 if unchecked else 0)


@cli.command()
def doctor(
    app: Annotated[
        Path | None,
        typer.Option(
            help="Scan this application's code instead: DDL in strings, create_all(), migration-like scripts, "
            "DATABASE_URL-style variables that shadow the branches (exit 1 with findings).",
            file_okay=False,
            exists=True,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="With --app: the findings as JSON, for tools.")] = False,
    migrations: Annotated[
        bool,
        typer.Option(
            "--migrations",
            help="Say how dbadmin runs the Alembic project: the script folder, the framework wrapper, and per branch "
            "(env.py run once, writing nothing) how env.py got its database, the driver and the version table.",
        ),
    ] = False,
) -> None:
    """Check configuration, connectivity and tool versions, and say how to fix what is wrong."""
    from ..services.reports.doctor import Level, run_checks

    if app is not None:
        _scan_app(app, as_json=as_json)
        return
    if migrations:
        _migrations_report()
        return

    checks = run_checks(_settings())
    marks = {Level.OK: "ok  ", Level.WARN: "warn", Level.FAIL: "FAIL"}
    for check in checks:
        typer.echo(f"{marks[check.level]}  {check.name}: {check.detail}")
        if check.fix and check.level is not Level.OK:
            typer.echo(f"      fix: {check.fix}")
    failed = sum(check.level is Level.FAIL for check in checks)
    typer.echo(f"\n{len(checks)} checks, {failed} failed")
    raise typer.Exit(1 if failed else 0)


def _migrations_report() -> None:
    from ..services.reports.doctor import migrations_report
    from .common import console_context

    with console_context() as context:
        report = migrations_report(context)
    typer.echo(f"project: {report.migrations or '(MIGRATIONS not set)'}")
    if report.error:
        typer.echo(f"FAIL  {report.error}")
        raise typer.Exit(1)
    typer.echo(f"  script folder: {report.script_folder}")
    typer.echo(f"  working directory: {report.workdir}")
    typer.echo(f"  wrapper: {report.wrapper}")
    typer.echo(f"  python: {report.python}")
    typer.echo(f"  driver: {report.driver}")
    typer.echo(f"  revisions: {report.revisions}; head(s): {', '.join(report.heads) or '(none)'}")
    for branch in report.branches:
        if branch.error:
            typer.echo(f"FAIL  {branch.label}: {branch.error}")
            continue
        typer.echo(f"ok    {branch.label}: env.py: {branch.handover}")
        typer.echo(f"      driver {branch.driver}; version table {branch.version_table}; {branch.state}")
    raise typer.Exit(1 if report.failed else 0)


def _scan_app(folder: Path, *, as_json: bool) -> None:
    import json

    from ..services.adoption import app_scan

    settings = _settings()
    findings = app_scan.scan(
        folder,
        branch_urls={
            "Development": settings.dev_database_url.get_secret_value() if settings.dev_database_url else None,
            "Production": settings.prod_database_url.get_secret_value() if settings.prod_database_url else None,
        },
        migrations=settings.migrations,
    )
    counted = [finding for finding in findings if not finding.skipped]
    if as_json:
        typer.echo(json.dumps([finding.as_dict() for finding in findings], indent=2))
    else:
        for finding in findings:
            typer.echo(finding.describe())
        typer.echo(f"{len(counted)} finding{'s' if len(counted) != 1 else ''} in {folder}")
    raise typer.Exit(1 if counted else 0)


@cli.command()
def version() -> None:
    """Print dbadmin's version."""
    typer.echo(__version__)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _secrets() -> tuple[str, ...]:
    """The configured secrets, to scrub an unexpected error's text; none when the settings themselves fail."""
    try:
        return load_settings().secrets()
    except DBAdminError:
        return ()


def _settings(**overrides: Any) -> Settings:
    return load_settings(**{key: value for key, value in overrides.items() if value is not None})


def _ensure_port_free(settings: Settings) -> None:
    """Fail before starting any server when the console's port is taken."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((settings.host.strip("[]"), settings.port))
        except OSError:
            raise ConfigError(
                f"DBADMIN_PORT: {settings.host}:{settings.port} is already in use; choose another with --port"
            ) from None


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
