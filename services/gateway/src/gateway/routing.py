"""The route table of one upstream service, built from its OpenAPI document.

Each service declares who may call each operation with `x-roles` (petcare_kit.identity.allow) and
marks log-in style operations with `x-rate-limit: auth`. The gateway reads those declarations
instead of keeping its own list, so a new route is routed (and guarded) the moment its service
ships it.

Matching copies Starlette's: templates are tried in the order the service declared them, the
first one whose path matches and has the method wins, and a path that matches only with other
methods is a 405. Copying it means the gateway guards exactly the operation the service will run.
An operation without `x-roles`, or with `["internal"]`, is left out: fail closed, never exposed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.errors import MethodNotAllowed, not_found

PUBLIC = "public"
INTERNAL = "internal"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAMETER = re.compile(r"\{([^{}/]+)\}")


@dataclass(frozen=True)
class Operation:
    method: str
    """Upper case: `GET`."""
    template: str
    """The service-side path template: `/clients/{client_id}`."""
    roles: tuple[str, ...]
    rate_limit: str | None = None

    @property
    def is_public(self) -> bool:
        """Exactly `["public"]`, as `allow(PUBLIC)` declares it; a mixed list still needs a token."""
        return self.roles == (PUBLIC,)


@dataclass(frozen=True)
class RouteMatch:
    operation: Operation
    params: dict[str, str]


@dataclass
class _Template:
    template: str
    pattern: re.Pattern[str]
    names: list[str]
    operations: dict[str, Operation] = field(default_factory=dict)

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path)
        return dict(zip(self.names, found.groups(), strict=True)) if found else None


def exposed_roles(operation: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The roles that may call an OpenAPI operation through the gateway; None if it is not exposed."""
    roles = operation.get("x-roles")
    if not isinstance(roles, list) or not roles or roles == [INTERNAL]:
        return None
    return tuple(str(role) for role in roles)


class RouteTable:
    def __init__(self, templates: Iterable[_Template]) -> None:
        self._templates = list(templates)

    @classmethod
    def from_openapi(cls, document: Mapping[str, Any]) -> RouteTable:
        templates: list[_Template] = []
        for template, item in (document.get("paths") or {}).items():
            compiled = _compile(template)
            for method in HTTP_METHODS:
                operation = item.get(method)
                roles = exposed_roles(operation) if isinstance(operation, dict) else None
                if roles is None:
                    continue
                rate_limit = operation.get("x-rate-limit")
                compiled.operations[method.upper()] = Operation(
                    method.upper(), template, roles, str(rate_limit) if rate_limit else None
                )
            if compiled.operations:
                templates.append(compiled)
        return cls(templates)

    def __len__(self) -> int:
        return sum(len(t.operations) for t in self._templates)

    def match(self, method: str, path: str) -> RouteMatch:
        """The operation a request reaches; RouteNotFound (404) or MethodNotAllowed (405) otherwise."""
        method = method.upper()
        allowed: list[str] = []
        for template in self._templates:
            params = template.match(path)
            if params is None:
                continue
            operation = template.operations.get(method)
            if operation is None and method == "HEAD":  # Starlette answers HEAD with the GET route
                operation = template.operations.get("GET")
            if operation is not None:
                return RouteMatch(operation, params)
            allowed += [m for m in template.operations if m not in allowed]
        if allowed:
            raise MethodNotAllowed(
                f"{method} is not allowed here; use {', '.join(allowed)}.",
                details={"allowed": allowed}, headers={"Allow": ", ".join(allowed)},
            )
        raise not_found()


def _compile(template: str) -> _Template:
    names: list[str] = []
    parts: list[str] = []
    position = 0
    for found in _PARAMETER.finditer(template):
        parts.append(re.escape(template[position:found.start()]))
        parts.append("([^/]+)")  # one path segment, as Starlette's default convertor
        names.append(found.group(1).split(":")[0])
        position = found.end()
    parts.append(re.escape(template[position:]))
    return _Template(template, re.compile("".join(parts)), names)
