"""Error types of the sweep subsystem.

Bad user input never surfaces as a traceback: it is collected into
:class:`Issue` objects and raised as one :class:`SweepFileError` (a problem in
the sweep file) or :class:`SweepStateError` (a problem with the results folder
or the environment), both subclasses of :class:`SweepError`.
"""

from __future__ import annotations

from sim.issues import Issue

__all__ = ["Issue", "SweepError", "SweepFileError", "SweepStateError"]


class SweepError(Exception):
    """Base class of every expected (user-facing) sweep error."""


class SweepFileError(SweepError):
    """A sweep file is invalid. ``.issues`` lists every problem found."""

    def __init__(self, file: str, issues: list[Issue]):
        self.file = file
        self.issues = list(issues)
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.issues)
        head = f"{self.file}: {n} problem{'s' if n != 1 else ''} in the sweep file"
        return head + "\n" + "\n".join(f"  {i}" for i in self.issues)

    def __str__(self) -> str:
        return self._render()


class SweepStateError(SweepError):
    """The results folder or the environment does not allow the requested run
    (sweep file changed since the folder was started, folder locked by another
    sweep, evaluate function not importable, ...)."""


class SweepRuntimeError(SweepError):
    """The sweep cannot go on (e.g. the workers cannot import the model, or keep
    dying). Results stored so far are kept; rerunning resumes."""


class EvaluateImportError(Exception):
    """Raised inside a worker when the evaluate function cannot be imported.

    Kept to plain string arguments so it pickles across processes and Dask."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(path, reason)

    def __str__(self) -> str:
        return f"cannot import the evaluate function {self.path!r}: {self.reason}"
