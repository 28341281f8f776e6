"""``python -m sim.sweep run FILE`` / ``python -m sim.sweep analyze DIR``.

A minimal stand-alone entry point (the project CLI ``ddsim sweep`` /
``ddsim analyze`` calls the same functions)."""

from __future__ import annotations

import argparse
import sys

from .cli import analyze_command, sweep_command
from .hooks import DEFAULT_EVALUATE


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the chosen command; return its exit code."""
    parser = argparse.ArgumentParser(prog="python -m sim.sweep", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run or resume a sweep")
    run.add_argument("file")
    run.add_argument("--scheduler", default=None,
                     help="serial | local | local-threads | tcp://host:port (default: local processes)")
    run.add_argument("--workers", type=int, default=None)
    run.add_argument("--force-new", action="store_true")
    run.add_argument("--no-progress", action="store_true")
    run.add_argument("--evaluate", default=DEFAULT_EVALUATE, help="model function, 'pkg.module:function'")
    run.add_argument("--batch-size", type=int, default=None)
    ana = sub.add_parser("analyze", help="summaries, indices and plots of a results folder")
    ana.add_argument("dir")
    args = parser.parse_args(argv)
    if args.command == "run":
        return sweep_command(args.file, args.scheduler, args.workers, args.force_new, args.no_progress,
                             evaluate=args.evaluate, batch_size=args.batch_size)
    return analyze_command(args.dir)


if __name__ == "__main__":
    sys.exit(main())
