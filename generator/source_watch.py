"""What the preview watches to rebuild on a save: the files a build reads, and no editor's scratch files.

MkDocs' own watcher walks the folders it is given whole; SourceTree hands the watcher the project's top level
through content/, templates/, mkdocs.yml, what mkdocs.yml names (mkdocs_yaml.files_it_names), the link to the live
site and git's record of HEAD, and nothing else.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

# Files editors write beside the one being edited, never content (folders with such names may be: 2024/):
# vim's swap files (.name.swp, .swo, ...), its probe that it may create files (4913, 5036, ...) and backups
# (name~); emacs' auto-save (#name#) and lock (.#name) files; JetBrains' safe-write copies (name___jb_tmp___);
# kate's swap file (name.kate-swp); the copy an atomic save writes and renames over the file (name.tmp, gedit's
# .goutputstream-XXXXXX): seen by a poll, it rebuilt once before the save's own rebuild.
EDITOR_SCRATCH = re.compile(r"\..+\.sw[a-p]|[0-9]+|.+~|#.*#|\.#.*|.+___jb_(?:tmp|old)___|.+\.kate-swp|.+\.tmp"
                            r"|\.goutputstream-.+")


class SourceTree:
    """The files a rebuild reads, as the preview's watcher lists them: in the project folder only content/,
    templates/ and mkdocs.yml (never build/, site/ or .git/), and below them no link to a folder and no file an
    editor writes while one edits (EDITOR_SCRATCH: each rewrite of vim's swap file rebuilt and reloaded the page).

    MkDocs watched content/ itself: deleting and recreating it (`rm -r content && git checkout content`) stopped
    the watch for good, so no later save rebuilt; and a link in content/ to a large folder outside the project,
    which the build does not read, was walked every half second (half a core, for as long as the server ran).

    `published`: the name of the link to the live site (site/) when it is in the project folder, watched as the
    link alone (a build leaves it as it is): `git clean -fdx` or `rm -r build site` while serving left every page
    a 404 until the next save. Only its going away is a change: a new project's first build makes it, and that
    rebuilt the site once more and reloaded the page ("rebuilt 20 pages" right after "serving", nothing saved).

    Of .git/ only logs/HEAD, the record git appends to whenever HEAD moves: What's new is built from the history,
    and a repository begun while serving (`git init`, the first commit) has no such file when the preview starts."""

    GIT_HEAD_LOG = (".git", "logs", "HEAD")

    def __init__(self, project: Path, names: tuple[str, ...], published: str | None = None):
        self.root = str(project)
        self.fixed_names = frozenset(names) | ({published} if published else set()) | {self.GIT_HEAD_LOG[0]}
        self.names = self.fixed_names  # and the top-level names of what mkdocs.yml names (follow_config)
        self.outside: set[str] = set()  # what mkdocs.yml names outside the project, watched each on its own
        self.published = os.path.join(self.root, published) if published else None
        self.published_name = published
        self.git_steps = {os.path.join(self.root, *self.GIT_HEAD_LOG[:depth]): self.GIT_HEAD_LOG[depth]
                          for depth in range(1, len(self.GIT_HEAD_LOG))}
        self.published_seen = False  # until the first build has made the link, it is listed as if it were there

    def follow_config(self, server, site=None) -> None:
        """Watch what mkdocs.yml names (the files of its INHERIT chain, custom_dir, hooks, `watch:`), as it reads
        now: at the start and again after each rebuild (`site`, the SiteConfig that build read, or None after a
        failed one, when it is read here), since a save there was never built. Read once at the start, a file mkdocs.yml came to name while serving (an INHERIT or
        a hook added) stayed unwatched: its saves showed nothing until another file's save rebuilt. Those in the
        project are watched through this tree's walk (never build/, site/ or .git/), those outside it each on its
        own."""
        from .mkdocs_yaml import files_it_names, read_config
        from .paths import GENERATED_DIR

        project = Path(self.root)
        if site is not None:
            raw, inherited = site.raw, site.inherited
        else:
            try:
                read = read_config(project)
                raw, inherited = read.raw, read.inherited
            except Exception:  # noqa: BLE001 - a tag MkDocs cannot build: the rebuild said why
                raw, inherited = None, ()
        named = files_it_names(project, raw if isinstance(raw, dict) else {}, inherited)
        tops = {path.relative_to(project).parts[0] for path in named if path.is_relative_to(project) and path != project}
        self.names = self.fixed_names | (tops - {GENERATED_DIR, self.published_name, ".git"})
        for path in named:
            if not path.is_relative_to(project) and path.exists() and str(path) not in self.outside:
                self.outside.add(str(path))
                server.watch(str(path))

    def listdir(self, folder: str):
        folder = os.path.abspath(folder)
        with os.scandir(folder) as entries:
            if folder in self.git_steps:
                return [entry for entry in entries if entry.name == self.git_steps[folder]]
            if folder != self.root:
                return [entry for entry in entries if entry.is_dir() or not EDITOR_SCRATCH.fullmatch(entry.name)]
            listed = [entry for entry in entries if entry.name in self.names]
        if self.published and not self.published_seen and all(e.name != self.published_name for e in listed):
            listed.append(_Named(self.published_name))  # not made yet: listed as it will be (stat() says how)
        return listed

    def stat(self, path: str) -> os.stat_result:
        """A link's target (a change to a linked file rebuilds), except a link to a folder below the project's top
        level: given as the link itself, so the walk does not enter it. content/ may itself be a link."""
        if path == self.published:
            return self._published_stat()
        own = os.lstat(path)
        if not stat.S_ISLNK(own.st_mode):
            return own
        try:
            target = os.stat(path)
        except OSError:  # a dangling link (an emacs lock file): its own change is the change
            return own
        if stat.S_ISDIR(target.st_mode) and os.path.dirname(os.path.abspath(path)) != self.root:
            return own
        return target

    def published_made(self) -> None:
        """The first build is over: from now on the link's absence is a deletion to rebuild after, even when it
        went before the watcher's next look (`rm -r build site` right after the first build was never built)."""
        self.published_seen = True

    def _published_stat(self) -> os.stat_result:
        """One and the same stat while the link is there or not made yet, so the first build's making it and
        each build's publishing are no change; once made, it is no longer listed while missing: deleting it is."""
        if os.path.lexists(self.published):
            self.published_seen = True
        return _UNCHANGING


_UNCHANGING = os.stat_result((stat.S_IFLNK | 0o777, 0, 0, 1, 0, 0, 0, 0, 0, 0))


class _Named:
    """A directory entry for a path not made yet: all the watcher reads of one is its name."""

    def __init__(self, name: str):
        self.name = name


def watch_sources(server, site) -> SourceTree:
    """Rebuild on any change to what the build reads, from now on, the project's top folder watched so content/ or
    templates/ can be deleted and made again; csops' own templates too when the project has none, and git's
    record of HEAD (What's new showed a commit made while serving only after the next save): in the project's own
    .git/ through the tree's walk, so a repository begun while serving is seen too."""
    import watchdog.observers.polling

    from .history import head_log
    from .mkdocs_yaml import CONFIG_FILE

    class StartedOnce(watchdog.observers.polling.PollingObserverVFS):
        """Started here, before the first build (its first look at the files is then); MkDocs' serve() starts it
        again, which does nothing. Started by serve() only, a save during the first build was never built."""

        def start(self):
            if not self.is_alive():
                super().start()

    project = site.project
    published = site.site_dir.name if site.site_dir.parent == project else None
    tree = SourceTree(project, ("content", "templates", CONFIG_FILE), published)
    server.observer = StartedOnce(tree.stat, tree.listdir, polling_interval=0.5)
    server.watch(str(project))
    tree.follow_config(server, site)
    if not site.templates_dir.resolve().is_relative_to(project):
        server.watch(str(site.templates_dir.resolve()))
    commits = head_log(project)  # What's new and the feed are built from the content's git history
    if commits is not None and commits != project.joinpath(*SourceTree.GIT_HEAD_LOG).resolve():
        server.watch(str(commits))  # a repository whose top is above the project, or a worktree's
    server.observer.start()
    return tree
