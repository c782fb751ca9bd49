"""Errors answered the way Twilio answers them, so the SDK raises `TwilioRestException(code=...)`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

# Twilio error codes the sandbox answers (https://www.twilio.com/docs/api/errors/<code>).
AUTHENTICATION_FAILED = 20003
NOT_FOUND = 20404
INVALID_PARAMETER = 20001
INVALID_TO_NUMBER = 21211
PHONE_NUMBER_INVALID = 21421
PHONE_NUMBER_NOT_AVAILABLE = 21422
NO_NUMBERS_IN_AREA_CODE = 21452
BODY_REQUIRED = 21602
FROM_REQUIRED = 21603
TO_REQUIRED = 21604
FROM_NOT_OWNED = 21606
INVALID_STATUS_CALLBACK = 21609
RECIPIENT_OPTED_OUT = 21610
BODY_TOO_LONG = 21617
INVALID_MEDIA_URL = 21620
TOO_MANY_MEDIA = 21623
MESSAGING_SERVICE_NOT_FOUND = 21701
MESSAGING_SERVICE_HAS_NO_NUMBERS = 21704
NUMBER_IN_ANOTHER_SERVICE = 21712


class TwilioApiError(Exception):
    """A refusal of the REST API: HTTP `status` with Twilio's error `code`."""

    def __init__(self, code: int, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def body(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


API_PREFIXES = ("/api/", "/messaging/", "/trusthub/")
"""Where the sandbox serves each Twilio product: `/<product>/<path on <product>.twilio.com>`."""


def not_found(path: str) -> TwilioApiError:
    """20404 naming the resource as Twilio would: its path on the product's own host."""
    if path.startswith(API_PREFIXES):
        path = "/" + path.split("/", 2)[2]
    return TwilioApiError(NOT_FOUND, f"The requested resource {path} was not found", status=404)


def install_error_handlers(app: FastAPI) -> None:
    """Twilio-shaped errors for the REST API; unknown API routes answer 20404 as Twilio does."""

    @app.exception_handler(TwilioApiError)
    async def on_twilio_error(_: Request, error: TwilioApiError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status)

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, error: HTTPException) -> JSONResponse:
        if request.url.path.startswith(API_PREFIXES) and error.status_code in (404, 405):
            return await on_twilio_error(request, not_found(request.url.path))
        return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
