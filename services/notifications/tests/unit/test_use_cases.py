"""Each use case of notifications, driven with in-memory repositories (fakes.py): no database, no
broker. What is asserted is what a user would notice: who gets what, through which channel, and
that a request's changes commit once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from notifications.domain.preferences import DefaultDelivery, Preferences
from notifications.domain.triggers import Trigger
from notifications.service_layer import alerts, delivery_settings, feed, people, reports
from notifications.service_layer.commands import (
    ChangeEveryonesPreferences,
    ChangePreferences,
    ChangeSwitches,
    PostMessage,
)
from notifications.service_layer.context import Context
from notifications.service_layer.deliver import deliver
from notifications.service_layer.emails import email_about
from notifications.service_layer.errors import (
    ConversationNotFound,
    DeliveryNotFound,
    PersonNotFound,
    UnknownCompany,
    UnknownRecipient,
)
from petcare_contracts import new_envelope
from petcare_contracts.events import scheduling, texting
from petcare_contracts.events.notifications import DeliveryDecided, FeedMessagePosted
from petcare_contracts.events.texting import SendTextRequested
from petcare_kit.errors import Forbidden
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork, person, texting_company

COMPANY = uuid4()


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.companies.states[COMPANY] = texting_company()
    return uow


def admin_of(uow: FakeUnitOfWork) -> Identity:
    admin = uow.recipients.add(COMPANY, person("staff", role="admin", name="Olive Owner", email="olive@x.com",
                                               mobile="+12125550100"))
    return Identity(Role.ADMIN, person_id=admin.person_id, company_id=COMPANY)


def client_of(uow: FakeUnitOfWork, **kw) -> tuple:  # type: ignore[no-untyped-def]
    client = uow.recipients.add(COMPANY, person(**kw))
    return client, Identity(Role.CLIENT, person_id=client.person_id, company_id=COMPANY)


def visit() -> scheduling.VisitSummary:
    return scheduling.VisitSummary(visit_id=uuid4(), service_name="Dog walk", visit_date=date(2026, 12, 1),
                                   time_block="Morning", pet_names=["Rex"], staff_name="Wally")


def envelope_of(payload):  # type: ignore[no-untyped-def]
    return new_envelope(payload, company_id=COMPANY, correlation_id="unit")


# ---- deliver -------------------------------------------------------------------------------------

async def test_deliver_records_the_decision_queues_the_email_and_asks_texting_for_the_text(uow):
    admin_of(uow)
    client, _ = client_of(uow)
    await uow.preferences.save(COMPANY, client.person_id, Preferences(DefaultDelivery.TEXT_AND_EMAIL, True))
    source = uuid4()
    decision = await deliver(uow, company_id=COMPANY, trigger=Trigger.FEED_MESSAGE, recipient_id=client.person_id,
                             source_id=source, data={"text": "Rex had fun"}, text_body="Rex had fun")
    assert decision is not None and decision.email.chosen and decision.text.chosen
    [delivery] = uow.deliveries.added
    assert delivery.email is not None and delivery.email["to"] == "ada@x.com"
    assert delivery.email["from_name"] == "Happy Paws" and delivery.email["reply_to"] == "olive@x.com"
    [text] = uow.of_type(SendTextRequested)
    assert (text.to_number, text.body) == ("+14165550199", "Rex had fun")
    assert len(uow.of_type(DeliveryDecided)) == 1 and uow.commits == 0  # the caller commits
    again = await deliver(uow, company_id=COMPANY, trigger=Trigger.FEED_MESSAGE, recipient_id=client.person_id,
                          source_id=source, data={"text": "Rex had fun"})
    assert again is None and len(uow.published) == 2  # a replay sends nothing twice


async def test_deliver_waits_for_an_unknown_person_and_for_the_company_name(uow):
    with pytest.raises(UnknownRecipient):
        await deliver(uow, company_id=COMPANY, trigger=Trigger.PASSWORD_RESET, recipient_id=uuid4(),
                      source_id=uuid4(), data={})
    nameless = uuid4()
    stranger = uow.recipients.add(nameless, person())
    with pytest.raises(UnknownCompany):
        await deliver(uow, company_id=nameless, trigger=Trigger.PASSWORD_RESET, recipient_id=stranger.person_id,
                      source_id=uuid4(), data={})
    assert uow.published == []


async def test_email_about_delivers_the_trigger_for_the_event(uow):
    client, _ = client_of(uow)
    event = texting.TextSent(delivery_id=uuid4(), recipient_id=client.person_id, messages=1)  # any event will do
    await email_about(uow, envelope_of(event), Trigger.PORTAL_INSTRUCTIONS, client.person_id,
                      {"portal_url": "http://p", "login_email": "ada@x.com"})
    [delivery] = uow.deliveries.added
    assert delivery.trigger == "portal_instructions" and delivery.email is not None


# ---- feeds ---------------------------------------------------------------------------------------

async def test_r_email_1_staff_post_reaches_the_client_and_commits_once(uow):
    client, _ = client_of(uow)
    ctx = Context(uow, admin_of(uow))
    message = await feed.post_message(ctx, client.person_id, PostMessage(text="Rex had fun"))
    assert message.author == "staff" and uow.commits == 1
    assert [p.text for p in uow.of_type(FeedMessagePosted)] == ["Rex had fun"]
    [delivery] = uow.deliveries.added
    assert delivery.trigger == "feed_message" and delivery.email is not None  # email only by default


async def test_r_deliv_3_an_override_changes_this_message_only(uow):
    client, _ = client_of(uow)
    ctx = Context(uow, admin_of(uow))
    await uow.preferences.save(COMPANY, client.person_id, Preferences(DefaultDelivery.EMAIL_ONLY, True))
    await feed.post_message(ctx, client.person_id, PostMessage(text="by text", delivery_override="text_only"))
    assert [t.body for t in uow.of_type(SendTextRequested)] == ["by text"]
    assert await uow.preferences.get(COMPANY, client.person_id) == Preferences(DefaultDelivery.EMAIL_ONLY, True)


async def test_a_client_writes_in_their_own_feed_only_and_reaches_the_business_in_app(uow):
    admin = admin_of(uow)
    client, me = client_of(uow)
    await feed.post_message(Context(uow, me), client.person_id,
                            PostMessage(text="thanks", delivery_override="text_only"))
    assert uow.deliveries.added == [] and uow.of_type(SendTextRequested) == []
    with pytest.raises(ConversationNotFound):
        await feed.post_message(Context(uow, me), admin.person_id, PostMessage(text="psst"))
    with pytest.raises(ConversationNotFound):
        await feed.read_feed(Context(uow, admin), uuid4(), before=None, limit=10)


async def test_reading_a_feed_counts_what_the_reader_has_not_read(uow):
    client, me = client_of(uow)
    admin = admin_of(uow)
    for n in range(3):
        await feed.post_message(Context(uow, admin), client.person_id, PostMessage(text=f"note {n}"))
    page = await feed.read_feed(Context(uow, me), client.person_id, before=None, limit=2)
    assert [m.text for m in page.messages] == ["note 2", "note 1"] and page.unread == 3
    await feed.mark_read(Context(uow, me), client.person_id)
    assert (await feed.read_feed(Context(uow, me), client.person_id, before=None, limit=2)).unread == 0


async def test_r_email_1_a_visit_message_lands_in_the_feed_and_is_delivered(uow):
    client, _ = client_of(uow)
    event = scheduling.VisitCompleted(visit_id=uuid4(), client_id=client.person_id, staff_id=None, visit=visit(),
                                      message_for_client="Rex was great!", report_card_url="http://card")
    envelope = envelope_of(event)
    await feed.post_from_event(uow, envelope, person_id=client.person_id, author="staff", author_id=None,
                               text="Rex was great!", image_urls=[], report_card_url="http://card",
                               source="visit_completed", trigger=Trigger.VISIT_COMPLETED_MESSAGE)
    [message] = uow.feeds.messages
    assert message.source_id == envelope.id and message.pictures == ["http://card"]
    [delivery] = uow.deliveries.added
    assert delivery.trigger == "visit_completed_message" and uow.commits == 0
    with pytest.raises(UnknownRecipient):
        await feed.post_from_event(uow, envelope_of(event), person_id=uuid4(), author="client", author_id=None,
                                   text="hi", image_urls=[], source="text_received")


# ---- preferences, switches, decision log -------------------------------------------------------

async def test_r_deliv_4_a_client_switches_texting_but_not_the_default_delivery(uow):
    client, me = client_of(uow)
    shown = await delivery_settings.set_preferences(Context(uow, me), client.person_id,
                                                    ChangePreferences(texting_enabled=True))
    assert shown.preferences.texting_enabled and not shown.pending and uow.commits == 1
    with pytest.raises(Forbidden):
        await delivery_settings.set_preferences(Context(uow, me), client.person_id,
                                                ChangePreferences(default_delivery="text_only"))
    admin = admin_of(uow)
    with pytest.raises(ConversationNotFound):
        await delivery_settings.set_preferences(Context(uow, me), admin.person_id,
                                                ChangePreferences(texting_enabled=True))


async def test_preferences_set_before_the_person_is_known_are_held_then_applied(uow):
    """Issue 9 item 12: the frontend creates a client and sets its delivery before notifications has
    consumed the client; the change is accepted and applies when the client arrives."""
    ctx, newcomer = Context(uow, admin_of(uow)), uuid4()
    with pytest.raises(PersonNotFound):
        await delivery_settings.get_preferences(ctx, newcomer)
    shown = await delivery_settings.set_preferences(ctx, newcomer, ChangePreferences(default_delivery="text_only"))
    assert shown.pending and shown.preferences.default_delivery == DefaultDelivery.TEXT_ONLY
    await delivery_settings.set_preferences(ctx, newcomer, ChangePreferences(texting_enabled=True))
    pending = await delivery_settings.get_preferences(ctx, newcomer)
    assert pending.pending and pending.preferences == Preferences(DefaultDelivery.TEXT_ONLY, True)
    uow.recipients.add(COMPANY, person(person_id=newcomer))
    await people.person_known(uow, COMPANY, newcomer, "client")
    known = await delivery_settings.get_preferences(ctx, newcomer)
    assert not known.pending and known.preferences == Preferences(DefaultDelivery.TEXT_ONLY, True)
    assert uow.replayed_for == [newcomer]


async def test_r_deliv_6_a_new_person_starts_with_the_company_defaults_for_their_kind(uow):
    ctx = Context(uow, admin_of(uow))
    client, _ = client_of(uow)
    await uow.preferences.start(COMPANY, client.person_id, Preferences())
    changed = await delivery_settings.set_everyones_preferences(ctx, ChangeEveryonesPreferences(
        audience="clients", default_delivery="text_and_email", texting_enabled=True))
    assert changed == 1 and uow.commits == 1
    newcomer = uuid4()
    await people.person_known(uow, COMPANY, newcomer, "client")
    assert await uow.preferences.get(COMPANY, newcomer) == Preferences(DefaultDelivery.TEXT_AND_EMAIL, True)
    staff = uuid4()
    await people.person_known(uow, COMPANY, staff, "staff")
    assert await uow.preferences.get(COMPANY, staff) == Preferences()


async def test_r_deliv_8_switches_change_one_at_a_time(uow):
    ctx = Context(uow, admin_of(uow))
    state = await delivery_settings.change_switches(ctx, ChangeSwitches(changes={"event_started": False}))
    assert "event_started" not in {s.value for s in state.switches.on} and uow.commits == 1
    state = await delivery_settings.change_switches(ctx, ChangeSwitches(changes={"staff_late_to_event": False}))
    assert {"event_started", "staff_late_to_event"}.isdisjoint({s.value for s in state.switches.on})
    assert (await delivery_settings.switches(ctx)).switches == state.switches


async def test_r_deliv_7_the_decision_log_shows_each_delivery_and_a_stranger_is_not_found(uow):
    client, _ = client_of(uow)
    ctx = Context(uow, admin_of(uow))
    await feed.post_message(ctx, client.person_id, PostMessage(text="hello"))
    [record] = await delivery_settings.decision_log(ctx, client.person_id, 10)
    assert record.trigger == "feed_message" and record.email_state == "pending"
    assert (await delivery_settings.delivery(ctx, record.id)).id == record.id
    with pytest.raises(DeliveryNotFound):
        await delivery_settings.delivery(ctx, uuid4())


async def test_a_company_event_replays_what_waited_for_it(uow):
    await people.company_known(uow, COMPANY)
    assert uow.replayed_for == [COMPANY]


# ---- R-DELIV-8 texts and texting's reports ----------------------------------------------------

async def test_r_deliv_8_visit_started_texts_the_client(uow):
    client, _ = client_of(uow)
    await uow.preferences.save(COMPANY, client.person_id, Preferences(DefaultDelivery.TEXT_ONLY, True))
    event = scheduling.VisitStarted(visit_id=uuid4(), client_id=client.person_id, staff_id=None, visit=visit())
    await alerts.visit_started(uow, envelope_of(event), event)
    assert [t.body for t in uow.of_type(SendTextRequested)] == [
        "Wally has started the Dog walk visit with Rex."]


async def test_r_deliv_8_client_requests_and_lateness_text_every_manager(uow):
    admin = admin_of(uow)
    await uow.preferences.save(COMPANY, admin.person_id, Preferences(texting_enabled=True))
    client, _ = client_of(uow)
    walker = uow.recipients.add(COMPANY, person("staff", name="Wally Walker", mobile="+12125550177"))
    await uow.preferences.save(COMPANY, walker.person_id, Preferences(texting_enabled=True))
    asked = scheduling.ServiceRequestSubmitted(request_id=uuid4(), client_id=client.person_id, visits=[visit()])
    await alerts.services_requested(uow, envelope_of(asked), asked)
    change = scheduling.ChangeRequestSubmitted(request_id=uuid4(), client_id=client.person_id, kind="cancellation",
                                               visits=[visit()])
    await alerts.change_requested(uow, envelope_of(change), change)
    late = scheduling.StaffLate(visit_id=uuid4(), client_id=client.person_id, staff_id=walker.person_id,
                                visit=visit(), minutes_late=15)
    await alerts.staff_late(uow, envelope_of(late), late)
    texts = [(t.recipient_id, t.body) for t in uow.of_type(SendTextRequested)]
    assert texts == [
        (admin.person_id, "Ada King requested services: Dog walk Dec 01 (Morning)."),
        (admin.person_id, "Ada King requested a cancellation of: Dog walk Dec 01 (Morning)."),
        (walker.person_id, "You are 15 min late for Dog walk Dec 01 (Morning)."),
        (admin.person_id, "Wally Walker is 15 min late for Dog walk Dec 01 (Morning)."),
    ]
    unknown = scheduling.ServiceRequestSubmitted(request_id=uuid4(), client_id=uuid4(), visits=[visit()])
    with pytest.raises(UnknownRecipient):
        await alerts.services_requested(uow, envelope_of(unknown), unknown)


async def test_r_text_9_an_unassigned_text_emails_every_manager(uow):
    admin = admin_of(uow)
    event = texting.UnassignedTextReceived(unassigned_id=uuid4(), from_number="+13125550100", body="Is Rex ok?",
                                           received_at=datetime.now(UTC))
    await alerts.unassigned_text_received(uow, envelope_of(event), event)
    [delivery] = uow.deliveries.added
    assert delivery.recipient_id == admin.person_id and delivery.email is not None


async def test_r_deliv_7_texting_reports_follow_the_delivery_and_a_late_sent_does_not_undo_delivered(uow):
    delivery_id = uuid4()
    uow.deliveries.text_states[delivery_id] = ("requested", None)
    for state in ("sent", "delivered", "sent"):
        await reports.text_state(uow, delivery_id, state)
    assert uow.deliveries.text_states[delivery_id] == ("delivered", None)
    assert reports.failure_reason("carrier refused", 30007) == "carrier refused (Twilio 30007)"


async def test_r_text_12_and_r_deliv_9_opt_outs_and_availability_change_what_is_texted(uow):
    client, _ = client_of(uow)
    await uow.preferences.save(COMPANY, client.person_id, Preferences(DefaultDelivery.TEXT_ONLY, True))
    await reports.opt_out_changed(uow, COMPANY, "+14165550199", True)
    assert (await uow.recipients.find(COMPANY, client.person_id)).mobile_opted_out  # type: ignore[union-attr]
    await reports.opt_out_changed(uow, COMPANY, "+14165550199", False)
    await reports.texting_availability_changed(uow, COMPANY, False, ["A2P registration pending"])
    state = await uow.companies.state(COMPANY)
    assert not state.texting.available and state.texting.reasons == ("A2P registration pending",)
