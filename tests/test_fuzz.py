"""Seeded fuzzing of what editors and clients send: content that validates must build, and no command answers odd
input with a traceback. Each test is deterministic (a fixed seed, a small count) and runs in seconds; a longer run
with another seed and count is how the defects these pin were found (FUZZ_SEED=n FUZZ_CASES=n runs one)."""

from __future__ import annotations

import copy
import os
import random
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main

CASES = int(os.environ.get("FUZZ_CASES", "0"))
SEED = int(os.environ.get("FUZZ_SEED", "1"))

# What an editor might paste into any one field: markup, template syntax, scheme links, text direction and
# invisible characters, YAML's own words, blanks, line breaks and separators, lengths at and past the limits.
HOSTILE_TEXT = [
    "<script>alert(1)</script>", "[x](javascript:alert(1))", '<a href="javascript:alert(1)">x</a>', "XJ{{ 7*7 }}X",
    "{% raw %}", "{%- if x %}", "}}", "\u202eevil", "e\u0301\u0301", "😀👨‍👩‍👧", "a\u200bb", "ＡＢＣ", "", " ", "\t",
    "a\nb", "a\u2028b", "~", "null", "true", "2026-01-01", "0x10", "-", "..", "#", "playbook:", "playbook:nope",
    "T-0d", "T+99999d", "`", "```", "*", "<img src=x onerror=alert(1)>", "<!--", "x" * 3000, "a" * 64, "a" * 65,
    "UPPER-case", "a--b", "日本語", "csm", "qbr", "[x]: javascript:alert(1)", "<iframe src=x>", "&#106;avascript:",
]
# What a field may hold instead of text: numbers, booleans, nothing, empty and nested containers.
OTHER_VALUES = [None, True, False, 0, -1, 1.5, 10**20, [], {}, [None], ["x"], {"x": 1}, [[]]]
DELETE = object()


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, path + (index,))


class _Tagged:
    """A !!python/… value of mkdocs.yml (toc's slugify), kept as written: fuzzed too, but dumped back as it was."""

    def __init__(self, tag: str, value):
        self.tag, self.value = tag, value


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader, suffix, node):
    value = loader.construct_mapping(node, deep=True) if isinstance(node, yaml.MappingNode) else \
        loader.construct_sequence(node, deep=True) if isinstance(node, yaml.SequenceNode) else loader.construct_scalar(node)
    return _Tagged(node.tag, value)


def _represent_tagged(dumper, tagged):
    if isinstance(tagged.value, dict):
        return dumper.represent_mapping(tagged.tag, tagged.value)
    if isinstance(tagged.value, list):
        return dumper.represent_sequence(tagged.tag, tagged.value)
    return dumper.represent_scalar(tagged.tag, tagged.value)


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_Dumper.add_representer(_Tagged, _represent_tagged)


def _mutated(rng: random.Random, text: str) -> tuple[str, str]:
    """The file's YAML with one field replaced, removed or copied from elsewhere in it; and what was done."""
    data = yaml.load(text, Loader=_Loader)
    path = rng.choice([p for p in _paths(data) if p])
    current = data
    for step in path:
        current = current[step]
    roll = rng.random()
    if isinstance(current, (list, dict)) and roll < 0.4:  # a list or mapping written as one value
        value = rng.choice([5, True, 1.5, "x", None, 10**20])
    elif roll < 0.5:
        value = rng.choice(HOSTILE_TEXT)
    elif roll < 0.8:
        value = copy.deepcopy(rng.choice(OTHER_VALUES))
    elif roll < 0.9:
        value = DELETE
    else:
        value = data
        for step in rng.choice([p for p in _paths(data) if p]):
            value = value[step]
        value = copy.deepcopy(value)
    node = data
    for step in path[:-1]:
        node = node[step]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    described = f"{path!r} = {'(removed)' if value is DELETE else repr(value)[:60]}"
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=rng.random() < 0.5, sort_keys=False,
                     width=rng.choice([80, 10**6])), described


class _Injected(HTMLParser):
    """Markup from content that a browser would run: a script holding the payload, an on* handler or a
    javascript: link, an iframe, or a template expression evaluated."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        if tag == "iframe":
            self.found.append("<iframe>")
        for name, value in attrs:
            value = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on") and "alert" in value or name in ("href", "src") and value.startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data or "XJ49X" in data:
            self.found.append(data[:80])


LOCATED = re.compile(r"^\S.*:\d+:\d+: (error|warning|notice): .*\[[\w-]+\]$")
SUMMARY = re.compile(r"^(no|\d+) errors?\b")


@pytest.fixture(scope="module")
def starter(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("starter") / "portal"
    assert CliRunner().invoke(main, ["init", "--project", str(project)]).exit_code == 0
    return project


def test_content_that_validates_builds_and_runs_no_script(starter, tmp_path):
    """One field of the starter portal at a time (every content kind, mkdocs.yml) given a hostile, mistyped, removed
    or copied value: validate answers with located lines and exit 1, or passes, and then the build succeeds and
    no page runs what the field held. Found: 'terms: true', 'items: 5', a blank tag, '\\u2028' in an id,
    markdown_extensions' settings ('toc: 5'), and two spellings of one tag sharing an anchor."""
    rng = random.Random(SEED)
    runner = CliRunner()
    files = sorted(p.relative_to(starter).as_posix() for p in starter.glob("content/**/*.yml")) + ["mkdocs.yml"]
    builds = 0
    for case in range(CASES or 60):
        project = tmp_path / f"c{case}"
        shutil.copytree(starter, project)
        name = rng.choice(files)
        text, described = _mutated(rng, (starter / name).read_text(encoding="utf-8"))
        (project / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        where = f"case {case}: {name} {described}"
        validated = runner.invoke(main, ["validate", "--project", str(project), "--format", "text"])
        assert validated.exit_code in (0, 1) and not isinstance(validated.exception, Exception) or \
            isinstance(validated.exception, SystemExit), f"{where}\n{validated.output}\n{validated.exception!r}"
        unlocated = [line for line in validated.output.splitlines() if not LOCATED.match(line) and not SUMMARY.match(line)]
        assert not unlocated, f"{where}: {unlocated}"
        if validated.exit_code == 1 or (builds >= 6 and not CASES):  # a few builds keep it to seconds
            shutil.rmtree(project)
            continue
        builds += 1
        built = runner.invoke(main, ["build", "-q", "--project", str(project)])
        assert built.exit_code == 0 and not isinstance(built.exception, Exception) or isinstance(built.exception, SystemExit), \
            f"{where}: validate passed, build failed\n{built.output}\n{built.exception!r}"
        assert built.exit_code == 0, f"{where}: validate passed, build failed\n{built.output}"
        for page in (project / "site").rglob("*.html"):
            parser = _Injected()
            parser.feed(page.read_text(encoding="utf-8"))
            assert not parser.found, f"{where}: {page.relative_to(project)} runs {parser.found}"
        shutil.rmtree(project)
