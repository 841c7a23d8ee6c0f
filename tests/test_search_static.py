"""Material's client-side search on the Japanese example: its own shipped worker, run under Node, finds Japanese pages.

The traps: with jieba importable, Material segments at build time with a Chinese dictionary and joins tokens
with U+200B, which the Japanese separator ignores; the separator in mkdocs.yml must reach the index.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys

import pytest

from conftest import REPO, copy_bundled
from generator.pipeline import build_portal

sys.path.insert(0, str(REPO / "benchmarks"))
from search_quality import material_ranks  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run Material's search worker")


@pytest.fixture(scope="module")
def japanese(tmp_path_factory):
    project = copy_bundled(tmp_path_factory.mktemp("ja-static"), REPO / "examples/ja")
    build_portal(project)
    return project


def test_jieba_is_not_installed():
    assert importlib.util.find_spec("jieba") is None, "uninstall jieba: Material would segment Japanese as Chinese"


def test_search_index_keeps_the_japanese_separator_and_no_zero_width_joins(japanese):
    index = json.loads((japanese / "site/search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en", "ja"]
    assert "(?<=[\\u3040-\\u309f])" in index["config"]["separator"]
    assert not any("\u200b" in doc["text"] for doc in index["docs"])


def test_materials_worker_finds_japanese_pages(japanese):
    queries = [{"q": "解約の予兆", "url": "faq/health-and-risk/#churn-signs"},
               {"q": "値引き", "url": "faq/renewals/#discount-request"},
               {"q": "ユーザー会の開催", "url": "playbooks/user-community/#run-event"}]
    ranks = material_ranks(japanese, queries)
    assert all(rank is not None and rank <= 5 for rank in ranks), ranks


def test_static_index_holds_the_models_search_documents_and_the_glossary(japanese):
    """One home for what is searchable: the client index lists what the API indexes, page then items, then glossary terms."""
    from generator.index import collect_documents
    from generator.pipeline import load_portal

    portal = load_portal(japanese)
    index = json.loads((japanese / "site/search/search_index.json").read_text(encoding="utf-8"))
    expected = [d.url for d in collect_documents(portal, "ja")]
    expected += ["glossary/"] + [f"glossary/#{t.id}" for t in portal.glossary]
    assert [doc["location"] for doc in index["docs"]] == expected
    step = next(d for d in collect_documents(portal, "ja") if d.kind == "step")
    entry = next(doc for doc in index["docs"] if doc["location"] == step.url)
    assert entry["title"] == step.title and step.body.split("\n")[0] in entry["text"]


def test_the_static_index_is_written_byte_for_byte_as_materials_plugin_writes_it(japanese):
    """The index worker writes the entries' JSON and the build sets it where Material's plugin writes its own list
    (json.dumps in the build process was 50 ms of every build at 1,000 playbooks): the file is what Material's
    generate_search_index gives for those entries and this site's search settings, byte for byte."""
    from material.plugins.search.plugin import SearchIndex

    from generator.index import collect_documents
    from generator.ui_labels import load_labels
    from generator.mkdocs_config import read_site_config
    from generator.pipeline import load_portal
    from generator.static_search import material_entries

    portal = load_portal(japanese)
    written = (japanese / "site/search/search_index.json").read_bytes()
    config = json.loads(written)["config"]
    site = read_site_config(japanese)
    glossary_title = load_labels(site.templates_dir, site.language)["glossary"]
    index = SearchIndex(**config)
    index.entries = material_entries(collect_documents(portal, "ja"), portal, glossary_title)
    assert written == index.generate_search_index(None).encode("utf-8")
