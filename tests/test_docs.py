"""The documents a developer or an agency relies on stay well formed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def test_the_agency_api_contract_is_openapi_3_1_and_every_reference_resolves() -> None:
    spec = yaml.safe_load((DOCS / "agency-api.yaml").read_text(encoding="utf-8"))

    validate(spec)  # the OpenAPI 3.1 schema itself: raises with the path of a mistake
    assert spec["openapi"].startswith("3.1")
    post = spec["paths"]["/v1/submissions"]["post"]
    assert {"201", "200", "400", "422", "429", "503"} <= set(post["responses"])
    header = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["required"] is True
    for ref in _refs(spec):
        node: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]  # KeyError: a reference to nothing
        assert isinstance(node, dict)
    submission = spec["components"]["schemas"]["Submission"]
    assert set(submission["required"]) <= set(submission["properties"])
