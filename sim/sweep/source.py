"""Read a YAML file safely and keep line numbers for error messages.

ruamel.yaml's round-trip loader remembers where every key and item was
written. It never constructs Python objects from tags; on top of that any
explicitly tagged node (``!!python/object``, ``!custom``) is refused, so a
sweep file can never run code.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.issues import field_path as format_loc
from sim.issues import line_of, yaml_syntax_issue

from .errors import Issue

_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"
_STANDARD_TAGS = {
    _STANDARD_TAG_PREFIX + t
    for t in ("map", "seq", "str", "int", "float", "bool", "null", "omap", "set")
}


def load_yaml(text: str, file: str) -> tuple[Any, list[Issue]]:
    """Parse ``text``; return ``(tree, issues)``.

    ``tree`` is the round-trip tree (``CommentedMap`` etc.) or ``None`` when the
    text cannot be parsed. ``issues`` lists syntax errors and refused tags."""
    yaml = YAML(typ="rt")
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        return None, [yaml_syntax_issue(file, exc)]
    except YAMLError as exc:  # pragma: no cover - unmarked YAML errors are rare
        return None, [Issue(file, None, "", f"YAML error: {exc}", "check the YAML syntax")]
    issues: list[Issue] = []
    _check_tags(tree, (), file, tree, issues)
    return tree, issues


def _tag_of(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    if tag is None:
        return None
    value = getattr(tag, "value", tag)
    return value if isinstance(value, str) else None


def _check_tags(node: Any, loc: tuple, file: str, root: Any, issues: list[Issue]) -> None:
    tag = _tag_of(node)
    if isinstance(node, TaggedScalar) or (tag and tag not in _STANDARD_TAGS):
        shown = "!!" + tag[len(_STANDARD_TAG_PREFIX):] if tag and tag.startswith(_STANDARD_TAG_PREFIX) else tag
        issues.append(
            Issue(
                file,
                line_of(root, loc),
                format_loc(loc),
                f"YAML tag {shown!r} is not allowed (sweep files are plain data and never run code)",
                "remove the tag (the part starting with '!')",
            )
        )
        return
    if isinstance(node, dict):
        for key, value in node.items():
            _check_tags(value, loc + (key,), file, root, issues)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_tags(value, loc + (i,), file, root, issues)


def to_plain(node: Any) -> Any:
    """Convert a ruamel tree to plain ``dict``/``list``/``int``/``float``/``str``."""
    if isinstance(node, dict):
        return {to_plain(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


