"""The house's one rule of imports (CONVENTIONS.md): they run one way, bvgov/demo → recommendations → reviews →
programmes → core; nothing imports demo or benchmarks; and no app's modules import each other in a circle. Every
import counts, the ones inside functions too, so each file is read with `ast` rather than by importing it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app's floor: an app may import the apps on lower floors and its own, never one above. demo stands on bvgov
# (it loads the site's roles), and nothing imports it.
FLOORS = {"core": 0, "programmes": 1, "reviews": 2, "recommendations": 3, "bvgov": 4, "demo": 5}
IMPORTED_BY_NOTHING = {"demo", "benchmarks"}


def app_modules(app: str) -> dict[str, Path]:
    """Every module of the app by dotted name (a package by its own name), migrations left out."""
    modules = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


ALL_MODULES = {name: path for app in FLOORS for name, path in app_modules(app).items()}


def _is_package(module: str) -> bool:
    return ALL_MODULES.get(module, Path()).name == "__init__.py"


def imports_of(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, wherever it is; `from package import name` counts as
    importing the submodule when `name` is one."""
    found = []
    package = module if _is_package(module) else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.append((node.lineno, submodule if submodule in ALL_MODULES else target))
    return found


def layering_violations() -> list[str]:
    problems = []
    for module, path in ALL_MODULES.items():
        app = module.split(".")[0]
        for line, imported in imports_of(module, path):
            other = imported.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line} imports {imported}"
            if other in IMPORTED_BY_NOTHING and other != app:
                problems.append(f"{where}: nothing imports {other}")
            elif other in FLOORS and other != app and FLOORS[other] >= FLOORS[app]:
                problems.append(f"{where}: {app} may not import {other}, which is above it")
    return problems


def cycles_within(app: str) -> list[list[str]]:
    """The import cycles among the app's modules (strongly connected components of more than one module, or a
    module that imports itself), by Tarjan's algorithm."""
    modules = app_modules(app)
    graph = {
        module: sorted({imported for _, imported in imports_of(module, path) if imported in modules})
        for module, path in modules.items()
    }
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in graph[module]:
                components.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    return components


def test_imports_run_one_way_and_nothing_imports_demo_or_benchmarks():
    problems = layering_violations()
    assert not problems, "Imports against the house's order:\n" + "\n".join(problems)


@pytest.mark.parametrize("app", sorted(FLOORS))
def test_no_app_has_an_import_cycle_among_its_modules(app):
    cycles = cycles_within(app)
    assert not cycles, f"Import cycles in {app}:\n" + "\n".join(" ↔ ".join(cycle) for cycle in cycles)


def test_the_checks_see_imports_inside_functions_and_relative_ones():
    # The checks would pass vacuously if they missed these: programmes' AppConfig imports core inside a function,
    # and a relative import of a sibling module resolves to it.
    assert any(
        imported == "core.audit" for _, imported in imports_of("programmes.apps", ALL_MODULES["programmes.apps"])
    )
    assert any(imported == "core.models" for _, imported in imports_of("core.admin", ALL_MODULES["core.admin"]))
