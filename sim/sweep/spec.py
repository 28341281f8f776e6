"""The sweep file: loading, validation and the typed :class:`SweepSpec`.

A sweep file is YAML (comments allowed), loaded safely with ruamel.yaml's
round-trip loader so that every error can name its line. Structure and types
are validated by pydantic; semantic checks (``low < high``, design method,
sample counts, parameter names known to the model, ...) add to the same list
of issues, and everything found is raised at once as
:class:`~sim.sweep.errors.SweepFileError`.

Example::

    scenario: ../scenarios/ukraine.yaml
    variant: no_sanctions
    parameters:
      trust_decay: {low: 0.01, high: 0.2, log: true}
      default_policy: {values: [reciprocal, balancing]}
      horizon_months: 60            # fixed: passed to every run, not varied
    design: {method: sobol, samples: 64, seed: 1}
    replicates: 5
    outcomes:
      - {name: mean_trust, pairs: [[UKR, POL]]}
    output: results/trust_sobol
"""

from __future__ import annotations

import difflib
import hashlib
import inspect
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .errors import Issue, SweepFileError
from .hooks import DEFAULT_KNOWN_PARAMETERS, DEFAULT_VALIDATE_OUTCOMES, optional_hook
from .source import format_loc, line_of, load_yaml, to_plain

METHODS = ("grid", "random", "lhs", "sobol", "morris")
"""Design methods a sweep file may name."""

RESERVED_COLUMNS = ("run_id", "point_id", "replicate", "seed", "status", "error", "duration_s")
"""Column names the results table uses itself; parameters and outcomes may not use them."""

DEFAULT_GRID_LEVELS = 5
DEFAULT_MORRIS_LEVELS = 4
MAX_POINTS = 10_000_000


Reporter = Callable[[tuple, str, str], None]


def _report(info: ValidationInfo) -> Reporter:
    ctx = info.context or {}
    return ctx.get("report") or (lambda loc, msg, hint: None)


def _fail(message: str, hint: str = "") -> PydanticCustomError:
    return PydanticCustomError("sweep", "{message}", {"message": message, "hint": hint})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class ParameterSpec(_Model):
    """One parameter of the sweep.

    Exactly one of: a range (``low``/``high``, optional ``log``/``integer``),
    a list of ``values`` (numbers, strings or booleans; sampled as categories),
    or a fixed ``value`` passed unchanged to every run."""

    name: StrictStr
    low: float | None = Field(default=None, strict=True)  # strict: ints ok, strings/booleans not
    high: float | None = Field(default=None, strict=True)
    values: list[Any] | None = None
    value: Any = None
    log: StrictBool = False
    integer: StrictBool = False
    unit: StrictStr | None = None
    description: StrictStr | None = None

    @property
    def kind(self) -> str:
        """``"range"``, ``"values"`` or ``"fixed"``."""
        if self.values is not None:
            return "values"
        if self.low is not None or self.high is not None:
            return "range"
        return "fixed"

    @property
    def value_type(self) -> str:
        """Arrow-friendly type of the column: ``float``, ``int``, ``bool`` or ``str``."""
        if self.kind == "range":
            return "int" if self.integer else "float"
        items = self.values if self.kind == "values" else [self.value]
        if all(isinstance(v, bool) for v in items):
            return "bool"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            return "int"
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
            return "float"
        return "str"

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> ParameterSpec:
        report = _report(info)
        loc = ("parameters", self.name)
        has_range = self.low is not None or self.high is not None
        kinds = [k for k, on in (("low/high", has_range), ("values", self.values is not None),
                                 ("value", self.value is not None)) if on]
        if not kinds:
            report(loc, "parameter has no low/high, values or value",
                   f"write `{self.name}: {{low: 0.1, high: 0.9}}` for a range, "
                   f"`{self.name}: {{values: [a, b]}}` for a list, or `{self.name}: 3` for a fixed value")
            return self
        if len(kinds) > 1:
            report(loc, f"parameter mixes {' and '.join(kinds)}",
                   "use either low/high (a range), values (a list) or value (fixed), not several")
            return self
        if self.name in RESERVED_COLUMNS or self.name.startswith("sample__"):
            report(loc, f"the name {self.name!r} is reserved for the results table",
                   f"rename the parameter (reserved: {', '.join(RESERVED_COLUMNS)}, sample__*)")
        if has_range:
            if self.low is None or self.high is None:
                missing = "high" if self.high is None else "low"
                report(loc, f"range is missing `{missing}`", f"add `{missing}:`; a range needs both low and high")
                return self
            for key in ("low", "high"):
                v = getattr(self, key)
                if not math.isfinite(v):
                    report(loc + (key,), f"{key} must be a finite number, got {v}", "write a finite number")
                    return self
            if self.low >= self.high:
                report(loc + ("low",), f"low ({_num(self.low)}) must be less than high ({_num(self.high)})",
                       "swap low and high, or use `value:` for a fixed parameter")
            if self.log and self.low <= 0:
                report(loc + ("log",), f"log scale needs low > 0, got low = {_num(self.low)}",
                       "raise low above 0 or remove `log: true`")
            if self.integer:
                if self.log:
                    report(loc + ("integer",), "integer and log cannot be combined",
                           "remove one of `integer: true` / `log: true`")
                for key in ("low", "high"):
                    v = getattr(self, key)
                    if float(v) != int(v):
                        report(loc + (key,), f"integer range needs whole numbers, got {key} = {_num(v)}",
                               "write whole numbers for low and high")
            return self
        for key, on in (("log", self.log), ("integer", self.integer)):
            if on:
                report(loc + (key,), f"`{key}: true` applies to ranges (low/high) only",
                       f"remove `{key}: true`, or use low/high")
        if self.values is not None:
            vloc = loc + ("values",)
            if not self.values:
                report(vloc, "values is empty", "list at least one value, e.g. `values: [a, b]`")
                return self
            for i, v in enumerate(self.values):
                if not _is_scalar(v):
                    report(vloc + (i,), f"each value must be a number, string or true/false, got {_show(v)}",
                           "write plain values, e.g. `values: [0.1, 0.5]` or `values: [reciprocal, balancing]`")
                    return self
            kinds_present = {_scalar_kind(v) for v in self.values}
            if len(kinds_present) > 1:
                report(vloc, f"values mix types ({', '.join(sorted(kinds_present))})",
                       "use values of one kind: all numbers, all strings or all true/false "
                       "(quote numbers to make them strings)")
            seen: set = set()
            for i, v in enumerate(self.values):
                key = (type(v).__name__ if isinstance(v, bool) else "", v)
                if key in seen:
                    report(vloc + (i,), f"value {_show(v)} is listed twice", "remove the duplicate")
                seen.add(key)
        elif not _is_scalar(self.value):
            report(loc + ("value",), f"a fixed value must be a number, string or true/false, got {_show(self.value)}",
                   "write a plain value")
        return self


class DesignSpec(_Model):
    """How design points are chosen: ``method`` (grid, random, lhs, sobol,
    morris), ``samples`` (points for random/lhs; base sample N for sobol;
    trajectories for morris), ``levels`` (grid, morris), ``seed`` and
    ``second_order`` (sobol only: also sample second-order indices)."""

    method: StrictStr
    samples: StrictInt | None = Field(default=None, ge=1)
    levels: StrictInt | None = Field(default=None, ge=2)
    seed: StrictInt = Field(default=0, ge=0)
    second_order: StrictBool = False

    @field_validator("method")
    @classmethod
    def _method(cls, v: str) -> str:
        m = v.strip().lower()
        if m not in METHODS:
            close = difflib.get_close_matches(m, METHODS, n=1, cutoff=0.5)
            hint = f"use one of: {', '.join(METHODS)}" + (f" (did you mean {close[0]!r}?)" if close else "")
            raise _fail(f"unknown design method {v!r}", hint)
        return m

    @property
    def effective_levels(self) -> int | None:
        """Levels used by grid/morris (the default when not written)."""
        if self.method == "grid":
            return self.levels or DEFAULT_GRID_LEVELS
        if self.method == "morris":
            return self.levels or DEFAULT_MORRIS_LEVELS
        return None


class OutcomeSpec(BaseModel):
    """One outcome: ``name`` plus any keys the model adapter understands
    (passed through unchanged). ``unit`` and ``label`` are used by plots."""

    model_config = ConfigDict(extra="allow")
    name: StrictStr = Field(min_length=1)
    unit: StrictStr | None = None
    label: StrictStr | None = None


class SweepSpec(_Model):
    """A validated sweep file. Build it with :func:`load_sweep` (from a file)
    or :func:`sweep_from_dict` (from Python)."""

    scenario: StrictStr
    variant: StrictStr | None = None
    description: StrictStr | None = None
    parameters: dict[StrictStr, ParameterSpec] = Field(default_factory=dict)
    design: DesignSpec
    replicates: StrictInt = Field(default=1, ge=1)
    outcomes: list[OutcomeSpec] = Field(min_length=1)
    output: StrictStr | None = None
    batch_size: Any = "auto"

    _file: str = PrivateAttr(default="<dict>")
    _base_dir: Path = PrivateAttr(default_factory=Path.cwd)
    _text: str = PrivateAttr(default="")

    @model_validator(mode="before")
    @classmethod
    def _shorthands(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        params = data.get("parameters")
        if isinstance(params, dict):
            fixed = {}
            for name, p in params.items():
                if isinstance(p, dict):
                    fixed[name] = {**p, "name": name}
                elif isinstance(p, list):
                    fixed[name] = {"values": p, "name": name}
                elif p is None:
                    fixed[name] = {"name": name}
                else:
                    fixed[name] = {"value": p, "name": name}
            data["parameters"] = fixed
        elif params is None and "parameters" in data:
            data["parameters"] = {}
        outs = data.get("outcomes")
        if isinstance(outs, list):
            data["outcomes"] = [{"name": o} if isinstance(o, str) else o for o in outs]
        return data

    @field_validator("batch_size")
    @classmethod
    def _batch_size(cls, v: Any) -> Any:
        if v is None or v == "auto":
            return "auto"
        if isinstance(v, int) and not isinstance(v, bool) and v >= 1:
            return v
        raise _fail(f"batch_size must be a whole number >= 1 or 'auto', got {_show(v)}",
                    "write `batch_size: auto` (default) or e.g. `batch_size: 20`")

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> SweepSpec:
        ctx = info.context or {}
        _cross_check(_report(info), self.design, self.parameters, self.outcomes, self.scenario,
                     ctx.get("base_dir"), ctx.get("check_files", True))
        return self

    # ------------------------------------------------------------------ views
    @property
    def source_file(self) -> str:
        """The sweep file as given (or ``"<dict>"``)."""
        return self._file

    @property
    def base_dir(self) -> Path:
        """Folder relative paths in the file are resolved against."""
        return self._base_dir

    @property
    def text(self) -> str:
        """The sweep file's text (for a spec built from Python: canonical YAML)."""
        return self._text

    @property
    def sha256(self) -> str:
        """sha256 of :attr:`text` - identifies the sweep for resumption."""
        return hashlib.sha256(self._text.encode("utf-8")).hexdigest()

    @property
    def scenario_path(self) -> Path:
        """Absolute path of the scenario file."""
        return (self._base_dir / self.scenario).resolve()

    @property
    def output_path(self) -> Path:
        """Absolute path of the results folder."""
        stem = Path(self._file).stem if self._file != "<dict>" else "sweep"
        return (self._base_dir / (self.output or f"{stem}_results")).resolve()

    @property
    def varied(self) -> list[ParameterSpec]:
        """Parameters that the design varies (ranges and value lists), in file order."""
        return [p for p in self.parameters.values() if p.kind != "fixed"]

    @property
    def fixed(self) -> list[ParameterSpec]:
        """Parameters passed unchanged to every run."""
        return [p for p in self.parameters.values() if p.kind == "fixed"]

    @property
    def outcome_names(self) -> list[str]:
        """Outcome names in file order."""
        return [o.name for o in self.outcomes]

    def outcome_dicts(self) -> list[dict]:
        """Outcome specs as plain dicts, exactly as passed to the model."""
        return [o.model_dump(exclude_none=True) for o in self.outcomes]

    def to_dict(self) -> dict:
        """Plain-data form of the spec (as it would be written in a file)."""
        params = {}
        for name, p in self.parameters.items():
            params[name] = p.model_dump(exclude_none=True, exclude={"name"}, exclude_defaults=True)
            if p.kind == "fixed":
                params[name] = p.value if len(params[name]) == 1 else params[name]
        out = self.model_dump(exclude_none=True, exclude={"parameters", "outcomes"})
        out["parameters"] = params
        out["outcomes"] = self.outcome_dicts()
        return out


# ---------------------------------------------------------------------- helpers
def _cross_check(report: Reporter, d: DesignSpec | None, parameters: dict | None,
                 outcomes: list | None, scenario: str | None, base_dir: Any, check_files: bool) -> None:
    """Checks that need several sections at once.

    Any section may be ``None`` when it failed to parse: the checks that need
    it are skipped, the others still run, so that one pass reports as much as
    possible."""
    if d is not None and parameters is not None:
        varied = [p for p in parameters.values() if p.kind != "fixed"]
        n_varied = len(varied)
        if d.method != "grid" and n_varied == 0:
            report(("parameters",), f"design method {d.method} needs at least one varied parameter",
                   "give a parameter low/high or values, or use method grid")
        if d.method == "sobol" and d.second_order and n_varied < 2:
            report(("design", "second_order"), "second-order indices need at least two varied parameters",
                   "remove `second_order: true` or vary another parameter")
        if d.method == "grid":
            n = 1
            for p in varied:
                n *= len(p.values or ()) if p.kind == "values" else (d.effective_levels or 1)
            if n > MAX_POINTS:
                report(("design", "levels"), f"the grid has {n:,} points (more than {MAX_POINTS:,})",
                       "lower levels, drop parameters, or use lhs/sobol")
    if d is not None:
        if d.method == "grid" and d.samples is not None:
            report(("design", "samples"), "grid designs do not use samples",
                   "remove `samples` and set `levels` (points per range parameter), "
                   "or choose method lhs/random")
        if d.method != "grid" and d.samples is None:
            what = {"sobol": "base sample N (points = N*(D+2); a power of 2, e.g. 64)",
                    "morris": "number of trajectories (points = N*(D+1), e.g. 10)"}.get(
                d.method, "number of design points, e.g. 100")
            report(("design",), f"design method {d.method} needs `samples`", f"add `samples:` - the {what}")
        if d.levels is not None and d.method not in ("grid", "morris"):
            report(("design", "levels"), f"levels is only used by grid and morris, not {d.method}",
                   "remove `levels`")
        if d.second_order and d.method != "sobol":
            report(("design", "second_order"), "second_order applies to sobol designs only",
                   "remove `second_order`")
        if d.method == "sobol" and d.samples is not None and d.samples & (d.samples - 1):
            lo = 2 ** int(math.log2(d.samples))
            report(("design", "samples"),
                   f"sobol (Saltelli) sampling needs samples to be a power of 2, got {d.samples}",
                   f"use {lo} or {lo * 2}")
    if outcomes is not None:
        names = [o.name for o in outcomes]
        for i, o in enumerate(outcomes):
            if o.name in RESERVED_COLUMNS:
                report(("outcomes", i, "name"), f"the name {o.name!r} is reserved for the results table",
                       f"rename the outcome (reserved: {', '.join(RESERVED_COLUMNS)})")
            if names.index(o.name) != i:
                report(("outcomes", i, "name"), f"outcome {o.name!r} is listed twice", "remove or rename one")
            if parameters is not None and o.name in parameters:
                report(("outcomes", i, "name"), f"outcome {o.name!r} has the same name as a parameter",
                       "rename the outcome (parameters and outcomes share the results table)")
    if scenario is not None and check_files:
        base = Path(base_dir or Path.cwd())
        path = base / scenario
        if not path.exists():
            report(("scenario",), f"scenario file not found: {path}",
                   f"the path is relative to the sweep file's folder ({base}); check the spelling")


def _partial_cross_check(plain: dict, base_dir: Path, check_files: bool, report: Reporter) -> None:
    """After a failed full validation, parse each section alone and run the
    cross-section checks on whatever parsed."""
    silent = {"report": lambda *a: None, "base_dir": base_dir, "check_files": check_files}
    data = SweepSpec._shorthands(plain)

    def parse(model: Any, value: Any) -> Any:
        try:
            return model.model_validate(value, context=silent)
        except ValidationError:
            return None

    design = parse(DesignSpec, data.get("design"))
    params = None
    if isinstance(data.get("parameters", {}), dict):
        parsed = {k: parse(ParameterSpec, v) for k, v in data.get("parameters", {}).items()}
        params = parsed if all(v is not None for v in parsed.values()) else None
    outcomes = None
    if isinstance(data.get("outcomes"), list):
        parsed_o = [parse(OutcomeSpec, o) for o in data["outcomes"]]
        outcomes = parsed_o if all(o is not None for o in parsed_o) else None
    scenario = data.get("scenario") if isinstance(data.get("scenario"), str) else None
    _cross_check(report, design, params, outcomes, scenario, base_dir, check_files)


def _num(v: float) -> str:
    return f"{v:g}"


def _show(v: Any) -> str:
    return f"{v!r} ({type(v).__name__})"


def _is_scalar(v: Any) -> bool:
    return isinstance(v, (bool, int, float, str))


def _scalar_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, (int, float)):
        return "number"
    return "string"


_ALLOWED = {
    "": list(SweepSpec.model_fields),
    "design": list(DesignSpec.model_fields),
    "parameter": [k for k in ParameterSpec.model_fields if k != "name"],
}

_HINTS = {
    "scenario": "add `scenario: path/to/scenario.yaml` (relative to this sweep file)",
    "design": "add e.g. `design: {method: lhs, samples: 100, seed: 0}`",
    "design.method": f"write one of: {', '.join(METHODS)}",
    "design.samples": "write a whole number >= 1, e.g. `samples: 128`",
    "design.levels": "write a whole number >= 2, e.g. `levels: 5`",
    "design.seed": "write a whole number >= 0, e.g. `seed: 0`",
    "design.second_order": "write true or false",
    "replicates": "write a whole number >= 1, e.g. `replicates: 5`",
    "outcomes": "write a list, e.g. `outcomes: [{name: mean_trust}]`",
    "outcomes[].name": "each outcome needs `name: some_outcome`",
    "parameters": "write a mapping, e.g. `parameters: {trust_decay: {low: 0.01, high: 0.2}}`",
    "parameters.*.low": "write a number, e.g. `low: 0.1`",
    "parameters.*.high": "write a number, e.g. `high: 0.9`",
    "parameters.*.values": "write a list, e.g. `values: [0.1, 0.5, 0.9]`",
    "parameters.*.log": "write true or false",
    "parameters.*.integer": "write true or false",
    "output": "write a folder path, e.g. `output: results/my_sweep`",
    "variant": "write the variant's name as text",
}


def _pattern(loc: tuple) -> str:
    parts = list(loc)
    if len(parts) > 1 and parts[0] == "parameters":
        parts[1] = "*"
    return format_loc(tuple("[]" if isinstance(p, int) else p for p in parts)).replace(".[]", "[]")


def _translate(err: dict, report: Reporter) -> None:
    loc = tuple(err.get("loc", ()))
    typ = err.get("type", "")
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if typ == "sweep":
        report(loc, ctx.get("message", err.get("msg", "")), ctx.get("hint", ""))
        return
    if typ == "missing":
        report(loc, "required field is missing", _HINTS.get(_pattern(loc), f"add `{loc[-1]}:`"))
        return
    if typ == "extra_forbidden":
        key = str(loc[-1])
        parent = loc[:-1]
        scope = "parameter" if parent[:1] == ("parameters",) and len(parent) == 2 else format_loc(parent)
        allowed = _ALLOWED.get(scope, [])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = (f"did you mean {close[0]!r}? " if close else "") + (
            f"valid keys here: {', '.join(allowed)}" if allowed else "remove it")
        report(loc, f"unknown key {key!r}", hint)
        return
    msg = err.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if typ in ("dict_type", "list_type", "model_type", "model_attributes_type"):
        want = {"dict_type": "a mapping (key: value)", "list_type": "a list",
                "model_type": "a mapping (key: value)", "model_attributes_type": "a mapping (key: value)"}[typ]
        report(loc, f"expected {want}, got {_show(value)}", _HINTS.get(_pattern(loc), ""))
        return
    report(loc, f"{msg[0].lower() + msg[1:]}, got {_show(value)}", _HINTS.get(_pattern(loc), ""))


def _known_parameter_issues(raw_params: dict, known: dict, report: Reporter) -> None:
    names = list(known)
    for name, p in raw_params.items():
        loc = ("parameters", name)
        if name not in known:
            close = difflib.get_close_matches(str(name), names, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean {close[0]!r}? (`ddsim list-params` lists the model's parameters)"
            else:
                sample = ", ".join(sorted(map(str, names))[:8]) + (", ..." if len(names) > 8 else "")
                hint = f"the model's parameters include: {sample} (`ddsim list-params` lists them all)"
            report(loc, f"unknown parameter {name!r}: the model has no parameter of that name", hint)
            continue
        bounds = known[name]
        if not bounds or not isinstance(p, dict | list | int | float) or isinstance(p, bool):
            continue
        try:
            lo, hi = float(bounds[0]), float(bounds[1])
        except (TypeError, ValueError, IndexError):
            continue
        checks: list[tuple[tuple, Any]] = []
        if isinstance(p, dict):
            for key in ("low", "high", "value"):
                if key in p:
                    checks.append(((key,), p[key]))
            if isinstance(p.get("values"), list):
                checks += [(("values", i), v) for i, v in enumerate(p["values"])]
        elif isinstance(p, list):
            checks += [((i,), v) for i, v in enumerate(p)]
        else:
            checks.append(((), p))
        for sub, v in checks:
            if isinstance(v, (int, float)) and not isinstance(v, bool) and not (lo <= v <= hi):
                report(loc + sub, f"{_num(v)} is outside the model's allowed range [{_num(lo)}, {_num(hi)}]",
                       f"keep {name} within [{_num(lo)}, {_num(hi)}]")


def _outcome_issues(raw_outcomes: list, validate: Callable, report: Reporter,
                    scenario: Path | None = None, variant: str | None = None) -> None:
    """Ask the model's ``validate_outcomes`` hook; with ``scenario`` (a file that exists)
    and if the hook takes them, also pass the scenario and variant. The hook returns
    messages, or ``(location, message, fix)`` for problems it can place in the file."""
    specs = [{"name": o} if isinstance(o, str) else o for o in raw_outcomes]
    if not all(isinstance(o, dict) for o in specs):
        return
    context = {}
    if scenario is not None:
        try:
            inspect.signature(validate).bind(specs, scenario=scenario, variant=variant)
            context = {"scenario": scenario, "variant": variant}
        except (TypeError, ValueError):
            pass                      # an older hook: the specs alone
    try:
        errors = list(validate(specs, **context) or [])
    except Exception as exc:  # noqa: BLE001 - the adapter's own bug must not hide the file's issues
        report(("outcomes",), f"the model's validate_outcomes failed: {type(exc).__name__}: {exc}",
               "report this to the model adapter's author")
        return
    for message in errors:
        if isinstance(message, tuple) and len(message) == 3:
            report(tuple(message[0]), str(message[1]), str(message[2]))
            continue
        loc: tuple = ("outcomes",)
        text = str(message)
        # the outcome the message is about: its name quoted, else the longest name mentioned
        named = sorted(((len(str(o.get("name", ""))), i, str(o.get("name", ""))) for i, o in enumerate(specs)),
                       reverse=True)
        quoted = [i for _, i, n in named if n and (f"'{n}'" in text or f'"{n}"' in text)]
        plain = [i for _, i, n in named if n and n in text]
        indexed = [int(m) for m in re.findall(r"outcomes\[(\d+)\]", text) if int(m) < len(specs)]
        if indexed or quoted or plain:
            loc = ("outcomes", (indexed or quoted or plain)[0])
        report(loc, str(message),
               "see the outcome specs the model accepts (the model adapter's docs, sim/experiment.py)")


# ------------------------------------------------------------------ public API
def _validate(plain: Any, tree: Any, file: str, base_dir: Path, *, check_files: bool,
              known_parameters: str | None, validate_outcomes: str | None,
              prior: list[Issue] | None = None) -> SweepSpec:
    issues: list[Issue] = list(prior or [])

    def report(loc: tuple, message: str, hint: str = "") -> None:
        issue = Issue(file, line_of(tree, loc) if tree is not None else None, format_loc(loc), message, hint)
        if issue not in issues:
            issues.append(issue)

    if not isinstance(plain, dict):
        report((), "the sweep file must be a mapping with keys scenario, parameters, design, outcomes",
               "start from the example in docs/sweeps.md")
        raise SweepFileError(file, issues)
    spec: SweepSpec | None = None
    try:
        spec = SweepSpec.model_validate(plain, context={"report": report, "base_dir": base_dir,
                                                        "check_files": check_files})
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            _translate(err, report)
        _partial_cross_check(plain, base_dir, check_files, report)
    raw_params = plain.get("parameters")
    if isinstance(raw_params, dict) and raw_params:
        hook = optional_hook(known_parameters)
        if hook is not None:
            try:
                known = dict(hook())
            except Exception:  # noqa: BLE001 - a failing hook means no check
                known = None
            if known:
                _known_parameter_issues(raw_params, known, report)
    raw_outcomes = plain.get("outcomes")
    if isinstance(raw_outcomes, list) and raw_outcomes:
        hook = optional_hook(validate_outcomes)
        if hook is not None:
            scenario = None
            if spec is not None and check_files and (base_dir / spec.scenario).is_file():
                scenario = (base_dir / spec.scenario).resolve()
            _outcome_issues(raw_outcomes, hook, report, scenario,
                            spec.variant if spec is not None else None)
    if issues or spec is None:
        issues.sort(key=lambda i: (i.line or 0))
        raise SweepFileError(file, issues)
    spec._file = file
    spec._base_dir = base_dir
    return spec


def load_sweep(path: str | Path, *, known_parameters: str | None = DEFAULT_KNOWN_PARAMETERS,
               validate_outcomes: str | None = DEFAULT_VALIDATE_OUTCOMES,
               check_files: bool = True) -> SweepSpec:
    """Load and validate a sweep file.

    Args:
        path: the YAML file.
        known_parameters: dotted path of ``known_parameters() -> {name: (low, high) | None}``;
            parameter names (and ranges) are checked against it. If it cannot be
            imported the check is skipped. ``None`` disables it.
        validate_outcomes: dotted path of ``validate_outcomes(specs) -> [error, ...]``;
            skipped likewise when unavailable.
        check_files: check that the scenario file exists.

    Returns:
        The validated :class:`SweepSpec`.

    Raises:
        SweepFileError: listing every problem found (file, line, field, fix).
    """
    p = Path(path)
    file = str(path)
    if p.is_dir():
        raise SweepFileError(file, [Issue(file, None, "", "is a folder, not a sweep file",
                                          f"give the sweep file, e.g. {file}/<name>.yaml")])
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise SweepFileError(file, [Issue(file, None, "", "sweep file not found",
                                          f"check the path (working folder: {Path.cwd()})")]) from None
    except OSError as exc:
        raise SweepFileError(file, [Issue(file, None, "", f"cannot read the file: {exc.strerror}",
                                          "check the path and permissions")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SweepFileError(file, [Issue(file, line, "", "the file is not UTF-8 text",
                                          "save the file as UTF-8")]) from None
    tree, issues = load_yaml(text, file)
    if tree is None:
        raise SweepFileError(file, issues)
    spec = _validate(to_plain(tree), tree, file, p.resolve().parent, check_files=check_files,
                     known_parameters=known_parameters, validate_outcomes=validate_outcomes, prior=issues)
    spec._text = text
    return spec


def sweep_from_dict(data: dict, *, base_dir: str | Path | None = None, name: str = "sweep",
                    known_parameters: str | None = DEFAULT_KNOWN_PARAMETERS,
                    validate_outcomes: str | None = DEFAULT_VALIDATE_OUTCOMES,
                    check_files: bool = True) -> SweepSpec:
    """Validate a sweep given as a Python dict (same keys as the YAML file).

    Relative paths are resolved against ``base_dir`` (default: the working
    folder); the default results folder is ``<name>_results``. The canonical
    YAML text of ``data`` is what identifies the sweep for resumption."""
    import io

    from ruamel.yaml import YAML

    base = Path(base_dir or Path.cwd()).resolve()
    file = f"{name}.yaml"
    spec = _validate(data, None, file, base, check_files=check_files,
                     known_parameters=known_parameters, validate_outcomes=validate_outcomes)
    buf = io.StringIO()
    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False
    y.dump(data, buf)
    spec._text = buf.getvalue()
    return spec
