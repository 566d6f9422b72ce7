"""Commands that combine the stages for one CLI verb: `check`, `export` and the what-if of `check --fail`.

Each takes the configuration and the design paths from `workbench.cli` and returns plain results that the CLI
prints; keeping them here keeps the CLI thin and lets tests call them directly.
"""
