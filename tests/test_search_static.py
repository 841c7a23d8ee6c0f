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
