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
