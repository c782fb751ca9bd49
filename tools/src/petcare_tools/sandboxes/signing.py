"""X-Twilio-Signature, computed the way Twilio signs the webhooks it sends.

The Twilio sandbox signs every status callback and inbound-message webhook with this module, so the
texting service validates sandbox requests with the very code (the SDK's `RequestValidator`) that
validates Twilio's in production. `tools/tests/sandboxes/test_signing.py` proves it against the 14
external vectors in `/work/shared/testdata/twilio/signature_vectors.json`.

Algorithm: base64(HMAC-SHA1(key = auth token, message = full URL + for each parameter name, sorted,
the name followed by each of its values)). Values of a repeated name are sorted and de-duplicated,
as twilio-python's validator does (vector `form_duplicate_keys`); the sandbox itself never repeats a
name. A JSON body is not signed as parameters: its hex SHA-256 travels in the URL as `bodySHA256`,
and only that URL is signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

SIGNATURE_HEADER = "X-Twilio-Signature"

FormParams = Mapping[str, str] | Iterable[tuple[str, str]]
"""Form parameters as a mapping, or as (name, value) pairs when a name repeats."""


def compute_signature(auth_token: str, url: str, params: FormParams = ()) -> str:
    """The X-Twilio-Signature of a request to `url` carrying the form `params`."""
    values_by_name: dict[str, set[str]] = {}
    pairs = params.items() if isinstance(params, Mapping) else params
    for name, value in pairs:
        values_by_name.setdefault(name, set()).add(value)
    message = url + "".join(
        name + value for name in sorted(values_by_name) for value in sorted(values_by_name[name])
    )
    digest = hmac.new(auth_token.encode(), message.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def body_sha256(body: str | bytes) -> str:
    """Hex SHA-256 of a raw request body, the value Twilio puts in `bodySHA256`."""
    raw = body.encode() if isinstance(body, str) else body
    return hashlib.sha256(raw).hexdigest()


def sign_json_request(auth_token: str, url: str, body: str | bytes) -> tuple[str, str]:
    """(URL to post to, signature) for a JSON body: the URL gains `bodySHA256`, then is signed alone."""
    separator = "&" if urlsplit(url).query else "?"
    signed_url = f"{url}{separator}bodySHA256={body_sha256(body)}"
    return signed_url, compute_signature(auth_token, signed_url)
