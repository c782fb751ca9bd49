"""The API of packages, clients' packages and redemptions (R-PKG-1). Thin: parse, call one use case, shape the
answer."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["packages"])
