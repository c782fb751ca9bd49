"""The API of texting charges: numbers held, usage, periods and their charges (R-BILL-1..5). Thin: parse, call one
use case, shape the answer."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["texting charges"])
