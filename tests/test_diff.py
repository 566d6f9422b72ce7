"""`workbench diff`: components, edges and findings between two files or two git revisions of one file."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap

from clirun import run

V1 = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ELB
    from diagrams.onprem.client import Users

    with Diagram("Web", show=False):
        Users("users") >> ELB("lb") >> EC2("web") >> RDS("db")
"""
# web becomes two replicas, db gets Multi-AZ, a cache appears; SPOF001 (web) and REP001 (db) go away and the
# single cache node brings CACHE002.
V2 = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ELB
    from diagrams.onprem.client import Users
    from diagrams.onprem.inmemory import Redis

    with Diagram("Web", show=False):
        web = [EC2("web-1"), EC2("web-2")]
        Users("users") >> ELB("lb") >> web >> RDS("db", multi_az="true")
        web >> Redis("cache")
"""


def write(path, source: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")


def git(repo, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def check_v1_to_v2(data: dict) -> None:
    (d,) = data["diagrams"]
    components = d["components"]
    assert sorted(c["label"] for c in components["added"]) == ["cache", "web-1", "web-2"]
    assert [c["label"] for c in components["removed"]] == ["web"]
    assert components["changed"] == [{"id": "db", "label": "db", "changes": ["multi_az (unset) -> true"]}]
    assert d["edges"]["added"] == [["lb", "web-1"], ["lb", "web-2"], ["web-1", "cache"], ["web-1", "db"],
                                   ["web-2", "cache"], ["web-2", "db"]]
    assert d["edges"]["removed"] == [["lb", "web"], ["web", "db"]]
    fixed = {f["code"] for f in d["findings"]["fixed"]}
    introduced = {f["code"] for f in d["findings"]["introduced"]}
    assert {"SPOF001", "REP001"} <= fixed
    assert "CACHE002" in introduced
    assert not fixed & introduced
    assert all(len(f["fingerprint"]) == 16 for f in d["findings"]["fixed"])


def test_two_files_text_and_json(ws):
    write(ws / "designs" / "v1.py", V1)
    write(ws / "designs" / "v2.py", V2)
    text = run("diff", "designs/v1.py", "designs/v2.py")
    assert text.exit_code == 0, text.output
    assert "diff designs/v1.py -> designs/v2.py" in text.output
    assert "+ cache (Redis)" in text.output
    assert "- web (EC2)" in text.output
    assert "~ db: multi_az (unset) -> true" in text.output
    assert "- web -> db" in text.output
    assert "fixed      SPOF001 error" in text.output
    assert "introduced CACHE002 warning" in text.output
    data = json.loads(run("diff", "designs/v1.py", "designs/v2.py", "--format", "json").output)
    check_v1_to_v2(data)
    assert data["summary"]["added"] == 3 and data["summary"]["removed"] == 1


def test_the_same_design_has_no_changes(ws):
    write(ws / "designs" / "v1.py", V1)
    result = run("diff", "designs/v1.py", "designs/v1.py")
    assert result.exit_code == 0
    assert "  no changes" in result.output


def test_one_file_at_two_git_revisions_with_its_helper_module(ws):
    # The helper module changes between the revisions too: each side must load its own revision of it.
    write(ws / "designs" / "_parts.py", """
        from diagrams.aws.database import RDS

        def database():
            return RDS("db")
    """)
    write(ws / "designs" / "x.py", V1.replace('from diagrams.aws.database import RDS', 'from _parts import database')
          .replace('RDS("db")', 'database()'))
    git(ws, "init", "-q")
    git(ws, "add", "-A")
    git(ws, "commit", "-qm", "v1")
    write(ws / "designs" / "_parts.py", """
        from diagrams.aws.database import RDS

        def database():
            return RDS("db", multi_az="true")
    """)
    write(ws / "designs" / "x.py", V2.replace('from diagrams.aws.database import RDS', 'from _parts import database')
          .replace('RDS("db", multi_az="true")', 'database()'))
    git(ws, "commit", "-qam", "v2")
    write(ws / "designs" / "x.py", V1)  # the working copy differs from both commits

    result = run("diff", "designs/x.py@HEAD~1", "designs/x.py@HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["old"], data["new"]) == ("designs/x.py@HEAD~1", "designs/x.py@HEAD")
    check_v1_to_v2(data)
    assert (ws / "designs" / "x.py").read_text() == textwrap.dedent(V1).lstrip("\n")  # working tree untouched
    assert git(ws, "status", "--porcelain") == " M designs/x.py\n"

    # NEW left out: the working copy, which is V1 again.
    back = json.loads(run("diff", "designs/x.py@HEAD", "--format", "json").output)
    (d,) = back["diagrams"]
    assert [c["label"] for c in d["components"]["added"]] == ["web"]
    assert {f["code"] for f in d["findings"]["introduced"]} >= {"SPOF001", "REP001"}


def test_git_errors_are_plain_messages(ws, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(ws.parent))  # whatever repository holds the temp folder
    write(ws / "designs" / "x.py", V1)
    outside = run("diff", "designs/x.py@HEAD~1", "designs/x.py")
    assert outside.exit_code == 2 and "not inside a git repository" in outside.output
    git(ws, "init", "-q")
    git(ws, "add", "-A")
    git(ws, "commit", "-qm", "v1")
    bad = run("diff", "designs/x.py@nope", "designs/x.py")
    assert bad.exit_code == 2 and "'nope' is not a revision" in bad.output
    missing = run("diff", "designs/y.py@HEAD", "designs/x.py")
    assert missing.exit_code == 2 and "designs/y.py does not exist at HEAD" in missing.output
    lone = run("diff", "designs/x.py")
    assert lone.exit_code == 2 and "give two designs" in lone.output
