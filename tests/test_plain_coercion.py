"""Options are read without pydantic when their values are plain (cli/main `_PlainValues`),
exactly as Typer's own coercion reads them; anything else still goes through Typer.

Typer ≥ 0.2x coerces each parameter through a pydantic TypeAdapter, and importing pydantic
costs more than a bare Typer app's `--help` (benchmarks/startup.py times `calendar -f json`).
"""

from __future__ import annotations

import subprocess
import sys
from enum import Enum
from pathlib import Path

import pytest
import typer
from typer.main import get_command

from partyday_cli.cli.main import COMMANDS, _PlainValues, app

ROOT = get_command(app)


def _params():  # type: ignore[no-untyped-def]
    seen = {}

    def walk(command):  # type: ignore[no-untyped-def]
        for p in command.params:
            if isinstance(getattr(p, "_runtime_param", None), _PlainValues):
                seen.setdefault(p.type_descriptor.annotation, (command, p))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(ROOT)
    for name in COMMANDS:
        walk(ROOT.real_command(name))
    return seen


PARAMS = _params()


def _samples(kind, tmp_path: Path) -> list[object]:  # type: ignore[no-untyped-def]
    if kind is int:
        return ["2017", "0", "-3", "007", " 12", "+5", "1_000", "x", "", "1.5", 42]
    if kind is str:
        return ["每月第二周星期三", "", " a "]
    if kind is bool:
        return [True, False, "true", "no"]
    if kind is Path:
        readable = tmp_path / "有.txt"
        readable.write_text("x", encoding="utf-8")
        return [str(readable), str(tmp_path), str(tmp_path / "没有" / "x.xlsx"), "-", "."]
    assert issubclass(kind, Enum)
    return [*(m.value for m in kind), *(m.value.upper() for m in kind), "bad", next(iter(kind))]


def test_every_kind_of_option_is_covered():
    kinds = set(PARAMS)
    assert {str, int, bool, Path} <= kinds and any(isinstance(k, type) and issubclass(k, Enum) for k in kinds)


@pytest.mark.parametrize("kind", list(PARAMS), ids=lambda k: getattr(k, "__name__", str(k)))
def test_plain_values_read_as_typer_reads_them(kind, tmp_path):
    from typer._coercion import build_runtime_param

    command, param = PARAMS[kind]
    ctx = typer.Context(command)
    typer_own = build_runtime_param(param.type_descriptor)
    for value in [None, *_samples(kind, tmp_path)]:
        try:
            want = ("ok", typer_own.coerce(value, param=param, ctx=ctx))
        except Exception as exc:  # noqa: BLE001 - the same refusal is wanted
            want = ("refused", type(exc), str(exc))
        try:
            got = ("ok", param._runtime_param.coerce(value, param=param, ctx=ctx))
        except Exception as exc:  # noqa: BLE001
            got = ("refused", type(exc), str(exc))
        assert got == want, (kind, value)
        if got[0] == "ok":
            assert type(got[1]) is type(want[1]), (kind, value)


def test_calendar_as_json_does_not_import_pydantic():
    code = ("import sys; from partyday_cli.cli.main import run; sys.argv = ['partyday', 'calendar', '2017',"
            " '-r', 'month.week2.wed', '-f', 'json']\ntry: run()\nexcept SystemExit: pass\n"
            "print('pydantic' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert '"2017-01-11"' in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "False"
