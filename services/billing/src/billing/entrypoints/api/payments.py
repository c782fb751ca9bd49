"""The API of Stripe customers, saved cards, payment attempts, payments and refunds (R-PAY-1..4, R-EMAIL-3,
R-EMAIL-4). Thin: parse, call one use case, shape the answer."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["payments"])
