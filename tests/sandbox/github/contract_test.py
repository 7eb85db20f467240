"""The REST description, translated from OpenAPI 3.0 and used as a validator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.sandbox.github.contract import Contract


@pytest.fixture
def contract(shared_dir: Path) -> Contract:
    return Contract.load(shared_dir / "contracts" / "github-rest-subset.json")


def test_nullable_becomes_a_null_type() -> None:
    doc = {
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "things/get",
                    "parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["name"],
                                        "properties": {
                                            "name": {"type": "string", "nullable": True},
                                            "example": {"type": "string", "example": "x"},
                                        },
                                    }
                                }
                            }
                        }
                    },
                }
            }
        }
    }
    contract = Contract(doc)
    found = contract.operation("GET", "/things/7")
    assert found is not None
    op, params = found
    assert params == {"id": "7"}
    assert contract.check_response(op, 200, {"name": None}) == []
    assert contract.check_response(op, 200, {"name": None, "example": 3}) != []
    assert contract.check_request(op, {"id": "x"}, {}, Contract.no_body()) != []
    assert contract.check_response(op, 418, {"message": "teapot"}) != []
    assert contract.check_response(op, 503, {"message": "down"}) == []


def test_routes_prefer_the_most_specific_template(contract: Contract) -> None:
    found = contract.operation("GET", "/repos/o/r/commits/abc/check-runs")
    assert found is not None and found[0].operation_id == "checks/list-for-ref"
    found = contract.operation("GET", "/repos/o/r/git/ref/heads/feature/x")
    assert found is not None and found[1]["ref"] == "heads/feature/x"


def test_request_checks_catch_what_github_would_reject(contract: Contract) -> None:
    op = contract.find("POST", "/repos/{owner}/{repo}/pulls")
    assert op is not None
    assert contract.check_request(op, {}, {}, {"head": "a", "base": "main", "title": "t"}) == []
    assert any("required" in p for p in contract.check_request(op, {}, {}, {"head": "a"}))
    listing = contract.find("GET", "/repos/{owner}/{repo}/pulls")
    assert listing is not None
    assert contract.check_request(listing, {}, {"per_page": ["ten"]}, Contract.no_body()) != []
    assert contract.check_request(listing, {}, {"colour": ["red"]}, Contract.no_body()) != []


def test_githubs_own_examples_mostly_validate(contract: Contract, shared_dir: Path) -> None:
    doc: dict[str, Any] = json.loads((shared_dir / "contracts/github-rest-subset.json").read_text())
    label = doc["components"]["examples"]["label"]["value"]
    op = contract.find("POST", "/repos/{owner}/{repo}/labels")
    assert op is not None
    assert contract.check_response(op, 201, label) == []
    broken = {k: v for k, v in label.items() if k != "node_id"}
    assert any("node_id" in p for p in contract.check_response(op, 201, broken))
