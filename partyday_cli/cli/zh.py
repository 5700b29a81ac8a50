"""Chinese for the words Typer and its bundled click print: help headings and usage errors.

Both look their messages up through a module-level gettext `_` at call time, so
replacing that name with a table lookup translates them without touching their code.
What is not in the table stays as it is.
"""

from __future__ import annotations

import sys

_EXACT = {
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "Error": "错误",
    "Aborted.": "已中止。",
    "Aborted!": "已中止！",
    "Show this message and exit.": "显示本帮助并退出。",
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.":
        "显示当前 shell 的补全脚本。",
    "[default: {}]": "[默认: {}]",
    "default: {default}": "默认: {default}",
    "[required]": "[必填]",
    "required": "必填",
    "(deprecated) ": "（已弃用）",
    "[env var: {}]": "[环境变量: {}]",
    "env var: {var}": "环境变量: {var}",
    "Missing command.": "缺少子命令。",
    "No such command {name!r}.": "没有子命令 {name!r}。",
    "Try [blue]'{command_path} {help_option}'[/] for help.":
        "运行 [blue]'{command_path} {help_option}'[/] 查看用法。",
    "Try {command} for help.": "运行 {command} 查看用法。",
    "Usage:": "用法：",
    "Missing argument {param_hint}.": "缺少参数 {param_hint}。",
    "Missing option {param_hint}.": "缺少选项 {param_hint}。",
    "Missing parameter {param_hint}.": "缺少参数 {param_hint}。",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "No such option: {name}": "没有这个选项：{name}",
    "Did you mean {possibility}?": "您是否想用 {possibility}？",
    "(Possible options: {possibilities})": "（可能的选项：{possibilities}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value!r} is not one of {choice}.": "{value!r} 不是可选值 {choice} 之一。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值 {choices} 之一。",
    "Show the version and exit.": "显示版本并退出。",
}


# Typer's bundled click builds most usage errors from literals, so the finished message is
# translated by pattern instead.
_PATTERNS = [
    (r"No such option: (\S+)", r"没有这个选项：\1"),
    (r"\(Possible options: (.*?)\)", r"（可能是：\1）"),
    (r"Did you mean (.*?)\?", r"您是否想用 \1？"),
    (r"Missing argument '(.+?)'\.", r"缺少参数 \1。"),
    (r"Missing option '(.+?)'\.", r"缺少选项 \1。"),
    (r"Missing parameter '(.+?)'\.", r"缺少参数 \1。"),
    (r"Invalid value for (.+?): Input should be a valid integer.*",
     lambda m: f"{m[1]} 应为整数{'，如 2017' if 'year' in m[1] else ''}。"),
    (r"Invalid value for (.+?): (?:Value error, )?'(.*?)' is not one of (.*)\.",
     r"\1 的取值“\2”无效，可选：\3。"),
    (r"Invalid value for (.+?): (.*)", r"\1 的取值无效：\2"),
    (r"Option '(.+?)' requires an argument\.", r"选项 \1 后面需要一个值。"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*?)\)", r"多余的参数：\1"),
    (r"No such command '(.+?)'\.", r"没有子命令 \1。"),
    (r"Missing command\.", "缺少子命令。"),
    (r"。\. ", "。"),
]


def translate_message(message: str) -> str:
    import re

    for pattern, replacement in _PATTERNS:
        message = re.sub(pattern, replacement, message)
    return message


def _zh(message: str) -> str:
    return _EXACT.get(message, message)


def _zh_plural(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


_CONSTANTS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "DEFAULT_STRING": "[默认: {}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量: {}]",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看用法。",
}


def install() -> None:
    """Translate the Typer/click modules already loaded, and typer's rich help when (and
    only when) typer imports it: rich costs ~0.1 s, which a `--format json` run never needs."""
    import typer._click.decorators  # noqa: F401  (loaded lazily by click; translate it too)

    for modname, module in list(sys.modules.items()):
        if not modname.startswith("typer") or module is None:
            continue
        if callable(getattr(module, "_", None)):
            module._ = _zh  # type: ignore[attr-defined]
        if callable(getattr(module, "ngettext", None)):
            module.ngettext = _zh_plural  # type: ignore[attr-defined]
    _patch_usage_prefix()
    _patch_help_option()
    if "typer.rich_utils" in sys.modules:
        _translate_rich_utils(sys.modules["typer.rich_utils"])
    elif not any(isinstance(f, _AfterRichUtils) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterRichUtils())


class _AfterRichUtils:
    """An import hook that translates typer.rich_utils right after it is first imported."""

    def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
        if name != "typer.rich_utils":
            return None
        import importlib.util

        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        original = spec.loader.exec_module

        def exec_module(module):  # type: ignore[no-untyped-def]
            original(module)
            _translate_rich_utils(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _translate_rich_utils(rich_utils) -> None:  # type: ignore[no-untyped-def]
    for name, value in _CONSTANTS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, value)
    if callable(getattr(rich_utils, "_", None)):
        rich_utils._ = _zh
    _patch_error_messages(rich_utils)
    _patch_help_wrapping(rich_utils)
    _patch_type_labels()
    from partyday_cli.render.cjkwrap import install

    install()


def _patch_help_wrapping(rich_utils) -> None:  # type: ignore[no-untyped-def]
    """rich wraps at spaces and cuts a longer run with "…" (a table column's overflow):
    a Chinese sentence is one such run, so an option's help lost all but its first 20
    characters in an 80-column window. Folded instead, it breaks where the line ends,
    as Chinese may."""
    original = rich_utils._make_rich_text
    if getattr(original, "_partyday", False):
        return

    def make_rich_text(*args, **kwargs):  # type: ignore[no-untyped-def]
        text = original(*args, **kwargs)
        if hasattr(text, "overflow"):
            text.overflow = "fold"
        return text

    make_rich_text._partyday = True  # type: ignore[attr-defined]
    rich_utils._make_rich_text = make_rich_text


# what the help's value column says of an option's value, for people, not for Python
_TYPE_LABELS = {"str": "文字", "int": "整数", "float": "数字", "path": "路径", "file": "路径",
                "directory": "文件夹", "datetime": "日期", "date": "日期"}


def _type_label(label: str | None) -> str | None:
    """'<int>' → '整数', '<list[str]>' → '文字（可多次）', '<table|json>' → 'table | json'."""
    if not label:
        return label
    inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
    several = inner.startswith("list[") and inner.endswith("]")
    if several:
        inner = inner[5:-1]
    inner = inner.removesuffix("...")
    shown = _TYPE_LABELS.get(inner.lower(), inner).replace("|", " | ")  # choices wrap at the bars
    return f"{shown}（可多次）" if several else shown


def _patch_type_labels() -> None:
    """Typer names a value's Python type (<str>, <list[str]>, <bool> even for a switch that
    takes none); rich also reads "[str]" as markup. Chinese words instead, nothing for a
    switch."""
    import typer.core as core

    for cls in (core.TyperOption, core.TyperArgument):
        original = cls.display_type_rich
        if getattr(original, "_partyday", False):
            continue

        def display_type_rich(self, ctx, _original=original):  # type: ignore[no-untyped-def]
            if getattr(self, "is_flag", False) or getattr(self, "count", False):
                return None
            if getattr(self, "metavar", None) is not None:
                return self.metavar
            return _type_label(_original(self, ctx))

        display_type_rich._partyday = True  # type: ignore[attr-defined]
        cls.display_type_rich = display_type_rich  # type: ignore[method-assign]


def _patch_error_messages(rich_utils) -> None:  # type: ignore[no-untyped-def]
    original = rich_utils.rich_format_error
    if getattr(original, "_partyday", False):
        return

    def rich_format_error(exc):  # type: ignore[no-untyped-def]
        english = exc.format_message
        exc.format_message = lambda: translate_message(english())
        return original(exc)

    rich_format_error._partyday = True  # type: ignore[attr-defined]
    rich_utils.rich_format_error = rich_format_error


def _patch_help_option() -> None:
    # the help option's text is a literal in the bundled click, not a gettext call
    import typer._click.decorators as decorators

    original = decorators.help_option
    if getattr(original, "_partyday", False):
        return

    def help_option(param_decls):  # type: ignore[no-untyped-def]
        decorate = original(param_decls)

        def apply(command):  # type: ignore[no-untyped-def]
            command = decorate(command)
            command.params[-1].help = "显示本帮助并退出。"
            return command

        return apply

    help_option._partyday = True  # type: ignore[attr-defined]
    decorators.help_option = help_option


def _patch_usage_prefix() -> None:
    # click writes "Usage: " as a literal, not through gettext
    import typer._click.formatting as formatting

    original = formatting.HelpFormatter.write_usage
    if getattr(original, "_partyday", False):
        return

    def write_usage(self, prog, args="", prefix=None):  # type: ignore[no-untyped-def]
        # the metavars too: "[OPTIONS] COMMAND [ARGS]..." read as English on a Chinese screen
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        return original(self, prog, args, "用法：" if prefix is None else prefix)

    write_usage._partyday = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
