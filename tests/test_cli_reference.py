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


def _example_lines(command) -> list[str]:
    epilog = command.epilog or ""
    return [line.strip() for line in epilog.split("Examples:", 1)[-1].splitlines() if line.strip()] if epilog else []


def test_every_command_shows_examples_that_its_options_take():
    """`csops --help` and each command's help showed options only; a new user read `csops mv -h` or `csops diff -h`
    and still had to find README to learn the words (first-hour walkthrough). Each now ends in runs to copy, and
    each run is parsed here as Click parses it, so an option renamed later cannot leave its example behind."""
    import shlex

    import click

    from generator.cli import main

    commands = [("csops", main)] + [(full, command) for full, command, _ in iter_commands()]
    for full, command in commands:
        if isinstance(command, click.Group) and full != "csops":
            continue  # `csops report` lists its one command, whose help has the examples
        lines = _example_lines(command)
        assert lines and all(line.startswith("csops ") for line in lines), f"{full}: {lines}"
        for line in lines:
            words = shlex.split(line, comments=True)
            words = words[:words.index("<")] if "<" in words else words
            if "COMMAND" in words:
                continue  # `csops COMMAND -h`, the pointer to the others
            context, args = None, words[1:]
            current, name = main, "csops"
            while True:
                context = current.make_context(name, list(args), parent=context)
                if not isinstance(current, click.Group):
                    break
                name, current, args = current.resolve_command(context, context._protected_args + context.args)
            assert context.command_path.startswith(full), f"{line!r} runs {context.command_path}, shown under {full}"


def test_new_says_where_its_file_goes_and_what_an_id_may_be():
    """`csops new -h` said only 'Scaffold a valid content file whose comments explain each field': a Japanese editor
    typed `csops new playbook 解約対応` and learnt from the error that an id is ASCII and the Japanese is a title,
    and where the file went from the line it printed (first-hour walkthrough)."""
    from click.testing import CliRunner

    from generator.cli import main
    from generator.kinds import KINDS_BY_CLI_WORD

    shown = CliRunner().invoke(main, ["new", "-h"], terminal_width=200).output
    description = " ".join(shown.split("Options:")[0].split())
    assert "content/FOLDER/ID.yml" in description, shown
    assert all(f"{word}: {kind.folder}" in description for word, kind in KINDS_BY_CLI_WORD.items()), shown
    assert "ASCII" in description and "in any language, is --title" in description, shown
