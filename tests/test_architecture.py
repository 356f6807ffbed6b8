"""House rules that keep the code base livable (DESIGN.md §3)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for folder in ("app", "solver") for p in (ROOT / folder).rglob("*.py"))
MAX_LINES = 300


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:``: imports there serve type hints, never run."""
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for statement in node.body
        for inner in ast.walk(statement)
    }
    return [node for node in ast.walk(tree) if id(node) not in skipped]


def _imported(path: Path) -> set[str]:
    """Imported module names; ``from package import module`` counts as ``package.module``."""
    nodes = _runtime_nodes(ast.parse(path.read_text(encoding="utf-8")))
    names = {alias.name for node in nodes if isinstance(node, ast.Import) for alias in node.names}
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            package = ROOT / node.module.replace(".", "/")
            names |= {f"{node.module}.{a.name}" for a in node.names} if package.is_dir() else {node.module}
    return names


PURE_MODULES = {
    # module (or folder) -> the only third-party roots it may import besides the standard library
    "solver": {"ortools"},
    "app/reference/cpv_files.py": {"lxml"},
    "app/reference/geo.py": set(),
    **{
        f"app/companies/{name}.py": set()
        for name in ("identifiers", "records", "sizes", "naf_cpv", "sirene", "demo", "demo_data", "legal_forms")
    },
    "app/tenders/parsing": {"lxml"},
    "app/search.py": set(),
    "app/formatting.py": set(),
    "app/consortium/matching.py": set(),
    "app/consortium/espd.py": {"lxml"},
    "app/consortium/rendering.py": {"jinja2", "weasyprint", "markupsafe"},
}
FORBIDDEN = {"flask", "sqlalchemy", "werkzeug", "flask_login", "flask_wtf", "wtforms"}
# Pure modules may import other pure modules of the project, never the ones that pull in Flask or the database.
IMPURE_PROJECT_MODULES = ("app.db", "app.models", "app.errors", "app.forms", "app.permissions", "app.security")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_stays_small(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by what it does"


@pytest.mark.parametrize("target", sorted(PURE_MODULES))
def test_pure_modules_import_no_web_or_database(target: str):
    paths = [ROOT / target] if target.endswith(".py") else sorted((ROOT / target).rglob("*.py"))
    for path in paths:
        if path.is_file():
            imported = _imported(path)
            assert not {name.split(".")[0] for name in imported} & FORBIDDEN, f"{path.relative_to(ROOT)} must stay pure"
            assert not [n for n in imported if n.startswith(IMPURE_PROJECT_MODULES) or n.endswith(".models")]
            for name in imported:
                if name.startswith("app."):
                    module = name.replace(".", "/")
                    pure = f"{module}.py" in PURE_MODULES or module.rsplit("/", 1)[0] in PURE_MODULES
                    assert pure, f"{path.name} imports {name}, which is not a pure module"


def test_no_grab_bag_modules():
    assert not [p for p in SOURCES if p.stem in {"utils", "helpers", "misc", "common"}]
