"""Stage 1, the design: run a design file in a fresh process and capture what it drew.

Takes a design file (`designs/*.py`, an ordinary `diagrams` script, optionally with a design sheet) and gives a
`DesignModel` (`model`): the diagrams with their nodes, edges and clusters, the sheet and the capacity figures,
plus the DOT source for the renderer. `loader` runs the design (`capture` is what runs inside the child,
`spare` a child started ahead of time, `children` makes every child process die with the workbench); nothing
here knows about rules or outputs.
"""
