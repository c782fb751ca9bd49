"""Phone numbers, 2010-04-01: search `AvailablePhoneNumbers/{US,CA}/Local.json`, then buy, read,
update and release `IncomingPhoneNumbers`. A number's SmsUrl receives its inbound texts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from . import errors
from .deps import AccountDep, SandboxDep
from .errors import TwilioApiError, not_found
from .formats import PageRequest, phone_number_json, v2010_page
from .number_search import AREA_CODES, InvalidSearch, national_format, search_numbers
from .outbound import NORTH_AMERICAN_NUMBER
from .state import PhoneNumber, SandboxState, new_sid, now

router = APIRouter(tags=["Phone numbers"])
MAX_SEARCH_RESULTS = 50
NUMBER_SETTINGS = {
    "FriendlyName": "friendly_name",
    "SmsUrl": "sms_url",
    "SmsMethod": "sms_method",
    "StatusCallback": "status_callback",
}


@router.get("/Accounts/{account_sid}/AvailablePhoneNumbers/{country}/Local.json")
async def search_local_numbers(
    country: str, request: Request, account: AccountDep, sandbox: SandboxDep
) -> dict[str, Any]:
    if country not in AREA_CODES:
        raise not_found(request.url.path)
    query = request.query_params
    try:
        found = search_numbers(
            country,
            area_code=query.get("AreaCode"),
            contains=query.get("Contains"),
            limit=min(PageRequest.of(request).page_size, MAX_SEARCH_RESULTS),
            taken=sandbox.state.taken_numbers(),
        )
    except InvalidSearch as error:
        raise TwilioApiError(errors.INVALID_PARAMETER, str(error)) from error
    return {
        "available_phone_numbers": [
            {
                "friendly_name": n.friendly_name,
                "phone_number": n.phone_number,
                "lata": None,
                "rate_center": None,
                "latitude": None,
                "longitude": None,
                "locality": n.locality,
                "region": n.region,
                "postal_code": None,
                "iso_country": n.iso_country,
                "address_requirements": "none",
                "beta": False,
                "capabilities": {"voice": True, "SMS": True, "MMS": True, "fax": False},
            }
            for n in found
        ],
        "uri": request.url.path.removeprefix("/api") + (f"?{request.url.query}" if request.url.query else ""),
    }


@router.post("/Accounts/{account_sid}/IncomingPhoneNumbers.json", status_code=201)
async def buy_number(request: Request, account: AccountDep, sandbox: SandboxDep) -> dict[str, Any]:
    form = await request.form()
    state = sandbox.state
    with state.lock:
        phone_number = _number_to_buy(state, form)
        if state.number_by_phone(phone_number) is not None:
            raise TwilioApiError(
                errors.PHONE_NUMBER_NOT_AVAILABLE, f"PhoneNumber {phone_number} is not available."
            )
        number = PhoneNumber(
            sid=new_sid("PN"),
            account_sid=account,
            phone_number=phone_number,
            friendly_name=national_format(phone_number),
            iso_country="CA" if phone_number[2:5] in AREA_CODES["CA"] else "US",
        )
        _apply_settings(number, form)
        state.numbers[number.sid] = number
    return phone_number_json(number)


@router.get("/Accounts/{account_sid}/IncomingPhoneNumbers.json")
async def list_numbers(request: Request, account: AccountDep, sandbox: SandboxDep) -> dict[str, Any]:
    """The account's numbers; `PhoneNumber` filters by a part of the number (`*` ignored)."""
    wanted = (request.query_params.get("PhoneNumber") or "").replace("*", "")
    with sandbox.state.lock:
        numbers = [
            n for n in sandbox.state.numbers.values() if n.account_sid == account and wanted in n.phone_number
        ]
    return v2010_page(
        "incoming_phone_numbers", [phone_number_json(n) for n in numbers], PageRequest.of(request)
    )


@router.get("/Accounts/{account_sid}/IncomingPhoneNumbers/{number_sid}.json")
async def fetch_number(
    number_sid: str, request: Request, account: AccountDep, sandbox: SandboxDep
) -> dict[str, Any]:
    return phone_number_json(_owned(sandbox.state, account, number_sid, request))


@router.post("/Accounts/{account_sid}/IncomingPhoneNumbers/{number_sid}.json")
async def update_number(
    number_sid: str, request: Request, account: AccountDep, sandbox: SandboxDep
) -> dict[str, Any]:
    form = await request.form()
    with sandbox.state.lock:
        number = _owned(sandbox.state, account, number_sid, request)
        _apply_settings(number, form)
    return phone_number_json(number)


@router.delete("/Accounts/{account_sid}/IncomingPhoneNumbers/{number_sid}.json", status_code=204)
async def release_number(
    number_sid: str, request: Request, account: AccountDep, sandbox: SandboxDep
) -> Response:
    """Release the number: it leaves the account and any messaging service's sender pool."""
    state = sandbox.state
    with state.lock:
        _owned(state, account, number_sid, request)
        del state.numbers[number_sid]
        state.records.pop(number_sid, None)  # its membership of a sender pool has the number's sid
    return Response(status_code=204)


def _number_to_buy(state: SandboxState, form: FormData) -> str:
    """The PhoneNumber asked for, or the first number available in AreaCode."""
    phone_number = str(form.get("PhoneNumber") or "")
    area_code = str(form.get("AreaCode") or "")
    if phone_number:
        if not NORTH_AMERICAN_NUMBER.match(phone_number):
            raise TwilioApiError(errors.PHONE_NUMBER_INVALID, f"Phone Number {phone_number} is invalid.")
        return phone_number
    if not area_code:
        raise TwilioApiError(errors.PHONE_NUMBER_INVALID, "A PhoneNumber or an AreaCode is required.")
    country = "CA" if area_code in AREA_CODES["CA"] else "US"
    try:
        found = search_numbers(country, area_code, None, 1, state.taken_numbers())
    except InvalidSearch:
        found = []
    if not found:
        raise TwilioApiError(
            errors.NO_NUMBERS_IN_AREA_CODE, f"No phone numbers found in area code {area_code}."
        )
    return found[0].phone_number


def _apply_settings(number: PhoneNumber, form: FormData) -> None:
    for parameter, attribute in NUMBER_SETTINGS.items():
        if parameter in form:
            setattr(number, attribute, str(form[parameter]))
    number.sms_method = number.sms_method.upper()
    number.date_updated = now()


def _owned(state: SandboxState, account: str, number_sid: str, request: Request) -> PhoneNumber:
    number = state.numbers.get(number_sid)
    if number is None or number.account_sid != account:
        raise not_found(request.url.path)
    return number
