"""The `csops` program ends without Python's teardown (cli.run), and loses nothing for it: the exit code, every byte
written to a pipe, the clean-ups registered while it ran and the threads it left running."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)


def test_a_command_ends_with_its_exit_code_and_all_it_wrote(tmp_path):
    """`csops validate --format json` on content with 1,200 errors: the report, far beyond a pipe's 64 KiB, arrives whole and in the
    same words as the command prints in process, and the exit code still says the content failed."""
    project = tmp_path / "portal"
    assert CliRunner().invoke(main, ["init", "--project", str(project)]).exit_code == 0
    (project / "content" / "playbooks" / "broken.yml").write_text(
        "id: broken\ntitle: Broken\nsteps:\n" + "".join(f"  - bogus_{n}: x\n" for n in range(400)), encoding="utf-8")
    expected = CliRunner().invoke(main, ["validate", "--format", "json", "--project", str(project)])
    assert expected.exit_code == 1 and len(expected.stdout) > 65536, (expected.exit_code, len(expected.stdout))

    ran = subprocess.run([sys.executable, "-m", "generator.cli", "validate", "--format", "json", "--project", str(project)],
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 1
    assert ran.stdout == expected.stdout

    clean = subprocess.run([sys.executable, "-m", "generator.cli", "--version"], capture_output=True, text=True,
                           timeout=60)
    assert clean.returncode == 0 and clean.stdout.startswith("csops, version"), clean
    usage = subprocess.run([sys.executable, "-m", "generator.cli", "no-such-command"], capture_output=True, text=True,
                           timeout=60)
    assert usage.returncode == 2 and "No such command" in usage.stderr, usage


def test_the_end_waits_for_threads_and_runs_the_clean_ups_registered_while_it_ran(tmp_path):
    """A worker pool's or logging's clean-up is an atexit function and a pruning thread is a thread: skipping the
    teardown must not skip them. Both write a file here, late, after `main` has returned."""
    ran = _run("""
        import atexit, sys, threading, time
        from pathlib import Path
        import generator.cli as cli

        def slow():
            time.sleep(0.5)
            Path("thread-done").write_text("yes")

        atexit.register(lambda: Path("atexit-done").write_text(str(Path("thread-done").exists())))
        threading.Thread(target=slow).start()
        print("x" * 200000, end="")  # buffered: flushed by the end itself
        sys.argv = ["csops", "--version"]
        cli.run()
    """, tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("x" * 200000) and ran.stdout.endswith("csops, version 0.1.0\n")
    assert (tmp_path / "thread-done").read_text() == "yes"
    assert (tmp_path / "atexit-done").read_text() == "True"  # after the thread, as in Python's own exit


def test_an_escaped_exception_still_ends_in_a_traceback_and_a_failing_code(tmp_path):
    ran = _run("""
        import sys
        import generator.cli as cli
        cli.main = lambda: 1 / 0
        cli.run()
    """, tmp_path)
    assert ran.returncode == 1
    assert "ZeroDivisionError" in ran.stderr
