"""`csops serve`: the real preview server rebuilds when YAML or a template changes, and survives a bad edit."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import make_project

PLAYBOOK = """\
title: Renewal runway
steps:
  - id: confirm-stakeholders
    title: Confirm the stakeholders
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(predicate, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError as error:  # server still starting
            last_error = error
        time.sleep(0.1)  # a wait ends this long after what it waits for, on average half of it (55 waits)
    pytest.fail(f"timed out waiting for {what} ({last_error})")


@pytest.fixture
def served(tmp_path):
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    templates = project / "templates"  # a project's own copy of the templates, as a team customising them has
    templates.mkdir()
    for source in (Path(__file__).resolve().parent.parent / "templates").glob("*"):
        if source.is_file():
            (templates / source.name).write_bytes(source.read_bytes())
    with _serving(project) as base:
        _wait_for(lambda: "Confirm the stakeholders" in _get(f"{base}/playbooks/renewal-runway/"), what="first build")
        yield project, base


@pytest.fixture(scope="module")
def served_unchanged(tmp_path_factory):
    """One server for the module's tests that only read what it serves (no save): each started its own, and
    a server's start (its first build) is most of such a test."""
    project = make_project(tmp_path_factory.mktemp("served") / "portal",
                           {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    with _serving(project) as base:
        _wait_for(lambda: "Confirm the stakeholders" in _get(f"{base}/playbooks/renewal-runway/"), what="first build")
        yield project, base


@contextmanager
def _serving(project: Path):
    """`csops serve` on `project` in its own process, on a free port: its base URL while it runs."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--project", str(project),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_editing_yaml_rebuilds_the_served_page(served):
    project, base = served
    path = project / "content/playbooks/renewal-runway.yml"
    path.write_text(PLAYBOOK.replace("Confirm the stakeholders", "Confirm the economic buyer"), encoding="utf-8")
    _wait_for(lambda: "Confirm the economic buyer" in _get(f"{base}/playbooks/renewal-runway/"), what="rebuild after YAML edit")


def test_editing_a_template_rebuilds_the_served_page(served):
    project, base = served
    labels = project / "templates" / "labels.yml"
    labels.write_text(labels.read_text(encoding="utf-8").replace("  steps: Steps\n", "  steps: Procedure\n", 1), encoding="utf-8")
    _wait_for(lambda: ">Procedure<" in _get(f"{base}/playbooks/renewal-runway/"), what="rebuild after template edit")


def test_a_broken_edit_keeps_serving_the_last_good_site_and_every_page_says_why(served):
    """The browser reloads after a failed rebuild too: it showed the old page as if the save had done nothing,
    and the problems were only in the terminal. Now every page lists them (escaped) until a save builds."""
    project, base = served
    path = project / "content/playbooks/renewal-runway.yml"
    path.write_text("id: runway\nrelated: [renewal-runway]\n" + PLAYBOOK + '    owner: "<img src=x onerror=alert(1)>"\n',
                    encoding="utf-8")
    _wait_for(lambda: "csops-build-failed" in _get(f"{base}/"), what="the failed rebuild's banner")
    for page in ("/", "/playbooks/renewal-runway/"):
        shown = _get(base + page)
        assert "Confirm the stakeholders" in _get(f"{base}/playbooks/renewal-runway/")  # the last good site
        banner = shown[shown.index('<div class="csops-build-failed"'):]
        assert "This save did not build, so you are looking at the last good site." in banner
        # csops serve runs elsewhere than the portal (--project): its problems' files and fixes say so, as validate's
        assert f"{project}/content/playbooks/renewal-runway.yml:7:" in banner, banner
        assert f"run `csops mv playbook renewal-runway runway --project {project}`" in banner, banner
        assert "&lt;img src=x onerror=alert(1)&gt;" in banner and "<img src=x" not in shown
    path.write_text(PLAYBOOK.replace("Confirm the stakeholders", "Fixed title"), encoding="utf-8")
    _wait_for(lambda: "Fixed title" in _get(f"{base}/playbooks/renewal-runway/"), what="rebuild after the fix")
    assert "csops-build-failed" not in _get(f"{base}/playbooks/renewal-runway/")


def test_serve_on_a_busy_port_is_one_line_before_any_build(project_factory, run):
    import socket

    project = project_factory({"content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--project", project, "--port", str(port), "--no-reload")
    assert result.exit_code == 1
    assert result.output == (f"Error: port {port} on 127.0.0.1 is already in use (another csops serve?); "
                             f"pick another with --port, e.g. --port {port + 1}\n")
    assert not (project / "site").exists()  # refused before the first build


@pytest.mark.parametrize("args, exit_code, message", [
    (["--port", "99999"], 2, "Invalid value for '--port': 99999 is not in the range 0<=x<=65535."),
    (["--port", "-5"], 2, "Invalid value for '--port': -5 is not in the range 0<=x<=65535."),
    (["--host", "no-such-host.invalid", "--port", "0"], 1, "Error: cannot listen on no-such-host.invalid: "),
])
def test_serve_refuses_an_impossible_port_or_host_in_one_line(project_factory, run, args, exit_code, message):
    """A port outside 0-65535 raised OverflowError from bind() with a traceback; an unknown host was told to change --port."""
    project = project_factory({"content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
    result = run("serve", "--project", project, *args, "--no-reload")
    assert result.exit_code == exit_code
    assert message in result.output and "Traceback" not in result.output
    if exit_code == 1:
        assert result.output.count("\n") == 1 and "--host" in result.output
    assert not (project / "site").exists()  # refused before the first build


@pytest.mark.parametrize("host", ["", "  "])
def test_serve_refuses_an_empty_host_rather_than_serve_the_network(project_factory, run, monkeypatch, host):
    """`csops serve --host "$HOST"` with HOST unset listened on every address ('' is all of them to the socket) and
    printed 'serving … on http://:8000/' (found by the CLI fuzzer): loopback was meant, the network was served."""
    from generator import preview

    served = []
    monkeypatch.setattr(preview, "serve_preview", lambda *args, **kwargs: served.append(args))  # never listens
    project = project_factory({"content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
    result = run("serve", "--project", project, "--host", host, "--port", "0", "--no-reload")
    assert (result.exit_code, served) == (2, []), result.output
    assert result.output.endswith("Error: Invalid value for '--host': is empty: give the address to listen on "
                                  "(127.0.0.1, the default, serves this machine only; 0.0.0.0 serves the network)\n")


def test_serve_on_port_0_says_the_port_it_got(tmp_path):
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--project", str(project), "--port", "0",
                                "--no-reload"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, line = time.monotonic() + 120, ""
        while time.monotonic() < deadline and not line.startswith("serving "):
            line = process.stdout.readline()
            assert line or process.poll() is None, "csops serve exited"
        base = line.split(" on ", 1)[1].split(" ", 1)[0].rstrip("/")
        assert not base.endswith(":0"), line
        _wait_for(lambda: "Renewal runway" in _get(f"{base}/playbooks/renewal-runway/"), what="the page on that port")
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_serve_on_an_ipv6_address_says_an_address_a_browser_opens(tmp_path, host):
    """--host ::1 printed 'serving … on http://::1:PORT/', which no browser or curl opens (an IPv6 address in a URL
    is written in brackets), and --host [::1], as such URLs write it, was 'Name or service not known'."""
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--project", str(project), "--port", "0",
                                "--host", host, "--no-reload"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, line = time.monotonic() + 120, ""
        while time.monotonic() < deadline and not line.startswith("serving "):
            line = process.stdout.readline()
            assert line or process.poll() is None, f"csops serve exited: {line}"
        base = line.split(" on ", 1)[1].split(" ", 1)[0].rstrip("/")
        assert base.startswith("http://[::1]:"), line
        _wait_for(lambda: "Renewal runway" in _get(f"{base}/playbooks/renewal-runway/"), what="the page at that address")
        # another site's name is refused with the address this preview answers (it named http://127.0.0.1:PORT/)
        refused = urllib.request.Request(f"{base}/", headers={"Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(refused, timeout=10)
        message = json.loads(error.value.read())["error"]
        assert error.value.code == 403 and message.startswith(f"this preview answers only {base}/ and http://localhost:")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_head_gets_the_headers_of_get_and_no_body(served_unchanged):
    """The preview wrote the page, the JSON or the 404 page after a HEAD's headers (red team): a client reusing
    the connection would read those bytes as its next response."""
    import socket

    _, base = served_unchanged
    port = int(base.rsplit(":", 1)[1])
    for path in ("/playbooks/renewal-runway/", "/api/search?q=renewal", "/api/health", "/no-such-page/"):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(f"HEAD {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
            response = b""
            while chunk := connection.recv(65536):
                response += chunk
        head, _, body = response.partition(b"\r\n\r\n")
        length = next(line.split(b":")[1].strip() for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
        assert body == b"" and int(length) > 0, (path, head, body[:80])


def test_a_missing_page_gets_the_sites_own_404_page(served_unchanged):
    # MkDocs' livereload server answers a bare "404 Not Found" unless told where the site's page is.
    _, base = served_unchanged
    with pytest.raises(urllib.error.HTTPError) as raised:
        _get(f"{base}/playbooks/no-such-playbook/")
    assert raised.value.code == 404
    body = raised.value.read().decode("utf-8")
    assert 'class="md-header' in body and "<h1>Page not found</h1>" in body
    # its home link stays in the preview: it led to site_url, the production portal
    assert '<a href="/">Start from the home page</a>' in body


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found |= {int(child) for child in (task / "children").read_text().split()}
        except OSError:  # a thread that ended meanwhile
            continue
    return found


def test_rebuilds_after_saves_reuse_the_servers_workers(tmp_path):
    """A save's rebuild starts no processes: the worker pool lives as long as the server, bad edits included."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--project", str(project),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, path = f"http://127.0.0.1:{port}", project / "content/playbooks/renewal-runway.yml"
    try:
        _wait_for(lambda: "Confirm the stakeholders" in _get(f"{base}/playbooks/renewal-runway/"), what="first build")
        workers = _children(process.pid)
        assert workers, "the server keeps no workers"
        path.write_text(PLAYBOOK + "    owner: nobody\n", encoding="utf-8")  # refused: unknown role
        _wait_for(lambda: "csops-build-failed" in _get(f"{base}/playbooks/renewal-runway/"), what="the refusal's banner")
        path.write_text(PLAYBOOK.replace("Confirm the stakeholders", "Confirm the buyer"), encoding="utf-8")
        _wait_for(lambda: "Confirm the buyer" in _get(f"{base}/playbooks/renewal-runway/"), what="rebuild after a save")
        assert workers <= _children(process.pid)  # none was replaced
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_started_on_broken_content_serves_the_last_good_site_with_the_problems(tmp_path):
    """An editor who starts `csops serve` on work in progress got the errors and no server at all."""
    from generator.pipeline import build_portal

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    build_portal(project)
    path = project / "content/playbooks/renewal-runway.yml"
    path.write_text(PLAYBOOK + "    owner: nobody\n", encoding="utf-8")
    with _serving(project) as base:
        _wait_for(lambda: "csops-build-failed" in _get(f"{base}/playbooks/renewal-runway/"), what="the last good site")
        assert "unknown role &#x27;nobody&#x27;" in _get(f"{base}/playbooks/renewal-runway/")
        path.write_text(PLAYBOOK.replace("Confirm the stakeholders", "Fixed title"), encoding="utf-8")
        _wait_for(lambda: "Fixed title" in _get(f"{base}/playbooks/renewal-runway/"), what="rebuild after the fix")
        assert "csops-build-failed" not in _get(f"{base}/playbooks/renewal-runway/")


def test_serve_started_on_broken_content_with_no_site_yet_says_why_and_stops(project_factory, run):
    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK + "    owner: nobody\n"})
    result = run("serve", "--project", project, "--port", "0")
    assert result.exit_code == 1 and "unknown role 'nobody'" in result.output


def test_a_template_error_shows_where_it_is_and_never_hangs_the_pages(served):
    """A broken template is no content error: the rebuild raised past csops serve, MkDocs' server then held every
    page waiting for a build that never came, and no banner said why."""
    project, base = served
    template = project / "templates/playbook.md.j2"
    good = template.read_text(encoding="utf-8")
    template.write_text(good + "{% if %}\n", encoding="utf-8")
    _wait_for(lambda: "csops-build-failed" in _get(f"{base}/playbooks/renewal-runway/"), what="the banner")
    banner = _get(f"{base}/")
    assert "templates/playbook.md.j2:" in banner and "template error" in banner
    template.write_text(good, encoding="utf-8")
    _wait_for(lambda: "csops-build-failed" not in _get(f"{base}/playbooks/renewal-runway/"), what="the banner gone")


def test_content_deleted_and_made_again_is_still_watched(served):
    """`rm -r content && git checkout content` while serving: MkDocs' watch of content/ stopped when the folder
    went, so no later save rebuilt and the preview stayed on the old site until a restart."""
    import shutil

    project, base = served
    content = project / "content"
    kept = project.parent / "content-kept"
    shutil.copytree(content, kept)
    shutil.rmtree(content)
    _wait_for(lambda: "no content/ folder" in _get(f"{base}/playbooks/renewal-runway/"), what="the banner for no content/")
    shutil.copytree(kept, content)
    _wait_for(lambda: "csops-build-failed" not in _get(f"{base}/playbooks/renewal-runway/"), what="the content back")
    path = content / "playbooks/renewal-runway.yml"
    path.write_text(PLAYBOOK.replace("Confirm the stakeholders", "Confirm the new sponsor"), encoding="utf-8")
    _wait_for(lambda: "Confirm the new sponsor" in _get(f"{base}/playbooks/renewal-runway/"), timeout=30,
              what="a save after content/ was made again")


def _cpu_seconds(pid: int) -> float:
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def test_a_link_to_a_large_folder_outside_costs_the_idle_server_nothing(tmp_path):
    """The build reads no linked folder (it warns), but the watcher walked one every half second: a link to a
    shared drive or /usr/share kept half a core busy for as long as the preview ran."""
    outside = tmp_path / "shared-drive"
    for folder in range(100):
        (outside / f"d{folder}").mkdir(parents=True)
        for name in range(200):
            (outside / f"d{folder}" / f"f{name}.txt").touch()
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    (project / "content" / "shared").symlink_to(outside, target_is_directory=True)
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--project", str(project),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: "Confirm the stakeholders" in _get(f"http://127.0.0.1:{port}/playbooks/renewal-runway/"),
                  what="first build")
        time.sleep(1)
        before = _cpu_seconds(process.pid)
        time.sleep(5)
        assert _cpu_seconds(process.pid) - before < 0.5
    finally:
        process.terminate()
        process.wait(timeout=10)


def _reloads_within(base: str, page: str, seconds: float) -> bool:
    """Whether a browser showing `page` would reload within `seconds`: MkDocs' live-reload poll, as the page's
    script sends it, answers only when a rebuild has finished."""
    import re

    epoch = re.search(r"livereload\(([0-9]+), ", _get(base + page))[1]
    try:
        with urllib.request.urlopen(f"{base}/livereload/{epoch}/1", timeout=seconds) as response:
            return int(response.read()) > int(epoch)
    except (TimeoutError, urllib.error.URLError):
        return False


def test_editor_scratch_files_neither_rebuild_nor_reload_the_page(served):
    """vim rewrites its swap file every few seconds of typing, emacs its auto-save and lock files: each write
    rebuilt the site and reloaded the reader's page (an open search or details box closed) while nothing saved."""
    import os

    project, base = served
    folder = project / "content/playbooks"
    page = "/playbooks/renewal-runway/"
    time.sleep(1)  # the first build's own late events are over
    (folder / ".renewal-runway.yml.swp").write_bytes(b"b0VIM 9.1\0" + bytes(4000))
    (folder / "4913").write_bytes(b"")  # vim's probe that it may create files here (kept past a poll: a slow disk)
    (folder / "#renewal-runway.yml#").write_text("title: half typed\n", encoding="utf-8")
    os.symlink("editor@host.4242:1700000000", folder / ".#renewal-runway.yml")
    (folder / "renewal-runway.yml___jb_tmp___").write_text(PLAYBOOK, encoding="utf-8")
    (folder / "renewal-runway.yml.kate-swp").write_bytes(b"Kate Swap File 2.0\0")
    (folder / ".goutputstream-X1Y2Z3").write_text(PLAYBOOK, encoding="utf-8")  # gedit's atomic save
    saved = PLAYBOOK.replace("Confirm the stakeholders", "Confirm the champion")
    (folder / "renewal-runway.yml.tmp").write_text(saved, encoding="utf-8")  # an atomic save, renamed over below
    assert not _reloads_within(base, page, 3), "an editor's scratch file rebuilt the site"
    for scratch in ("4913", "renewal-runway.yml___jb_tmp___", ".goutputstream-X1Y2Z3"):
        (folder / scratch).unlink()
    (folder / "renewal-runway.yml.tmp").rename(folder / "renewal-runway.yml")
    _wait_for(lambda: "Confirm the champion" in _get(base + page), timeout=30, what="the atomic save")
    (folder / ".renewal-runway.yml.swp").write_bytes(b"b0VIM 9.1\0" + bytes(4100))
    assert not _reloads_within(base, page, 3), "a swap file's rewrite rebuilt the site"
    path = folder / "renewal-runway.yml"  # vim's save with a backup: the file renamed to name~, then written anew
    path.rename(folder / "renewal-runway.yml~")
    path.write_text(PLAYBOOK.replace("Confirm the stakeholders", "Confirm the sponsor"), encoding="utf-8")
    _wait_for(lambda: "Confirm the sponsor" in _get(base + page), timeout=30, what="the save itself")


def test_every_scratch_file_name_is_passed_over_but_a_folder_so_named_is_watched(served):
    """vim's second swap file (.name.swo, when the file is open twice) is scratch like .swp, and rebuilds nothing;
    a folder of content named as a scratch file may be (2024/) is content, and a playbook saved in it is built."""
    project, base = served
    folder = project / "content/playbooks"
    page = "/playbooks/renewal-runway/"
    time.sleep(1)  # the first build's own late events are over
    (folder / ".renewal-runway.yml.swo").write_bytes(b"b0VIM 9.1\0" + bytes(4000))
    assert not _reloads_within(base, page, 3), "a second swap file rebuilt the site"
    (folder / "2024").mkdir()
    (folder / "2024" / "q1-review.yml").write_text(PLAYBOOK.replace("Renewal runway", "Q1 review"), encoding="utf-8")
    _wait_for(lambda: "Q1 review" in _get(base + "/playbooks/q1-review/"), timeout=30, what="the playbook in 2024/")


def test_a_save_during_the_first_build_is_built_once_it_is_done(tmp_path):
    """The watcher started only once the first build was done: a save made while it ran (the long one, which an
    editor waits out by editing) was in the watcher's first look at the files, so it was never built."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--project", str(project),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base, path = f"http://127.0.0.1:{port}", project / "content/playbooks/renewal-runway.yml"
    try:
        for line in process.stdout:  # the content has been read: the build goes on with MkDocs
            if "content checked" in line:
                break
        path.write_text(PLAYBOOK.replace("Confirm the stakeholders", "Confirm the sponsor"), encoding="utf-8")
        _wait_for(lambda: "Confirm the sponsor" in _get(f"{base}/playbooks/renewal-runway/"), timeout=30,
                  what="the save made during the first build")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_new_projects_first_serve_builds_once(tmp_path):
    """The first build of a project with no site yet makes the link to it, which the watcher took for a change:
    'rebuilt 20 pages' came right after 'serving …' with nothing saved, and an open page reloaded."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    with _serving(project) as base:
        _wait_for(lambda: "Confirm the stakeholders" in _get(f"{base}/playbooks/renewal-runway/"), what="first build")
        assert not _reloads_within(base, "/playbooks/renewal-runway/", 3), "the first build's own site link rebuilt"
        (project / "content/playbooks/renewal-runway.yml").write_text(
            PLAYBOOK.replace("Confirm the stakeholders", "Confirm the sponsor"), encoding="utf-8")
        _wait_for(lambda: "Confirm the sponsor" in _get(f"{base}/playbooks/renewal-runway/"), timeout=30,
                  what="a save after it")


def test_the_site_deleted_while_serving_is_built_again(served):
    """`git clean -fdx` (or `rm -r build site`) while serving: nothing watched build/ or site/, so every page
    was a bare 404 and the search API a 503 until the next save."""
    import shutil

    project, base = served
    shutil.rmtree(project / "build")
    (project / "site").unlink()
    _wait_for(lambda: "Confirm the stakeholders" in _get(f"{base}/playbooks/renewal-runway/"), timeout=30,
              what="the site built again")
    assert "renewal-runway" in _get(f"{base}/api/search?q=stakeholders")


def test_a_commit_made_while_serving_shows_in_whats_new(tmp_path):
    """What's new is built from the content's git history, which nothing watched: a commit made while serving
    (the usual end of an edit) showed there only after the next save."""
    from test_diff import commit_all, git

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Add the renewal runway")
    path = project / "content/playbooks/renewal-runway.yml"
    with _serving(project) as base:
        _wait_for(lambda: "Add the renewal runway" in _get(f"{base}/whats-new/"), what="first build")
        path.write_text(PLAYBOOK.replace("Confirm the stakeholders", "Confirm the sponsor"), encoding="utf-8")
        _wait_for(lambda: "Confirm the sponsor" in _get(f"{base}/playbooks/renewal-runway/"), what="the save")
        commit_all(project, "Name the sponsor step")
        _wait_for(lambda: "Name the sponsor step" in _get(f"{base}/whats-new/"), timeout=30, what="the commit in What's new")


def test_the_first_commit_of_a_repository_made_while_serving_shows_in_whats_new(tmp_path):
    """`csops init`, `csops serve`, then `git init` and the first commit: git's record of HEAD did not exist when
    the preview started, so nothing watched it and What's new said "no commits" until the next save."""
    from test_diff import commit_all, git

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    with _serving(project) as base:
        _wait_for(lambda: "Confirm the stakeholders" in _get(f"{base}/playbooks/renewal-runway/"), what="first build")
        git(project, "init", "-q", "-b", "main")
        commit_all(project, "Start the portal")
        _wait_for(lambda: "Start the portal" in _get(f"{base}/whats-new/"), timeout=30, what="the commit in What's new")


def test_a_site_url_with_a_path_is_served_there_with_its_404_page_whole(tmp_path):
    """site_url https://portal.acme.test/docs/: the preview served the site at /, while the 404 page (built for any
    depth) links its styles, scripts and home from /docs/: every missing page was unstyled and its home link a 404.
    Served at /docs/ as `mkdocs serve` does, the API at /docs/api/ where the pages ask for it."""
    import re

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("https://portal.acme.test/",
                                                                 "https://portal.acme.test/docs/"), encoding="utf-8")
    with _serving(project) as base:
        _wait_for(lambda: "Confirm the stakeholders" in _get(f"{base}/docs/playbooks/renewal-runway/"), what="first build")
        with pytest.raises(urllib.error.HTTPError) as raised:
            _get(f"{base}/docs/playbooks/no-such-playbook/")
        page = raised.value.read().decode("utf-8")
        assert '<a href="/docs/">' in page and "Confirm the stakeholders" not in page
        for link in re.findall(r'(?:href|src)="(/docs/assets/[^"]+)"', page):
            urllib.request.urlopen(base + link, timeout=5).close()  # each style, script and icon it asks for is there
        assert "Test portal" in _get(f"{base}/docs/")
        assert '"ok": true' in _get(f"{base}/docs/api/health").replace('"ok":true', '"ok": true')


def test_a_missing_page_shows_the_failed_save_and_reloads_when_it_builds(served):
    """A new playbook saved with a slip, opened at its URL, was the bare 404 page: no problem shown and no live
    reload, so the save that fixed it built unseen until the editor reloaded by hand."""
    project, base = served
    new = project / "content/playbooks/new-one.yml"
    new.write_text("title: [New one\nsteps: [{id: s, title: S}]\n", encoding="utf-8")
    _wait_for(lambda: "csops-build-failed" in _get(f"{base}/"), what="the failed rebuild's banner")
    with pytest.raises(urllib.error.HTTPError) as raised:
        _get(f"{base}/playbooks/new-one/")
    body = raised.value.read().decode("utf-8")
    assert raised.value.code == 404 and "<h1>Page not found</h1>" in body
    assert "content/playbooks/new-one.yml:1:8: error: YAML syntax error" in body and "/livereload/" in body
    new.write_text("title: New one\nsteps: [{id: s, title: S}]\n", encoding="utf-8")
    _wait_for(lambda: "New one" in _get(f"{base}/playbooks/new-one/"), what="the fixed page")
    new.unlink()  # a page a save removed: the 404 page the reader's tab reloads to waits for the next save too

    def gone() -> bool:
        try:
            _get(f"{base}/playbooks/new-one/")
        except urllib.error.HTTPError as error:
            return error.code == 404 and "/livereload/" in error.read().decode("utf-8")
        return False
    _wait_for(gone, what="the removed page's live 404 page")


def test_serve_no_reload_started_on_broken_content_does_not_promise_a_rebuild(tmp_path):
    """--no-reload on content that did not build said 'serving the last good site until a save builds', and no
    save ever built: the editor saved and waited."""
    from generator.pipeline import build_portal

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    build_portal(project)
    (project / "content/playbooks/renewal-runway.yml").write_text(PLAYBOOK + "    owner: nobody\n", encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--project", str(project), "--port",
                                str(port), "--no-reload"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for(lambda: "Renewal runway" in _get(f"http://127.0.0.1:{port}/playbooks/renewal-runway/"),
                  what="the last good site")
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "unknown role 'nobody'" in output and "until a save builds" not in output, output
    assert "serving the last good site: --no-reload builds nothing more, so fix the problems and start csops serve " \
           "again" in output


def test_a_japanese_portals_failure_banner_is_all_japanese(tmp_path):
    """The banner's close button was labelled "Hide" in every portal: a screen reader on a Japanese page read
    the one English word of it."""
    from generator.pipeline import build_portal
    from generator.starter_project import init_project

    project = tmp_path / "portal"
    init_project(project, "ja")
    build_portal(project)
    path = project / "content/playbooks/sales-to-cs-handoff.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("owner: cs-ops", "owner: nobody", 1), encoding="utf-8")
    with _serving(project) as base:
        _wait_for(lambda: "csops-build-failed" in _get(f"{base}/"), what="the failed build's banner")
        shown = _get(f"{base}/")
        banner = shown[shown.index('<div class="csops-build-failed"'):]
        assert "保存した内容はビルドできなかった" in banner and 'aria-label="閉じる"' in banner


def test_the_site_link_deleted_before_the_watchers_next_look_after_the_first_build_is_a_change(tmp_path):
    """The watcher lists the site link as there until the first build has made it (its making is no change); once
    the preview says the first build is over, a link missing at the next look is a deletion to rebuild after, even
    when the watcher never saw it made (`rm -r build site` right after the first build was never built)."""
    from generator.source_watch import SourceTree

    project = tmp_path / "portal"
    (project / "content").mkdir(parents=True)
    tree = SourceTree(project, ("content",), published="site")
    assert sorted(entry.name for entry in tree.listdir(str(project))) == ["content", "site"]  # not made yet
    tree.published_made()  # the first build made the link, and it was deleted before any look
    assert sorted(entry.name for entry in tree.listdir(str(project))) == ["content"]


def test_a_save_to_a_file_mkdocs_yml_names_is_built(tmp_path):
    """Besides content/, templates/ and mkdocs.yml, a build reads the files mkdocs.yml names: the files its INHERIT
    chain names (here base.yml, which INHERITs grand.yml), the theme's custom_dir, and what its hooks read, which `watch:` lists for `mkdocs serve` to watch.
    None was watched: a save there showed nothing until some other save rebuilt."""
    project = make_project(tmp_path / "portal", {
        "content/playbooks/renewal-runway.yml": PLAYBOOK,
        "base.yml": "INHERIT: grand.yml\n",  # two files deep: the watch follows the whole chain
        "grand.yml": "copyright: Footer A\n",
        "overrides/main.html": '{% extends "base.html" %}\n{% block announce %}Announcement A{% endblock %}\n',
        "banner.txt": "Banner A",
        "hooks.py": "from pathlib import Path\n\n\ndef on_page_content(html, page, config, **kwargs):\n"
                    "    return html + '<p>%s</p>' % (Path(config.config_file_path).parent / 'banner.txt').read_text()\n"})
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\n" + config.read_text(encoding="utf-8").replace(
        "  name: material\n", "  name: material\n  custom_dir: overrides\n") + "hooks: [hooks.py]\nwatch: [banner.txt]\n",
        encoding="utf-8")
    page = "/playbooks/renewal-runway/"
    with _serving(project) as base:
        _wait_for(lambda: all(word in _get(base + page) for word in ("Footer A", "Announcement A", "Banner A")),
                  what="first build")
        for name, before, after in (("grand.yml", "Footer A", "Footer B"), ("overrides/main.html", "Announcement A",
                                    "Announcement B"), ("banner.txt", "Banner A", "Banner B")):
            path = project / name
            path.write_text(path.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
            _wait_for(lambda: after in _get(base + page), timeout=30, what=f"the save to {name}")


def test_a_save_to_a_file_mkdocs_yml_names_outside_the_project_is_built(tmp_path):
    """Files a team shares between portals sit beside them: 'INHERIT: ../shared.yml' and a hook in ../hooks/ are
    built (MkDocs finds them from mkdocs.yml's folder) but outside the project folder the preview walks, so each is
    watched on its own: a save there shows on the page as one to content/ does."""
    (tmp_path / "shared.yml").write_text("copyright: Footer A\n", encoding="utf-8")
    (tmp_path / "hooks").mkdir()
    hook = tmp_path / "hooks" / "stamp.py"
    hook.write_text("def on_page_content(html, **kwargs):\n    return html + '<p>Stamp A</p>'\n", encoding="utf-8")
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: ../shared.yml\n" + config.read_text(encoding="utf-8") + "hooks: [../hooks/stamp.py]\n",
                      encoding="utf-8")
    page = "/playbooks/renewal-runway/"
    with _serving(project) as base:
        _wait_for(lambda: all(word in _get(base + page) for word in ("Footer A", "Stamp A")), what="first build")
        for path, before, after in ((tmp_path / "shared.yml", "Footer A", "Footer B"), (hook, "Stamp A", "Stamp B")):
            path.write_text(path.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
            _wait_for(lambda: after in _get(base + page), timeout=30, what=f"the save to ../{path.name}")


def test_a_file_mkdocs_yml_names_in_build_does_not_set_off_a_rebuild_loop(tmp_path):
    """build/ is csops' own output, written by every rebuild: a `watch:` entry naming a file there (notes a hook
    reads, kept out of git with the rest of build/) must not have the preview walk build/, or each rebuild's own
    writes would start the next one and reload the reader's page forever (a mutation pass found no test of it)."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK,
                                                 "build/notes.txt": "notes\n"})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "watch: [build/notes.txt]\n", encoding="utf-8")
    page = "/playbooks/renewal-runway/"
    with _serving(project) as base:
        _wait_for(lambda: "Confirm the stakeholders" in _get(base + page), what="first build")
        time.sleep(1)  # the first build's own late events are over
        assert not _reloads_within(base, page, 4), "a rebuild's own writes to build/ set off another rebuild"


def test_a_save_to_the_file_an_env_inherit_names_is_built(tmp_path, monkeypatch):
    """`INHERIT: !ENV [PORTAL_PARENT, base.yml]` names its file as MkDocs reads it: the variable's value, else the
    default. The build read base.yml, but the watcher found the INHERIT chain by reading mkdocs.yml a second time as
    YAML nodes, where the !ENV list is no file name: a save to base.yml showed nothing until another save rebuilt.
    The watcher now watches the files mkdocs_yaml.read_config read."""
    monkeypatch.delenv("PORTAL_PARENT", raising=False)
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK,
                                                 "base.yml": "copyright: Footer A\n"})
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: !ENV [PORTAL_PARENT, base.yml]\n" + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    page = "/playbooks/renewal-runway/"
    with _serving(project) as base:
        _wait_for(lambda: "Footer A" in _get(base + page), what="first build")
        (project / "base.yml").write_text("copyright: Footer B\n", encoding="utf-8")
        _wait_for(lambda: "Footer B" in _get(base + page), timeout=30, what="the save to base.yml")


def test_a_file_mkdocs_yml_comes_to_name_while_serving_is_watched_too(tmp_path):
    """What mkdocs.yml names was read once, when csops serve started: a file it came to INHERIT while serving
    (in the project, or outside it through another INHERIT) was built with the save that named it, and then
    never again: its saves showed nothing until some other file's save rebuilt (red team)."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    config = project / "mkdocs.yml"
    page = "/playbooks/renewal-runway/"
    with _serving(project) as base:
        _wait_for(lambda: "Confirm the stakeholders" in _get(base + page), what="first build")
        (project / "shared").mkdir()
        (project / "shared/base.yml").write_text("copyright: Footer A\n", encoding="utf-8")
        config.write_text("INHERIT: shared/base.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
        _wait_for(lambda: "Footer A" in _get(base + page), timeout=30, what="the save that adds INHERIT")
        (project / "shared/base.yml").write_text("copyright: Footer B\n", encoding="utf-8")
        _wait_for(lambda: "Footer B" in _get(base + page), timeout=30, what="a save to the file it INHERITs")
        (tmp_path / "common.yml").write_text("copyright: Footer C\n", encoding="utf-8")  # outside the project
        (project / "shared/base.yml").write_text("INHERIT: ../../common.yml\n", encoding="utf-8")
        _wait_for(lambda: "Footer C" in _get(base + page), timeout=30, what="the save that INHERITs a file outside")
        (tmp_path / "common.yml").write_text("copyright: Footer D\n", encoding="utf-8")
        _wait_for(lambda: "Footer D" in _get(base + page), timeout=30, what="a save to the file outside")


def test_the_fix_saved_to_a_broken_inherited_file_is_built(tmp_path):
    """A save that breaks the file mkdocs.yml INHERITs fails (the banner says where), and the fix is saved to that
    same file: the watcher must still watch it. The files a failed reading had read were dropped from the chain,
    so base.yml went unwatched after the first failure, and its fix showed nothing until another file's save."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK,
                                                 "shared/base.yml": "copyright: Footer A\n"})
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: shared/base.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    page = "/playbooks/renewal-runway/"
    with _serving(project) as base:
        _wait_for(lambda: "Footer A" in _get(base + page), what="first build")
        (project / "shared/base.yml").write_text("copyright: [Footer B\n", encoding="utf-8")
        _wait_for(lambda: "csops-build-failed" in _get(base + page), timeout=30, what="the broken save's banner")
        assert "shared/base.yml:" in _get(base + page)
        time.sleep(3)  # the editor reads the banner: the watcher has settled on what the failed reading named
        (project / "shared/base.yml").write_text("copyright: Footer C\n", encoding="utf-8")
        _wait_for(lambda: "Footer C" in _get(base + page), timeout=30, what="the fix saved to shared/base.yml")


def test_a_save_to_a_hook_is_built_with_the_hooks_new_code(tmp_path):
    """MkDocs keeps each hook module it loaded for the life of the process, and csops serve's processes live
    across rebuilds: a save to a hook rebuilt the site with the hook's old code, unlike a cold build (red team)."""
    hook = "def on_page_content(html, **kwargs):\n    return html + '<p>Hook {}</p>'\n"
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK,
                                                 "hooks/page.py": hook.format("A")})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hooks/page.py\n", encoding="utf-8")
    page = "/playbooks/renewal-runway/"
    with _serving(project) as base:
        _wait_for(lambda: "Hook A" in _get(base + page), what="first build")
        for version in ("B", "C"):
            (project / "hooks/page.py").write_text(hook.format(version), encoding="utf-8")
            _wait_for(lambda: f"Hook {version}" in _get(base + page), timeout=30, what=f"the save of hook {version}")


def test_serve_reads_mkdocs_yml_once_to_start_and_afresh_when_saved_before_the_watch(tmp_path, monkeypatch):
    """`csops serve` read and checked mkdocs.yml, then its first build read and checked it again: the build now takes
    the reading serve made, as long as mkdocs.yml still holds what was read (a save made before the watch began
    is built: the build reads it again)."""
    from generator import mkdocs_yaml, preview

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": PLAYBOOK})
    config = project / "mkdocs.yml"
    reads: list[Path] = []
    real_read = mkdocs_yaml._read
    monkeypatch.setattr(mkdocs_yaml, "_read", lambda path, *args: reads.append(path) or real_read(path, *args))
    real_server, real_watch = preview.preview_server, preview.watch_sources

    def stopping(*args, **kwargs):  # serves nothing: returns once the first build is done
        server = real_server(*args, **kwargs)
        server.serve = lambda: (_ for _ in ()).throw(KeyboardInterrupt)
        return server

    monkeypatch.setattr(preview, "preview_server", stopping)
    preview.serve_preview(project, "127.0.0.1", 0, reload=True)
    assert [path.name for path in reads] == ["mkdocs.yml"], reads
    assert "<title>" in (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")

    def saved_before_the_watch(server, site):  # a save landing between serve's reading and the watch's first look
        config.write_text(config.read_text(encoding="utf-8").replace("Test portal", "Renamed portal"), encoding="utf-8")
        return real_watch(server, site)

    monkeypatch.setattr(preview, "watch_sources", saved_before_the_watch)
    reads.clear()
    preview.serve_preview(project, "127.0.0.1", 0, reload=True)
    assert len(reads) == 2 and "Renamed portal" in (project / "site/index.html").read_text(encoding="utf-8")
