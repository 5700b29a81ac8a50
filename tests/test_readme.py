"""The README's promises: its two commands, and CI running the test one exactly."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## 快速开始", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_readme_has_the_two_commands():
    install, tests = readme_commands()[:2]
    assert "pip install ." in install and "partyday " in install
    assert 'pip install -e ".[test]"' in tests and tests.endswith("pytest")


def test_ci_runs_the_readme_test_command_exactly():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_every_shipped_template_file_is_packaged():
    """A file under templates/ that pyproject's package-data misses is absent after a plain
    `pip install .` (editable installs hide this): every one must match a pattern."""
    import fnmatch
    import tomllib

    patterns = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-data"]["partyday_cli.templates"]
    for path in (REPO / "templates").rglob("*"):
        if path.is_file() and path.suffix in (".xlsx", ".toml"):
            rel = path.relative_to(REPO / "templates").as_posix()
            assert any(fnmatch.fnmatch(rel, p) and rel.count("/") == p.count("/") for p in patterns), rel
