"""Integrations: where the workbench meets the tools people already use.

Takes design files (through `build` and `commands`) and gives them to other tools: an MkDocs plugin that
puts diagrams into a docs site (`mkdocs_plugin`), design objects that display inline in Jupyter
(`notebook`, behind `workbench.load`), and a Model Context Protocol server over stdio for assistants
(`mcp_server`, `workbench mcp`). pre-commit hooks and the GitHub Action live at the repository's root.
"""
