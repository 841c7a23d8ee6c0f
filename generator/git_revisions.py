"""Git access for comparing revisions: run git, and write the files a revision holds into a folder.

`csops diff`, What's new (history.py) and the named-files check (named_files.py) read past revisions
through these alone; a git that is missing, refuses or is killed becomes a ClickException, never a traceback.
Files are written with the bytes their revision holds (`git cat-file`), never through `git archive`, which applies
the revision's own .gitattributes: a page a pull request added with `export-ignore` beside it was missing from its
`csops diff` ("No content changes"), and `export-subst` showed a title other than the one committed.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import tempfile
from pathlib import Path

import click

from .problems import shown
from .site_diff import SITE_PATHS, files_under, site_files


class GitError(click.ClickException):
    """A revision could not be read from git."""


class GitKilled(click.ClickException):
    """git was stopped by a signal (kill -9, the out-of-memory killer) before it answered. Not a GitError: callers
    read a GitError as git's answer (no repository, no commits yet, no parent commit), and a build whose git was
    killed published What's new as if the project had no history; a killed git that said nothing on stderr ended
    the build with 'Error: git ls-tree … -- content:' and no reason."""


def git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=True).stdout
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.CalledProcessError as error:
        raise _failed(args, error.returncode, error.stderr) from None


def _failed(args, status: int, stderr: bytes) -> click.ClickException:
    """The error for git `args` ending with `status` (negative: a signal), having said `stderr`."""
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return GitKilled(f"git {' '.join(args)} was stopped by {name} (killed, or out of memory?) before it "
                         "answered: run the command again")
    said = stderr.decode(errors="replace").strip() or f"git exited with status {status}"
    return GitError(f"git {' '.join(args)}: {said}")


@contextlib.contextmanager
def _git_output(cwd: Path, args: list[str], stdin: bytes):
    """git's output as a file read as it comes (`git` holds all of it): a revision's files may be gigabytes."""
    with tempfile.TemporaryFile() as given, tempfile.TemporaryFile() as said:
        given.write(stdin)
        given.seek(0)  # a file, not a pipe: git blocks on its full output pipe while we would block writing
        try:
            process = subprocess.Popen(["git", *args], cwd=cwd, stdin=given, stdout=subprocess.PIPE, stderr=said)
        except FileNotFoundError:
            raise GitError("git is not installed") from None
        with process:
            try:
                yield process.stdout
            except BaseException:
                process.kill()  # stopped early: nothing more of git's is wanted
                raise
            finally:
                process.wait()
            if process.returncode != 0:  # killed, or git's own error: it stopped before all was read
                said.seek(0)
                raise _failed(args, process.returncode, said.read())


def export_content(project: Path, revision: str, target: Path) -> Path:
    """Write content/ as it was at `revision` into target/content, with mkdocs.yml, templates/ and the files
    mkdocs.yml names (every page is made with them); returns target (an empty project if absent)."""
    try:
        git(project, "rev-parse", "--show-prefix")
    except GitError:
        raise GitError(f"{project} is not in a git repository: csops diff compares content between commits "
                       "(run `git init` and commit the content first)") from None
    try:
        git(project, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except GitError:
        if ".." in revision:  # no branch or tag name holds '..': a range, typed as git diff and git log take one
            raise GitError(f"'{shown(revision, 80)}' is a range of commits; csops diff takes the two revisions it compares as "
                           f"two arguments: {_two_ends(revision)}") from None
        raise GitError(f"unknown git revision '{shown(revision, 80)}' (fetch it first, e.g. `git fetch origin main`; "
                       "in GitHub Actions check out with fetch-depth: 0)") from None
    (target / "content").mkdir(parents=True, exist_ok=True)
    write_at_revision(project, revision, ("content", *SITE_PATHS), target)
    # and the files mkdocs.yml names (its INHERIT chain, hooks, custom_dir), found as the diff's sides find them
    def written(paths):
        named = [path for path in paths if path not in SITE_PATHS]  # those were in the archive above
        if named:
            write_at_revision(project, revision, named, target)
        return files_under(target, paths)
    site_files(target, written)
    return target


def _two_ends(git_range: str) -> str:
    """The `csops diff` command comparing what `git_range` spans: A..B is B against A; A...B is B against where it
    left A (their merge base), as `git diff A...B` reads it. An end left out is HEAD, as git takes it.

    Each end shell-quoted, as a person pastes the command: a branch may be named x$(id) (git takes $, ( and |), and
    the command shown ran what the name held. In backticks, so it names this run's --project
    (suggested_commands.py); bare when an end holds a backtick, which would end the span."""
    symmetric = "..." in git_range
    base, head = (shlex.quote(end or "HEAD") for end in git_range.split("..." if symmetric else "..", 1))
    command = f"csops diff $(git merge-base {base} {head}) {head}" if symmetric else f"csops diff {base} {head}"
    return command if "`" in command else f"`{command}`"


def write_at_revision(project: Path, revision: str, paths, target: Path) -> None:
    """Write the project's `paths` (files or folders, project-relative) as `revision` has them into `target`; a path
    the revision does not hold is left out. Names are decoded as the file system does."""
    prefix = git(project, "rev-parse", "--show-prefix").decode().strip()
    top = Path(git(project, "rev-parse", "--show-toplevel").decode().strip())
    write_blobs(top, tree_files(top, revision, [prefix + path for path in paths]), prefix, target)


# the modes of a file in a git tree: a link (120000) and a submodule (160000) are not written, as a checkout's
# links are not followed either
FILE_MODES = (b"100644", b"100755")


_CHUNK = 1 << 20


def _copy(source, size: int, target, mark: bytes = b"") -> bool:
    """`size` bytes of `source` into `target` (None: skipped), a chunk at a time; whether `mark` is among them."""
    found, tail = False, b""
    while size > 0:
        chunk = source.read(min(size, _CHUNK))
        if not chunk:
            raise GitError("git cat-file stopped in the middle of a file")
        if target is not None:
            target.write(chunk)
        if mark and not found:
            found, tail = mark in tail + chunk, chunk[-len(mark) + 1:]
        size -= len(chunk)
    return found


def tree_files(top: Path, revision: str, paths) -> list[tuple[str, str]]:
    """(repository path, blob id) of each file under `paths` (repository paths: files or folders) at `revision`."""
    if not paths:
        return []
    listing = git(top, "ls-tree", "-r", "-z", "--full-tree", revision, "--", *paths)
    files = []
    for entry in listing.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        mode, _, blob = meta.split(b" ") if meta.count(b" ") == 2 else (b"", b"", b"")
        if mode in FILE_MODES:
            files.append((os.fsdecode(name), blob.decode("ascii")))
    return files


def write_blobs(top: Path, files: list[tuple[str, str]], prefix: str, target: Path) -> None:
    """Write each (repository path, blob id) of `files` under `target`, its path without the repository's `prefix`
    (the project's folder in it), with the bytes git holds: one `git cat-file --batch` for them all, then those a
    checkout converts read through it (_filtered)."""
    if not files:
        return
    destinations = {name: checkout_path(target, name, prefix) for name, _ in files}  # None: a path no checkout writes
    filtered, identified = _filtered(top, [name for name, _ in files if destinations[name] is not None])
    ids = "".join(f"{blob}\n" for _, blob in files).encode("ascii")
    with _git_output(top, ["cat-file", "--batch"], ids) as out:
        for name, _ in files:
            header = out.readline().split()
            if len(header) != 3:  # '<id> missing': a blob gone from a broken repository (b'': git stopped)
                if not header:
                    break  # why git stopped is _git_output's to say
                raise GitError(f"git cat-file: blob {header[0].decode(errors='replace')} of {name} is missing")
            size = int(header[2])
            destination = destinations[name]
            if destination is None:
                _copy(out, size, None)
            else:
                try:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with destination.open("wb") as written:
                        if _copy(out, size, written, b"$Id" if name in identified else b""):
                            filtered.add(name)
                except (FileExistsError, NotADirectoryError, IsADirectoryError) as error:
                    # a tree `git mktree` makes may hold one name twice, as a file and as a folder: git fsck refuses
                    # it and no checkout can write it; it was 'the file system refused: File exists (build/scratch/…)'
                    both = Path(error.filename).relative_to(target).as_posix()
                    raise GitError(f"{both} is both a file and a folder in a revision read from git (a tree no "
                                   "checkout can write; `git fsck` names its commit)") from None
            out.read(1)  # the line feed after the body
    for name, blob in files:
        if name in filtered:
            destinations[name].write_bytes(git(top, "cat-file", "--filters", f"--path={name}", blob))


# What makes a checkout write a file other than as stored, besides its line ends (site_diff reads CRLF as LF)
_CONVERTING = ("filter", "ident", "working-tree-encoding")


def _filtered(top: Path, names: list[str]) -> tuple[set[str], set[str]]:
    """Those of `names` a checkout writes converted: through a filter driver (Git LFS's, say), with `ident`'s $Id$
    filled in, or in another encoding. Written as stored, they differ from the checkout's files though no one
    touched them ('title “$Id$” → “$Id: 6dbacb1… $”', red team). Each is read converted, one `git cat-file
    --filters` apiece (its --batch form gives the stored size on git 2.39), so few files may be: a filter naming a
    driver no one configured is none, as a checkout writes the bytes as stored, and `ident` alone changes only a
    file holding '$Id' (a pull request's '* filter=x' or '* ident' read every file again: 300 files took 1.2-1.5 s
    of CPU, 0.5-0.7 s without). Few files have any, so one `git check-attr` for all is most of the cost.
    Returns those converted, and those under `ident` alone."""
    if not names:
        return set(), set()
    listing = git(top, "check-attr", "-z", "--stdin", *_CONVERTING,
                  stdin=b"".join(os.fsencode(name) + b"\0" for name in names))
    fields = os.fsdecode(listing).split("\0")
    drivers = None
    converted, identified = set(), set()
    for path, attribute, value in zip(fields[0::3], fields[1::3], fields[2::3]):
        if value in ("unspecified", "unset"):
            continue
        if attribute == "filter":
            drivers = _configured_drivers(top) if drivers is None else drivers
            if value not in drivers:
                continue
        (identified if attribute == "ident" else converted).add(path)
    return converted, identified - converted


def _configured_drivers(top: Path) -> set[str]:
    """The filter drivers git's configuration gives a command to write a checkout's file with."""
    try:
        listing = git(top, "config", "-z", "--get-regexp", r"^filter\..*\.(smudge|process)$")
    except GitError:  # status 1: none configured
        return set()
    keys = (os.fsdecode(entry.partition(b"\n")[0]) for entry in listing.split(b"\0") if entry)
    return {key[len("filter."):key.rindex(".")] for key in keys}


def checkout_path(root: Path, name: str, prefix: str) -> Path | None:
    """Where the repository path `name`, under `prefix`, goes under `root`; None for a path no checkout writes, with
    a '..', '.', '.git' or empty part, as git archive refused it: a tree made with `git mktree` may hold
    content/../../x, and read through cat-file a commit holding one had csops diff or What's new write its file
    outside the scratch folder, wherever the user may write (~/.bashrc)."""
    parts = name[len(prefix):].split("/") if name.startswith(prefix) else []
    if not parts or any(part in ("", ".", "..") or part.lower() == ".git" for part in parts):
        return None
    return root.joinpath(*parts)
