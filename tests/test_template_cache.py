"""Compiled templates are kept between builds, and a damaged cache never breaks one."""

from __future__ import annotations

import pytest

from generator.pipeline import build_portal
from generator.incremental import BUILD_KEY_FILE, RENDER_KEYS_FILE
from generator.paths import template_cache_dir
from test_build import _project, _tree_digest as _tree

pytestmark = pytest.mark.own_template_cache


def test_templates_compile_once_and_damaged_entries_compile_again(project_factory, tmp_path):
    project = _project(project_factory)
    build_portal(project)
    cache = template_cache_dir(project)
    entries = sorted(cache.iterdir())
    names = {p.name for p in entries}
    assert len(entries) > 20, "ours and the theme's templates were not cached"  # csops ~18, Material ~40
    before = _tree(project / "site")
    for entry in entries:
        entry.write_bytes(b"j2\x00not a template")  # truncated, foreign: must compile again
    # a full build, every page rendered: no build key to match (a comment added to mkdocs.yml no longer does it, the
    # key holds the settings as MkDocs reads them)
    (project / "build/current" / BUILD_KEY_FILE).unlink()
    (project / "build/current" / RENDER_KEYS_FILE).unlink()  # and csops renders every page again (none reused)
    assert build_portal(project).reused == 0
    assert _tree(project / "site") == before
    assert {p.name for p in cache.iterdir()} == names
    assert all(not p.read_bytes().startswith(b"j2\x00not") for p in cache.iterdir()), "damaged entries were not rewritten"


def test_a_rebuild_compiles_no_template(project_factory, monkeypatch):
    """Material's search plugin makes its own theme environment to read the language's defaults: it compiled
    partials/language.html in every run until the theme's environments all got the cache."""
    import jinja2

    project = _project(project_factory)
    build_portal(project)
    compiled = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    build_portal(project)
    assert compiled == []
