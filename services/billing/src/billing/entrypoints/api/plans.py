"""The API of company plans and free trials (R-PLAN-1, R-TEXT-1). Thin: parse, call one use case, shape the answer."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["plans"])
