"""Stage 2, the analysis: from a captured model to findings.

Takes a `design.model.Diagram` and gives findings (`findings.Finding`, plain data, sorted and stable). `roles`
names what each node is, `graph` turns the drawing into a request graph with replica groups and entries,
`criticality` and `loads` compute what every entry needs and what each group carries, `rules/` holds one module
per rule family (pure functions of the graph), `engine` runs them, `review` applies acceptances, `whatif` and
`readiness` answer the practice questions. Nothing here runs Graphviz or writes files.
"""
