"""Hypothesis helpers for "mutate a valid file" property tests of the loaders."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st


def nested_values(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Values a person could put anywhere in a YAML file: scalars, lists, mappings."""
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.one_of(st.text(max_size=10), st.integers()), inner, max_size=4),
        ),
        max_leaves=12,
    )


def key_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a parsed document (mapping keys and list indexes)."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += key_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += key_paths(value, (*prefix, i))
    return out


def mutate(
    draw: st.DrawFn,
    raw: Any,
    paths: list[tuple[Any, ...]],
    values: st.SearchStrategy[Any],
    new_keys: st.SearchStrategy[Any],
    rounds: int,
) -> Any:
    """Apply up to `rounds` random edits (replace, delete, add, copy) to a parsed document.

    A path an earlier edit removed or turned into a scalar is skipped, so every
    draw yields a document (possibly broken, which is the point).
    """
    for _ in range(draw(st.integers(min_value=1, max_value=rounds))):
        *parents, last = draw(st.sampled_from(paths))
        node: Any = raw
        try:
            for part in parents:
                node = node[part]
            action = draw(st.sampled_from(["replace", "delete", "add", "copy"]))
            if action == "replace":
                node[last] = draw(values)
            elif action == "delete":
                del node[last]
            elif action == "copy" and isinstance(node, list):
                node.append(copy.deepcopy(node[last]))
            elif isinstance(node, dict):
                node[draw(new_keys)] = draw(values)
            elif isinstance(node, list):
                node.append(draw(values))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this path
    return raw
