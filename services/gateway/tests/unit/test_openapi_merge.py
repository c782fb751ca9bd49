"""Merging: references keep pointing at the right service's schemas."""

from __future__ import annotations

from gateway.openapi_merge import merge

UPSTREAM = {
    "info": {"title": "billing"},
    "paths": {"/invoices": {"get": {
        "x-roles": ["client"], "operationId": "list",
        "responses": {"200": {"content": {"application/json": {"schema": {
            "oneOf": [{"$ref": "#/components/schemas/Card"}, {"$ref": "#/components/schemas/Cash"}],
            "discriminator": {"propertyName": "kind", "mapping": {
                "card": "#/components/schemas/Card", "cash": "#/components/schemas/Cash"}},
        }}}}},
    }}},
    "components": {
        "schemas": {"Card": {"type": "object"}, "Cash": {"type": "object"}},
        "securitySchemes": {"theirs": {"type": "apiKey"}},
    },
}


def test_discriminator_mappings_and_refs_are_renamed_together():
    merged = merge({}, {"billing": UPSTREAM}, title="t", description="d", version="1")
    schema = merged["paths"]["/api/billing/invoices"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert schema["oneOf"] == [{"$ref": "#/components/schemas/billing__Card"},
                               {"$ref": "#/components/schemas/billing__Cash"}]
    assert schema["discriminator"]["mapping"] == {"card": "#/components/schemas/billing__Card",
                                                  "cash": "#/components/schemas/billing__Cash"}
    assert set(merged["components"]["securitySchemes"]) == {"bearerAuth"}


def test_the_service_document_is_left_untouched():
    merge({}, {"billing": UPSTREAM}, title="t", description="d", version="1")
    assert UPSTREAM["paths"]["/invoices"]["get"]["operationId"] == "list"
    assert "Card" in UPSTREAM["components"]["schemas"]
