"""A branch's live schema as statements: ``pg_dump --schema-only``, split by PostgreSQL's own parser.

pg_dump already knows every kind of object and writes them in dependency order; what it
does not give is one statement at a time, or how to take each one back.  pglast (which
wraps PostgreSQL's parser) splits the script exactly where the server would, and each
creating statement's undo is built as a syntax tree and printed by pglast, so names are
quoted the way PostgreSQL quotes them.  A statement this module cannot undo is kept, and
its undo is left to the object that contains it (a table's default, a column's comment).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

import pglast
import pglast.parser
from pglast import ast
from pglast.enums import AlterTableType, ConstrType, DropBehavior, FunctionParameterMode, ObjectType
from pglast.stream import RawStream

from .. import dburl, pgtools
from ..errors import ConfigError, DBAdminError
from ..schema.introspection import CAPTURE_SCHEMA
from ..text import shortened

# What the schema is, without who owns it or may use it: the same revision must build it on
# Prod's server, with Prod's roles.
DUMP_OPTIONS = (
    "--schema-only",
    "--no-owner",
    "--no-privileges",
    "--no-tablespaces",
    "--no-security-labels",
    "--no-subscriptions",
    "--no-publications",
    "--no-password",
    "--encoding=UTF8",
    f"--exclude-schema={CAPTURE_SCHEMA}",  # dbadmin's own DDL log, not the app's schema
)
# pglast's nodes type every attribute as optional; the tree walkers below take them as Any.
# pg_dump 17.6+ brackets its script in psql meta-commands that no server understands.
_PSQL_META = re.compile(r"^\\(?:un)?restrict\s+\S+\s*$", re.MULTILINE)
# Objects whose undo would need more than their name (an aggregate's or operator's argument
# types, a cast's two types); downgrade says it leaves them.
_LEFT_IN_PLACE = (
    ast.DefineStmt,
    ast.CreateCastStmt,
    ast.CreateOpClassStmt,
    ast.CreateOpFamilyStmt,
    ast.CreateConversionStmt,
    ast.CreateTransformStmt,
    ast.CreateFdwStmt,
    ast.CreatePLangStmt,
    ast.CreateUserMappingStmt,
)
_PARAM_IN = {
    FunctionParameterMode.FUNC_PARAM_IN,
    FunctionParameterMode.FUNC_PARAM_INOUT,
    FunctionParameterMode.FUNC_PARAM_VARIADIC,
    FunctionParameterMode.FUNC_PARAM_DEFAULT,
}


class DumpFailed(DBAdminError):
    """pg_dump could not read the branch's schema."""


@dataclass(frozen=True)
class Statement:
    """One statement of the schema, what it makes (``label``), and the statement that drops it again."""

    sql: str
    label: str
    undo: str | None
    kept: bool = False  # makes an object of its own that downgrade leaves in place (an aggregate, a cast)


def dump_schema(url: str, *, server_major: int, secrets: tuple[str, ...] = ()) -> str:
    """pg_dump's schema-only script of the database at ``url`` (password through PGPASSWORD, never argv)."""
    tool = pgtools.find("pg_dump", server_major)
    if tool is None or tool.major < server_major:
        raise ConfigError(
            f"pg_dump for PostgreSQL {server_major} is not installed; dbadmin init reads the schema with it"
        )
    target, env = pgtools.environment(url, "dbadmin init")
    done = subprocess.run(
        [str(tool.path), *DUMP_OPTIONS, target], env=env, capture_output=True, text=True, encoding="utf-8"
    )
    if done.returncode != 0:
        last = next((line for line in reversed(done.stderr.splitlines()) if line.strip()), f"exit {done.returncode}")
        raise DumpFailed(f"pg_dump {tool.version} could not read the schema: {dburl.scrub(last.strip(), secrets)}")
    return done.stdout


def statements(script: str) -> list[Statement]:
    """The script's statements that make the schema, in pg_dump's (dependency) order, each with its undo.

    Left out: session settings (``SET``, ``set_config``) but the table access method, the
    ``public`` schema, which every database already has, and comments on extensions, which
    only an extension's owner may set.
    """
    text = _PSQL_META.sub("", script)
    try:
        parsed = pglast.parse_sql(text)
    except pglast.parser.ParseError as exc:
        raise DumpFailed(
            f"pg_dump's script did not parse (PostgreSQL {pglast.parser.get_postgresql_version()[0]}'s parser): {exc}"
        ) from None
    nodes: list[Any] = [raw.stmt for raw in parsed]
    # Relations that go with another: sequences a column owns, a partition's index attached to its parent's.
    contained = {_qualified(node.sequence) for node in nodes if _owned_sequence(node)}
    contained |= {_qualified(node.cmds[0].def_.name) for node in nodes if _attached_index(node)}
    found = []
    for raw, node in zip(parsed, nodes):
        if _left_out(node):
            continue
        start = raw.stmt_location or 0  # in characters, as is the length (0: to the end)
        sql = _without_leading_comments(text[start : start + raw.stmt_len if raw.stmt_len else None])
        if isinstance(node, ast.VariableSetStmt):  # the access method of the tables that follow
            sql = "SET LOCAL " + sql.removeprefix("SET ")
        undo = _undo(node, contained)
        found.append(Statement(sql, _label(sql), undo, kept=undo is None and isinstance(node, _LEFT_IN_PLACE)))
    return found


def _left_out(node: Any) -> bool:
    if isinstance(node, ast.VariableSetStmt):
        return node.name != "default_table_access_method"
    if isinstance(node, ast.SelectStmt):  # set_config('search_path', '', false)
        return True
    if isinstance(node, ast.CommentStmt) and node.objtype == ObjectType.OBJECT_EXTENSION:
        return True
    if isinstance(node, ast.CreateEventTrigStmt) and (node.trigname or "").startswith(CAPTURE_SCHEMA):
        return True  # dbadmin's capture triggers
    return _is_public_schema(node)


def _without_leading_comments(source: str) -> str:
    lines = source.strip().splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    return "\n".join(lines).strip()


def _label(sql: str) -> str:
    """``CREATE TABLE public.users``: what the statement makes, on one line (a CREATE without its body)."""
    line = " ".join(sql.split()).rstrip(" ;")
    if line.startswith("CREATE "):
        line = line.split(" (", 1)[0].split(" AS ", 1)[0]
    return shortened(line, 100)


def _is_public_schema(node: Any) -> bool:
    if isinstance(node, ast.CreateSchemaStmt):
        return node.schemaname == "public"
    return (
        isinstance(node, ast.CommentStmt)
        and node.objtype == ObjectType.OBJECT_SCHEMA
        and _name(node.object) == "public"
    )


def _owned_sequence(node: Any) -> bool:
    """``ALTER SEQUENCE ... OWNED BY table.column``: the sequence goes when its table does."""
    return isinstance(node, ast.AlterSeqStmt) and any(opt.defname == "owned_by" for opt in node.options or ())


def _attached_index(node: Any) -> bool:
    """``ALTER INDEX parent_idx ATTACH PARTITION child_idx``: the child's index goes with the parent's."""
    if not isinstance(node, ast.AlterTableStmt) or node.objtype != ObjectType.OBJECT_INDEX:
        return False
    commands: list[Any] = list(node.cmds or ())
    return len(commands) == 1 and commands[0].subtype == AlterTableType.AT_AttachPartition


def _drop_index(node: Any, contained: set[tuple[str, str]]) -> ast.Node | None:
    name = (node.relation.schemaname or "public", node.idxname)
    return None if name in contained else _drop(ObjectType.OBJECT_INDEX, _names(*name))


def _qualified(relation: Any) -> tuple[str, str]:
    return (relation.schemaname or "public", relation.relname)


def _name(node: Any) -> str | None:
    return node.sval if isinstance(node, ast.String) else None


def _names(*parts: str | None) -> tuple[ast.String, ...]:
    return tuple(ast.String(part) for part in parts if part)


def _drop(kind: ObjectType, *objects: ast.Node | tuple, missing_ok: bool = False) -> ast.DropStmt:
    return ast.DropStmt(
        objects=objects, removeType=kind, behavior=DropBehavior.DROP_RESTRICT, missing_ok=missing_ok, concurrent=False
    )


def _undo(node: Any, contained: set[tuple[str, str]]) -> str | None:
    """The statement that drops what ``node`` made; None where dropping its container takes it too."""
    build = _UNDO.get(type(node))
    drop = build(node, contained) if build else None
    return None if drop is None else RawStream()(drop)


def _drop_sequence(node: Any, contained: set[tuple[str, str]]) -> ast.Node | None:
    name = _qualified(node.sequence)
    return None if name in contained else _drop(ObjectType.OBJECT_SEQUENCE, _names(*name))


def _drop_function(node: Any, contained: set[tuple[str, str]]) -> ast.Node:
    arguments = tuple(p.argType for p in node.parameters or () if p.mode in _PARAM_IN)
    kind = ObjectType.OBJECT_PROCEDURE if node.is_procedure else ObjectType.OBJECT_FUNCTION
    return _drop(kind, ast.ObjectWithArgs(objname=node.funcname, objargs=arguments, args_unspecified=False))


def _drop_foreign_key(node: Any, contained: set[tuple[str, str]]) -> ast.Node | None:
    """``ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY``: first, so the tables it joins can go in any order.

    Other constraints go with their table (dropping a partitioned table's one by one fails, as
    each partition's copy goes with the parent's); indexes and triggers are dropped on their own,
    before the functions they may call.
    """
    commands: list[Any] = list(node.cmds or ())
    if len(commands) != 1 or commands[0].subtype != AlterTableType.AT_AddConstraint:
        return None
    constraint = commands[0].def_
    if constraint.contype != ConstrType.CONSTR_FOREIGN or not constraint.conname:
        return None
    drop = ast.AlterTableCmd(
        subtype=AlterTableType.AT_DropConstraint, name=constraint.conname, behavior=DropBehavior.DROP_RESTRICT
    )
    return ast.AlterTableStmt(relation=node.relation, objtype=node.objtype, cmds=(drop,))


def _drop_view(node: Any, contained: set[tuple[str, str]]) -> ast.Node | None:
    """A view; pg_dump's ``CREATE OR REPLACE`` of a view it made as a placeholder earlier is not a second one."""
    return None if node.replace else _drop(ObjectType.OBJECT_VIEW, _names(*_qualified(node.view)))


def _drop_collation(node: Any, contained: set[tuple[str, str]]) -> ast.Node | None:
    """Of the objects ``DefineStmt`` makes, collations need no argument types to be dropped; the rest are kept."""
    return _drop(ObjectType.OBJECT_COLLATION, node.defnames) if node.kind == ObjectType.OBJECT_COLLATION else None


def _on_table(kind: ObjectType, name: str, relation: Any) -> ast.DropStmt:
    return _drop(kind, _names(*_qualified(relation), name))


def _drop_matview(node: Any, contained: set[tuple[str, str]]) -> ast.Node | None:
    if node.objtype != ObjectType.OBJECT_MATVIEW:
        return None
    return _drop(ObjectType.OBJECT_MATVIEW, _names(*_qualified(node.into.rel)))


# One entry per statement that makes an object of its own; the rest go with what contains them
# (a table's constraints, defaults and owned sequences), or are kept (``_LEFT_IN_PLACE``).
_UNDO: dict[type, Callable[[Any, set[tuple[str, str]]], ast.Node | None]] = {
    ast.CreateStmt: lambda node, contained: _drop(ObjectType.OBJECT_TABLE, _names(*_qualified(node.relation))),
    ast.CreateTableAsStmt: _drop_matview,
    ast.ViewStmt: _drop_view,
    ast.CreateSeqStmt: _drop_sequence,
    ast.CreateFunctionStmt: _drop_function,
    ast.CreateEnumStmt: lambda node, contained: _drop(ObjectType.OBJECT_TYPE, ast.TypeName(names=node.typeName)),
    ast.CreateRangeStmt: lambda node, contained: _drop(ObjectType.OBJECT_TYPE, ast.TypeName(names=node.typeName)),
    ast.CompositeTypeStmt: lambda node, contained: _drop(
        ObjectType.OBJECT_TYPE, ast.TypeName(names=_names(*_qualified(node.typevar)))
    ),
    ast.CreateDomainStmt: lambda node, contained: _drop(ObjectType.OBJECT_DOMAIN, ast.TypeName(names=node.domainname)),
    ast.CreateSchemaStmt: lambda node, contained: _drop(ObjectType.OBJECT_SCHEMA, ast.String(node.schemaname)),
    ast.CreateExtensionStmt: lambda node, contained: _drop(
        ObjectType.OBJECT_EXTENSION, ast.String(node.extname), missing_ok=True
    ),
    ast.IndexStmt: _drop_index,
    ast.CreateTrigStmt: lambda node, contained: _on_table(ObjectType.OBJECT_TRIGGER, node.trigname, node.relation),
    ast.CreatePolicyStmt: lambda node, contained: _on_table(ObjectType.OBJECT_POLICY, node.policy_name, node.table),
    ast.RuleStmt: lambda node, contained: _on_table(ObjectType.OBJECT_RULE, node.rulename, node.relation),
    ast.CreateEventTrigStmt: lambda node, contained: _drop(ObjectType.OBJECT_EVENT_TRIGGER, ast.String(node.trigname)),
    ast.CreateForeignTableStmt: lambda node, contained: _drop(
        ObjectType.OBJECT_FOREIGN_TABLE, _names(*_qualified(node.base.relation))
    ),
    ast.CreateForeignServerStmt: lambda node, contained: _drop(
        ObjectType.OBJECT_FOREIGN_SERVER, ast.String(node.servername)
    ),
    ast.DefineStmt: _drop_collation,
    ast.AlterTableStmt: _drop_foreign_key,
}
