"""The results folder: manifest, design and append-only Parquet parts.

Layout::

    <output>/
      manifest.json        sweep file text + sha256, versions, design, backend, times
      design.parquet       the design points (written once)
      runs/part-00001.parquet, part-00002.parquet, ...   one file per finished batch
      .lock                held while a sweep writes here

Each part is written to a hidden temporary file and renamed into place, so a
part file is either complete or absent, whatever moment the process dies.
Readers (pandas, Polars, DuckDB, pyarrow) ignore the hidden temporaries.
Finished runs are found again by reading the ``run_id`` column of the parts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.provenance import file_sha256

from .design import Design, arrow_type
from .errors import SweepStateError
from .spec import SweepSpec

try:  # pragma: no cover - platform dependent
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory lock
    fcntl = None  # type: ignore[assignment]

PART_RE = re.compile(r"^part-(\d+)\.parquet$")
FORMAT = "ddsim-sweep/1"


def scenario_sha256(path: Path, input_files: Callable[[Path], list[Path]] | None = None
                    ) -> str | None:
    """sha256 of the scenario as the model reads it: of the file alone, or, when the
    model's ``input_files`` hook names several files (a variant file and the base it
    extends), of their hashes in order. None if a file cannot be read."""
    files = [Path(f) for f in input_files(path)] if input_files else [path]
    hashes = [file_sha256(f) for f in files]
    if None in hashes:
        return None
    if len(hashes) == 1:
        return hashes[0]
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()


def outcome_columns(names: list[str], keys: list[str]) -> list[str]:
    """Outcome columns for declared outcome ``names``, given the keys a
    successful run returned: a name returned as such is one column; a name the
    model expanded into ``<name>_<suffix>`` keys gives those columns (in the
    order returned). Keys that belong to no declared outcome are ignored."""
    cols: list[str] = []
    for n in names:
        if n in keys:
            cols.append(n)
        else:
            cols += [k for k in keys if k.startswith(n + "_") and k not in cols]
    return cols


def results_schema(spec: SweepSpec, columns: list[str] | None = None) -> pa.Schema:
    """Arrow schema of the run rows: ids, seed, one column per parameter and
    per outcome column (default: the declared outcome names), status, error
    and duration."""
    fields = [pa.field("run_id", pa.int64(), False), pa.field("point_id", pa.int64(), False),
              pa.field("replicate", pa.int64(), False), pa.field("seed", pa.int64(), False)]
    fields += [pa.field(p.name, arrow_type(p)) for p in spec.parameters.values()]
    fields += [pa.field(n, pa.float64()) for n in (spec.outcome_names if columns is None else columns)]
    fields += [pa.field("status", pa.string(), False), pa.field("error", pa.string()),
               pa.field("duration_s", pa.float64())]
    return pa.schema(fields)


def now_iso() -> str:
    """Current UTC time, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a hidden temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def atomic_write_parquet(path: Path, table: pa.Table) -> None:
    """Write a Parquet file atomically (hidden temporary file + rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


_HELD_LOCKS: weakref.WeakSet[ResultStore] = weakref.WeakSet()


def _close_locks_in_child() -> None:
    """In a forked worker, close the inherited folder-lock handles (without
    unlocking: the lock is the parent's). Otherwise a worker outliving a killed
    sweep would keep the folder locked and the sweep could not resume."""
    for store in list(_HELD_LOCKS):
        fd, store._lock_fd = store._lock_fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_locks_in_child)


class ResultStore:
    """Reads and writes one results folder. Only one sweep writes to a folder
    at a time (an advisory lock, released by the OS if the process dies)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.runs_dir = self.folder / "runs"
        self.manifest_path = self.folder / "manifest.json"
        self.design_path = self.folder / "design.parquet"
        self._lock_fd: int | None = None
        self._next_part = 1

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, spec: SweepSpec, force_new: bool = False, scenario_sha256: str | None = None
             ) -> tuple[ResultStore, str | None]:
        """Open (or create) the results folder of ``spec`` for writing.

        ``scenario_sha256``: the hash of the scenario as the model reads it
        (:func:`scenario_sha256`; default: of the scenario file alone).

        Returns ``(store, moved_to)``; ``moved_to`` is where an old folder was
        moved when ``force_new`` replaced it. Raises :class:`SweepStateError`
        if the folder belongs to a different version of the sweep file (and
        ``force_new`` is false) or another sweep is writing to it."""
        folder = spec.output_path
        store = cls(folder)
        folder.mkdir(parents=True, exist_ok=True)
        store._lock()
        reason = store._mismatch(spec, scenario_sha256 or file_sha256(spec.scenario_path))
        moved_to = None
        if reason:
            if not force_new:
                store.release()
                raise SweepStateError(
                    f"{folder} holds results of a different sweep: {reason}.\n"
                    "Refusing to mix them. Either restore the file as it was, set a different "
                    "`output:` folder, or start over with --force-new (the old folder is kept, renamed)."
                )
            store.release()
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            target = folder.with_name(f"{folder.name}.replaced-{stamp}")
            os.replace(folder, target)
            moved_to = str(target)
            folder.mkdir(parents=True)
            store._lock()
        store.runs_dir.mkdir(exist_ok=True)
        store.clean_temporaries()
        return store, moved_to

    def _mismatch(self, spec: SweepSpec, scenario_now: str | None) -> str | None:
        if self.manifest_path.exists():
            try:
                m = json.loads(self.manifest_path.read_text())
            except (OSError, ValueError) as exc:
                return f"its manifest.json cannot be read ({exc})"
            if m.get("sweep_sha256") != spec.sha256:
                return (f"the sweep file has changed since the folder was started "
                        f"(sha256 {str(m.get('sweep_sha256'))[:12]}... then, {spec.sha256[:12]}... now)")
            old = m.get("scenario_sha256")
            if old and scenario_now and old != scenario_now:
                return (f"the scenario file {spec.scenario} (or a file it extends) has changed "
                        "since the folder was started")
            return None
        if self.runs_dir.exists() and any(self.part_files()):
            return "it has run files but no manifest.json"
        return None

    def _lock(self) -> None:
        if fcntl is None:  # pragma: no cover
            return
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise SweepStateError(
                f"another sweep (pid {holder}) is writing to {self.folder}; "
                "wait for it to finish or stop it first") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd
        _HELD_LOCKS.add(self)

    def release(self) -> None:
        """Release the folder lock."""
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None
        _HELD_LOCKS.discard(self)

    # ---------------------------------------------------------------- manifest
    def read_manifest(self) -> dict:
        """The manifest (empty dict if there is none yet)."""
        try:
            return json.loads(self.manifest_path.read_text())
        except FileNotFoundError:
            return {}

    def write_manifest(self, manifest: dict) -> None:
        """Replace the manifest atomically."""
        data = json.dumps(manifest, indent=2, sort_keys=False, default=str).encode()
        atomic_write_bytes(self.manifest_path, data)

    def write_design(self, design: Design, spec: SweepSpec) -> None:
        """Store the design points once (kept if already there)."""
        if not self.design_path.exists():
            atomic_write_parquet(self.design_path, design.arrow_table(spec))

    # ---------------------------------------------------------------- parts
    def part_files(self) -> list[Path]:
        """Finished part files, in order."""
        if not self.runs_dir.exists():
            return []
        files = [p for p in self.runs_dir.iterdir() if PART_RE.match(p.name)]
        return sorted(files, key=lambda p: int(PART_RE.match(p.name).group(1)))  # type: ignore[union-attr]

    def clean_temporaries(self) -> None:
        """Remove temporary files left by a process that died mid-write."""
        for d in (self.folder, self.runs_dir):
            if d.exists():
                for p in d.iterdir():
                    if p.name.startswith(".") and p.name.endswith(".tmp"):
                        with contextlib.suppress(OSError):
                            p.unlink()

    def finished(self) -> tuple[set[int], int]:
        """Run ids already stored, and how many of them have status 'error'.

        A part that cannot be read (only possible after disk trouble) is moved
        aside as ``runs/.unreadable-<name>`` and its runs are redone."""
        done: set[int] = set()
        errors = 0
        last = 0
        for path in self.part_files():
            last = max(last, int(PART_RE.match(path.name).group(1)))  # type: ignore[union-attr]
            try:
                t = pq.read_table(path, columns=["run_id", "status"])
            except Exception:  # noqa: BLE001
                with contextlib.suppress(OSError):
                    os.replace(path, path.with_name(f".unreadable-{path.name}"))
                continue
            ids = t.column("run_id").to_pylist()
            status = t.column("status").to_pylist()
            for rid, st in zip(ids, status, strict=True):
                if rid not in done:
                    done.add(rid)
                    errors += st != "ok"
        self._next_part = last + 1
        return done, errors

    def write_part(self, table: pa.Table) -> Path:
        """Append one part file (atomically) and return its path."""
        path = self.runs_dir / f"part-{self._next_part:05d}.parquet"
        self._next_part += 1
        atomic_write_parquet(path, table)
        return path


def batch_table(result: dict, run_info: list[tuple[int, int, int, int]], design: Design,
                spec: SweepSpec, schema: pa.Schema, columns: list[str]) -> pa.Table:
    """Build the rows of one finished batch.

    ``result`` is :func:`~sim.sweep.worker.run_batch`'s output; ``run_info``
    lists ``(run_id, point_id, replicate, seed)`` of the batch's runs;
    ``columns`` are the outcome columns. A successful run that lacks one of
    them is stored as an error."""
    info = {r[0]: r for r in run_info}
    ids = result["run_id"]
    status = list(result["status"])
    error = list(result["error"])
    out: dict[str, list] = {c: [] for c in columns}
    for i, values in enumerate(result["values"]):
        if values is not None:
            missing = [c for c in columns if c not in values]
            if missing:
                status[i] = "error"
                error[i] = (f"evaluate returned no value for outcome column {missing[0]!r} "
                            f"(other runs of this sweep return it)")
                values = None
        for c in columns:
            out[c].append(None if values is None else values[c])
    cols: dict[str, list] = {"run_id": ids, "point_id": [info[i][1] for i in ids],
                             "replicate": [info[i][2] for i in ids], "seed": [info[i][3] for i in ids]}
    for name in spec.parameters:
        cols[name] = [design.parameters_of(info[i][1])[name] for i in ids]
    cols.update(out)
    cols["status"] = status
    cols["error"] = error
    cols["duration_s"] = result["duration_s"]
    return pa.Table.from_pydict(cols, schema=schema)


def stored_outcome_columns(store: ResultStore, spec: SweepSpec) -> list[str] | None:
    """Outcome columns of an existing results folder (manifest, else the first part's schema)."""
    cols = store.read_manifest().get("outcome_columns")
    if cols:
        return list(cols)
    parts = store.part_files()
    if not parts:
        return None
    names = pq.read_schema(parts[0]).names
    fixed = {"run_id", "point_id", "replicate", "seed", "status", "error", "duration_s", *spec.parameters}
    return [n for n in names if n not in fixed]
