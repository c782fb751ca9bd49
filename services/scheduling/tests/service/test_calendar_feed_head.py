"""HEAD on the public calendar feeds (R-SCHED-12): some calendar apps probe a subscription with HEAD
before they GET it, so HEAD answers like GET (status, type, length) without a body, a wrong token
is the same 404, and the OpenAPI the gateway merges keeps one GET operation per feed."""

from __future__ import annotations

from ..conftest import Service, make_world
from .test_calendar_feeds import address, soon
from .test_visits_api import NOTE, booking, catalogue


async def test_r_sched_12_head_on_a_feed_answers_like_get_without_a_body(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    await service.call(world.admin, "POST", "/visits", json=booking(world, walk, visit_date=soon(3), staff_note=NOTE))

    for kind, person_id, who in (("staff", world.staff_id, world.staff), ("clients", world.client_id, world.admin)):
        path = await address(service, who, kind, person_id)
        got = await service.http.get(path)
        head = await service.http.head(path)

        assert (head.status_code, got.status_code) == (200, 200), (kind, head.text)
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers["content-type"].startswith("text/calendar")
        assert int(head.headers["content-length"]) == len(got.content) > 0
        assert head.headers["content-disposition"] == got.headers["content-disposition"]


async def test_r_sched_12_head_with_a_wrong_token_is_404(service: Service) -> None:
    world = await make_world(service)
    path, _, token = (await address(service, world.staff, "staff", world.staff_id)).partition("?token=")

    assert (await service.http.head(f"{path}?token={token[:-2]}xx")).status_code == 404
    assert (await service.http.head(path)).status_code == 404


def test_the_openapi_keeps_one_public_get_per_feed_and_no_head(service: Service) -> None:
    paths = service.app.openapi()["paths"]
    for feed in ("/calendar/staff/{staff_id}.ics", "/calendar/clients/{client_id}.ics"):
        assert set(paths[feed]) == {"get"}, feed
