"""Hypothesis helpers for "mutate a valid file" property tests of the loaders."""

from __future__ import annotations

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
