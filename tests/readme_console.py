"""README's console examples are real runs: each block marked `<!-- console: SCENARIO -->` is run again.

A block's `$ ` lines run one after another with bash in a fresh copy of the
scenario's project (csops from this checkout's environment first on PATH);
what they print is the block's text. `$ # …` lines are comments shown as
typed. Timings ("in 1.9s") may differ between runs; nothing else may.

    python tests/readme_console.py            # rewrite README's console blocks from real runs
    pytest tests/test_readme_console.py       # fail when a block is out of date
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
BIN = Path(sys.executable).parent
_BLOCK = re.compile(r"<!-- console: (?P<scenario>[\w-]+) -->\n```console\n(?P<body>.*?)```\n", re.S)
_TIMING = re.compile(r"\b\d+(\.\d+)?s\b")
GIT_ENV = {"GIT_AUTHOR_NAME": "Ops", "GIT_AUTHOR_EMAIL": "ops@example.com", "GIT_COMMITTER_NAME": "Ops",
           "GIT_COMMITTER_EMAIL": "ops@example.com", "GIT_AUTHOR_DATE": "2026-12-01T09:00:00Z",
           "GIT_COMMITTER_DATE": "2026-12-01T09:00:00Z", "GIT_CONFIG_NOSYSTEM": "1"}


@dataclass
class Block:
    scenario: str
    start: int
    end: int
    body: str

    @property
    def commands(self) -> list[str]:
        return [line[2:] for line in self.body.splitlines() if line.startswith("$ ")]


def blocks(readme: str) -> list[Block]:
    return [Block(m["scenario"], m.start("body"), m.end("body"), m["body"]) for m in _BLOCK.finditer(readme)]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def prepare(scenario: str, root: Path) -> Path:
    """A fresh project for a scenario, as a reader would have it; returns the folder commands run in."""
    if scenario == "empty":
        work = root / "work"
        work.mkdir()
        return work
    project = root / "portal"
    if scenario == "bundled":
        shutil.copytree(REPO / "content", project / "content")
        shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
        _git(project, "init", "-q", "-b", "main")
        _git(project, "add", "-A")
        _git(project, "commit", "-q", "-m", "Bundled content")
        return project
    if scenario == "ja":
        shutil.copytree(REPO / "examples/ja", project)
        return project
    corpus = REPO / "tests/examples/invalid" / scenario
    if corpus.is_dir():
        shutil.copytree(REPO / "tests/examples/base", project)
        shutil.copytree(corpus, project, dirs_exist_ok=True)
        (project / "expected.txt").unlink()
        return project
    raise ValueError(f"unknown console scenario '{scenario}'")


def run_block(block: Block) -> str:
    """The block's text as a real run prints it."""
    with tempfile.TemporaryDirectory(prefix="csops-readme-") as tmp:
        cwd = prepare(block.scenario, Path(tmp))
        env = {**os.environ, **GIT_ENV, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "COLUMNS": "120",
               "NO_COLOR": "1", "HOME": tmp, "GITHUB_ACTIONS": "", "PYTHONUNBUFFERED": "1"}
        out = []
        for command in block.commands:
            out.append(f"$ {command}")
            if command.startswith("#"):
                continue
            edited = _edited_file(command, cwd)
            before = edited.read_bytes() if edited is not None else None
            # One stream, unbuffered: lines appear in the order a terminal shows them.
            result = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, timeout=300)
            if edited is not None and edited.read_bytes() == before:
                # the content moved under a line-numbered edit and the example went on showing a clean run
                raise AssertionError(f"README's `{command}` changes nothing in {edited.name}: fix the example")
            printed = result.stdout.replace(tmp, "/tmp")
            out.extend(printed.rstrip("\n").splitlines())
        return "\n".join(out) + "\n"


def _edited_file(command: str, cwd: Path) -> Path | None:
    """The file a `sed -i` example edits: an edit that changes nothing makes the example show nothing."""
    if not command.startswith("sed -i"):
        return None
    return cwd / shlex.split(command, comments=True)[-1]


def comparable(text: str) -> str:
    return _TIMING.sub("N.Ns", text)


def updated_readme(readme: str) -> str:
    pieces, last = [], 0
    for block in blocks(readme):
        pieces += [readme[last:block.start], run_block(block)]
        last = block.end
    return "".join(pieces + [readme[last:]])


if __name__ == "__main__":  # pragma: no cover
    README.write_text(updated_readme(README.read_text(encoding="utf-8")), encoding="utf-8")
