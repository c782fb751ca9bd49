"""The signed identity header: what services trust instead of anything a caller could set."""

from uuid import uuid4

import pytest
from petcare_kit.errors import Unauthenticated
from petcare_kit.identity import IDENTITY_HEADER, SIGNATURE_HEADER, Identity, Role, sign_identity, verify_identity

SECRET = "s3cret"


def signed(identity: Identity, **overrides):
    args = {"secret": SECRET, "method": "GET", "path": "/clients/1", "now": 1000.0} | overrides
    return sign_identity(identity, **args)


def test_a_signed_identity_verifies_to_the_same_person():
    identity = Identity(Role.CLIENT, person_id=uuid4(), company_id=uuid4())
    headers = signed(identity)
    assert verify_identity(headers, secret=SECRET, method="GET", path="/clients/1", now=1010.0) == identity


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"secret": "other"}, "could not be verified"),
        ({"method": "DELETE"}, "could not be verified"),
        ({"path": "/clients/2"}, "could not be verified"),
        ({"now": 1000.0 + 61}, "expired"),
    ],
    ids=["wrong secret", "other method", "other path", "too old"],
)
def test_an_identity_is_refused_for_another_request_or_later(change, message):
    headers = signed(Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4()))
    args = {"secret": SECRET, "method": "GET", "path": "/clients/1", "now": 1000.0} | change
    with pytest.raises(Unauthenticated, match=message):
        verify_identity(headers, **args)


def test_a_caller_cannot_promote_itself_by_editing_the_header():
    company = uuid4()
    headers = signed(Identity(Role.CLIENT, person_id=uuid4(), company_id=company))
    forged = Identity(Role.ADMIN, person_id=uuid4(), company_id=company)
    headers[IDENTITY_HEADER] = signed(forged)[IDENTITY_HEADER].rsplit(".", 1)[0] + ".1000"
    with pytest.raises(Unauthenticated):
        verify_identity(headers, secret=SECRET, method="GET", path="/clients/1", now=1000.0)


def test_no_identity_at_all_is_unauthenticated():
    with pytest.raises(Unauthenticated, match="Sign in"):
        verify_identity({}, secret=SECRET, method="GET", path="/", now=0)
    with pytest.raises(Unauthenticated):
        verify_identity({IDENTITY_HEADER: "x.1"}, secret=SECRET, method="GET", path="/", now=0)
    assert SIGNATURE_HEADER  # both headers are required


async def test_the_service_verifies_the_decoded_path_the_gateway_signed_not_the_percent_encoded_one():
    """A path with an encoded character (`/notes/caf%C3%A9`) is signed by the gateway as the decoded
    string it matched its route on; a service that verified the raw (encoded) path would refuse every
    such caller as forged (401), which a frontend takes as "signed out"."""
    from types import SimpleNamespace

    from petcare_kit.identity import current_identity
    from starlette.requests import Request

    identity = Identity(role=Role.ADMIN, company_id=uuid4(), person_id=uuid4())
    signed = sign_identity(identity, secret="s", method="GET", path="/notes/café")
    app = SimpleNamespace(state=SimpleNamespace(runtime=SimpleNamespace(settings=SimpleNamespace(
        internal_auth_secret="s"))))
    request = Request({"type": "http", "method": "GET", "path": "/notes/café", "raw_path": b"/notes/caf%C3%A9",
                       "query_string": b"", "app": app,
                       "headers": [(k.lower().encode(), v.encode()) for k, v in signed.items()]})
    assert (await current_identity(request)).person_id == identity.person_id
