"""Design points: which parameter combinations a sweep runs, and each run's seed.

Every varied parameter has a *sample space* that the samplers work in:

* a linear range: ``[low, high]``; an integer range: ``[low, high + 1)`` (floored);
* a log range: ``[log10 low, log10 high]``;
* a list of ``values``: ``[0, k)`` with the index floored (categories).

grid and random designs are built with numpy/itertools; lhs, sobol (Saltelli)
and morris use SALib's samplers on a SALib ``problem`` over those spaces, so
that the same problem and sample matrix can be fed back to SALib's analysers.
The design table keeps both the parameter values and the sample-space
coordinates (columns ``sample__<name>``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .spec import ParameterSpec, SweepSpec

SAMPLE_PREFIX = "sample__"

_ARROW_TYPES = {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_(), "str": pa.string()}


def arrow_type(p: ParameterSpec) -> pa.DataType:
    """Arrow type of a parameter's column in design and results tables."""
    return _ARROW_TYPES[p.value_type]


def sample_bounds(p: ParameterSpec) -> tuple[float, float]:
    """Bounds of a varied parameter's sample space (see module docstring)."""
    if p.kind == "values":
        return 0.0, float(len(p.values or ()))
    assert p.low is not None and p.high is not None
    if p.log:
        return float(np.log10(p.low)), float(np.log10(p.high))
    if p.integer:
        return float(p.low), float(p.high) + 1.0
    return float(p.low), float(p.high)


def to_values(p: ParameterSpec, u: np.ndarray) -> list[Any]:
    """Map sample-space coordinates ``u`` to parameter values (plain Python)."""
    if p.kind == "values":
        values = p.values or []
        idx = np.clip(np.floor(u).astype(np.int64), 0, len(values) - 1)
        return [values[i] for i in idx]
    if p.log:
        return [float(v) for v in np.power(10.0, u)]
    if p.integer:
        return [int(v) for v in np.clip(np.floor(u), p.low, p.high)]
    return [float(v) for v in u]


def grid_levels(p: ParameterSpec, levels: int) -> tuple[list[Any], list[float]]:
    """Grid levels of one parameter: ``(values, sample-space coordinates)``."""
    if p.kind == "values":
        values = list(p.values or [])
        return values, [i + 0.5 for i in range(len(values))]
    assert p.low is not None and p.high is not None
    if p.log:
        u = np.linspace(np.log10(p.low), np.log10(p.high), levels)
        return [float(v) for v in np.power(10.0, u)], [float(x) for x in u]
    if p.integer:
        vals = sorted({round(float(v)) for v in np.linspace(p.low, p.high, levels)})
        return vals, [float(v) + 0.5 for v in vals]
    u = np.linspace(p.low, p.high, levels)
    return [float(v) for v in u], [float(v) for v in u]


def salib_problem(spec: SweepSpec) -> dict:
    """The SALib ``problem`` dict over the varied parameters' sample spaces."""
    varied = spec.varied
    return {
        "num_vars": len(varied),
        "names": [p.name for p in varied],
        "bounds": [list(sample_bounds(p)) for p in varied],
    }


@dataclass
class Design:
    """The design points of a sweep.

    Attributes:
        table: one row per point: ``point_id``, a column per parameter (varied
            and fixed, in file order) and ``sample__<name>`` per varied parameter.
        problem: SALib problem (sample spaces of the varied parameters).
        method, seed, replicates: copied from the spec.
    """

    table: pd.DataFrame
    problem: dict
    method: str
    seed: int
    replicates: int
    parameter_names: list[str] = field(default_factory=list)
    _columns: dict[str, list] | None = None

    @property
    def n_points(self) -> int:
        """Number of design points."""
        return len(self.table)

    @property
    def total_runs(self) -> int:
        """Points times replicates."""
        return self.n_points * self.replicates

    def parameters_of(self, point_id: int) -> dict:
        """Parameter values of one point as a plain dict (what the model gets)."""
        if self._columns is None:  # plain-Python column lists: compact, and no numpy scalars leak out
            self._columns = {n: [_native(v) for v in self.table[n].tolist()] for n in self.parameter_names}
        return {n: col[point_id] for n, col in self._columns.items()}

    def sample_matrix(self) -> np.ndarray:
        """Sample-space matrix (points x varied parameters), as SALib expects."""
        cols = [SAMPLE_PREFIX + n for n in self.problem["names"]]
        return self.table[cols].to_numpy(dtype=float) if cols else np.empty((self.n_points, 0))

    def arrow_table(self, spec: SweepSpec) -> pa.Table:
        """The design as an Arrow table with stable column types."""
        arrays, names = [pa.array(self.table["point_id"].to_numpy(), pa.int64())], ["point_id"]
        for p in spec.parameters.values():
            arrays.append(pa.array(list(self.table[p.name]), arrow_type(p)))
            names.append(p.name)
        for n in self.problem["names"]:
            arrays.append(pa.array(self.table[SAMPLE_PREFIX + n].to_numpy(dtype=float), pa.float64()))
            names.append(SAMPLE_PREFIX + n)
        return pa.Table.from_arrays(arrays, names=names)


def _native(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _sample_matrix(spec: SweepSpec, problem: dict) -> np.ndarray:
    d = spec.design
    n_vars = problem["num_vars"]
    if d.method == "random":
        rng = np.random.default_rng(d.seed)
        lo = np.array([b[0] for b in problem["bounds"]])
        hi = np.array([b[1] for b in problem["bounds"]])
        return lo + rng.random((d.samples or 0, n_vars)) * (hi - lo)
    if d.method == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, d.samples, seed=d.seed)
    if d.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, d.samples, calc_second_order=d.second_order, seed=d.seed)
    if d.method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, d.samples, num_levels=d.effective_levels, seed=d.seed)
    raise ValueError(f"unknown design method {d.method!r}")  # pragma: no cover - validated earlier


def build_design(spec: SweepSpec) -> Design:
    """Generate the design points of ``spec`` (deterministic given the design seed)."""
    problem = salib_problem(spec)
    varied = spec.varied
    columns: dict[str, list] = {}
    if spec.design.method == "grid":
        levels = spec.design.effective_levels or 1
        per = [grid_levels(p, levels) for p in varied]
        combos = list(itertools.product(*[range(len(v)) for v, _ in per])) if per else [()]
        for j, p in enumerate(varied):
            vals, us = per[j]
            columns[p.name] = [vals[c[j]] for c in combos]
            columns[SAMPLE_PREFIX + p.name] = [us[c[j]] for c in combos]
        n = len(combos)
    else:
        matrix = _sample_matrix(spec, problem)
        n = matrix.shape[0]
        for j, p in enumerate(varied):
            columns[p.name] = to_values(p, matrix[:, j])
            columns[SAMPLE_PREFIX + p.name] = [float(x) for x in matrix[:, j]]
    data: dict[str, Any] = {"point_id": np.arange(n, dtype=np.int64)}
    for p in spec.parameters.values():
        data[p.name] = columns[p.name] if p.kind != "fixed" else [p.value] * n
    for p in varied:
        data[SAMPLE_PREFIX + p.name] = np.asarray(columns[SAMPLE_PREFIX + p.name], dtype=float)
    table = pd.DataFrame(data)
    return Design(table=table, problem=problem, method=spec.design.method, seed=spec.design.seed,
                  replicates=spec.replicates, parameter_names=list(spec.parameters))


def run_seed(design_seed: int, point_id: int, replicate: int) -> int:
    """Seed of one run, derived from the design seed, point and replicate.

    Uses numpy's SeedSequence so that seeds are well mixed and independent of
    the backend, the batch size and the order runs finish in. 63-bit, so it
    fits a signed 64-bit column."""
    ss = np.random.SeedSequence(entropy=design_seed, spawn_key=(point_id, replicate))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def run_id_of(point_id: int, replicate: int, replicates: int) -> int:
    """Run id: ``point_id * replicates + replicate`` (dense, ordered by point)."""
    return point_id * replicates + replicate
