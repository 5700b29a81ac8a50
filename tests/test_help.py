"""Every command has Chinese help with an example (a command without one fails here)."""

import re

import pytest
from typer.main import get_command

from partyday_cli.cli.main import app

ROOT = get_command(app)


def walk(command, path=()):  # type: ignore[no-untyped-def]
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name in list(subcommands):
            real = command.real_command(name) if hasattr(command, "real_command") else subcommands[name]
            yield from walk(real, (*path, name))
    else:
        yield path, command


COMMANDS = list(walk(ROOT))


def test_the_tree_has_the_spec_commands():
    names = {" ".join(p) for p, _ in COMMANDS}
    for expected in ("calendar", "holidays show", "holidays import", "init", "roster import",
                     "roster list", "plan", "signsheet", "record", "attend import", "attend list",
                     "attend set"):
        assert expected in names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_help_is_chinese_with_an_example(path, command):
    text = command.help or ""
    assert re.search(r"[\u4e00-\u9fff]", text), f"{path}: help is not Chinese"
    assert "示例" in text and "partyday " in text, f"{path}: help has no example"
    for param in command.params:
        if param.name in ("help",):
            continue
        helptext = getattr(param, "help", None)
        if getattr(param, "param_type_name", "") == "option":
            assert helptext and re.search(r"[\u4e00-\u9fff]", helptext), f"{path} {param.name}"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_config_sections_named_in_help_are_shown(path, command):
    """rich reads [attendance.aliases] as markup and drops it: a help that names a
    partyday.toml section must show it (written \\\\[…] in the docstring)."""
    from typer.testing import CliRunner

    texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
    named = {m for t in texts for m in re.findall(r"\[([a-z_]+(?:\.[a-z_]+)*)\]", t)}
    if not named:
        return
    shown = "".join(CliRunner().invoke(app, [*path, "--help"], terminal_width=200).output.split())
    for name in named:
        assert f"[{name}]" in shown, f"{' '.join(path)}: [{name}] is missing from --help"
