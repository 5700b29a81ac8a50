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


def _subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_option_help_is_shown_whole_in_an_80_column_window(path, command):
    """rich cut a Chinese sentence that did not fit its column with "…" (25 characters of
    --holiday-policy's help were all a user saw); and the value column said <str>, <bool>."""
    from rich.text import Text
    from typer.testing import CliRunner

    out = CliRunner().invoke(app, [*path, "--help"], terminal_width=80).output
    texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
    assert out.count("…") == sum(t.count("…") for t in texts), f"{' '.join(path)} --help cuts a text short:\n{out}"
    assert not re.search(r"<(?:str|int|bool|path|float|list)", out), out
    # Chinese wraps between characters, and never puts a comma or a full stop first on a line
    assert not re.search(r"(?m)(?:^|\s{2})[，。、；：？！）”]", out), f"{' '.join(path)}:\n{out}"
    flat = "".join(out.replace("│", "").split())
    for param in command.params:
        helptext = getattr(param, "help", None)
        if helptext:
            plain = "".join(Text.from_markup(helptext).plain.split())
            assert _subsequence(plain, flat), f"{' '.join(path)} {param.name}: help not shown whole"


@pytest.mark.parametrize(("args", "says"), [
    (["report", "quarterly", "--year", "2017", "--quarter", "x"], "'--quarter' / '-q' 应为整数。"),
    (["report", "quarterly", "--year", "20x7"], "'--year' / '-y' 应为整数，如 2017。"),
    (["calendar", "20x7"], "'year' 应为整数，如 2017。"),
])
def test_a_number_typed_wrong_is_said_in_chinese_with_an_example_that_fits(args, says):
    """--quarter x said “应为整数，如 2017” — a year as the example of a quarter."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, args, terminal_width=200)
    assert result.exit_code == 2 and says in result.output, result.output


def test_usage_lines_speak_chinese():
    """helper-33 #14: 用法：partyday export [OPTIONS] COMMAND [ARGS]..."""
    from typer.testing import CliRunner

    from partyday_cli.cli.main import app

    text = CliRunner().invoke(app, ["export", "--help"]).stdout
    assert "用法：partyday export [选项] 命令 [参数]..." in text and "[OPTIONS]" not in text
