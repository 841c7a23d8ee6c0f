"""Every command explains itself, and README's CLI reference is exactly what --help prints."""

from __future__ import annotations

from generator.clidoc import README, iter_commands, updated_readme


def test_every_command_and_option_has_help():
    for full, command, _ in iter_commands():
        assert command.help, f"{full} has no help text"
        for parameter in command.params:
            if parameter.param_type_name == "option" and parameter.name != "help":
                assert parameter.help, f"{full} option {parameter.name} has no help"


def test_readme_cli_reference_is_up_to_date():
    current = README.read_text(encoding="utf-8")
    assert updated_readme(current) == current, "run: python -m generator.clidoc"


def test_serve_no_reload_names_everything_a_save_rebuilds_on():
    """The preview rebuilds on a save to content/, templates/ or mkdocs.yml (source_watch.py); --no-reload's help named
    only the first two, so an editor could not tell that a mkdocs.yml edit also rebuilds."""
    from generator.cli import serve

    help_text = next(p.help for p in serve.params if p.name == "no_reload")
    assert all(watched in help_text for watched in ("content/", "templates/", "mkdocs.yml")), help_text
