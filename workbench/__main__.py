"""`python -m workbench` runs the command line."""

from workbench.launch import run

run()
