"""`csops init`: from an empty folder to a portal that validates and builds, in both languages."""

from __future__ import annotations

import pytest

from generator.starter_project import starter_files


@pytest.mark.parametrize("language, title", [("en", "Sales-to-CS handoff"), ("ja", "営業から CS への引き継ぎ")])
def test_init_then_validate_then_build_from_an_empty_folder(tmp_path, run, language, title):
    project = tmp_path / "portal"
    result = run("init", "--project", project, "--lang", language)
    assert result.exit_code == 0, result.output
    created = [line.removeprefix("created ") for line in result.output.splitlines() if line.startswith("created ")]
    assert created == [f.target for f in starter_files(language)] + ["content/published-urls.txt"]
    assert result.output.endswith(
        "\nNext: put your team's roles in content/roles.yml, set site_url in mkdocs.yml, then\n"
        f"  csops validate --project {project}\n"
        f"  csops serve --project {project}\n"
        f"  csops new playbook ID --project {project}\n"
        f"  csops urls --update --project {project}   (after adding pages: records their URLs, commit it with them)\n")
    # The starter's site_url is the example one: a warning until the editor sets it, as the next steps say.
    assert run("validate", "--project", project).output == (
        "mkdocs.yml:6:11: warning: site_url is the example address https://cs-portal.example.com/; links copied for "
        "tickets would point there (set site_url to where the portal is published) [example-site-url]\n"
        "no errors, 1 warning\n")
    assert run("urls", "--check", "--project", project).output == "content/published-urls.txt is up to date\n"
    built = run("build", "--project", project)
    assert built.exit_code == 0, built.output
    page = (project / "site/playbooks/sales-to-cs-handoff/index.html").read_text(encoding="utf-8")
    assert f"<h1 id=\"overview\">{title}" in page
    assert f'<html lang="{language}"' in (project / "site/index.html").read_text(encoding="utf-8")
    # The next thing a new editor does works too.
    assert run("new", "playbook", "renewal-runway", "--project", project).exit_code == 0
    assert run("validate", "--project", project).exit_code == 0


def test_init_refuses_to_overwrite_an_existing_portal(tmp_path, run):
    project = tmp_path / "portal"
    (project / "content").mkdir(parents=True)
    (project / "content/roles.yml").write_text("roles: []\n", encoding="utf-8")
    result = run("init", "--project", project)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {project} already has content/roles.yml; csops init only starts new portals")
    assert (project / "content/roles.yml").read_text(encoding="utf-8") == "roles: []\n"
    assert not (project / "mkdocs.yml").exists()


def test_init_inside_another_portals_content_refuses_and_writes_nothing(tmp_path, run, monkeypatch):
    """Run in content/playbooks, csops init wrote mkdocs.yml and content/ there, and the outer portal then failed
    with 32 errors in 11 files (its loader read the new portal's files as its own)."""
    from conftest import REPO, copy_bundled

    outer = copy_bundled(tmp_path / "portal", REPO)
    monkeypatch.chdir(outer / "content" / "playbooks")
    before = sorted(p.name for p in (outer / "content/playbooks").iterdir())
    result = run("init")
    assert result.exit_code != 0
    assert f"is inside content/ of the portal in {outer.resolve()}" in result.output
    assert sorted(p.name for p in (outer / "content/playbooks").iterdir()) == before
    assert run("validate", "--project", outer).exit_code == 0
    assert run("init", "--project", tmp_path / "portal" / "examples" / "new").exit_code == 0  # beside content/ is fine


def test_a_new_portals_gitignore_keeps_the_built_site_and_csops_scratch_files_out_of_git(tmp_path, run):
    """`site` is a link to the live generation, not a folder, and git's `site/` matches only folders: the first
    `git add -A` after a build staged the link (and a PR would commit it)."""
    import subprocess

    project = tmp_path / "portal"
    assert run("init", "--project", project).exit_code == 0
    assert run("build", "--project", project).exit_code == 0
    assert (project / "site").is_symlink()
    # what a csops command killed while replacing files leaves beside them: `csops mv`'s new texts were offered for
    # commit by `git status` after an interrupted rename, and so were a killed write's drafts
    from generator.file_writes import draft_of
    from generator.paths import MV_PENDING_SUFFIX

    left = [project / f"content/playbooks/sales-to-cs-handoff.yml{MV_PENDING_SUFFIX}", project / "content/x.yml.csops-mv",
            draft_of(project / "content/published-urls.txt"), draft_of(project / "content/playbooks/new-one.yml")]
    for path in left:
        path.write_text("title: half written\n")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    staged = subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=project, check=True,
                            capture_output=True, text=True).stdout.split()
    assert "content/published-urls.txt" in staged and "content/playbooks/sales-to-cs-handoff.yml" in staged
    assert [path for path in staged if path.split("/")[0] in ("site", "build")] == []
    assert [path for path in staged if path.endswith(MV_PENDING_SUFFIX) or "/." in path] == [], staged


def test_init_takes_the_new_folder_as_git_init_does(tmp_path, run):
    """`csops init my-portal` said "Got unexpected extra argument (my-portal)"; it is --project's folder."""
    result = run("init", tmp_path / "my-portal", "--lang", "ja")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "my-portal/mkdocs.yml").is_file() and (tmp_path / "my-portal/content/roles.yml").is_file()
    both = run("init", tmp_path / "a", "--project", tmp_path / "b")
    assert both.exit_code == 2 and "give one" in both.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


@pytest.mark.parametrize("name, shown", [("my portal", "'my portal'"), ("q\x1b]0;owned\x07", "'q\\u001b]0;owned\\u0007'")])
def test_inits_next_steps_name_the_folder_as_the_shell_and_the_terminal_take_it(tmp_path, run, monkeypatch, name, shown):
    """The next steps init prints are commands to paste: 'csops validate --project my portal' was two words to the
    shell, and a folder name holding an escape sequence was printed raw, run by the terminal."""
    monkeypatch.chdir(tmp_path)
    result = run("init", name)
    assert result.exit_code == 0, result.output
    assert f"  csops validate --project {shown}\n" in result.output, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output



def test_inits_next_steps_in_the_folder_it_ran_in_need_no_project_option(tmp_path, run, monkeypatch):
    """Started in the folder the shell is in, the next steps are the commands as a user types them there."""
    monkeypatch.chdir(tmp_path)
    result = run("init")
    assert result.exit_code == 0, result.output
    assert "  csops validate\n  csops serve\n" in result.output and "--project" not in result.output, result.output


@pytest.mark.parametrize("given", [("",), ("--project", ""), (" ",)])
def test_init_given_an_empty_folder_name_writes_nothing(tmp_path, run, monkeypatch, given):
    """`csops init "$DIR"` with DIR unset took '' as this folder and wrote a portal into whatever folder the script
    ran in."""
    monkeypatch.chdir(tmp_path)
    result = run("init", *given)
    assert result.exit_code == 2 and "is empty: name the new portal's folder" in result.output, result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("plant", ["content", ".gitignore"])
def test_init_writes_nothing_through_a_link_in_the_new_folder(tmp_path, run, plant):
    """A folder holding content/ linked elsewhere, or a dangling link named like a starter file (.gitignore): csops
    init copied the starter files through them, out of the project."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = tmp_path / "portal"
    project.mkdir()
    (project / plant).symlink_to(elsewhere if plant == "content" else elsewhere / "created-through-the-link")
    result = run("init", project)
    assert result.exit_code == 1 and "csops init only starts new portals" in result.output, result.output
    assert list(elsewhere.iterdir()) == [] and not (project / "mkdocs.yml").exists()


@pytest.mark.parametrize("language, zone", [("en", "UTC"), ("ja", "Asia/Tokyo")])
def test_a_japanese_starter_dates_its_changes_in_tokyo(tmp_path, run, language, zone):
    """`csops init --lang ja` is a Japanese team's portal: without timezone: Asia/Tokyo its What's new put every commit
    made before 09:00 in Tokyo under the day before. The English starter shows the key, commented out (UTC)."""
    from generator.pipeline import load_portal

    project = tmp_path / "portal"
    assert run("init", "--project", project, "--lang", language).exit_code == 0
    assert load_portal(project).settings.timezone == zone
    settings = (project / "content/settings.yml").read_text(encoding="utf-8")
    assert ("\ntimezone: Asia/Tokyo\n" if language == "ja" else "\n# timezone: Europe/Berlin\n") in settings
