"""A build/ folder committed to the repository (or built on another machine) is never reused.

What a pull request could plant there: a previous generation whose HTML carries
script (an incremental build would copy it past the sanitiser), a Whoosh index
whose pickled schema runs code when opened, and compiled Jinja templates whose
pickled checksum runs code when loaded. Each planted file here runs a payload
that leaves a marker; a build on this machine must neither run nor publish any.
"""

from __future__ import annotations

import marshal
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_bundled

pytestmark = pytest.mark.own_template_cache  # a planted link on the way to the project's cache

SCRIPT = "<script>window.planted = 1</script>"
PHISHING = '<a href="https://planted.example/login">Sign in again</a>'


class _Payload:
    """Unpickling it creates the marker folder: proof that planted bytes were loaded as code."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.makedirs, (self.marker, 0o777, True))


def _csops(project: Path, cache_home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    return subprocess.run([sys.executable, "-m", "generator.cli", *args, "--project", str(project)],
                          env=env, capture_output=True, text=True, timeout=300)


def _plant(project: Path, marker: Path) -> None:
    """Turn the other machine's build/ into an attack: script in HTML and role pages' kept rows, code in the index and
    template cache."""
    from jinja2.bccache import bc_magic
    from whoosh import index as whoosh_index
    from whoosh.fields import TEXT, Schema

    generation = (project / "build/current").resolve()
    page = generation / "site/faq/renewals/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", SCRIPT + "</article>"), encoding="utf-8")
    schema = Schema(body=TEXT())
    schema["body"].planted = _Payload(marker / "index")
    index_dir = generation / "index"
    for entry in index_dir.iterdir():
        entry.unlink()
    whoosh_index.create_in(str(index_dir), schema)
    # role pages' rows, which an edit rebuild takes from the live generation's file as raw HTML (incremental.RoleRows)
    rows = marshal.loads((generation / "role-rows.marshal").read_bytes())
    # the role page's Markdown is sanitised, which takes the script out: a link to a phishing page stays
    rows["pages"] = {source: {key: row.replace("</li>", PHISHING + "</li>") for key, row in kept.items()}
                     for source, kept in rows["pages"].items()}
    assert rows["pages"], "the other machine's build kept role pages' rows"
    (generation / "role-rows.marshal").write_bytes(marshal.dumps(rows))
    caches = list((project / "build/cache").rglob("*.cache"))
    assert caches, "the other machine's build left compiled templates"
    for entry in caches:
        entry.write_bytes(bc_magic + pickle.dumps(_Payload(marker / "templates")))
    # where csops kept compiled templates before they were sealed: a committed folder must not be read either
    legacy = project / "build/cache/templates"
    legacy.mkdir(parents=True, exist_ok=True)
    for entry in caches:
        (legacy / entry.name).write_bytes(entry.read_bytes())


def test_a_planted_build_folder_is_neither_run_nor_published(tmp_path):
    project = copy_bundled(tmp_path / "portal")
    other_machine, this_machine, marker = tmp_path / "other-cache", tmp_path / "our-cache", tmp_path / "ran"
    assert _csops(project, other_machine, "build").returncode == 0
    _plant(project, marker)
    # a title on role pages edited since: they are made again, each row kept in the generation's file or made anew
    playbook = project / "content/playbooks/churn-risk-response.yml"
    playbook.write_text(playbook.read_text(encoding="utf-8").replace("title: Churn-risk response", "title: Churn risk", 1),
                        encoding="utf-8")

    result = _csops(project, this_machine, "build")
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), "a planted pickle ran during the build"
    assert "reused" not in result.stderr  # a full build: nothing came from the planted generation
    for page in (project / "site").rglob("*.html"):
        assert "window.planted" not in page.read_text(encoding="utf-8"), page
        assert "planted.example" not in page.read_text(encoding="utf-8"), page
    # and the next build on this machine trusts its own generation again
    (project / "content/faq/renewals.yml").write_text(
        (project / "content/faq/renewals.yml").read_text(encoding="utf-8").replace("runway", "run-up", 1), encoding="utf-8")
    again = _csops(project, this_machine, "build")
    assert again.returncode == 0 and "reused" in again.stderr, again.stderr
    assert not marker.exists()


def test_a_committed_site_link_to_another_folder_is_pointed_at_the_live_build(tmp_path, run):
    """site/ is a link csops points at the live generation: one committed to another folder (an old export) must be
    pointed at the build, or the preview and any web server over site/ show that folder, not the portal built."""
    from conftest import MINIMAL_MKDOCS, make_project

    project = make_project(tmp_path / "portal", {
        "mkdocs.yml": MINIMAL_MKDOCS.format(language="en"),
        "content/playbooks/p.yml": "title: Renewal runway\nsteps:\n  - {id: s, title: Confirm the stakeholders}\n"})
    (tmp_path / "old-export").mkdir()
    (tmp_path / "old-export/index.html").write_text("an old export", encoding="utf-8")
    (project / "site").symlink_to(tmp_path / "old-export")
    assert run("build", "--project", project).exit_code == 0
    assert "Confirm the stakeholders" in (project / "site/playbooks/p/index.html").read_text(encoding="utf-8")
    assert (tmp_path / "old-export/index.html").read_text(encoding="utf-8") == "an old export"


def test_a_planted_generations_link_empties_nothing_outside(tmp_path):
    """build/.generations committed as a link: pruning old generations deleted every entry of the folder it
    pointed to (found by a red-team pass). csops only ever makes it a folder, so the link is removed, not followed."""
    project = copy_bundled(tmp_path / "portal")
    victim = tmp_path / "victim"
    (victim / "keep-me").mkdir(parents=True)
    (victim / "important.txt").write_text("not csops'", encoding="utf-8")
    (project / "build").mkdir()
    (project / "build/.generations").symlink_to(victim)
    result = _csops(project, tmp_path / "cache", "build")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in victim.iterdir()) == ["important.txt", "keep-me"]
    assert (project / "build/.generations").is_dir() and not (project / "build/.generations").is_symlink()
    assert (project / "site/index.html").is_file()


@pytest.mark.parametrize("plant", ["generations-file", "current-folder"])
def test_a_build_folder_with_a_file_or_folder_where_a_link_goes_still_builds(tmp_path, plant):
    """build/.generations as a file was reported as 'site/ must be replaceable ... mount point', and a folder at
    build/current failed every build until removed by hand (a red-team pass)."""
    project = copy_bundled(tmp_path / "portal")
    (project / "build").mkdir()
    if plant == "generations-file":
        (project / "build/.generations").write_text("junk", encoding="utf-8")
    else:
        (project / "build/current/site").mkdir(parents=True)
    result = _csops(project, tmp_path / "cache", "build")
    assert result.returncode == 0, result.stderr
    assert (project / "build/current").is_symlink() and (project / "site/index.html").is_file()


@pytest.mark.parametrize("plant", ["search-log folder", "queries.jsonl file"])
def test_a_planted_search_log_link_writes_nothing_outside(tmp_path, caplog, plant):
    """build/search-log (or its queries.jsonl) committed as a link: every search a reader made was appended to the
    file it named, outside the project (~/.bashrc, another portal's files), as the server's user. The link is not
    followed; the search is answered unlogged, and the server's log says to delete the link."""
    from generator import query_log

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_text("kept\n", encoding="utf-8")
    project = tmp_path / "portal"
    (project / "build").mkdir(parents=True)
    if plant == "search-log folder":
        (project / "build/search-log").symlink_to(outside)
    else:
        (project / "build/search-log").mkdir()
        (project / "build/search-log/queries.jsonl").symlink_to(outside / "victim")
    query_log.log_event(project, "search", "planted words", count=0)
    assert sorted(p.name for p in outside.iterdir()) == ["victim"]
    assert (outside / "victim").read_text(encoding="utf-8") == "kept\n"
    assert "delete the link" in caplog.text


@pytest.mark.parametrize("plant", ["build/cache/content", "build/cache"])
def test_a_planted_cache_link_empties_nothing_outside(tmp_path, plant):
    """build/cache/content committed as a link to a folder (~/.ssh): `csops validate` pruned every file there as a
    stale cache entry, and the caches wrote their entries into it. The link is removed, never followed."""
    from generator.template_cache import template_cache

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "id_ed25519").write_text("key\n", encoding="utf-8")
    project = copy_bundled(tmp_path / "portal")
    (project / plant).parent.mkdir(parents=True, exist_ok=True)
    (project / plant).symlink_to(outside)
    result = _csops(project, tmp_path / "cache-home", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert template_cache(project) is not None
    assert sorted(p.name for p in outside.iterdir()) == ["id_ed25519"]
    assert not (project / plant).is_symlink() and (project / "build/cache/content").is_dir()


def test_a_build_folder_committed_as_a_link_empties_and_fills_nothing_outside(tmp_path):
    """build/ itself committed as a link (to ~ or another folder): `csops validate` pruned the files of its
    cache/content/ as stale entries, and the build wrote its cache, lock and generations there. The link is
    removed, never followed; the build then makes its own folder."""
    outside = tmp_path / "outside"
    (outside / "cache" / "content").mkdir(parents=True)
    (outside / "cache" / "content" / "id_ed25519").write_text("key\n", encoding="utf-8")
    (outside / "notes.txt").write_text("kept\n", encoding="utf-8")
    before = sorted(str(p.relative_to(outside)) for p in outside.rglob("*"))
    project = copy_bundled(tmp_path / "portal")
    shutil.rmtree(project / "build", ignore_errors=True)
    (project / "build").symlink_to(outside)
    for command in ("validate", "build"):
        result = _csops(project, tmp_path / "cache-home", command)
        assert result.returncode == 0, result.stdout + result.stderr
        assert sorted(str(p.relative_to(outside)) for p in outside.rglob("*")) == before, command
    assert not (project / "build").is_symlink() and (project / "build/current").is_symlink()


@pytest.mark.parametrize("draft", ["build/cache/content/..references.json.{pid}", "content/.published-urls.txt.{pid}"])
def test_a_link_named_as_a_draft_overwrites_no_file_outside(tmp_path, draft):
    """A file csops writes by renaming a draft over it (.<name>.<pid>) wrote the draft through a link committed
    under that name: planted for a range of pids, `csops validate` (the content cache's references) or
    `csops urls --update` (the manifest) overwrote the file it named outside. The draft is a fresh file."""
    from generator.content_cache import ContentCache
    from generator.pipeline import load_portal
    from generator.manifest import MANIFEST, write_manifest

    victim = tmp_path / "notes.txt"
    victim.write_text("precious\n", encoding="utf-8")
    project = copy_bundled(tmp_path / "portal")
    planted = project / draft.format(pid=os.getpid())
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.symlink_to(victim)
    if draft.startswith("build/"):
        ContentCache(project).keep_clean_references({}, "context")
        written = planted.parent / ".references.json"
    else:
        write_manifest(project, load_portal(project))
        written = project / MANIFEST
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert written.is_file() and not written.is_symlink() and not planted.exists()


def test_a_planted_lock_link_empties_no_file_outside(tmp_path):
    """build/.lock committed as a link to a file (~/.bashrc): every build opened it for writing, which emptied that
    file. The link is removed and a plain lock file made; the file it named keeps its text."""
    from generator.generations import build_lock

    victim = tmp_path / "notes.txt"
    victim.write_text("precious\n", encoding="utf-8")
    project = tmp_path / "portal"
    (project / "build").mkdir(parents=True)
    (project / "build/.lock").symlink_to(victim)
    with build_lock(project):
        pass
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert (project / "build/.lock").is_file() and not (project / "build/.lock").is_symlink()


def test_a_planted_rename_journal_draft_link_replaces_no_file_outside(tmp_path):
    """build/mv-journal.json.tmp committed as a link: `csops mv` wrote its journal through it, replacing the file it
    named outside the project. The link is removed first; the rename still completes."""
    from click.testing import CliRunner

    from conftest import make_project
    from generator.cli import main

    victim = tmp_path / "notes.txt"
    victim.write_text("precious\n", encoding="utf-8")
    project = make_project(tmp_path / "portal", {"content/playbooks/old.yml": (
        "title: T\nowner: csm\nsteps:\n  - {id: a, title: A, owner: csm, raci: {R: csm, A: csm}}\n")})
    (project / "build").mkdir()
    (project / "build/mv-journal.json.tmp").symlink_to(victim)
    result = CliRunner().invoke(main, ["mv", "playbook", "old", "new", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert (project / "content/playbooks/new.yml").is_file() and not (project / "content/playbooks/old.yml").exists()


def test_a_snippet_through_a_planted_link_publishes_no_file_outside(tmp_path):
    """A site listing pymdownx.snippets: its restrict_base_path compares the path as written, so a link committed
    in the repository (notes.txt -> a secret outside) let `--8<-- "notes.txt"` in a step's body publish that file
    in the page and the search index. A snippet in the project is still included."""
    from conftest import MINIMAL_MKDOCS, make_project

    secret = tmp_path / "outside" / "id_rsa"
    secret.parent.mkdir()
    secret.write_text("PRIVATE-KEY-MATERIAL\n", encoding="utf-8")
    body = 'Before.\n\n--8<-- "shared/intro.md"\n\nMiddle.\n\n--8<-- "notes.txt"\n\nAfter.\n'
    project = make_project(tmp_path / "portal", {
        "mkdocs.yml": MINIMAL_MKDOCS.format(language="en") + "markdown_extensions:\n  - pymdownx.snippets\n",
        "shared/intro.md": "SHARED-INTRO-TEXT\n",
        "content/playbooks/renewal.yml": "title: Renewal\nsteps:\n  - id: one\n    title: One\n    body: |\n"
                                         + "".join(f"      {line}\n" if line else "\n" for line in body.splitlines()),
    })
    (project / "notes.txt").symlink_to(secret)
    result = _csops(project, tmp_path / "cache", "build")
    assert result.returncode == 1 and "snippet 'notes.txt' is a link to a file outside" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    published = [p for p in project.rglob("*") if p.is_file() and "PRIVATE-KEY-MATERIAL" in p.read_text("utf-8", "replace")]
    assert published == [project / "notes.txt"]  # the link itself, never a built page or index
    (project / "notes.txt").unlink()
    (project / "notes.txt").write_text("IN-PROJECT-NOTE\n", encoding="utf-8")
    result = _csops(project, tmp_path / "cache", "build")
    assert result.returncode == 0, result.stderr
    page = (project / "site/playbooks/renewal/index.html").read_text(encoding="utf-8")
    assert "SHARED-INTRO-TEXT" in page and "IN-PROJECT-NOTE" in page


def test_a_snippet_is_read_from_the_project_not_the_folder_csops_runs_in(tmp_path):
    """pymdownx.snippets' base_path "." is the working directory: `csops build --project portal` run from the home
    folder let `--8<-- ".ssh/id_rsa"` in a body publish the key. Relative bases start at the project."""
    from conftest import MINIMAL_MKDOCS, make_project

    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "secret.txt").write_text("HOME-FOLDER-SECRET\n", encoding="utf-8")
    project = make_project(tmp_path / "home" / "portal", {
        "mkdocs.yml": MINIMAL_MKDOCS.format(language="en") + "markdown_extensions:\n  - pymdownx.snippets\n",
        "secret.txt": "PROJECT-FILE\n",
        "content/playbooks/renewal.yml": 'title: Renewal\nsteps:\n  - id: one\n    title: One\n    body: |\n'
                                         '      Before.\n\n      --8<-- "secret.txt"\n\n      After.\n',
    })
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--project", "portal"], cwd=tmp_path / "home",
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    page = (project / "site/playbooks/renewal/index.html").read_text(encoding="utf-8")
    assert "PROJECT-FILE" in page and "HOME-FOLDER-SECRET" not in page


@pytest.mark.parametrize("snippet, options, said", [
    ("missing.md", "      check_paths: true\n", "Snippet at path 'missing.md' could not be found in "),
    ("latin1.md", "", "latin1.md' is not utf-8 text (byte 3), not included: save it as utf-8"),
    ("folder", "", "folder' cannot be read (Is a directory), not included: name a file in "),
])
def test_a_snippet_that_cannot_be_read_is_a_refusal_naming_it(tmp_path, snippet, options, said):
    """check_paths on and a snippet missing, a snippet saved as Latin-1, or --8<-- naming a folder: the build
    ended in a pymdownx traceback (SnippetMissingError, UnicodeDecodeError) or 'cannot write the build'."""
    from conftest import MINIMAL_MKDOCS, make_project

    project = make_project(tmp_path / "portal", {
        "mkdocs.yml": MINIMAL_MKDOCS.format(language="en") + "markdown_extensions:\n  - pymdownx.snippets:\n"
                      "      base_path: [shared]\n" + options,
        "shared/folder/inside.md": "x\n",
        "content/playbooks/renewal.yml": 'title: Renewal\nsteps:\n  - id: one\n    title: One\n    body: |\n'
                                         f'      Before.\n\n      --8<-- "{snippet}"\n\n      After.\n',
    })
    (project / "shared/latin1.md").write_bytes("Caf\u00e9 r\u00e9sum\u00e9\n".encode("latin-1"))
    result = _csops(project, tmp_path / "cache", "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "MkDocs refused the site" in result.stderr and said in result.stderr, result.stderr


def test_a_snippets_base_folder_linked_out_of_the_project_is_refused(tmp_path):
    """base_path: [shared] with shared committed as a link to a folder outside: each snippet's real path was checked
    against the base's real path, which was that folder, so `--8<-- "id_rsa"` published it. A folder outside
    written as such in base_path is still read."""
    from conftest import MINIMAL_MKDOCS, make_project

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "id_rsa").write_text("PRIVATE-KEY-MATERIAL\n", encoding="utf-8")
    project = make_project(tmp_path / "portal", {
        "mkdocs.yml": MINIMAL_MKDOCS.format(language="en") + "markdown_extensions:\n  - pymdownx.snippets:\n"
                      "      base_path: [shared]\n",
        "content/playbooks/renewal.yml": 'title: Renewal\nsteps:\n  - id: one\n    title: One\n    body: |\n'
                                         '      Before.\n\n      --8<-- "id_rsa"\n\n      After.\n',
    })
    (project / "shared").symlink_to(outside)
    result = _csops(project, tmp_path / "cache", "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "base_path 'shared' is a link to" in result.stderr and "outside the project" in result.stderr
    assert not [p for p in project.rglob("*") if p.is_file() and "PRIVATE-KEY" in p.read_text("utf-8", "replace")]
    config = (project / "mkdocs.yml").read_text(encoding="utf-8").replace("[shared]", f"[{outside}]")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = _csops(project, tmp_path / "cache", "build")
    assert result.returncode == 0, result.stderr
    assert "PRIVATE-KEY-MATERIAL" in (project / "site/playbooks/renewal/index.html").read_text(encoding="utf-8")
