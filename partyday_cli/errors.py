"""The one user-facing exception and the Problem value.

A `UserError` is something the user must fix: it reaches the terminal as one Chinese
line on stderr and exit code 1. Anything else is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One data problem, with where it was found.

    `message` is Chinese and says what is wrong and how to fix it; the location fields
    are optional and rendered in front of it ("roster.xlsx 花名册 第5行 C列：…").
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"{self.column}列")
        return " ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}：{self.message}" if where else self.message
        return " ".join(text.splitlines())  # a cell's Alt+Enter quoted back stays on one line


class UserError(Exception):
    """Something the user must fix. Printed as Chinese lines, exit code 1."""

    exit_code = 1

    def __init__(self, message: str | Problem, *, problems: list[Problem] | None = None):
        self.problems: list[Problem] = list(problems or [])
        if isinstance(message, Problem):
            self.problems.insert(0, message)
            message = str(message)
        self.message = message
        super().__init__(message)

    def lines(self) -> list[str]:
        """The lines to print: the message, then every further problem."""
        out = [self.message]
        out += [line for line in map(str, self.problems) if line != self.message]
        return out
