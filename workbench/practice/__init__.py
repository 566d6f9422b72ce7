"""The practice routine around the designs: scaffolds, drills, history, progress and diffs.

Takes the workspace's designs and the local history (`.workbench/`) and gives new design files (`scaffold`,
`workspace`), the next drill (`drills`), the record of runs and lessons (`history`), the week's picture
(`progress`) and what changed between two versions (`diff`).
"""
