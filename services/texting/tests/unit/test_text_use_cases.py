"""Sending, Twilio's webhooks, the messages log, usage and Unassigned Messages on fakes: no
database, no Twilio (R-TEXT-5..13)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from petcare_contracts.events.texting import SendTextRequested
from petcare_kit.errors import Conflict, NotFound
from petcare_kit.identity import Identity, Role
from texting.domain.account import TextingAccount
from texting.domain.people import Person
from texting.domain.texts import Direction, Text
from texting.service_layer import messages, sending, usage, webhooks
from texting.service_layer.commands import (
    ApplyStatusCallback,
    Assign,
    CheckValidity,
    CloseFinishedMonths,
    ListMessages,
    ListUnassigned,
    MonthUsage,
    ReceiveText,
    SendText,
)
from texting.service_layer.context import Context

from .fakes import FakeUnitOfWork

NUMBER = "+12125550142"
ADA = "+14165550199"


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def company(uow: FakeUnitOfWork) -> UUID:
    company_id = uuid4()
    uow.accounts.rows[company_id] = TextingAccount(company_id, plan="solo", turned_on=True, number=NUMBER,
                                                   registration_status="APPROVED", available=True)
    return company_id


@pytest.fixture
def ctx(uow: FakeUnitOfWork, company: UUID) -> Context:
    return Context(uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=company))


@pytest.fixture
def ada(uow: FakeUnitOfWork, company: UUID) -> Person:
    return uow.people.add(Person(uuid4(), company, "client", "Ada Lovelace", numbers=[ADA],
                                 phones=[{"label": "mobile", "number": ADA, "e164": ADA}]))


def order(ada: Person, body: str = "Rex had a **great** walk!", images: int = 0) -> SendTextRequested:
    return SendTextRequested(delivery_id=uuid4(), recipient_id=ada.person_id, recipient_kind="client", to_number=ADA,
                             body=body, image_urls=[f"https://img.example.com/{n}.jpg" for n in range(images)],
                             purpose="conversation_message")


def inbound(body: str, sender: str = ADA, sid: str | None = None) -> ReceiveText:
    return ReceiveText.model_validate({"MessageSid": sid or f"SM{uuid4().hex}", "From": sender, "To": NUMBER,
                                       "Body": body, "NumMedia": "0"})


def callback(sid: str, status: str, code: str = "") -> ApplyStatusCallback:
    return ApplyStatusCallback.model_validate({"MessageSid": sid, "MessageStatus": status, "ErrorCode": code})


async def queued(uow: FakeUnitOfWork, delivery_id: UUID) -> list[Text]:
    return sorted((t for t in uow.texts.rows.values() if t.delivery_id == delivery_id), key=lambda t: t.part)


async def test_r_text_5_r_text_6_r_text_7_a_message_is_queued_as_texts_and_pictures(ctx, uow, company, ada):
    uow.accounts.rows[company] = replace(uow.accounts.rows[company], max_messages=2, max_images=10)
    request = order(ada, body="**Great walk** " + "Rex chased squirrels all around the park. " * 12, images=12)
    assert await sending.accept(ctx, SendText(company_id=company, request=request)) == 12
    texts = await queued(uow, request.delivery_id)
    assert texts[0].body.startswith("GREAT WALK") and texts[1].body.endswith("...")
    assert [t.media_urls for t in texts[2:]] == [[f"https://img.example.com/{n}.jpg"] for n in range(10)]
    assert {t.status for t in texts} == {"pending"} and uow.commits == 0  # the consumer's batch commits
    assert await sending.accept(ctx, SendText(company_id=company, request=request)) == 0  # redelivered


@pytest.mark.parametrize(("change", "reason"), [
    ({"plan": "lite"}, "texting_unavailable"), ({"turned_on": False}, "texting_unavailable"),
    ({"number": None}, "no_company_number"), ({"registration_status": "PENDING"}, "registration_not_approved")])
async def test_r_deliv_9_a_text_that_cannot_go_is_reported_not_sent(ctx, uow, company, ada, change, reason):
    uow.accounts.rows[company] = replace(uow.accounts.rows[company], **change)
    request = order(ada)
    envelope_id = uuid4()
    await sending.accept(ctx, SendText(company_id=company, causation_id=envelope_id, request=request))
    [not_sent] = [e for e in uow.published if e.type == "texting.text.not_sent"]
    assert not_sent.data["reason"] == reason and not_sent.causation_id == envelope_id
    assert uow.texts.rows == {}


async def test_r_text_12_an_opted_out_number_is_not_texted(ctx, uow, company, ada):
    await webhooks.inbound(ctx, inbound("STOP"))
    await sending.accept(ctx, SendText(company_id=company, request=order(ada)))
    assert [e["reason"] for e in uow.events("texting.text.not_sent")] == ["opted_out"]
    await webhooks.inbound(ctx, inbound("start"))
    assert await sending.accept(ctx, SendText(company_id=company, request=order(ada))) == 1


async def test_r_text_8_r_text_12_stop_and_start_land_in_the_senders_feed(ctx, uow, company, ada):
    """Issue 9, item 9: staff could not see why texts stopped."""
    await webhooks.inbound(ctx, inbound("Stop"))
    await webhooks.inbound(ctx, inbound("START"))
    assert [e["body"] for e in uow.events("texting.text.received")] == ["Stop", "START"]
    assert [e["opted_out"] for e in uow.events("texting.opt_out.changed")] == [True, False]


async def test_status_callbacks_move_forward_once_and_report(ctx, uow, company, ada):
    request = order(ada)
    await sending.accept(ctx, SendText(company_id=company, request=request))
    [text] = await queued(uow, request.delivery_id)
    uow.texts.rows[text.id] = replace(text, status="queued", twilio_sid="SM1")
    for status in ("sent", "delivered", "sent", "delivered"):  # Twilio retries, and late ones arrive
        await webhooks.status_callback(ctx, callback("SM1", status))
    await webhooks.status_callback(ctx, callback("SM-unknown", "delivered"))
    assert uow.texts.rows[text.id].status == "delivered"
    assert len(uow.events("texting.usage.recorded")) == 1 and len(uow.events("texting.text.delivered")) == 1
    assert uow.commits == 2  # one per callback that was news


async def test_r_text_13_an_undelivered_text_is_used_once_and_reported_failed(ctx, uow, company, ada):
    request = order(ada)
    await sending.accept(ctx, SendText(company_id=company, request=request))
    [text] = await queued(uow, request.delivery_id)
    uow.texts.rows[text.id] = replace(text, status="queued", twilio_sid="SM2")
    await webhooks.status_callback(ctx, callback("SM2", "undelivered", "30003"))  # no "sent" before it
    assert len(uow.events("texting.usage.recorded")) == 1
    [failed] = uow.events("texting.text.failed")
    assert failed["error_code"] == 30003


async def test_r_text_8_a_text_from_one_persons_number_joins_their_feed(ctx, uow, company, ada):
    await webhooks.inbound(ctx, inbound("Is Rex back?", sid="SM3"))
    await webhooks.inbound(ctx, inbound("Is Rex back?", sid="SM3"))  # Twilio retried the webhook
    [received] = uow.events("texting.text.received")
    assert received["person_id"] == str(ada.person_id) and received["body"] == "Is Rex back?"
    assert len(uow.events("texting.usage.recorded")) == 1 and uow.unassigned.rows == {}


async def test_r_text_8_a_number_shared_by_several_people_is_not_guessed(ctx, uow, company, ada):
    """Item 11 of issue 9: the text went to the first by name. Any ambiguity (two clients, a client
    and a staff member) goes to Unassigned Messages, naming the candidates."""
    zed = uow.people.add(Person(uuid4(), company, "client", "Aaron Zed", numbers=[ADA]))
    owner = uow.people.add(Person(uuid4(), company, "staff", "Olive Owner", numbers=[ADA]))
    await webhooks.inbound(ctx, inbound("whose phone is this?"))
    assert uow.events("texting.text.received") == []
    [alert] = uow.events("texting.unassigned_text.received")
    assert alert["from_number"] == ADA
    assert sorted((c["name"], c["kind"]) for c in alert["candidates"]) == [
        ("Aaron Zed", "client"), ("Ada Lovelace", "client"), ("Olive Owner", "staff")]
    [waiting] = await messages.unassigned_messages(ctx, ListUnassigned())
    assert {p.person_id for p in waiting.candidates} == {ada.person_id, zed.person_id, owner.person_id}
    [text] = uow.texts.rows.values()
    assert text.person_id is None


async def test_r_text_8_an_inactive_person_does_not_make_a_number_ambiguous(ctx, uow, company, ada):
    uow.people.add(Person(uuid4(), company, "client", "Former Client", numbers=[ADA], active=False))
    await webhooks.inbound(ctx, inbound("hello"))
    assert [e["person_id"] for e in uow.events("texting.text.received")] == [str(ada.person_id)]


async def test_r_text_9_a_stranger_waits_unassigned_until_an_admin_assigns_it(ctx, uow, company, ada):
    await webhooks.inbound(ctx, inbound("Who is this?", sender="+13125550100"))
    [waiting] = await messages.unassigned_messages(ctx, ListUnassigned())
    assert waiting.candidates == [] and waiting.message.body == "Who is this?"
    [alert] = uow.events("texting.unassigned_text.received")
    assert alert["candidates"] == []
    with pytest.raises(NotFound):
        await messages.assign(ctx, waiting.message.id, Assign(person_id=uuid4()))
    assigned = await messages.assign(ctx, waiting.message.id, Assign(person_id=ada.person_id))
    assert assigned.assigned_to == ada.person_id and assigned.assigned_kind == "client"
    assert uow.texts.rows[assigned.text_id].person_id == ada.person_id
    [joined] = uow.events("texting.unassigned_text.assigned")
    assert joined["person_id"] == str(ada.person_id) and joined["body"] == "Who is this?"
    assert await messages.unassigned_messages(ctx, ListUnassigned()) == []
    with pytest.raises(Conflict) as again:
        await messages.assign(ctx, waiting.message.id, Assign(person_id=ada.person_id))
    assert again.value.code == "already_assigned"


async def test_r_text_11_validity_per_person_uses_the_mobile_field(ctx, uow, company, ada):
    uow.people.add(Person(uuid4(), company, "staff", "Nobody Phoneless"))
    uow.accounts.rows[company] = replace(uow.accounts.rows[company], mobile_field="Cell")
    uow.people.add(replace(ada, custom_fields={"Cell": "+1 604 555 0142"}))
    by_name = {v.person.name: v for v in await messages.validity(ctx, CheckValidity())}
    assert by_name["Ada Lovelace"].number == "+1 604 555 0142" and by_name["Ada Lovelace"].textable
    assert by_name["Nobody Phoneless"].reason == "no mobile number on file"
    assert [v.person.kind for v in await messages.validity(ctx, CheckValidity(kind="staff"))] == ["staff"]


def _text(company: UUID, direction: Direction, status: str, at: datetime) -> Text:
    return Text(id=uuid4(), company_id=company, direction=direction, number=ADA,
                company_number=NUMBER, body=status, status=status, twilio_sid=f"SM{uuid4().hex}", created_at=at)


async def test_r_text_10_r_text_13_the_log_and_the_usage_figure_use_one_definition(ctx, uow, company):
    june = datetime(2026, 6, 15, tzinfo=UTC)
    pairs: list[tuple[Direction, str]] = [("outbound", "sent"), ("outbound", "delivered"), ("outbound", "failed"),
                              ("outbound", "undelivered"), ("outbound", "queued"), ("inbound", "received")]
    for direction, status in pairs:
        await uow.texts.add(_text(company, direction, status, june))
    await uow.texts.add(_text(company, "outbound", "delivered", june + timedelta(days=30)))  # July
    log = await messages.messages_log(ctx, ListMessages(since=datetime(2026, 6, 1, tzinfo=UTC),
                                                        until=datetime(2026, 7, 1, tzinfo=UTC)))
    used = await messages.month_usage(ctx, MonthUsage(month="2026-06"))
    assert log.totals == used
    assert (used.sent, used.received, used.failed, used.used) == (3, 1, 1, 4)
    assert len(log.messages) == 6

    assert await usage.close_finished_months(ctx, CloseFinishedMonths(now=datetime(2026, 8, 2, tzinfo=UTC))) == 2
    closed = {e["month"]: (e["sent"], e["received"]) for e in uow.events("texting.usage.month_closed")}
    assert closed == {"2026-06": (used.sent, used.received), "2026-07": (1, 0)}
    assert await usage.close_finished_months(ctx, CloseFinishedMonths(now=datetime(2026, 8, 2, tzinfo=UTC))) == 0


async def test_r_text_13_a_text_at_23_30_local_on_the_last_day_counts_in_that_local_month(ctx, uow, company):
    """New York, 31 January 23:30 (EST) is 1 February 04:30 UTC: it is a January text for the
    company, in GET /usage and in the month closed for billing."""
    uow.usage_months.zones[company] = "America/New_York"
    late_evening = datetime(2026, 2, 1, 4, 30, tzinfo=UTC)
    await uow.texts.add(_text(company, "outbound", "delivered", late_evening))
    await uow.texts.add(_text(company, "inbound", "received", datetime(2026, 2, 1, 5, 30, tzinfo=UTC)))  # 00:30

    january = await messages.month_usage(ctx, MonthUsage(month="2026-01"))
    february = await messages.month_usage(ctx, MonthUsage(month="2026-02"))
    assert (january.sent, january.received) == (1, 0)
    assert (february.sent, february.received) == (0, 1)

    # January closes once its LOCAL end has passed: not at 04:59 UTC on 1 February (23:59 in New York)...
    assert await usage.close_finished_months(ctx, CloseFinishedMonths(now=datetime(2026, 2, 1, 4, 59, tzinfo=UTC))) == 0
    # ...but at 05:00 UTC (midnight in New York), with the 23:30 text in it
    assert await usage.close_finished_months(ctx, CloseFinishedMonths(now=datetime(2026, 2, 1, 5, 0, tzinfo=UTC))) == 1
    [closed] = uow.events("texting.usage.month_closed")
    assert (closed["month"], closed["sent"], closed["received"]) == ("2026-01", 1, 0)


async def test_r_text_13_the_usage_page_defaults_to_the_current_local_month(ctx, uow, company, monkeypatch):
    uow.usage_months.zones[company] = "Pacific/Auckland"  # 31 March 12:00 UTC is 1 April 01:00 there
    monkeypatch.setattr(ctx, "now", lambda: datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    assert await messages.current_month(ctx) == "2026-04"
    del uow.usage_months.zones[company]  # a zone not known yet: UTC
    assert await messages.current_month(ctx) == "2026-03"
