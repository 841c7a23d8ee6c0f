"""What the environment has installed is read once, and read again once a package is installed or removed."""

from __future__ import annotations

import os

from generator.installed import entry_points, version


def _install(folder, name: str) -> None:
    dist = folder / f"{name.replace('-', '_')}-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[mkdocs.plugins]\n{name} = json:JSONDecoder\n", encoding="utf-8")
    os.utime(folder, ns=(os.stat(folder).st_atime_ns, os.stat(folder).st_mtime_ns + 1_000_000))  # as pip's seconds later


def test_a_plugin_installed_or_removed_while_a_process_runs_is_known_to_its_next_check(tmp_path, monkeypatch):
    """`csops serve` runs for hours: a plugin pip-installed meanwhile, then named in mkdocs.yml, must not be
    'not installed' until the server restarts, nor one uninstalled still be known."""
    assert "material" in entry_points("mkdocs.themes") and version("mkdocs")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "csops-probe-plugin" not in entry_points("mkdocs.plugins") and version("csops-probe-plugin") is None
    _install(tmp_path, "csops-probe-plugin")
    assert "csops-probe-plugin" in entry_points("mkdocs.plugins") and version("csops-probe-plugin") == "1.0"
    for path in sorted(tmp_path.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert "csops-probe-plugin" not in entry_points("mkdocs.plugins") and version("csops-probe-plugin") is None
