"""Walk `content/` by kind and load each file as located data; refuse what must not be read.

Files outside the project (through links), special files and oversized files are
refused with a located Problem; editor backups are skipped with a warning.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .conflict_markers import conflict_problems
from .escaping import visible
from .kinds import CATALOG_FILES, DOCUMENT_KINDS
from .located_yaml import MAX_FILE_BYTES, parse_yaml
from .paths import GENERATED_DIR, MV_PENDING_SUFFIX, NO_PORTAL_FIX
from .problems import Problem
from .rename_journal import interrupted

# parse problems after which the file's data is still whole, so every other rule checks it too
READ_WHOLE = {"duplicate-key", "comment-in-value", "entry-in-text"}

YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Document:
    """One content file: its kind, project-relative path, file stem and located data."""

    kind: str
    path: str
    stem: str
    data: object


# Byte-order marks of the encodings an editor may save in instead of UTF-8 (UTF-32's first: it starts like UTF-16's)
_FOREIGN_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"),
                 (codecs.BOM_UTF16_BE, "UTF-16"))


# Japanese legacy encodings an editor may save in, as Python names them and as editors' encoding menus do. EUC-JP
# first: its byte pairs are also Shift_JIS' half-width katakana, while Shift_JIS' lead bytes 0x81-0x9f are no EUC-JP.
_JAPANESE_ENCODINGS = (("euc_jp", "EUC-JP"), ("cp932", "Shift_JIS"))
_KANA = re.compile("[\u3041-\u30ff]")


def _japanese_encoding(raw: bytes, start: int) -> str | None:
    """The Japanese encoding a file that is no UTF-8 was saved in, when it reads whole as Japanese text in one and
    nothing before its first odd byte was UTF-8 beyond ASCII (a UTF-8 file with one pasted byte is not called so).
    Kana tell Japanese: Latin-1's 'é' before a letter also reads as a Shift_JIS kanji."""
    if not raw[:start].isascii():
        return None
    for codec, name in _JAPANESE_ENCODINGS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return name if _KANA.search(text) else None
    return None


def read_text(file: Path, path: str, conflict_hint: str = "") -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 within MAX_FILE_BYTES, reporting the position of the first undecodable byte and any
    merge-conflict block git left in it (`conflict_hint`: how to resolve one in this kind of file)."""
    try:
        if not stat.S_ISREG(file.stat().st_mode):  # a link to a FIFO or device would block or never end
            return None, [Problem(path, 1, 1, "unreadable-file", "cannot read the file: it links to something that is not a file",
                                  "link only to regular files, or copy the file here")]
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows after a stat
    except OSError as error:
        return None, [Problem(path, 1, 1, "unreadable-file", f"cannot read the file: {error.strerror or error}",
                              "check that it is a file you can read (permissions, a dangling link)")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(path, 1, 1, "file-too-large", f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB",
                              "split it into several files: one playbook, checklist, FAQ topic or chart per file")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        foreign = next((name for bom, name in _FOREIGN_BOMS if raw.startswith(bom)), None)
        if foreign:  # Notepad's "Unicode", PowerShell 5's Out-File: 'byte 0xff' named neither
            return None, [Problem(path, 1, 1, "not-utf8", f"file is {foreign} (it starts with {foreign}'s byte-order "
                                  "mark), not UTF-8", "re-save the file with UTF-8 encoding")]
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        # characters, as every other column: after Japanese text the byte count was three columns a character
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8").removeprefix("\ufeff")) + 1
        japanese = _japanese_encoding(raw, error.start)
        if japanese:  # Windows' Japanese editors save Shift_JIS: 'byte 0x83' left the editor to guess which
            return None, [Problem(path, line, col, "not-utf8", f"file is {japanese}, not UTF-8",
                                  f're-save it as UTF-8: in VS Code, "Reopen with Encoding" {japanese}, then '
                                  '"Save with Encoding" UTF-8')]
        return None, [Problem(path, line, col, "not-utf8", f"file is not UTF-8 (byte 0x{raw[error.start]:02x})",
                              "re-save the file with UTF-8 encoding")]
    text = text.removeprefix("\ufeff")
    conflicts = conflict_problems(path, text, conflict_hint)
    return (None, conflicts) if conflicts else (text, [])


def problem_path(path: str) -> str:
    """A project-relative path as its file's Problems name it: bytes that are no UTF-8, and control, direction and
    invisible characters, written out. `csops validate FILE` matches the files named by this too."""
    return os.fsencode(path).decode("utf-8", "backslashreplace") if not _utf8(path) else visible(path)


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _relative(file: Path, project: Path) -> str:
    try:
        return file.relative_to(project).as_posix()
    except ValueError:
        return file.as_posix()


def _inside(file: Path, root: Path, folders: dict[Path, bool] | None = None) -> bool:
    """Whether a path, links followed, is one of the project's own files (resolves_inside): content must live in the
    repository.

    `folders` keeps whether each folder resolves inside, for a caller asking of many files: a file that is no
    link is where its folder resolves to, and resolving each of 1,000 playbooks checked every folder of its
    path again (84 ms of every build)."""
    try:
        if folders is None or file.is_symlink():
            return resolves_inside(file, root)
        folder = file.parent
        if folder not in folders:
            folders[folder] = resolves_inside(folder, root)
        return folders[folder]
    except (OSError, RuntimeError):  # a link loop
        return False


def resolves_inside(path: Path, root: Path) -> bool:
    """Whether `path`, links followed, is one of the project's (`root`, resolved) own files: in it, and not in a
    dot entry at its top (.git, .env, .venv) nor in build/, which are the machine's, as a file outside is. A
    committed link templates/assets/x.css -> ../../.git/config published the token a CI checkout keeps there,
    and one to .env the secrets in it. Raises OSError or RuntimeError (a link loop) as Path.resolve does."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        return False
    parts = resolved.relative_to(root).parts
    if parts and (parts[0].startswith(".") or parts[0] == GENERATED_DIR):
        return False
    return not (parts and path.is_symlink() and ignored_by_git(resolved, root))


def ignored_by_git(path: Path, root: Path) -> bool:
    """Whether git ignores `path` in the project `root`: a file no commit holds, written on this machine (red team: a
    CI step's credentials, gha-creds-….json beside the checkout, were published through a committed link
    templates/assets/x.json to them). Asked only of a link's target: one git process apiece."""
    from .git_revisions import GitError, git

    try:
        git(root, "check-ignore", "-q", "--", path.relative_to(root).as_posix())
    except GitError:  # not ignored (status 1), no repository, no git
        return False
    return True


def outside_project(file: Path, root: Path, path: str, folders: dict[Path, bool] | None = None) -> Problem | None:
    """The error for a project file (`path`) that is a link leading out of the project (`root`, resolved), which is
    neither read nor written through: a committed link's target is the machine's, not the repository's (a
    published-urls.txt linked to ~/.aws/credentials showed its lines in validate's errors). `folders`: see _inside."""
    if _inside(file, root, folders):
        return None
    what = "a file outside the project"
    try:
        target = file.resolve()
        if target.is_relative_to(root):  # .git, a dot file, build/ or a file git ignores (resolves_inside)
            top = target.relative_to(root).parts[0]
            what = (f"{top} in the project, which is this machine's, not the repository's"
                    if top.startswith(".") or top == GENERATED_DIR else
                    f"{target.relative_to(root).as_posix()}, which git ignores: this machine's file, not the repository's")
    except (OSError, RuntimeError):
        pass
    return Problem(path, 1, 1, "outside-project", f"links to {what}",
                   "content must live in the repository: copy the file here instead of linking to it")


def _looks_like_yaml(name: str) -> bool:
    lower = name.lower()
    return ".yml" in lower or ".yaml" in lower


def _is_editor_lock(path: Path) -> bool:
    # Emacs marks a file being edited with a dangling link '.#name.yml'; it is not content.
    return path.name.startswith(".#")


class _Entry:
    """An entry under content/ as the walk listed it, asked what it is (links followed or not) of the listing, which
    knows it for everything but a link, instead of a stat for each question: about ten for each file, 54 ms of
    every build and validate at 1,000 playbooks. Answers as Path would, an error being no."""

    __slots__ = ("path", "name", "_listed")

    def __init__(self, path: Path, listed: os.DirEntry):
        self.path, self.name, self._listed = path, listed.name, listed

    @property
    def suffix(self) -> str:
        return self.path.suffix

    def is_symlink(self) -> bool:
        return _answer(self._listed.is_symlink)

    def is_dir(self) -> bool:
        return _answer(self._listed.is_dir)

    def is_file(self) -> bool:
        return _answer(self._listed.is_file)


def _answer(question) -> bool:
    try:
        return question()
    except OSError:  # a link loop, or a target this user may not look at: Path's is_file says no too
        return False


def _walk(content_dir: Path) -> list[_Entry]:
    """Every entry under content/, as sorted(content_dir.rglob("*")) lists them: folders that are links are listed
    but not entered, and a folder that may not be read is passed over."""
    found: list[_Entry] = []

    def walk(folder: Path) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except PermissionError:
            return
        for listed in entries:
            entry = _Entry(folder / listed.name, listed)
            found.append(entry)
            if entry.is_dir() and not entry.is_symlink():
                walk(entry.path)

    walk(content_dir)
    found.sort(key=lambda entry: entry.path.parts)  # Path's own order
    return found


def _entry_problems(project: Path, entries: list[_Entry]) -> list[Problem]:
    """Warnings for what the walk below passes over, so nothing is skipped without a word. `entries`: _walk's."""
    problems = []
    half_renamed = interrupted(project)
    if half_renamed is not None:
        problems.append(Problem("content", 1, 1, "interrupted-rename",
                                f"the rename of {half_renamed} was interrupted: some files have the new id, others not",
                                "run `csops mv --finish` to complete it"))
    for entry in entries:
        path = _relative(entry.path, project)
        if entry.name.endswith(MV_PENDING_SUFFIX):
            if half_renamed is None:
                problems.append(Problem(path, 1, 1, "skipped-file", "not read: a new text an interrupted csops mv left",
                                        "if nothing else is reported, the rename changed nothing: delete it (the next "
                                        "`csops mv` does); if ids are unknown, it got half way and its journal in build/ "
                                        "is gone: `git checkout -- content` undoes it", "warning"))
        elif entry.is_symlink() and entry.is_dir():
            problems.append(Problem(path, 1, 1, "skipped-file", "not read: csops does not follow links to folders",
                                    "move the files into content/ itself", "warning"))
        elif entry.suffix in YAML_SUFFIXES and not entry.is_symlink() and not entry.is_file():  # links: read_text reports them
            problems.append(Problem(path, 1, 1, "skipped-file", "not read: it is a folder or special file, not a YAML file",
                                    "rename it so its name does not end in .yml or .yaml", "warning"))
        elif _is_editor_lock(entry) or (entry.is_file() and entry.suffix not in YAML_SUFFIXES and _looks_like_yaml(entry.name)):
            problems.append(Problem(path, 1, 1, "skipped-file", "not read: only files ending in .yml or .yaml are content",
                                    "delete it if it is an editor backup, or rename it to end in .yml", "warning"))
    return problems


def discover_files(content_dir: Path, entries: list[_Entry]) -> list[tuple[str, Path]]:
    """List (kind, file) for every content file, sorted so runs are deterministic. `entries`: _walk's."""
    found: list[tuple[str, Path]] = []
    for kind, name in CATALOG_FILES.items():
        for suffix in YAML_SUFFIXES:
            candidate = content_dir / Path(name).with_suffix(suffix)
            if candidate.is_file() or candidate.is_symlink():
                found.append((kind, candidate))
    for kind in DOCUMENT_KINDS:
        directory = content_dir / kind.folder
        kind = kind.name
        # a kind's folder that is a link is not read, as its warning says (_entry_problems): walked from it, its
        # files were read anyway, though the preview's watcher never looks into a linked folder for their changes
        if directory.is_dir() and not directory.is_symlink():
            under = directory.parts
            found.extend((kind, e.path) for e in entries if e.path.parts[:len(under)] == under
                         and len(e.path.parts) > len(under) and e.suffix in YAML_SUFFIXES and _is_file_or_link(e))
    known = {f for _, f in found}
    for stray in entries:
        if stray.suffix in YAML_SUFFIXES and _is_file_or_link(stray) and stray.path not in known:
            found.append(("unknown", stray.path))
    return found


def _is_file_or_link(path: Path | _Entry) -> bool:
    # A dangling link is listed too: reading it reports it instead of skipping it silently.
    return not _is_editor_lock(path) and (path.is_file() or (path.is_symlink() and not path.is_dir()))


def load_content(project: Path, cache=None) -> tuple[list[Document], list[Problem]]:
    """Load every content file of a project; never raises on bad content.

    `cache` (content_cache.ContentCache) gives unchanged files' data without parsing them.
    """
    content_dir = project / "content"
    if not content_dir.is_dir():
        return [], [Problem("content", 1, 1, "no-content", f"no content/ folder in {project}",
                            NO_PORTAL_FIX)]
    root = project.resolve()
    documents: list[Document] = []
    entries = _walk(content_dir)
    problems: list[Problem] = _entry_problems(project, entries)
    folders = ", ".join(f"content/{k.folder}/" for k in DOCUMENT_KINDS)
    resolved: dict[Path, bool] = {}
    for kind, file in discover_files(content_dir, entries):
        path = _relative(file, project)
        if not _utf8(path):  # bytes that are no UTF-8 in the name: every later step that hashes or prints it failed
            problems.append(Problem(problem_path(path), 1, 1,
                                    "file-name-encoding", "the file name is not valid UTF-8",
                                    "rename the file (letters, digits and hyphens, ending in .yml)"))
            continue
        if visible(path) != path:  # a line break or tab in a name forged lines in CODEOWNERS and in text reports
            problems.append(Problem(problem_path(path), 1, 1, "file-name-characters",
                                    "the file name holds a line break, tab, control or invisible character",
                                    "rename the file (letters, digits and hyphens, ending in .yml)"))
            continue
        outside = outside_project(file, root, path, resolved)
        if outside:
            problems.append(outside)
            continue
        if kind == "unknown":
            problems.append(Problem(path, 1, 1, "unknown-file", "not a known content location",
                                    f"move it into one of {folders} or name it content/roles.yml, settings.yml, glossary.yml"))
            continue
        text, read_problems = read_text(file, path)
        problems.extend(read_problems)
        if text is None:
            continue
        found = cache.lookup(path, text) if cache is not None else None
        data, parse_problems = found if found is not None else parse_yaml(text, path)
        if cache is not None and found is None:
            cache.parsed(path, data, parse_problems)
        problems.extend(parse_problems)
        if data is not None and all(p.code in READ_WHOLE for p in parse_problems):
            documents.append(Document(kind, path, file.stem, data))
    return documents, problems
