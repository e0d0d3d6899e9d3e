"""The layers point one way and the domain stays pure (STYLE.md, DESIGN.md).

The domain imports nothing but the standard library and itself, opens no files or sockets, and
prints nothing; services never reach up into the CLI or the web layer.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "pacewise"
IO_MODULES = {"os", "io", "socket", "subprocess", "sqlite3", "urllib", "http", "shutil", "logging"}
IO_CALLS = {"open", "print", "input"}


def modules_of(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def called_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


@pytest.mark.parametrize("path", modules_of("domain"), ids=lambda p: p.name)
def test_domain_imports_only_the_standard_library_and_itself(path: Path) -> None:
    for module in imported_modules(path):
        top = module.split(".")[0]
        if top == "pacewise":
            assert module.startswith("pacewise.domain"), f"{path.name} imports {module}"
        else:
            assert top in sys.stdlib_module_names, f"{path.name} imports {module}"
            assert top not in IO_MODULES, f"{path.name} imports {module}, which does I/O"


@pytest.mark.parametrize("path", modules_of("domain"), ids=lambda p: p.name)
def test_domain_does_no_io(path: Path) -> None:
    assert not called_names(path) & IO_CALLS


@pytest.mark.parametrize("path", modules_of("services"), ids=lambda p: p.name)
def test_services_never_import_the_interfaces(path: Path) -> None:
    for module in imported_modules(path):
        assert not module.startswith(("pacewise.cli", "pacewise.web")), f"{path.name}: {module}"


def test_the_check_would_catch_a_third_party_import(tmp_path: Path) -> None:
    impure = tmp_path / "impure.py"
    impure.write_text("import sqlalchemy\nfrom pacewise.services import inputs\n")
    found = imported_modules(impure)
    assert "sqlalchemy" not in sys.stdlib_module_names
    assert found == {"sqlalchemy", "pacewise.services"}
