"""The API of invoices, their lines, company billing settings and per-client rates (R-INV-1..4, R-EMAIL-5,
R-NEVER-1). Thin: parse, call one use case, shape the answer."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["invoices"])
