"""The one API document frontend developers read: every service under its /api/<service> prefix."""

from __future__ import annotations

from collections import Counter
from typing import Any


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in refs(item)]
    return []


def resolve(document: dict, ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        assert part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_the_merged_document_lists_every_service_under_its_prefix(gateway):
    document = gateway.get("/openapi.json").json()
    paths = document["paths"]
    assert {"/api/clients/auth/sign-in", "/api/clients/clients/{client_id}", "/api/scheduling/visits",
            "/health", "/ready"} <= set(paths)
    assert all(p.startswith("/api/") or p in ("/health", "/ready") for p in paths), sorted(paths)


def test_internal_and_unexposed_operations_are_not_documented(gateway):
    paths = gateway.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if "/internal/" in p]
    assert "/api/clients/probe" not in paths
    assert not [p for p in paths if p.startswith("/api/") and ("/openapi.json" in p or "/docs" in p)]


def test_every_ref_resolves_and_schemas_of_each_service_are_kept_apart(gateway):
    document = gateway.get("/openapi.json").json()
    for ref in refs(document):
        resolve(document, ref)
    schemas = document["components"]["schemas"]
    expected = {"clients__Pet", "scheduling__Pet", "scheduling__Visit", "clients__SignIn", "Error"}
    assert expected <= set(schemas)
    visit_pet = schemas["scheduling__Visit"]["properties"]["pet"]["$ref"]
    assert visit_pet == "#/components/schemas/scheduling__Pet"


def test_each_operation_says_who_may_call_it(gateway):
    paths = gateway.get("/openapi.json").json()["paths"]
    settings = paths["/api/clients/company/settings"]["get"]
    assert settings["x-roles"] == ["admin", "office_manager"]
    assert "Roles: admin, office_manager." in settings["description"]
    assert settings["security"] == [{"bearerAuth": []}]
    assert settings["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
    sign_in = paths["/api/clients/auth/sign-in"]["post"]
    assert sign_in["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}, "validation errors come in the one shape, not FastAPI's"
    assert sign_in["security"] == [] and sign_in["x-roles"] == ["public"] and "429" in sign_in["responses"]


def test_bearer_tokens_are_the_documented_way_in(gateway):
    scheme = gateway.get("/openapi.json").json()["components"]["securitySchemes"]["bearerAuth"]
    assert scheme == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                      "description": scheme["description"]}


def test_operation_ids_are_unique_for_client_generators(gateway):
    paths = gateway.get("/openapi.json").json()["paths"]
    ids = Counter(op["operationId"] for item in paths.values() for op in item.values()
                  if isinstance(op, dict) and "operationId" in op)
    assert ids and max(ids.values()) == 1, ids


def test_interactive_docs_load_the_merged_document(gateway):
    page = gateway.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text and "/openapi.json" in page.text
