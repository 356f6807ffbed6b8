"""House rules that keep the code base livable (DESIGN.md §3): small modules, pure cores, imports only along the
table of docs/ARCHITECTURE.md, one commit point."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for folder in ("app", "solver") for p in (ROOT / folder).rglob("*.py"))
MAX_LINES = 300


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(name: str) -> str | None:
    """The project module a dotted name lives in (``app.x.y.Name`` → ``app.x.y``); None outside the project."""
    while name:
        path = ROOT / name.replace(".", "/")
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return name
        name = name.rpartition(".")[0]
    return None


def _imported(path: Path) -> set[str]:
    """Every name a module imports, anywhere in it (``TYPE_CHECKING`` blocks included): project names resolved to
    their module, third-party names to their top-level package."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {_resolve(name) or name.split(".")[0] for name in names}


def _layer_table() -> dict[str, tuple[str, ...]]:
    """The « Allowed imports » table of docs/ARCHITECTURE.md: package → what it may import."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Allowed imports", 1)[1].split("\n## ", 1)[0]
    table = {}
    for row in re.findall(r"^\| (.+?) \| (.+?) \|$", section, re.MULTILINE):
        package, allowed = row
        if package.startswith("package") or package.startswith("---"):
            continue
        key = "*" if package.startswith("*") else package.strip("`")
        table[key] = tuple(re.findall(r"`([a-z_.]+)`", allowed))
    return table


LAYERS = _layer_table()
FACTORY = "app"  # app/__init__.py assembles every package


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _row(module: str) -> str:
    rows = [package for package in LAYERS if package != "*" and _within(module, package)]
    if not rows and any(_within(module, base) for base in LAYERS["*"]):
        return "*"
    assert rows, f"{module} belongs to no package of docs/ARCHITECTURE.md"
    return max(rows, key=len)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_stays_small(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by what it does"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layer_table(path: Path):
    module = _module(path)
    if module == FACTORY:
        return
    row = _row(module)
    allowed = (*(() if row == "*" else (row,)), *LAYERS[row], *LAYERS["*"])
    project = {name for name in _imported(path) if name.split(".")[0] in ("app", "solver")}
    wrong = sorted(name for name in project if not any(_within(name, a) for a in allowed))
    assert not wrong, f"{module} ({row}) imports {wrong}: not allowed by docs/ARCHITECTURE.md"


def test_the_layer_table_keeps_its_promises():
    """The rules the table exists for: tenders never reach groupements, the pure cores import nothing of the app,
    no view is imported but by the factory."""
    assert not [a for a in LAYERS["app.tenders"] if _within(a, "app.consortium")]
    assert LAYERS["solver"] == LAYERS["app.tenders.parsing"] == LAYERS["app.reference"] == ()
    for package, allowed in LAYERS.items():
        assert not [a for a in allowed if a.endswith(".views") or a.endswith(".cli")], package
        if _within(package, "app.consortium.documents") and package != "app.consortium.documents.views":
            assert not [a for a in allowed if a in ("app.forms", "app.permissions")], package


PURE_MODULES = {
    # module (or folder) -> the only third-party roots it may import besides the standard library
    "solver": {"ortools"},
    "app/tenders/parsing": {"lxml"},
    "app/awards/model.py": set(),
    "app/awards/parsing": {"lxml", "ijson"},
    "app/reference/cpv.py": set(),
    "app/reference/places.py": set(),
    "app/reference/cpv_files.py": {"lxml"},
    "app/reference/geo.py": set(),
    "app/reference/territories.py": set(),
    "app/impact/shares.py": set(),
    "app/impact/charts.py": {"markupsafe"},
    "app/impact/demo.py": set(),
    "app/impact/purchasing/reading.py": {"facturx"},
    **{
        f"app/companies/{name}.py": set()
        for name in ("identifiers", "records", "sizes", "naf_cpv", "sirene", "demo", "demo_data", "legal_forms")
    },
    "app/search.py": set(),
    "app/formatting.py": set(),
    "app/bounds.py": set(),
    "app/consortium/vocabulary.py": set(),
    "app/consortium/request.py": set(),
    "app/consortium/selection/matching.py": set(),
    "app/consortium/selection/packages.py": set(),
    "app/consortium/selection/prepared.py": {"ortools"},
    "app/consortium/capacity/report.py": {"ortools"},
    "app/consortium/split/amounts.py": set(),
    "app/consortium/split/plan.py": set(),
    "app/consortium/documents/pack.py": set(),
    "app/consortium/documents/checks.py": set(),
    "app/consortium/documents/espd.py": {"lxml"},
    "app/consortium/documents/espd_criteria.py": set(),
    "app/consortium/documents/rendering.py": {"jinja2", "weasyprint", "markupsafe"},
}
STANDARD = sys.stdlib_module_names


def _pure_paths(target: str) -> list[Path]:
    return [ROOT / target] if target.endswith(".py") else sorted((ROOT / target).rglob("*.py"))


def _is_pure(module: str) -> bool:
    path = module.replace(".", "/")
    return any(path == t.removesuffix(".py") or path.startswith(t + "/") for t in PURE_MODULES)


@pytest.mark.parametrize("target", sorted(PURE_MODULES))
def test_pure_modules_import_only_pure_modules(target: str):
    """A pure file imports the standard library, its few libraries and other pure files — no exemption for
    imports under ``TYPE_CHECKING``."""
    for path in _pure_paths(target):
        for name in _imported(path):
            if name.split(".")[0] in ("app", "solver"):
                assert _is_pure(name), f"{path.relative_to(ROOT)} imports {name}, which is not a pure module"
            else:
                assert name in STANDARD or name in PURE_MODULES[target], f"{path.relative_to(ROOT)} imports {name}"


def test_no_type_checking_imports_and_no_any_standing_in_for_a_type():
    for path in (p for target in PURE_MODULES for p in _pure_paths(target)):
        text = path.read_text(encoding="utf-8")
        assert "TYPE_CHECKING" not in text and ": Any" not in text, path.relative_to(ROOT)


COMMITTERS = ("views", "cli", "jobs")  # views, CLI commands and job entry points; app.forms' commit_or_show for views


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_views_cli_and_jobs_commit(path: Path):
    module = _module(path)
    if module == "app.forms" or any(part in COMMITTERS for part in module.split(".")):
        return
    assert ".commit()" not in path.read_text(encoding="utf-8"), f"{module} commits: return or yield instead"


def test_no_grab_bag_modules():
    assert not [p for p in SOURCES if p.stem in {"utils", "helpers", "misc", "common"}]
