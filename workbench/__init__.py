"""workbench: a diagram-as-code design workbench built on `diagrams`, Graphviz and networkx."""

__version__ = "0.1.0"


def __getattr__(name: str):
    """`workbench.load(path)` for notebooks, imported on first use so that `import workbench` stays cheap
    (design processes and the command line import this package too)."""
    if name == "load":
        from workbench.integrations.notebook import load

        return load
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")
