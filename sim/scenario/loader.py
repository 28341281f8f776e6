"""Load a scenario file: safe YAML with line numbers, typed validation, cross-checks.

``load_scenario(path)`` returns a :class:`LoadedScenario` or raises
:class:`~sim.scenario.errors.ScenarioError` listing every problem with file,
line, field and a fix. YAML is parsed by ruamel.yaml's round-trip loader, which
builds only plain data: tags such as ``!!python/object`` are refused, so a
scenario file can never run code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.issues import yaml_syntax_issue
from sim.parameters import closest
from sim.scenario import schema
from sim.scenario.checks import Checker, check_scenario, check_variants_and_expectations
from sim.scenario.errors import Issue, ScenarioError, display_path, field_path, line_of
from sim.scenario.schema import Expectation, Scenario, Variant, VariantFile

_FIELD_NAMES = sorted({
    (f.alias or name)
    for model in vars(schema).values()
    if isinstance(model, type) and issubclass(model, BaseModel)
    for name, f in model.model_fields.items()})


@dataclass
class LoadedScenario:
    """A validated scenario with where it came from and its non-fatal warnings."""

    scenario: Scenario
    path: Path
    warnings: list[Issue] = field(default_factory=list)
    variant_files: dict[str, Path] = field(default_factory=dict)
    base_files: list[Path] = field(default_factory=list)
    """For a variant file that ``extends`` a base: the base file(s) it was merged onto."""

    @property
    def files(self) -> list[Path]:
        """Every file this scenario was read from: its bases, then the file itself."""
        return [*self.base_files, self.path]

    @property
    def variants(self) -> list[str]:
        """Variant names, the default first."""
        names = list(self.scenario.variants)
        d = self.scenario.default_variant
        return ([d] + [n for n in names if n != d]) if d in names else names

    @property
    def default_variant(self) -> str | None:
        """The variant run when none is named."""
        return self.scenario.default_variant


def read_yaml(path: Path) -> tuple[Any, str]:
    """Parse a YAML file safely into plain data with line information."""
    shown = display_path(path)
    if path.is_dir():
        raise ScenarioError([Issue(shown, None, "", "is a folder, not a scenario file",
                                   f"give the files in it, e.g. {shown}/*.yaml")])
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Issue(shown, None, "", "file not found",
                                   "check the path (scenarios live in scenarios/)")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Issue(shown, None, "", f"cannot read the file: {exc}",
                                   "save it as UTF-8 text")]) from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        raise ScenarioError([yaml_syntax_issue(shown, exc)]) from None
    except YAMLError as exc:
        raise ScenarioError([Issue(shown, None, "", f"YAML: {exc}", "fix the YAML")]) from None
    if not isinstance(data, dict):
        raise ScenarioError([Issue(shown, 1, "", "a scenario file must be a mapping of keys",
                                   "start with `meta:`, `calendar:`, `states:` ...")])
    _refuse_tags(data, shown)
    return data, text


def _refuse_tags(node: Any, shown: str, loc: tuple = ()) -> None:
    """Reject any explicitly tagged node (ruamel keeps unknown tags as data)."""
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", None) if tag is not None else None
    if value and value.startswith("!"):
        raise ScenarioError([Issue(shown, None, field_path(loc),
                                   f"YAML tag {value} is not allowed",
                                   "scenario files are plain data: remove the tag")])
    if isinstance(node, dict):
        for k, v in node.items():
            _refuse_tags(v, shown, loc + (k,))
    elif isinstance(node, list):
        for n, v in enumerate(node):
            _refuse_tags(v, shown, loc + (n,))


def validation_issues(exc: ValidationError, raw: Any, shown: str) -> list[Issue]:
    """Turn pydantic errors into issues with lines, fields and hints (one per place)."""
    issues: list[Issue] = []
    seen: set[str] = set()
    for err in exc.errors():
        loc = _data_loc(raw, tuple(err["loc"]), err["type"])
        path = field_path(loc)
        if path in seen:
            continue
        seen.add(path)
        issues.append(Issue(shown, line_of(raw, loc), path, *_explain(err)))
    return issues


def _data_loc(raw: Any, loc: tuple, kind: str) -> tuple:
    """The part of a pydantic location that names real places in the data."""
    out: list[Any] = []
    node = raw
    for part in loc:
        if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            out.append(part)
            node = node[part]
        else:
            if kind in ("missing", "extra_forbidden") and isinstance(part, str):
                out.append(part)
            break
    return tuple(out)


def _explain(err: dict) -> tuple[str, str]:
    kind, msg, got = err["type"], err["msg"], err.get("input")
    name = str(err["loc"][-1]) if err["loc"] else ""
    if kind == "missing":
        return "required field is missing", f"add `{name}: ...` (see docs/scenarios.md)"
    if kind == "extra_forbidden":
        guess = closest(name, _FIELD_NAMES)
        return (f"unknown field '{name}'",
                f"did you mean '{guess}'?" if guess else "remove it (see docs/scenarios.md)")
    if kind in ("greater_than_equal", "greater_than") and isinstance(got, (int, float)) \
            and got < 0:
        return (f"must not be negative (got {got})",
                "amounts and sizes are never negative; to model a loss use a hostile kind "
                "(see `ddsim list-actions`)")
    if kind.startswith(("greater", "less")):
        return f"{msg} (got {got!r})", "use a value inside the range"
    if kind == "literal_error":
        return f"{msg} (got {got!r})", "use one of the listed values"
    if kind == "value_error":
        return msg.removeprefix("Value error, "), "write dates as YYYY-MM-DD or YYYY-MM"
    return f"{msg} (got {got!r})", "see docs/scenarios.md for this field"


def _validate(model: type[BaseModel], raw: Any, shown: str) -> BaseModel:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(validation_issues(exc, raw, shown)) from None


def load_scenario(path: str | Path) -> LoadedScenario:
    """Load and check a scenario or variant file; raises ScenarioError with every problem."""
    path = Path(path)
    shown = display_path(path)
    raw, _ = read_yaml(path)
    if "extends" in raw and "states" not in raw:
        return _load_extension(path, raw, shown)
    sc = _validate(Scenario, raw, shown)
    ck = Checker(shown, raw)
    names = check_scenario(ck, sc)
    check_variants_and_expectations(ck, names, sc.variants, sc.default_variant,
                                    sc.expectations, set(sc.variants))
    if not ck.issues:
        _check_drops_match(ck, sc, sc.variants)
    if ck.issues:
        raise ScenarioError(ck.issues)
    return LoadedScenario(sc, path, ck.warnings, {v: path for v in sc.variants})


def _check_drops_match(ck: Checker, sc: Scenario, variants: dict[str, Variant]) -> None:
    """Every id and tag a drop filter names must exist in ``sc``, and every filter must drop
    something: a typo would otherwise give a what-if identical to its baseline, silently."""
    from sim.scenario.compile import base_events, drops_matching_nothing
    occurrences = base_events(sc)            # recurring ones by their own id (`ex-2016`) too
    known = {"ids": list(dict.fromkeys([*(r.id for r in sc.recurring),
                                         *(e.event.id for e in occurrences if e.event.id)])),
             "tags": sorted({t for e in [*sc.events, *sc.recurring] for t in e.tags})}
    what = {"ids": "event id", "tags": "tag"}
    named_unknown: set[tuple[str, int]] = set()
    for name, var in variants.items():
        for n, f in enumerate(var.drop):
            for key in ("ids", "tags"):
                for m, x in enumerate(getattr(f, key) or []):
                    if x in known[key]:
                        continue
                    named_unknown.add((name, n))
                    guess = closest(x, known[key])
                    listed = ", ".join(known[key][:20]) + (", ..." if len(known[key]) > 20 else "")
                    ck.add(("variants", name, "drop", n, key, m),
                           f"no event has the {what[key]} '{x}'",
                           f"did you mean '{guess}'?" if guess else
                           f"the {what[key]}s are: {listed or 'none'}")
    for name, n in drops_matching_nothing(sc, variants, occurrences):
        if (name, n) not in named_unknown:
            ck.add(("variants", name, "drop", n),
                   "no event matches all of this filter's keys together, so it drops nothing",
                   "check its kinds, actors, recipients and dates against the events, "
                   "or remove the filter")


def _load_extension(path: Path, raw: Any, shown: str) -> LoadedScenario:
    ext = _validate(VariantFile, raw, shown)
    base_path = (path.parent / ext.extends).resolve()
    if not base_path.exists():
        raise ScenarioError([Issue(shown, line_of(raw, ("extends",)), "extends",
                                   f"base scenario '{ext.extends}' not found",
                                   "give the base file's path relative to this file")])
    base = load_scenario(base_path)
    sc = base.scenario
    ck = Checker(shown, raw)
    clash = [v for v in ext.variants if v in sc.variants]
    for v in clash:
        ck.add(("variants", v), f"variant '{v}' is already defined in {ext.extends}",
               "give it another name")
    variants: dict[str, Variant] = {**sc.variants, **ext.variants}
    from sim.scenario.checks import Names
    names = Names(sc)
    check_variants_and_expectations(ck, names, ext.variants, ext.default_variant,
                                    ext.expectations, set(variants))
    if not ck.issues:
        _check_drops_match(ck, sc, ext.variants)
    if ck.issues:
        raise ScenarioError(ck.issues)
    expectations: list[Expectation] = [*sc.expectations, *ext.expectations]
    meta = ext.meta or sc.meta
    merged = sc.model_copy(update={
        "variants": variants, "expectations": expectations, "meta": meta,
        "default_variant": ext.default_variant or sc.default_variant, "extends": ext.extends})
    files = {**base.variant_files, **{v: path for v in ext.variants}}
    return LoadedScenario(merged, path, base.warnings + ck.warnings, files, base.files)
