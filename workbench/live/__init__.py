"""The live loop: rebuild on save and show the result in a browser.

`watch` follows the design folder with watchdog and rebuilds through `worker` (a warm fork server that has
`diagrams` imported already); `serve` is the page on 127.0.0.1 that follows each rebuild. Takes the build
pipeline (`workbench.build`) and gives a running session; it never changes what a build produces.
"""
