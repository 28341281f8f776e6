"""User-facing input problems, shared by scenario and sweep files.

An :class:`Issue` names the file, the line, the field, what is wrong and how
to fix it; :func:`line_of` finds the line of a location in ruamel round-trip
data and :func:`field_path` renders the location (``events[3].actor``).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Issue:
    """One problem in an input file."""

    file: str
    line: int | None
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text}\n    fix: {self.hint}" if self.hint else text


class InputError(Exception):
    """Bad input: carries every issue found, not just the first."""

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.issues)
        head = f"{n} problem{'s' if n != 1 else ''} found:"
        return "\n".join([head, *(str(i) for i in self.issues)])


def field_path(loc: tuple[Any, ...]) -> str:
    """``('events', 3, 'actor')`` -> ``events[3].actor`` (list indices 0-based, as in YAML)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest element of ``loc`` found in ruamel round-trip data."""
    line = None
    node = data
    for part in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(part, int) and isinstance(node, list):
                if lc is not None and part < len(node):
                    line = lc.item(part)[0] + 1
                node = node[part]
            elif isinstance(node, dict) and part in node:
                if lc is not None:
                    line = lc.key(part)[0] + 1
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    if line is None and getattr(data, "lc", None) is not None:
        line = data.lc.line + 1
    return line


def display_path(path: str | Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def is_count(value: Any, minimum: int = 0) -> bool:
    """True if ``value`` is a whole number (Python or numpy, not a bool) of at least ``minimum``:
    the check of every count a user gives (steps, seeds, workers)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= minimum


def yaml_syntax_issue(file: str, exc: Exception) -> Issue:
    """An :class:`Issue` for a YAML parse error (ruamel's ``MarkedYAMLError``): its line,
    the parser's words, and the likely fix (tabs, repeated keys, tags, or the usual
    indentation, colon and quote slips)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = (getattr(exc, "problem", None) or getattr(exc, "context", None)
               or "invalid YAML").strip()
    if "'\\t'" in problem or "\t" in problem:
        hint = "YAML indents with spaces, not tabs: replace the tab on this line with spaces"
    elif "duplicate key" in problem:
        hint = "each key may appear once in a mapping; remove or rename the repeated key"
    elif "tag" in problem or "constructor" in type(exc).__name__.lower():
        hint = "these files are plain data: remove the `!!` tag"
    else:
        hint = "check indentation, colons and quotes on this line or the one above"
    return Issue(file, line, "", f"YAML syntax: {problem}", hint)
