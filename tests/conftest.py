"""Shared fixtures: projects built from dicts of files, the bundled portal copied to a temp dir, the CLI runner."""

from __future__ import annotations

import contextlib
import os
import shutil
import textwrap
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent

MINIMAL_MKDOCS = """\
site_name: Test portal
site_url: https://portal.acme.test/
docs_dir: build/docs
theme:
  name: material
  language: {language}
plugins:
  - search
"""

MINIMAL_ROLES = """\
roles:
  - {id: csm, name: Customer Success Manager}
  - {id: cs-lead, name: CS Lead}
  - {id: cs-ops, name: CS Ops}
  - {id: sales-ae, name: Account Executive}
"""


def make_project(root: Path, files: dict[str, str], language: str = "en", with_defaults: bool = True) -> Path:
    """Write a portal project from {relative path: text}; adds mkdocs.yml and roles unless given."""
    root.mkdir(parents=True, exist_ok=True)
    if with_defaults:
        files = {"mkdocs.yml": MINIMAL_MKDOCS.format(language=language), "content/roles.yml": MINIMAL_ROLES} | files
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def copy_bundled(target: Path, source: Path = REPO) -> Path:
    """A throw-away copy of a portal (content, mkdocs.yml, templates) to build and mutate."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "content", target / "content")
    shutil.copy(source / "mkdocs.yml", target / "mkdocs.yml")
    return target


def move_item(source: Path, destination: Path, item_id: str) -> None:
    """Move a step or entry (a `  - id: …` block, up to the next one) from the end of one content file's list to
    the end of another's, as an editor moving an answer or step to another page does."""
    text = source.read_text(encoding="utf-8")
    start = text.index(f"  - id: {item_id}\n")
    end = text.find("  - id: ", start + 1)
    end = len(text) if end < 0 else end
    source.write_text(text[:start] + text[end:], encoding="utf-8")
    destination.write_text(destination.read_text(encoding="utf-8").rstrip("\n") + "\n" + text[start:end], encoding="utf-8")


BROKEN_LINK = "BROKEN-LINK"
BROKEN_HTML_LINK = "BROKEN-HTML-LINK"


def with_a_strict_trap(project: Path) -> Path:
    """The project's own templates, whose playbook page links nowhere when the playbook's summary says so:
    BROKEN-LINK, a Markdown link MkDocs' strict mode refuses; BROKEN-HTML-LINK, raw HTML links to a missing page
    and a missing anchor, which csops' own link check refuses in the built site.

    Content cannot hold either (`csops validate` refuses them first); a team's template can, and it is how tests
    make the build refuse a page, here or in a worker.
    """
    from generator.paths import PACKAGE_TEMPLATES

    shutil.copytree(PACKAGE_TEMPLATES, project / "templates", dirs_exist_ok=True)
    with (project / "templates/playbook.md.j2").open("a", encoding="utf-8") as template:
        template.write(f'\n{{% if "{BROKEN_HTML_LINK}" in doc.summary %}}See <a href="../nowhere-from-{{{{ doc.id }}}}/">the old '
                       f'page</a> and <a href="#nope">here</a>.{{% elif "{BROKEN_LINK}" in doc.summary %}}See [nowhere]'
                       f'(../nowhere-from-{{{{ doc.id }}}}.md).{{% endif %}}\n')
    return project


@pytest.fixture(autouse=True)
def a_one_run_process(monkeypatch):
    """Every test starts as `csops build` does, keeping nothing between builds: a test that builds as `csops serve`
    does (kept workers) switches keeping on for the rest of the process (run_memory.py)."""
    from generator import run_memory

    monkeypatch.setattr(run_memory, "_keeping", False)
    for memory in run_memory._memories:
        memory.last, memory.now = {}, {}


@pytest.fixture(scope="session")
def session_template_cache(tmp_path_factory):
    """One compiled-template cache for every project a test process builds."""
    from generator.template_cache import TemplateCache

    folder = tmp_path_factory.getbasetemp() / "compiled-templates"
    folder.mkdir(exist_ok=True)
    return TemplateCache(str(folder))


@pytest.fixture(autouse=True)
def templates_compiled_once(request, monkeypatch, session_template_cache):
    """Builds in this process share one compiled-template cache, as a team's second build finds its own: each test's
    fresh project compiled the theme's and csops' 43 templates again (a quarter of a small build, 0.3-0.8 s of each
    of some 600 builds). Jinja keys an entry by template name and file and checks the source before use, so a
    project's own templates still compile as theirs. Tests of the cache itself keep the project's own
    (`@pytest.mark.own_template_cache`); `csops` run as a subprocess always does."""
    if request.node.get_closest_marker("own_template_cache"):
        return
    from generator import template_cache

    monkeypatch.setattr(template_cache, "template_cache", lambda project: session_template_cache)


@pytest.fixture(scope="module", autouse=True)
def no_server_looping_on_a_closed_socket():
    """A server a test closed must stop serving: one left looping on its closed socket (MkDocs' LiveReloadServer
    ignores shutdown() for a loop it did not start) took a core for the rest of the run, and the crash-safety
    test's kills, timed before, then landed after the builds had ended. Session servers stay open: not these."""
    yield

    def looping():
        return [t for t in threading.enumerate() if getattr(getattr(t, "_target", None), "__name__", "") == "serve_forever"
                and getattr(getattr(t._target, "__self__", None), "socket", None) is not None
                and t._target.__self__.socket.fileno() == -1]

    for thread in looping():
        thread.join(2)  # one that is just ending
    left = [t.name for t in looping()]
    assert not left, f"servers still looping on their closed sockets after the module: {left}"


@pytest.fixture
def project_factory(tmp_path):
    counter = iter(range(1000))

    def factory(files: dict[str, str], **kwargs) -> Path:
        return make_project(tmp_path / f"p{next(counter)}", files, **kwargs)

    return factory


_STARTED_IN = Path.cwd()


@pytest.fixture
def run():
    """Invoke the csops CLI in-process, as an editor in the portal does; returns the click Result.

    Run in the folder an absolute --project names, so expected lines read as typed there (`content/x.yml:3:4`,
    `csops build`); a test of a run from elsewhere (the repository's root, CI) chdirs there first."""
    runner = CliRunner()

    def invoke(*args: str):
        args = [str(a) for a in args]
        given = args[args.index("--project") + 1] if "--project" in args[:-1] else None
        if given is None or not Path(given).is_absolute() or not Path(given).is_dir() or Path.cwd() != _STARTED_IN:
            return runner.invoke(main, args, catch_exceptions=False)
        with _in_folder(Path(given)):
            return runner.invoke(main, args, catch_exceptions=False)

    return invoke


@contextlib.contextmanager
def _in_folder(folder: Path):
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _built_copy(folder: Path, source: Path) -> Path:
    """A copy of a bundled portal, built as `csops build` does; tests read it and never change it."""
    project = copy_bundled(folder, source)
    result = CliRunner().invoke(main, ["build", "--project", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture(scope="session")
def built_bundled(tmp_path_factory):
    """The bundled English portal, built once per test session."""
    return _built_copy(tmp_path_factory.mktemp("bundled"), REPO)


@pytest.fixture(scope="session")
def built_ja(tmp_path_factory):
    """The Japanese example portal (examples/ja), built once per test session."""
    return _built_copy(tmp_path_factory.mktemp("ja"), REPO / "examples" / "ja")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite tests/golden/ from the current generator output instead of comparing.")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def step_link(project, playbook_id: str, step_id: str, site_url: str = "https://cs-portal.example.com/") -> str:
    """The link search gives for a step: its page, ?v= its version (as the page's Copy link carries), #its id."""
    from generator.versions import item_version
    from generator.pipeline import load_portal

    portal = load_portal(Path(project))
    step = next(s for s in portal.playbooks_by_id[playbook_id].steps if s.id == step_id)
    return f"{site_url}playbooks/{playbook_id}/?v={item_version(step, portal)}#{step_id}"

