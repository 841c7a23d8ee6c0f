"""Every console example in README.md is what a real run prints today (timings aside)."""

from __future__ import annotations

import pytest

from readme_console import README, blocks, comparable, run_block

BLOCKS = blocks(README.read_text(encoding="utf-8"))


def test_readme_has_console_examples():
    assert len(BLOCKS) >= 6 and {b.scenario for b in BLOCKS} >= {"bundled", "empty", "ja"}


@pytest.mark.parametrize("block", BLOCKS, ids=[f"{b.scenario}:{b.commands[-1][:40]}" for b in BLOCKS])
def test_console_example_is_a_real_run(block):
    assert comparable(run_block(block)) == comparable(block.body), "run: python tests/readme_console.py"
