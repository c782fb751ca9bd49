"""The delivery decision, rule by rule (R-DELIV-*, R-EMAIL-*), and its invariants (hypothesis)."""

from __future__ import annotations

from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st
from notifications.domain.decision import decide
from notifications.domain.preferences import DefaultDelivery, DeliveryOverride, Preferences
from notifications.domain.recipients import NumberFacts, Recipient
from notifications.domain.switches import CompanySwitches, Switch, TextingAvailability
from notifications.domain.triggers import CLIENT_EMAIL_TRIGGERS, Trigger

US_MOBILE = "+12125550142"
AVAILABLE = TextingAvailability(available=True, reasons=())
ALL_ON = CompanySwitches(notify_client_when_visit_starts=True)


def client(number: str | None = US_MOBILE, email: str | None = "ada@example.com", **kw) -> Recipient:
    return Recipient(uuid4(), "client", "client", "Ada", email, NumberFacts.of(number), **kw)


def prefs(default: DefaultDelivery = DefaultDelivery.TEXT_AND_EMAIL, texting: bool = True) -> Preferences:
    return Preferences(default_delivery=default, texting_enabled=texting)


def channels(decision) -> set[str]:
    return {c.channel for c in decision.channels if c.chosen}


def test_r_deliv_1_every_recipient_has_a_default_and_a_texting_flag():
    assert Preferences() == Preferences(DefaultDelivery.EMAIL_ONLY, texting_enabled=False)


def test_r_deliv_2_a_feed_message_is_always_in_app_plus_the_default():
    assert channels(decide(Trigger.FEED_MESSAGE, client(), prefs(), ALL_ON, AVAILABLE)) == {"in_app", "email", "text"}
    assert channels(decide(Trigger.FEED_MESSAGE, client(), prefs(DefaultDelivery.EMAIL_ONLY), ALL_ON, AVAILABLE)) \
        == {"in_app", "email"}
    assert channels(decide(Trigger.FEED_MESSAGE, client(), prefs(DefaultDelivery.TEXT_ONLY), ALL_ON, AVAILABLE)) \
        == {"in_app", "text"}


def test_r_deliv_3_an_override_applies_to_that_message_only():
    email_only = prefs(DefaultDelivery.EMAIL_ONLY)
    overridden = decide(Trigger.FEED_MESSAGE, client(), email_only, ALL_ON, AVAILABLE,
                        DeliveryOverride.of(DefaultDelivery.TEXT_ONLY))
    assert channels(overridden) == {"in_app", "text"}
    assert "R-DELIV-3" in " ".join(overridden.text.reasons)
    assert channels(decide(Trigger.FEED_MESSAGE, client(), email_only, ALL_ON, AVAILABLE)) == {"in_app", "email"}


def test_r_deliv_4_email_only_stops_texts_even_with_texting_enabled():
    decision = decide(Trigger.FEED_MESSAGE, client(), prefs(DefaultDelivery.EMAIL_ONLY, texting=True),
                      ALL_ON, AVAILABLE)
    assert not decision.text.chosen and "excludes text" in " ".join(decision.text.reasons)
    started = decide(Trigger.VISIT_STARTED, client(), prefs(DefaultDelivery.EMAIL_ONLY), ALL_ON, AVAILABLE)
    assert not started.text.chosen and "Email Only (R-DELIV-4)" in " ".join(started.text.reasons)


def test_r_deliv_5_no_text_to_disabled_invalid_foreign_or_opted_out_and_the_reason_says_so():
    cases = {
        "texting is disabled": (client(), prefs(texting=False)),
        "not a valid number": (client(number="+1 555 0100"), prefs()),
        "outside the USA and Canada (GB)": (client(number="+44 20 7946 0958"), prefs()),
        "opted out": (client(opted_out_numbers=frozenset({US_MOBILE})), prefs()),
        "no mobile number": (client(number=None), prefs()),
    }
    for reason, (recipient, preferences) in cases.items():
        decision = decide(Trigger.FEED_MESSAGE, recipient, preferences, ALL_ON, AVAILABLE)
        assert not decision.text.chosen and reason in " ".join(decision.text.reasons), reason
        assert decision.email.chosen, "the email part still goes where the delivery asks for it"


def test_r_deliv_5_a_canadian_number_texts_and_a_uk_one_does_not():
    canadian = decide(Trigger.FEED_MESSAGE, client(number="+1 416 555 0199"), prefs(DefaultDelivery.TEXT_ONLY),
                      ALL_ON, AVAILABLE)
    assert canadian.text.chosen
    uk = decide(Trigger.FEED_MESSAGE, client(number="+44 7400 123456"), prefs(DefaultDelivery.TEXT_ONLY), ALL_ON,
                AVAILABLE)
    assert not uk.text.chosen and "outside the USA and Canada (GB)" in " ".join(uk.text.reasons)


def test_r_deliv_5_us_territories_on_plus_one_are_the_usa_but_jamaica_is_not():
    """Issue 9 item 10: a Puerto Rico mobile was refused as outside the USA and Canada (PR)."""
    for number in ("+1 787 234 5678", "+1 340 642 1234", "+1 671 300 1234", "+1 684 733 1234", "+1 670 234 5678"):
        decision = decide(Trigger.FEED_MESSAGE, client(number=number), prefs(DefaultDelivery.TEXT_ONLY), ALL_ON,
                          AVAILABLE)
        assert decision.text.chosen, number
    jamaica = decide(Trigger.FEED_MESSAGE, client(number="+1 876 927 1234"), prefs(DefaultDelivery.TEXT_ONLY),
                     ALL_ON, AVAILABLE)
    assert not jamaica.text.chosen and "outside the USA and Canada (JM)" in " ".join(jamaica.text.reasons)


def test_r_deliv_7_every_channel_carries_its_reasons():
    decision = decide(Trigger.FEED_MESSAGE, client(), prefs(), ALL_ON, AVAILABLE)
    assert all(choice.reasons for choice in decision.channels)


def test_r_deliv_8_switches_gate_texts_and_event_started_needs_the_app_setting():
    off = CompanySwitches(on=frozenset(Switch) - {Switch.MESSAGE_SENT_TO_CLIENTS}, notify_client_when_visit_starts=True)
    decision = decide(Trigger.FEED_MESSAGE, client(), prefs(), off, AVAILABLE)
    assert not decision.text.chosen and "message_sent_to_clients" in " ".join(decision.text.reasons)
    no_app_setting = CompanySwitches(notify_client_when_visit_starts=False)
    started = decide(Trigger.VISIT_STARTED, client(), prefs(), no_app_setting, AVAILABLE)
    assert not started.text.chosen and "mobile-app setting" in " ".join(started.text.reasons)
    assert decide(Trigger.VISIT_STARTED, client(), prefs(), ALL_ON, AVAILABLE).text.chosen
    staff = Recipient(uuid4(), "staff", "admin", "Al", "al@example.com", NumberFacts.of(US_MOBILE))
    assert channels(decide(Trigger.CLIENT_REQUESTED_SERVICES, staff, prefs(), ALL_ON, AVAILABLE)) == {"text"}
    late_off = CompanySwitches(on=frozenset(Switch) - {Switch.STAFF_LATE_TO_EVENT})
    assert not decide(Trigger.STAFF_LATE_EVENT, staff, prefs(), late_off, AVAILABLE).text.chosen


def test_r_deliv_9_without_texting_a_text_only_message_goes_by_email_and_says_why():
    unavailable = TextingAvailability(available=False, reasons=("the A2P registration is not approved",))
    decision = decide(Trigger.FEED_MESSAGE, client(), prefs(DefaultDelivery.TEXT_ONLY), ALL_ON, unavailable)
    assert channels(decision) == {"in_app", "email"}
    assert "R-DELIV-9" in " ".join(decision.email.reasons)
    assert "A2P registration is not approved" in " ".join(decision.text.reasons)


def test_transactional_emails_ignore_conversation_preferences():
    for trigger in CLIENT_EMAIL_TRIGGERS - {Trigger.FEED_MESSAGE, Trigger.VISIT_COMPLETED_MESSAGE}:
        decision = decide(trigger, client(), prefs(DefaultDelivery.TEXT_ONLY, texting=True), ALL_ON, AVAILABLE)
        assert channels(decision) == {"email"}, trigger


@st.composite
def situations(draw):
    number = draw(st.sampled_from([US_MOBILE, "+14165550199", "+447400123456", "+1 555 0100", None, "garbage"]))
    recipient = Recipient(
        uuid4(), draw(st.sampled_from(["client", "staff"])), draw(st.sampled_from(["client", "admin", "staff"])),
        "X", draw(st.sampled_from(["x@example.com", None])), NumberFacts.of(number), active=draw(st.booleans()),
        opted_out_numbers=frozenset({US_MOBILE}) if draw(st.booleans()) else frozenset())
    preferences = Preferences(draw(st.sampled_from(list(DefaultDelivery))), draw(st.booleans()))
    switches = CompanySwitches(on=frozenset(draw(st.sets(st.sampled_from(list(Switch))))),
                               notify_client_when_visit_starts=draw(st.booleans()))
    texting = draw(st.sampled_from([AVAILABLE, TextingAvailability()]))
    override = draw(st.one_of(st.none(), st.sampled_from(list(DefaultDelivery)).map(DeliveryOverride.of)))
    return draw(st.sampled_from(list(Trigger))), recipient, preferences, switches, texting, override


@given(situations())
def test_invariant_never_a_text_to_disabled_invalid_foreign_or_opted_out(situation):
    trigger, recipient, preferences, switches, texting, override = situation
    decision = decide(trigger, recipient, preferences, switches, texting, override)
    if decision.text.chosen:
        assert preferences.texting_enabled and texting.available
        assert recipient.mobile and recipient.mobile.valid and recipient.mobile.in_usa_or_canada
        assert not recipient.mobile_opted_out


@given(situations())
def test_invariant_never_an_email_to_a_client_outside_the_r_email_list(situation):
    trigger, recipient, preferences, switches, texting, override = situation
    decision = decide(trigger, recipient, preferences, switches, texting, override)
    if decision.email.chosen and recipient.kind == "client":
        assert trigger in CLIENT_EMAIL_TRIGGERS
    if decision.email.chosen:
        assert recipient.email


@given(situations())
def test_invariant_a_feed_message_is_always_in_the_feed(situation):
    trigger, recipient, preferences, switches, texting, override = situation
    decision = decide(trigger, recipient, preferences, switches, texting, override)
    assert decision.in_app.chosen == (trigger in (Trigger.FEED_MESSAGE, Trigger.VISIT_COMPLETED_MESSAGE))
    assert all(choice.reasons for choice in decision.channels)
