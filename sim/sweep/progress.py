"""Progress display for a running sweep.

On a terminal (or in Jupyter) a rich progress bar shows runs done, rate, time
left and errors. Elsewhere (logs of a batch job, pipes) a plain line is
printed every ``interval`` seconds instead, so nothing waits on a display
that is not there.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _RateColumn(ProgressColumn):
    def render(self, task: Any) -> Text:
        """Runs per second (recent rate while running, average when finished)."""
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} runs/s" if speed else "- runs/s", style="cyan")


def _fmt_duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else (f"{m}m{s:02d}s" if m else f"{s}s")


class SweepProgress:
    """Context manager reporting sweep progress.

    Args:
        total: runs in the whole sweep.
        done: runs already stored (resumed sweeps start there).
        errors: stored runs with status 'error'.
        enabled: ``False`` shows nothing at all.
        interval: seconds between plain progress lines when not on a terminal.
    """

    def __init__(self, total: int, done: int = 0, errors: int = 0, enabled: bool = True,
                 interval: float = 30.0, console: Console | None = None):
        self.total, self.done, self.errors = total, done, errors
        self.enabled = enabled
        self.interval = interval
        self.console = console or Console(stderr=True)
        self._rich: Progress | None = None
        self._task: Any = None
        self._t0 = time.monotonic()
        self._start_done = done
        self._last_line = self._t0

    def __enter__(self) -> SweepProgress:
        if self.enabled and (self.console.is_terminal or self.console.is_jupyter):
            self._rich = Progress(
                TextColumn("[bold]sweep"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
                _RateColumn(), TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("left"),
                TimeRemainingColumn(), TextColumn("[red]{task.fields[errors]} errors"),
                console=self.console, transient=False, refresh_per_second=4,
            )
            self._rich.start()
            self._task = self._rich.add_task("sweep", total=self.total, completed=self.done,
                                             errors=self.errors)
        elif self.enabled:
            self._line(force=True)
        return self

    def advance(self, runs: int, errors: int = 0) -> None:
        """Record ``runs`` more stored runs, ``errors`` of them failed."""
        self.done += runs
        self.errors += errors
        if self._rich is not None:
            self._rich.update(self._task, advance=runs, errors=self.errors)
        elif self.enabled:
            self._line()

    def _line(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_line < self.interval:
            return
        self._last_line = now
        elapsed = now - self._t0
        new = self.done - self._start_done
        rate = new / elapsed if elapsed > 0 and new else 0.0
        left = (self.total - self.done) / rate if rate else None
        pct = 100.0 * self.done / self.total if self.total else 100.0
        msg = (f"sweep: {self.done:,}/{self.total:,} runs ({pct:.1f}%), {rate:,.1f} runs/s, "
               f"elapsed {_fmt_duration(elapsed)}, left {_fmt_duration(left) if left is not None else '?'}, "
               f"{self.errors} errors")
        print(msg, file=sys.stderr, flush=True)

    def __exit__(self, *exc: Any) -> None:
        if self._rich is not None:
            self._rich.stop()
        elif self.enabled:
            self._line(force=True)

    @property
    def elapsed(self) -> float:
        """Seconds since the display started."""
        return time.monotonic() - self._t0
