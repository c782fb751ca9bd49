"""Issue 9 item 4: every operation of the merged OpenAPI declares its error responses, all in the
one error shape, whether or not the service declared them itself."""

from __future__ import annotations

from gateway.openapi_merge import ERROR_REF, merge

KIT_ERROR = {"$ref": "#/components/schemas/Error"}
UPSTREAM = {
    "info": {"title": "pets"},
    "paths": {
        "/pets": {"post": {
            "x-roles": ["admin"], "operationId": "add",
            "responses": {"201": {"description": "ok"},
                          "409": {"description": "taken", "content": {"application/json": {"schema": KIT_ERROR}}},
                          "422": {"description": "FastAPI's", "content": {"application/json": {"schema": {
                              "$ref": "#/components/schemas/HTTPValidationError"}}}}},
        }},
        "/hooks": {"post": {"x-roles": ["public"], "x-rate-limit": "auth", "responses": {"204": {}}}},
    },
    "components": {"schemas": {
        "Error": {"type": "object", "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}}},
        "ErrorDetail": {"type": "object"}, "Pet": {"type": "object"},
    }},
}


def test_every_operation_declares_each_error_in_the_one_shape():
    merged = merge({}, {"pets": UPSTREAM}, title="t", description="d", version="1")
    add = merged["paths"]["/api/pets/pets"]["post"]["responses"]
    hook = merged["paths"]["/api/pets/hooks"]["post"]["responses"]
    for responses, statuses in ((add, {"400", "401", "403", "404", "409", "422", "429", "503"}),
                                (hook, {"400", "404", "409", "422", "429", "503"})):
        errors = {status for status in responses if status[0] in "45"}
        assert errors == statuses
        for status in errors:
            assert responses[status]["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}
            assert responses[status]["description"]
    assert add["409"]["description"] == "taken"  # the service's own words are kept
    assert "Too many attempts" in hook["429"]["description"]
    schemas = merged["components"]["schemas"]
    assert "pets__Error" not in schemas and "pets__ErrorDetail" not in schemas and "pets__Pet" in schemas
    assert schemas["Error"]["required"] == ["error"]
