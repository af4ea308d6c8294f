"""The verbs reach SQL only through the seam: a verb never calls a SQL-floor function itself
(that would run SQLite's SQL on PostgreSQL); it hands it to `_read`/`_write`, or calls
`self._sql(fn)(db, ...)` inside its own closure."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import bot.store
from bot.store.twins import is_floor_function

PLUMBING = {"__init__.py", "plumbing.py", "store.py", "writer.py", "twins.py", "results.py"}
VERB_MODULES = sorted(
    p for p in Path(bot.store.__file__).parent.glob("*.py") if p.name not in PLUMBING
)


def direct_floor_calls(source: str) -> list[str]:
    """`area.fn(...)` or `fn(...)` calls of SQL-floor functions in a module's source."""
    tree = ast.parse(source)
    modules: dict[str, str] = {}
    functions: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "bot.store.sql":
            for alias in node.names:
                modules[alias.asname or alias.name] = f"bot.store.sql.{alias.name}"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.store.sql."):
            found = importlib.import_module(node.module or "")
            for alias in node.names:
                functions[alias.asname or alias.name] = getattr(found, alias.name)
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        target: object = None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id in modules:
                target = getattr(importlib.import_module(modules[func.value.id]), func.attr)
        elif isinstance(func, ast.Name):
            target = functions.get(func.id)
        if target is not None and is_floor_function(target):
            calls.append(f"line {node.lineno}: {ast.unparse(func)}(...)")
    return calls


@pytest.mark.parametrize("path", VERB_MODULES, ids=lambda p: p.name)
def test_verbs_call_sql_only_through_the_seam(path: Path) -> None:
    assert direct_floor_calls(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_direct_call() -> None:
    source = (
        "from bot.store.sql import capture, search\n"
        "from bot.store.sql.capture import user_names\n"
        "def write(db):\n"
        "    capture.replace_message(db, 1, [], 0.0)\n"
        "    user_names(db, 'T1')\n"
        "    search.parse_query('words')\n"  # a pure helper: fine
        "    self._sql(capture.replace_message)(db, 1, [], 0.0)\n"  # through the seam: fine
    )
    assert direct_floor_calls(source) == [
        "line 4: capture.replace_message(...)",
        "line 5: user_names(...)",
    ]
