"""The plugins stand in layers and are extended through the hooks a build is given, never rewired at run time.

Read from the code itself (Python's `ast`): no module of `plugins/` assigns to an attribute of
something it imported (a module, or a class or object taken from elsewhere), except the wrappers
that say why Pelican offers no hook for them; no import of the forum plugin closes a circle; and
no module of the plugins, the tasks or the benchmarks is longer than 600 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PLUGINS = ROOT / "plugins"

ALLOWED = {
    # i18n-subsites keeps its queue in a module global and offers no reset (subsites.py says why).
    ("ssc_forum/subsites.py", "i18n_subsites._MAIN_SETTINGS"),
    # rich's console offers no hook after a fork (batches.fresh_console_locks says why).
    ("ssc_forum/batches.py", "console._lock"),
    # Pelican prints its summary with its console, not through logging (summary.py says why).
    ("ssc_publish/summary.py", "console.print"),
}


def _imported_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def rewiring(source: str) -> list[str]:
    """Every `name.attr = …` (or `setattr(name, …)`) whose `name` is imported, as `name.attr` (or `setattr(name)`)."""
    tree = ast.parse(source)
    imported = _imported_names(tree)
    found = []
    for node in ast.walk(tree):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AugAssign, ast.AnnAssign))
            else []
        )
        for target in targets:
            for part in ast.walk(target) if isinstance(target, ast.Tuple) else [target]:
                root = part
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(part, ast.Attribute) and isinstance(root, ast.Name) and root.id in imported:
                    found.append(f"{root.id}.{part.attr}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in imported
        ):
            found.append(f"setattr({node.args[0].id})")
    return found


def test_no_plugin_module_rewires_what_it_imported() -> None:
    found = {
        (path.relative_to(PLUGINS).as_posix(), name)
        for path in sorted(PLUGINS.rglob("*.py"))
        for name in rewiring(path.read_text(encoding="utf-8"))
    }
    assert found - ALLOWED == set()


def test_the_rewiring_check_sees_a_swapped_function() -> None:
    source = (
        "from . import content as content_module\nimport pelican\nfrom pelican.writers import Writer\n"
        "content_module._read_file = None\npelican.get_instance = None\nsetattr(Writer, 'write_file', None)\n"
        "local = object()\nlocal.fine = 1\nsettings = {}\nsettings[pelican.KEY] = 1\n"
    )
    assert rewiring(source) == ["content_module._read_file", "pelican.get_instance", "setattr(Writer)"]


def _forum_imports() -> dict[str, set[str]]:
    """Each module of the forum plugin and the modules of the plugin it imports (relative imports)."""
    package = PLUGINS / "ssc_forum"
    graph: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).with_suffix("").as_posix().replace("/", ".")
        parts = name.split(".")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        out: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                # `from . import x` in a/b.py names a.x; in a/__init__.py it names a.x too.
                keep = len(parts) - node.level + (1 if path.name == "__init__.py" else 0)
                base = [p for p in parts[:keep] if p != "__init__"]
                if node.module:
                    out.add(".".join([*base, *node.module.split(".")]))
                else:
                    out.update(".".join([*base, alias.name]) for alias in node.names)
        graph[name] = {target for target in out if target in _modules(package)}
    return graph


def _modules(package: Path) -> set[str]:
    return {p.relative_to(package).with_suffix("").as_posix().replace("/", ".") for p in package.rglob("*.py")}


def test_the_forum_plugin_has_no_import_circle() -> None:
    graph = _forum_imports()
    graph.pop("__init__", None)  # the package's face: it only re-exports
    assert graph["incremental"] and graph["generator"], "the import graph was not read"
    state: dict[str, int] = {}
    circles: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in graph.get(node, ()):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


MODULE_LINES_MAX = 600


def test_no_module_of_the_plugins_the_tasks_or_the_benchmarks_is_over_600_lines() -> None:
    """A module that grows past this is split by concern, each part named for what it holds."""
    modules = sorted([*PLUGINS.rglob("*.py"), *(ROOT / "bench").glob("*.py"), ROOT / "tasks.py", ROOT / "make.py"])
    assert len(modules) > 80, "the modules were not found"
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES_MAX
    }
    assert long == {}
