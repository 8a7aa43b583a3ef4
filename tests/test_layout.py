"""The code's shape, held: short functions (docs/architecture.md), every module reachable by its layer."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
LONGEST = 80  # lines a function of app/ may take, its docstring included


def test_no_function_in_app_is_longer_than_80_lines():
    found = []
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > LONGEST:
                    found.append(f"{path.relative_to(APP)}:{node.lineno} {node.name}: {length} lines")
    assert len(list(APP.rglob("*.py"))) > 100  # the walk saw the package
    assert found == []


def test_the_gate_class_stays_small():
    tree = ast.parse((APP / "gate" / "__init__.py").read_text())
    gate = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Gate")
    assert gate.end_lineno - gate.lineno + 1 < 200


def test_front_ends_call_verbs_with_the_context_not_the_pools():
    """The API, the pages, the CLI and the gate hand the context to a verb; none reaches into the registry's
    pools or the control store itself (the verbs are where connections are chosen and checked)."""
    found = []
    for front in ("api", "pages", "cli", "gate"):
        for path in sorted((APP / front).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                code = line.split("#", 1)[0]
                if ".registry." in code or ".registry)" in code or "control_pool(" in code:
                    found.append(f"{path.relative_to(APP)}:{number}: {line.strip()}")
    assert found == []
