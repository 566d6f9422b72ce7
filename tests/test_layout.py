"""The package layout shows the pipeline: few top-level modules, stage subpackages, no import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"
STAGES = ("design", "analysis", "output", "live", "practice")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def import_graph() -> nx.DiGraph:
    """Every import of a workbench module by another, at module level or inside a function alike."""
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base]).strip(".")
                # `from workbench.x import y` imports the module workbench.x.y when there is one
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                # a module importing its own package's __init__ is not a dependency worth a cycle
                if target and target != name and target != "workbench" and not name.startswith(target + "."):
                    graph.add_edge(name, target)
    return graph


def test_no_import_cycles():
    cycles = sorted(" -> ".join(c + [c[0]]) for c in nx.simple_cycles(import_graph()))
    assert cycles == []


def test_at_most_eight_top_level_modules():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top


def test_stage_subpackages_say_what_they_take_and_give():
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()) >= 3, stage


def test_every_module_has_a_one_line_docstring():
    missing = [name for name, path in _modules().items()
               if not (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()]
    assert missing == []


def test_the_graph_sees_function_level_imports():
    # A checker that misses imports inside functions would pass on a tree full of hidden cycles.
    graph = import_graph()
    assert graph.has_edge("workbench.launch", "workbench.cli")  # launch imports cli inside run()
