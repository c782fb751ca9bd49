"""Does a new JSON Schema of a message still work for the consumers of the old one?

A message of a given (type, version) is read by consumers written against the schema that was
committed first, and old messages are read again by new code when ops replay a topic. So both
directions must hold, and these changes break:
- a property removed, or its type, format or enum values changed;
- a property made required that was optional or absent (old messages lack it);
- a property that was required made optional (old consumers rely on it being there).
Adding an optional property is the one safe change; anything else is a new `version`.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_SHAPE_KEYS = ("type", "format", "const", "pattern")


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Every change from `old` to `new` that would break a consumer or a replay; empty if none."""
    problems: list[str] = []
    _compare(old, new, old.get("$defs", {}), new.get("$defs", {}), "$", problems)
    return problems


def _resolve(node: Schema, defs: Schema) -> Schema:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _alternatives(node: Schema) -> list[Schema] | None:
    return node.get("anyOf") or node.get("oneOf")


def _compare(old: Schema, new: Schema, old_defs: Schema, new_defs: Schema, path: str,
             problems: list[str]) -> None:
    old, new = _resolve(old, old_defs), _resolve(new, new_defs)
    old_alts, new_alts = _alternatives(old), _alternatives(new)
    if old_alts is not None or new_alts is not None:
        _compare_alternatives(old_alts or [old], new_alts or [new], old_defs, new_defs, path, problems)
        return
    for key in _SHAPE_KEYS:
        if old.get(key) != new.get(key):
            problems.append(f"{path}: {key} changed from {old.get(key)!r} to {new.get(key)!r}")
    if "enum" in old or "enum" in new:
        added = set(map(repr, new.get("enum", []))) - set(map(repr, old.get("enum", [])))
        removed = set(map(repr, old.get("enum", []))) - set(map(repr, new.get("enum", [])))
        if added or removed:
            problems.append(f"{path}: enum values changed (added {sorted(added)}, removed {sorted(removed)})")
    if "items" in old or "items" in new:
        _compare(old.get("items", {}), new.get("items", {}), old_defs, new_defs, f"{path}[]", problems)
    if old.get("type") == "object" or "properties" in old:
        _compare_objects(old, new, old_defs, new_defs, path, problems)


def _compare_objects(old: Schema, new: Schema, old_defs: Schema, new_defs: Schema, path: str,
                     problems: list[str]) -> None:
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name, old_prop in old_props.items():
        if name not in new_props:
            problems.append(f"{path}.{name}: removed")
            continue
        _compare(old_prop, new_props[name], old_defs, new_defs, f"{path}.{name}", problems)
    for name in sorted(new_required - old_required):
        problems.append(f"{path}.{name}: became required (old messages do not carry it)")
    for name in sorted((old_required - new_required) & set(new_props)):
        problems.append(f"{path}.{name}: no longer required (old consumers rely on it)")


def _compare_alternatives(old_alts: list[Schema], new_alts: list[Schema], old_defs: Schema,
                          new_defs: Schema, path: str, problems: list[str]) -> None:
    if len(old_alts) != len(new_alts):
        problems.append(f"{path}: accepted types changed ({len(old_alts)} alternatives → {len(new_alts)})")
        return
    for index, (old_alt, new_alt) in enumerate(zip(old_alts, new_alts, strict=True)):
        _compare(old_alt, new_alt, old_defs, new_defs, f"{path}<{index}>", problems)
