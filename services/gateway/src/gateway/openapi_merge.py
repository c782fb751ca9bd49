"""One OpenAPI document for frontend developers: every service's API as the gateway serves it.

From each service's own document: paths get the `/api/<service>` prefix they are reached by;
operations the gateway does not expose (internal ones, and any without `x-roles`) are removed;
component names get a `<service>__` prefix (two services may both have a `Pet`), with every
`$ref` rewritten to match; operation ids get a `<service>_` prefix so generated clients have
unique method names. `x-roles` stays on each operation and is spelled out in its description,
and protected operations carry the bearer security scheme, so the docs say who may call what.

Errors: every exposed operation declares the errors it can answer (400, 404, 409, 422, 429, 503,
and 401/403), all in the one shape, `#/components/schemas/Error`. A service's own `Error` schema
(the kit's, the same shape) is that one, not a prefixed copy; FastAPI's `{"detail": [...]}` 422 is
replaced, since the kit never answers it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from gateway.routing import HTTP_METHODS, exposed_roles

BEARER = "bearerAuth"
COMPONENTS_PREFIX = "#/components/"
ERROR_REF = f"{COMPONENTS_PREFIX}schemas/Error"
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "Stable: branch on it (`token_expired`, `not_found`)."},
            "message": {"type": "string", "description": "What went wrong and what to do, for a person."},
            "details": {"description": "More about the error, e.g. one entry per invalid field."},
        },
    }},
}
_SHARED_SCHEMAS = {"Error", "ErrorDetail"}
"""The kit's error shape, which every service declares under these names: merged into the one `Error`."""
_GATEWAY_RESPONSES = {
    "401": "Not signed in, token invalid or expired (`token_expired`), or session ended (`session_revoked`).",
    "403": "Signed in, but your role cannot do this (`role_not_allowed`).",
}
_ANY_OPERATION_RESPONSES = {
    "400": "The request cannot be done as asked (`code` says why); nothing was changed.",
    "404": "Not found, or not yours (`not_found` or a specific code).",
    "409": "Conflicts with the current state or a concurrent change (`conflict` or a specific code).",
    "422": "Not valid (`validation_error`, `unstorable_text`, `invalid_value`): `details` lists each field.",
    "429": "Too many requests: wait `Retry-After` seconds (`rate_limited`).",
    "503": "The service or one it needs is unavailable; nothing was changed: retry after `Retry-After` seconds.",
}


def merge(own: Mapping[str, Any], upstreams: Mapping[str, Mapping[str, Any]], *, title: str,
          description: str, version: str) -> dict[str, Any]:
    own_schemas = copy.deepcopy((own.get("components") or {}).get("schemas") or {})
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "description": description, "version": version},
        "paths": copy.deepcopy(dict(own.get("paths") or {})),
        "components": {
            "schemas": {**own_schemas, "Error": copy.deepcopy(ERROR_SCHEMA)},
            "securitySchemes": {BEARER: {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "The access token from the clients service's log-in.",
            }},
        },
        "tags": [],
    }
    for service, document in upstreams.items():
        _add_service(merged, service, rename_components(copy.deepcopy(dict(document)), service))
    return merged


def prefixed(service: str, name: str) -> str:
    return f"{service}__{name}"


def rename_components(document: Any, service: str, parent_key: str | None = None) -> Any:
    """Rewrite every `$ref` (and discriminator mapping) to a component, in place; returns the document."""
    if isinstance(document, dict):
        for key, value in document.items():
            if isinstance(value, str) and (key == "$ref" or parent_key == "mapping"):
                document[key] = _renamed_ref(value, service)
            else:
                rename_components(value, service, key)
    elif isinstance(document, list):
        for item in document:
            rename_components(item, service, parent_key)
    return document


def _renamed_ref(ref: str, service: str) -> str:
    if not ref.startswith(COMPONENTS_PREFIX):
        return ref
    section, _, name = ref[len(COMPONENTS_PREFIX):].partition("/")
    if section == "schemas" and name in _SHARED_SCHEMAS:
        return f"{COMPONENTS_PREFIX}schemas/{name}"
    return f"{COMPONENTS_PREFIX}{section}/{prefixed(service, name)}"


def _add_service(merged: dict[str, Any], service: str, document: dict[str, Any]) -> None:
    for section, entries in (document.get("components") or {}).items():
        if section == "securitySchemes" or not isinstance(entries, dict):
            continue  # the gateway's bearer scheme is the one callers use
        target = merged["components"].setdefault(section, {})
        target.update({prefixed(service, name): value for name, value in entries.items()
                       if not (section == "schemas" and name in _SHARED_SCHEMAS)})
    for template, item in (document.get("paths") or {}).items():
        exposed = {}
        for method in HTTP_METHODS:
            operation = item.get(method)
            roles = exposed_roles(operation) if isinstance(operation, dict) else None
            if roles is not None:
                exposed[method] = _as_exposed(service, operation, roles)
        if exposed:
            shared = {key: value for key, value in item.items() if key not in HTTP_METHODS}
            merged["paths"][f"/api/{service}{template}"] = {**shared, **exposed}
    info = document.get("info") or {}
    merged["tags"].append({"name": service, "description": info.get("description") or info.get("title", "")})


def _as_exposed(service: str, operation: dict[str, Any], roles: tuple[str, ...]) -> dict[str, Any]:
    operation["tags"] = [f"{service}: {tag}" for tag in operation.get("tags") or []] or [service]
    if "operationId" in operation:
        operation["operationId"] = f"{service}_{operation['operationId']}"
    public = roles == ("public",)
    who = "Anyone, without signing in." if public else f"Roles: {', '.join(roles)}."
    operation["description"] = "\n\n".join(p for p in (operation.get("description"), f"**{who}**") if p)
    operation["security"] = [] if public else [{BEARER: []}]
    responses = operation.setdefault("responses", {})
    for status, response in list(responses.items()):
        if status.startswith(("4", "5")) and _schema_ref(response) != ERROR_REF:
            responses.pop(status)  # e.g. FastAPI's `{"detail": [...]}` 422: the kit answers in the one shape
    answered_here = {} if public else dict(_GATEWAY_RESPONSES)  # the gateway itself answers these
    if operation.get("x-rate-limit"):
        answered_here["429"] = "Too many attempts from your address: wait `Retry-After` seconds (`rate_limited`)."
    for status, text in {**_ANY_OPERATION_RESPONSES, **answered_here}.items():
        response = responses.setdefault(status, {"description": text})
        if status in answered_here:
            response["description"] = text
        response["content"] = {"application/json": {"schema": {"$ref": ERROR_REF}}}
    return operation


def _schema_ref(response: Any) -> str | None:
    content = response.get("content") if isinstance(response, dict) else None
    schema = ((content or {}).get("application/json") or {}).get("schema") or {}
    return schema.get("$ref")
