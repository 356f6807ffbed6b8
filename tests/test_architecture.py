"""House rules that keep the code base livable (DESIGN.md §3)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for folder in ("app", "solver") for p in (ROOT / folder).rglob("*.py"))
MAX_LINES = 300


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0}
    return {name.split(".")[0] for name in names}


PURE_MODULES = {
    # module (or folder) -> the only third-party roots it may import besides the standard library
    "solver": {"ortools"},
    "app/reference/cpv_files.py": {"lxml"},
    "app/tenders/parsing": {"lxml"},
}
FORBIDDEN = {"flask", "sqlalchemy", "app", "werkzeug", "flask_login", "flask_wtf"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_stays_small(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by what it does"


@pytest.mark.parametrize("target", sorted(PURE_MODULES))
def test_pure_modules_import_no_web_or_database(target: str):
    paths = [ROOT / target] if target.endswith(".py") else sorted((ROOT / target).rglob("*.py"))
    for path in paths:
        if path.is_file():
            assert not _imported_roots(path) & FORBIDDEN, f"{path.relative_to(ROOT)} must stay pure"


def test_no_grab_bag_modules():
    assert not [p for p in SOURCES if p.stem in {"utils", "helpers", "misc", "common"}]
