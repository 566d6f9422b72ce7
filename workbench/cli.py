"""The `workbench` command line: thin click commands that forward to the modules that do the work."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click

from workbench import __version__
from workbench.config import FORMATS, Config, load_config
from workbench.errors import WorkbenchError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def split_formats(values: tuple[str, ...], default: tuple[str, ...]) -> tuple[str, ...]:
    formats = [f.strip().lower() for v in values for f in v.split(",") if f.strip()]
    for fmt in formats:
        if fmt not in FORMATS:
            raise click.BadParameter(f"{fmt!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
    return tuple(dict.fromkeys(formats)) or default


def workspace(ctx: click.Context) -> Config:
    return ctx.obj["config"]


def design_paths(cfg: Config, paths: tuple[Path, ...]) -> list[Path]:
    from workbench.build import discover

    if not paths:
        if not cfg.designs.is_dir():
            raise WorkbenchError(f"no designs folder at {cfg.designs}; pass design files or run `workbench init`")
        paths = (cfg.designs,)
    designs = discover(paths)
    if not designs:
        raise WorkbenchError(f"no design files found in {', '.join(str(p) for p in paths)}")
    return designs


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="workbench")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of failing designs and debug logs.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Render, check and review system designs written as `diagrams` scripts.

    \b
    A design is an ordinary Python file in designs/ that builds one or more
    `with Diagram(...)` blocks. The workbench runs it safely in its own process,
    captures the architecture, and writes out/<design>/ with deterministic,
    self-contained diagrams and a model.json.

    \b
    Typical loop:
      workbench init my-practice     create a workspace with an example design
      workbench render               render every design in designs/
      workbench render designs/x.py -f png,svg,pdf

    \b
    Settings: workbench.toml ([workbench]) or pyproject.toml ([tool.workbench]),
    the same keys; workbench.toml wins when both exist.
    Shell completion: eval "$(_WORKBENCH_COMPLETE=bash_source workbench)"
    (zsh_source, fish_source for those shells).
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["config"] = load_config()


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-f", "--format", "formats", multiple=True, metavar="FMT[,FMT]",
              help=f"Output formats, from {', '.join(FORMATS)} (default: png,svg or workbench.toml).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Designs rendered at once (default: CPU cores).")
@click.option("--force", is_flag=True, help="Rebuild even designs whose inputs have not changed.")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds a design may run (default 60).")
@click.pass_context
def render(ctx: click.Context, paths: tuple[Path, ...], formats: tuple[str, ...], jobs: int | None,
           force: bool, timeout: float | None) -> None:
    """Render designs into out/<design>/ (files or folders; default designs/).

    \b
    Each design runs in a fresh process with a time limit; `show=True`,
    `filename=` and `outformat=` in the script are ignored: outputs always go to
    out/<design-stem>/<diagram-slug>.<format>. Unchanged designs are skipped
    (see --force). A design that fails keeps its last good outputs and never
    stops the others; the exit status is 1 when any design failed.

    \b
    Examples:
      workbench render                                 every design in designs/
      workbench render designs/chat_service.py -f png,svg,pdf --force
    """
    from workbench.build import build_all

    cfg = workspace(ctx)
    if timeout:
        cfg.timeout = timeout
    chosen = split_formats(formats, cfg.formats)
    designs = design_paths(cfg, paths)
    start = time.perf_counter()
    results = build_all(designs, cfg, chosen, force=force, jobs=jobs, progress=progress_printer(len(designs)))
    from workbench.practice.history import record_builds

    record_builds(cfg, results)  # the practice history; a failure to write it is only a warning
    counts = {s: sum(r.status == s for r in results) for s in ("rendered", "cached", "failed")}
    for result in results:
        echo_result(result, cfg, ctx.obj["verbose"])
    out = display_out(cfg)
    click.echo(f"{counts['rendered']} rendered, {counts['cached']} cached, {counts['failed']} failed "
               f"in {time.perf_counter() - start:.1f} s; outputs in {out}/")
    sys.exit(1 if counts["failed"] else 0)


def display_out(cfg: Config) -> str:
    try:
        return cfg.out.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return cfg.out.as_posix()


def progress_printer(total: int):
    """A one-line, self-overwriting progress display; only on a terminal."""
    if not sys.stderr.isatty() or total < 2:
        return None

    def show(result, done: int, total: int) -> None:
        end = "\n" if done == total else ""
        click.echo(f"\r\033[K[{done}/{total}] {result.shown}", nl=False, err=True)
        if end:
            click.echo("\r\033[K", nl=False, err=True)

    return show


def echo_warnings(warnings: list[dict]) -> None:
    """The loader's warnings (a missing icon, an attribute plain `diagrams` would reject), on stderr."""
    for warning in warnings:
        where = f"{warning['file']}:{warning['line']}" if warning.get("line") else warning["file"]
        click.secho(f"warning: {where}: {warning['message']}", fg="yellow", err=True)


def echo_result(result, cfg: Config, verbose: bool) -> None:
    if result.status == "failed":
        click.secho(f"error: {result.error.format_message()}", fg="red", err=True)
        if (cfg.out / result.stem).is_dir():
            click.echo(f"  the last good outputs in {display_out(cfg)}/{result.stem}/ are kept", err=True)
        if verbose and result.error.detail:
            click.echo(result.error.detail.rstrip(), err=True)
        return
    echo_warnings(result.warnings)
    if result.status == "cached":
        if verbose:
            click.echo(f"cached   {result.shown}")
        return
    diagrams = len(result.model.diagrams)
    click.echo(f"rendered {result.shown} -> {display_out(cfg)}/{result.stem}/ "
               f"({diagrams} diagram{'s' * (diagrams != 1)}, {result.duration:.1f} s; {findings_summary(result.counts)})")


def findings_summary(counts: dict[str, int]) -> str:
    """`2 errors, 1 warning, 0 info, 1 accepted` (empty kinds left out; "no findings" when all are 0)."""
    parts = [f"{n} {kind}{'s' * (n != 1 and kind in ('error', 'warning'))}" for kind, n in counts.items() if n]
    return ", ".join(parts) if parts else "no findings"


def watch_options(func):
    """Options shared by `watch` and `serve`."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option("-f", "--format", "formats", multiple=True, metavar="FMT[,FMT]",
                     help="Output formats (default: png,svg or workbench.toml; the live page adds svg)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds a design may run (default 60)."),
        click.option("--debounce", type=click.FloatRange(min=0.0), default=0.05, show_default=True,
                     help="Quiet seconds that end a burst of saves before rebuilding."),
        click.option("--host", default="127.0.0.1", show_default=True,
                     help="Address the live preview listens on (loopback only, unless you change it)."),
        click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
                     help="Port of the live preview (0: any free port)."),
        click.option("--open", "open_browser", is_flag=True, help="Open the live preview in a browser."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@main.command(context_settings=CONTEXT)
@watch_options
@click.option("--serve", is_flag=True, help="Also serve a live preview in the browser (see `workbench serve`).")
@click.pass_context
def watch(ctx: click.Context, paths: tuple[Path, ...], formats: tuple[str, ...], timeout: float | None,
          debounce: float, host: str, port: int, open_browser: bool, serve: bool) -> None:
    """Rebuild designs on every save until Ctrl-C (files or folders; default designs/).

    \b
    Watches the designs, templates/ and workbench.toml. Only the designs a change
    affects are rebuilt: the saved design, and designs that import a saved
    helper module (files named _*.py). Each rebuild prints one line: the
    design, how long it took and its findings; a failing design prints the
    error with file and line and keeps its last good output. Nothing a design
    does stops the watcher.

    \b
      workbench watch                 watch designs/
      workbench watch --serve --open  and show them live in the browser
    """
    from workbench.live.watch import run_watch

    cfg = workspace(ctx)
    if timeout:
        cfg.timeout = timeout
    run_watch(cfg, paths, formats=split_formats(formats, ()) or None, serve=serve,
              host=host, port=port, open_browser=open_browser, debounce=debounce, echo=click.echo)


@main.command(context_settings=CONTEXT)
@watch_options
@click.pass_context
def serve(ctx: click.Context, **options) -> None:
    """Watch designs and show them live in the browser (short for `watch --serve`).

    \b
    http://127.0.0.1:8000/ lists the designs with their status and findings;
    each design's page shows the diagram (zoom with the wheel, drag to pan),
    its findings (click one to highlight its nodes) and updates itself after
    every successful build. A failed build shows an error banner above the last
    good diagram. Only files under out/ are served.

    \b
    Examples:
      workbench serve --open                  watch designs/, open the page
      workbench serve designs/x.py --port 0   one design, any free port
    """
    ctx.invoke(watch, serve=True, **options)


def codes(values: tuple[str, ...]) -> list[str] | None:
    """`--select A,B --select C` -> ["A", "B", "C"]; validated against the catalogue (codes or families)."""
    from workbench.analysis.rules import CATALOGUE

    found = [v.strip().upper() for value in values for v in value.split(",") if v.strip()]
    for code in found:
        if not any(known == code or known.startswith(code) for known in CATALOGUE):
            raise click.BadParameter(f"{code!r} is not a rule code or family; see `workbench rules`")
    return found or None


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "junit"]), default="text",
              show_default=True, help="Report format; sarif for code-scanning UIs, junit for CI test tabs.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default="error",
              show_default=True, help="Lowest severity of an active finding that makes the exit status 1.")
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules (codes or families: SPOF,CACHE001).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules (codes or families).")
@click.option("--no-accept", is_flag=True, help="Ignore every acceptance: show all findings as active.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to a file.")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds a design may run (default 60).")
@click.option("--fail", "fail_nodes", multiple=True, metavar="NODE[,NODE]",
              help="What if these components go down: show the entry-to-capability paths that break.")
@click.option("--fail-zone", "fail_zones", multiple=True, metavar="ZONE",
              help="What if this zone goes down (a region name also works when no zone has it).")
@click.option("--fail-region", "fail_regions", multiple=True, metavar="REGION",
              help="What if this whole region goes down.")
@click.pass_context
def check(ctx: click.Context, paths: tuple[Path, ...], fmt: str, fail_on: str, select: tuple[str, ...],
          ignore: tuple[str, ...], no_accept: bool, output: Path | None, timeout: float | None,
          fail_nodes: tuple[str, ...], fail_zones: tuple[str, ...], fail_regions: tuple[str, ...]) -> None:
    """Analyse designs for single points of failure, missing caches, replicas and more.

    \b
    Exit status: 0 when no active finding reaches --fail-on, 1 when some do,
    2 for a usage error or a design that could not be loaded.
    \b
    Examples:
      workbench check                                  every design in designs/
      workbench check designs/chat_service.py --select SPOF,REP
      workbench check --format sarif -o findings.sarif  for code scanning in CI
    Accept a finding you have weighed with accept="SPOF001: reason" on the node
    or a `# wb: accept SPOF001 -- reason` comment; `workbench rules CODE` explains a rule.
    \b
    What if components fail (exit status 1 when a path breaks):
      workbench check designs/x.py --fail db             one component (its label)
      workbench check designs/x.py --fail api-1,api-2    several at once
      workbench check designs/x.py --fail-zone us-east-1a
      workbench check designs/x.py --fail-region us-east-1 --format json
    """
    import os

    from workbench.analysis.rules import CATALOGUE
    from workbench.commands.check import CheckOptions, check_designs
    from workbench.output.check_report import exit_status, render

    cfg = workspace(ctx)
    if timeout:
        cfg.timeout = timeout
    if fail_nodes or fail_zones or fail_regions:
        from workbench.commands.whatif import run as what_if

        text, status = what_if(design_paths(cfg, paths), cfg, fail_nodes, fail_zones, fmt, fail_regions)
        if output:
            from workbench.output.fileio import write_text_atomic

            write_text_atomic(output, text)
        click.echo(f"wrote {output}" if output else text.rstrip("\n"), err=bool(output))
        sys.exit(status)
    options = CheckOptions(select=codes(select), ignore=codes(ignore), accept=not no_accept)
    reports = check_designs(design_paths(cfg, paths), cfg, options)
    for report in reports:
        echo_warnings(report.warnings)
    from workbench.practice.history import record_checks

    record_checks(cfg, reports, filtered=bool(select or ignore or no_accept))  # never fails the check
    color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = render(fmt, reports, CATALOGUE, fail_on=fail_on, color=color)
    if output:
        from workbench.output.fileio import write_text_atomic

        write_text_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text.rstrip("\n"))
    sys.exit(exit_status(reports, fail_on))


@main.command(context_settings=CONTEXT)
@click.argument("design", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["html", "md", "pdf", "png", "svg", "mermaid", "drawio"]),
              default="html", show_default=True,
              help="html/md/pdf: the review report; png/svg: the diagram; mermaid: Markdown with a Mermaid "
                   "flowchart per diagram (.mmd: one bare flowchart); drawio: an editable diagrams.net file.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File or folder to write (default: here; for a folder of designs: ./export/).")
@click.option("--diagram", help="Which diagram, by name or slug, for png/svg/.mmd (default: the first).")
@click.option("--findings-view", is_flag=True,
              help="For png/svg: the diagram with the findings outlined and numbered (default name ends in "
                   ".findings.png or .findings.svg, beside the plain picture).")
@click.pass_context
def export(ctx: click.Context, design: Path, fmt: str, output: Path | None, diagram: str | None,
           findings_view: bool) -> None:
    """Write one file to share for feedback: the report, the diagram, Mermaid or draw.io.

    \b
    The HTML report is a single self-contained file (works offline) with the
    seven steps, the findings drawn on the diagram, the capacity sheet with its
    formulas, the readiness checklist and questions for your reviewer.
    Mermaid renders in GitHub Markdown (clusters are subgraphs, components of
    findings get the classes error/warning/accepted); the draw.io file keeps
    Graphviz's layout and the icons, and opens in diagrams.net to edit.
    DESIGN may be a folder: every design in it goes into one folder with an
    index page (index.html, or index.md for md and mermaid); the exit status
    is 1 when a design failed (it is listed in the index with its error).
    \b
    Examples:
      workbench export designs/chat_service.py                 chat_service-report.html
      workbench export designs/chat_service.py --format pdf -o ~/review.pdf
      workbench export designs/chat_service.py --format svg --findings-view
      workbench export designs/chat_service.py --format mermaid   chat_service.mermaid.md
      workbench export designs/chat_service.py --format drawio    chat_service.drawio
      workbench export designs/ --format mermaid -o docs/designs  all of them, with index.md
    """
    from workbench.commands.export import export as export_design

    if design.is_dir():
        from workbench.commands.export import export_folder

        cfg = workspace(ctx)
        done_all = export_folder(design_paths(cfg, (design,)), cfg, fmt, output, diagram, findings_view)
        for error in done_all.failed:
            click.secho(f"error: {error.format_message()}", fg="red", err=True)
        click.echo(f"wrote {len(done_all.written)} file{'s' * (len(done_all.written) != 1)} and {done_all.index}")
        sys.exit(1 if done_all.failed else 0)
    done = export_design(design, workspace(ctx), fmt, output, diagram, findings_view)
    from workbench.practice.history import record_output

    record_output(workspace(ctx), design, "export")  # the practice history; never fails the export
    click.echo(f"wrote {done.path}")
    for extra in done.extras:
        click.echo(f"wrote {extra} (linked from the report)")


@main.command(context_settings=CONTEXT)
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """List the analysis rules, or explain one (what, why, example, fix, how to accept).

    \b
    Examples:
      workbench rules              the catalogue: code, severity, title
      workbench rules SPOF001      one rule's documentation
    """
    from workbench.analysis.rules import CATALOGUE
    from workbench.output.ruledoc import catalogue_table, rule_doc

    if code is None:
        click.echo(catalogue_table(CATALOGUE))
        return
    rule = CATALOGUE.get(code.strip().upper())
    if rule is None:
        raise click.BadParameter(f"no rule {code!r}; `workbench rules` lists them", param_hint="CODE")
    click.echo(rule_doc(rule), nl=False)


@main.command(context_settings=CONTEXT)
@click.option("--all", "all_classes", is_flag=True, help="Every node class, auxiliary ones (monitoring, CI, ...) too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def roles(all_classes: bool, fmt: str) -> None:
    """List the role the analysis gives each `diagrams` node class.

    \b
    Roles (database, cache, queue, load_balancer, ...) decide which rules apply
    to a node. Override one in a design with `role="cache"` on the node. The
    summary counts classes per role and per provider for the installed diagrams.

    \b
    Examples:
      workbench roles                  the node classes the rules look at
      workbench roles --all --format json
    """
    from workbench.analysis.roles import format_roles

    click.echo(format_roles(all_classes, fmt))


@main.command(context_settings=CONTEXT)
@click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False))
def init(directory: Path) -> None:
    """Create a workspace: designs/ with an example, templates/, out/ (git-ignored).

    Existing files are never overwritten.

    \b
    Examples:
      workbench init                  here
      workbench init my-practice      in a new folder
    """
    from workbench.practice.workspace import init_workspace

    for line in init_workspace(directory):
        click.echo(line)


# -- practice: new designs, drills, history, progress, diff -------------------------------------------------


@main.command(context_settings=CONTEXT)
@click.argument("name")
@click.option("-t", "--template", "kind", type=click.Choice(["drill", "case-study", "architecture"]),
              default="drill", show_default=True, help="Which skeleton: a timed drill, a case study, an architecture.")
@click.option("--prompt", metavar="KEY", help="Fill in a catalogue prompt (`workbench drill list` shows the keys).")
@click.option("--constraint", metavar="KEY", help="Fill in a constraint variant, e.g. read-heavy, multi-region.")
@click.pass_context
def new(ctx: click.Context, name: str, kind: str, prompt: str | None, constraint: str | None) -> None:
    """Start a design file: the 7-step sheet skeleton and a small starter diagram.

    \b
    NAME becomes designs/NAME.py (or give a path ending in .py). The file
    renders as it is; TODO comments mark what is left to write. Templates
    come from templates/new_<kind>.py.j2 in the workspace when you have
    one, else from the package. An existing file is never overwritten.
    \b
      workbench new url_shortener --prompt url-shortener --constraint read-heavy
      workbench new dropbox --template case-study
    """
    from workbench.design.loader import display_path
    from workbench.practice.scaffold import new_design

    cfg = workspace(ctx)
    created = new_design(cfg, name, kind, prompt, constraint)
    path = display_path(created, Path.cwd())
    if prompt:  # a prompt makes it a drill: `workbench drill done` closes it
        from workbench.practice.drills import record_start

        record_start(cfg, f"{prompt}/{constraint}" if constraint else prompt, created)
    click.echo(f"created {path}")
    click.echo(f"next: workbench watch {path}   (re-renders on every save; `workbench check {path}` for findings)")


@main.group(context_settings=CONTEXT)
def drill() -> None:
    """Timed practice on classic prompts (URL shortener, news feed, ...) with constraint variants.

    \b
      workbench drill list                  the catalogue and the rotation
      workbench drill next --watch          scaffold the next drill, watch it, 45-minute timer
      workbench drill done url-shortener/read-heavy
    """


@drill.command("list", context_settings=CONTEXT)
@click.pass_context
def drill_list(ctx: click.Context) -> None:
    """Prompts, constraints, and every drill in the order `drill next` picks them.

    \b
      workbench drill list
    """
    from workbench.practice.drills import catalogue_text
    from workbench.practice.history import read
    from workbench.practice.prompts import catalogue

    cfg = workspace(ctx)
    click.echo(catalogue_text(read(cfg), catalogue(cfg)))


@drill.command("next", context_settings=CONTEXT)
@click.argument("pair", required=False)
@click.option("--watch", "watch_it", is_flag=True, help="Watch the new design and run a timer until time is up.")
@click.option("--minutes", type=click.FloatRange(min=0.1), default=45, show_default=True, help="Timer length.")
@click.pass_context
def drill_next(ctx: click.Context, pair: str | None, watch_it: bool, minutes: float) -> None:
    """Scaffold the least recently practised drill (or PAIR) and record its start.

    \b
    Never-practised drills come first, in catalogue order. With --watch the
    design re-renders on every save until the time is up or Ctrl-C; then the
    time used and the design's findings are shown and the drill is recorded
    as done. Without it, finish with `workbench drill done NAME`.

    \b
      workbench drill next                        scaffold it, time it yourself
      workbench drill next --watch --minutes 30   with the watcher and a timer
      workbench drill next chat-service/multi-region   this one, whatever the rotation says
    """
    from workbench.design.loader import display_path
    from workbench.live.watch import run_watch
    from workbench.practice import drills
    from workbench.practice.history import local_now

    cfg = workspace(ctx)
    d, path, start = drills.start_next(cfg, minutes if watch_it else None, key=pair)
    for line in drills.brief(d, display_path(path, Path.cwd())):
        click.echo(line)
    if not watch_it:
        click.echo(f"next: edit it with `workbench watch {display_path(path, Path.cwd())}` running, "
                   f"then `workbench drill done {d.key}`")
        return
    session = drills.run_session(cfg, d, path, minutes=minutes, started=local_now(), watch=run_watch,
                                 now=local_now, echo=click.echo)
    for line in drills.finish(cfg, start, session.ended, minutes):
        click.echo(line)


@drill.command("done", context_settings=CONTEXT)
@click.argument("name")
@click.pass_context
def drill_done(ctx: click.Context, name: str) -> None:
    """Record a drill as done (NAME: the drill, e.g. url-shortener/read-heavy, or its design file).

    Shows the time used since `drill next` and the design's findings.

    \b
      workbench drill done url-shortener/read-heavy
      workbench drill done designs/url_shortener_read_heavy.py
    """
    from workbench.practice.drills import done

    for line in done(workspace(ctx), name):
        click.echo(line)


@main.group("log", context_settings=CONTEXT, invoke_without_command=True)
@click.pass_context
def log_group(ctx: click.Context) -> None:
    """The practice log: lessons learned and peers' improvement points (renders, checks and drills are
    recorded by themselves). Bare `workbench log` lists it.

    \b
      workbench log add "shard by user id, not by time" --design designs/chat_service.py
      workbench log list                    open items first, with their ids
      workbench log done 3f2a1c9            an item is incorporated
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(log_list)


@log_group.command("list", context_settings=CONTEXT)
@click.option("--all", "show_all", is_flag=True, help="Also the items already marked done.")
@click.pass_context
def log_list(ctx: click.Context, show_all: bool = False) -> None:
    """The lessons log with ids: open feedback points, then lessons, newest first.

    \b
      workbench log list
      workbench log list --all
    """
    from workbench.practice.history import lessons_text, read

    click.echo(lessons_text(read(workspace(ctx)), show_all))


@log_group.command("done", context_settings=CONTEXT)
@click.argument("item")
@click.pass_context
def log_done(ctx: click.Context, item: str) -> None:
    """Mark a lesson or improvement point done (ITEM: its id from `workbench log list`).

    \b
      workbench log done 3f2a1c9
    """
    from workbench.practice.history import mark_done

    lesson = mark_done(workspace(ctx), item)
    click.echo(f"done: {lesson['id']} {lesson['text']}")


@log_group.command("add", context_settings=CONTEXT)
@click.argument("text", nargs=-1, required=True)
@click.option("--design", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The design file the lesson is about.")
@click.pass_context
def log_add(ctx: click.Context, text: tuple[str, ...], design: Path | None) -> None:
    """Record a lesson learned (TEXT: the lesson, quotes optional).

    \b
      workbench log add "shard by user id, not by time"
      workbench log add cache the timeline, not the tweets --design designs/news_feed.py
    """
    from workbench.design.loader import display_path
    from workbench.practice.history import record_lesson

    cfg = workspace(ctx)
    record_lesson(cfg, " ".join(text), display_path(design, cfg.root) if design else None)
    click.echo("lesson recorded; `workbench progress` shows this week's")


@main.command(context_settings=CONTEXT)
@click.option("--days", type=click.IntRange(1, 366), default=7, show_default=True, help="How far back to look.")
@click.option("--no-html", is_flag=True, help="Only the table; do not write out/progress.html.")
@click.pass_context
def progress(ctx: click.Context, days: int, no_html: bool) -> None:
    """This week's practice: designs, findings trend, drills and time, lessons.

    Prints a table and writes out/progress.html with a plot of findings over
    time (template progress.html, overridable in templates/). The history
    lives in .workbench/history.jsonl and never leaves the machine.

    \b
      workbench progress                 the last 7 days
      workbench progress --days 30 --no-html
    """
    from workbench.practice.progress import progress as summarise
    from workbench.practice.progress import to_text

    cfg = workspace(ctx)
    week, page = summarise(cfg, days=days, html=not no_html)
    click.echo(to_text(week, display_out(cfg) + "/" + page.name if page else None))


# -- practice: mocks, feedback, today, cheat sheet (issue 18) -------------------------------------------------


class _MockGroup(click.Group):
    """`workbench mock [PROMPT] [OPTIONS]` starts a mock; `workbench mock review [ID]` reviews one."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] in self.commands:
            return super().resolve_command(ctx, args)
        return "start", self.commands["start"], args


@main.group(cls=_MockGroup, context_settings={**CONTEXT, "ignore_unknown_options": True},
            invoke_without_command=True)
@click.pass_context
def mock(ctx: click.Context) -> None:
    """A timed mock interview in phases, snapshotted on every save, reviewed within 48 hours.

    \b
    workbench mock [PROMPT] [--minutes 45] [--port 8000] [--open]
    PROMPT is a prompt key (url-shortener) or prompt/constraint; without it
    the next drill in rotation. The phases (clarify, estimate, high-level
    design, deep dive, scaling and reliability, wrap-up) default to 45
    minutes, set in workbench.toml ([workbench.mock] phases = {clarify = 5,
    ...}); --minutes scales them. The terminal and the live page show the
    phase and the time left; the live page can record your voice (kept in
    .workbench/mocks/, never uploaded).
    \b
      workbench mock                               the next prompt, 45 minutes
      workbench mock chat-service/multi-region --minutes 30 --open
      workbench mock review                        the replay of the latest mock
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(mock_start)


@mock.command("start", hidden=True, context_settings=CONTEXT)
@click.argument("prompt", required=False)
@click.option("--minutes", type=click.FloatRange(min=0.05), help="Total length; the phases scale to it (default 45).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address of the live page.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port of the live page (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the live page in a browser.")
@click.pass_context
def mock_start(ctx: click.Context, prompt: str | None = None, minutes: float | None = None, host: str = "127.0.0.1",
               port: int = 8000, open_browser: bool = False) -> None:
    """Start a mock interview (see `workbench mock --help`).

    \b
    Example:
      workbench mock start url-shortener --minutes 45
    """
    from workbench.practice.mock import run_mock

    run_mock(workspace(ctx), prompt, minutes, echo=click.echo, host=host, port=port, open_browser=open_browser)


@mock.command("review", context_settings=CONTEXT)
@click.argument("mock_id", metavar="[ID]", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the page (default out/mocks/ID/review.html).")
@click.pass_context
def mock_review(ctx: click.Context, mock_id: str | None, output: Path | None) -> None:
    """Write the replay page of a mock (default: the latest).

    The design at each snapshot on a timeline (diagram and findings side by
    side, what changed), time per phase, when each single point of failure
    appeared and was fixed, the rubric as a review checklist, and your
    recording, which moves the timeline as it plays.

    \b
      workbench mock review
      workbench mock review 20261205-090000-url-shortener
    """
    from workbench.practice.mock import review

    done, page = review(workspace(ctx), mock_id, output)
    click.echo(f"wrote {page} (the replay of mock {done.id})")


@main.group(context_settings=CONTEXT)
def feedback() -> None:
    """Peer feedback that comes back: the exported report's form saves a JSON file to import.

    \b
      workbench export designs/chat_service.py      send chat_service-report.html
      workbench feedback import chat_service-feedback.json
      workbench feedback done 3f2a1c9                a point is incorporated
    """


@feedback.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def feedback_import(ctx: click.Context, file: Path) -> None:
    """Attach a reviewer's feedback file to its design; its points become open items.

    Importing the same file again changes nothing.

    \b
      workbench feedback import ~/Downloads/chat_service-feedback.json
    """
    from workbench.practice.feedback import import_file, import_text

    for line in import_text(import_file(workspace(ctx), file)):
        click.echo(line)


@feedback.command("done", context_settings=CONTEXT)
@click.argument("point")
@click.pass_context
def feedback_done(ctx: click.Context, point: str) -> None:
    """Mark a peer's improvement point as incorporated (POINT: its id).

    \b
      workbench feedback done 3f2a1c9
    """
    from workbench.practice.history import mark_done

    lesson = mark_done(workspace(ctx), point, source="feedback")
    click.echo(f"done: {lesson['id']} {lesson['text']}")


@main.command(context_settings=CONTEXT)
@click.pass_context
def today(ctx: click.Context) -> None:
    """Today's session from the week plan, designs due for review, mocks to review, open feedback, next drill.

    \b
    The week defaults to: Monday fundamentals, Tuesday a case study,
    Wednesday a mock, Thursday a drill, Friday peer feedback, the weekend
    reading; change it in workbench.toml ([workbench.week] monday = "drill").
    A design is due 1, 3, 7, 14 and 30 days after it was last worked on, or
    at once when its findings got worse.
    \b
      workbench today
    """
    from workbench.practice.review import plan_today, to_text

    click.echo(to_text(plan_today(workspace(ctx))))


@main.command(context_settings=CONTEXT)
@click.option("--no-pdf", is_flag=True, help="Only out/cheatsheet.html.")
@click.pass_context
def cheatsheet(ctx: click.Context, no_pdf: bool) -> None:
    """Write the one-page cheat sheet: out/cheatsheet.html and .pdf.

    Availability nines and downtime, latency numbers, capacity rules of
    thumb, CAP and consistency, caching, sharding and replication, each
    with its source; plus your lessons and most frequent mistakes. Your own
    section is templates/cheatsheet_user.html (created once, never
    overwritten). Refresh it monthly.

    \b
      workbench cheatsheet
    """
    from workbench.practice.cheatsheet import write

    for path in write(workspace(ctx), pdf=not no_pdf):
        click.echo(f"wrote {path}")


@main.command(context_settings=CONTEXT)
@click.argument("old")
@click.argument("new", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def diff(ctx: click.Context, old: str, new: str | None, fmt: str) -> None:
    """Compare two designs: components, edges, findings fixed and introduced.

    \b
    Each side is a file or a file at a git revision:
      workbench diff designs/v1.py designs/v2.py
      workbench diff designs/x.py@HEAD~1 designs/x.py    (NEW defaults to the working copy)
      workbench diff designs/x.py@main designs/x.py@HEAD --format json
    """
    from workbench.practice.diff import diff_designs, to_json, to_text

    result = diff_designs(old, new, workspace(ctx))
    click.echo((to_json if fmt == "json" else to_text)(result).rstrip("\n"))


@main.command(context_settings=CONTEXT)
@click.option("--workspace", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The workspace to serve (default: the current folder, or the one above with settings).")
def mcp(workspace: Path | None) -> None:
    """Serve the designs to an AI assistant: a Model Context Protocol server on stdio.

    \b
    Tools: list_designs, check_design (findings and availability), explain_rule,
    what_if (fail components or a zone), read_sheet (the design sheet). Needs the
    `mcp` package: pip install 'workbench[mcp]'. An assistant starts it itself;
    a client configuration (Claude Desktop, VS Code, ...) looks like:
    \b
      {"mcpServers": {"workbench": {"command": "workbench",
                                    "args": ["mcp", "--workspace", "/path/to/practice"]}}}

    \b
    Example:
      workbench mcp --workspace .
    """
    from workbench.integrations.mcp_server import serve

    serve(workspace)


def run() -> None:
    """The console script: the command line, then a quick exit.

    Python's teardown of the ~1,000 modules a render or a check loads (networkx, jinja2, click, ...) takes
    70-85 ms, 15% of a one-design render, and nothing needs it: outputs are written and closed by then. So
    after the usual shutdown (threads joined, the exit handlers run, logging flushed) the process ends at
    once with the status the command chose.
    """
    import atexit
    import os

    status = [1]  # an uncaught exception (already reported by then) ends with 1, as Python would

    def exit_now() -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (`workbench rules | head`)
                pass
        os._exit(status[0])

    atexit.register(exit_now)  # registered first, so it runs after every other exit handler
    from workbench.design.children import stop_on_signals

    try:
        with stop_on_signals():  # SIGTERM and SIGHUP end a command like Ctrl-C: its clean-up runs
            main()
        status[0] = 0
    except SystemExit as exc:
        code = exc.code
        status[0] = code if isinstance(code, int) else (0 if code is None else 1)  # a message: 1, as sys.exit
        raise


if __name__ == "__main__":  # pragma: no cover
    run()
