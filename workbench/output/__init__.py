"""Stage 3, the outputs: what a model and its findings become on disk and on screen.

Takes a model and its reviewed findings and gives files: `render` is the only module that drives Graphviz (PNG,
SVG, PDF, DOT and the findings view), `drawing` (every `dot` run of one build, with the speed tricks:
the early `dot`, SVG first and raster formats later), `svg` makes SVG self-contained, `report` fills the jinja2 report
templates, `check_report` writes the `check` formats (text, JSON, SARIF, JUnit), `ruledoc` the rule docs, and
`fileio` writes atomically so nobody sees half a file; `outdir` names the files of out/<design>/ and guards what
may be replaced (only what the workbench made).
"""
