"""workbench: a diagram-as-code design workbench built on `diagrams`, Graphviz and networkx."""

__version__ = "0.1.0"
