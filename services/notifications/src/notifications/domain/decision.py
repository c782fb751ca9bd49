"""The one place that decides how a message reaches a person: in-app, email, text, with the
reasons for every channel chosen or dropped (R-DELIV-2..9, R-DELIV-7). Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from petcare_contracts.events.notifications import Channel

from notifications.domain.preferences import DeliveryOverride, Preferences
from notifications.domain.recipients import Recipient
from notifications.domain.switches import CompanySwitches, TextingAvailability
from notifications.domain.triggers import RULES, Trigger, TriggerRule, feed_switch


@dataclass(frozen=True)
class ChannelChoice:
    channel: Channel
    chosen: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    trigger: Trigger
    in_app: ChannelChoice
    email: ChannelChoice
    text: ChannelChoice

    @property
    def channels(self) -> tuple[ChannelChoice, ChannelChoice, ChannelChoice]:
        return (self.in_app, self.email, self.text)

    def chose(self, channel: Channel) -> bool:
        return next(c for c in self.channels if c.channel == channel).chosen


def decide(
    trigger: Trigger,
    recipient: Recipient,
    preferences: Preferences,
    switches: CompanySwitches,
    texting: TextingAvailability,
    override: DeliveryOverride | None = None,
) -> Decision:
    rule = RULES[trigger]
    if recipient.kind not in rule.audience:
        return _not_for(trigger, recipient)
    in_app = ChannelChoice("in_app", rule.in_app,
                           ("kept in the conversation feed (R-DELIV-2)",) if rule.in_app else ("not a feed message",))
    email_wanted, email_why = _wanted(rule.email, override.email if override else None,
                                      preferences.default_delivery.includes_email, "email")
    text_wanted, text_why = _wanted(rule.text, override.text if override else None,
                                    preferences.default_delivery.includes_text, "text")
    text_blockers = _text_blockers(rule, recipient, preferences, switches, texting) if text_wanted else []
    email_blockers = _email_blockers(recipient, rule) if email_wanted else []
    text = ChannelChoice("text", text_wanted and not text_blockers, tuple(text_why + text_blockers))
    fallback = _falls_back_to_email(rule, email_wanted, text_wanted, text_blockers, texting)
    if fallback and not _email_blockers(recipient, rule):
        email = ChannelChoice("email", True, ("texting unavailable for the company: sent by email instead (R-DELIV-9)",
                                              *texting.reasons))
    else:
        email = ChannelChoice("email", email_wanted and not email_blockers, tuple(email_why + email_blockers))
    return Decision(trigger, in_app, email, text)


def _not_for(trigger: Trigger, recipient: Recipient) -> Decision:
    reason = (f"'{trigger.value}' is never sent to a {recipient.kind}",)
    return Decision(trigger, ChannelChoice("in_app", False, reason), ChannelChoice("email", False, reason),
                    ChannelChoice("text", False, reason))


def _wanted(mode: str, override: bool | None, by_default: bool, channel: str) -> tuple[bool, list[str]]:
    if mode == "never":
        return False, [f"this kind of message never goes by {channel}"]
    if mode == "always":
        return True, [f"this kind of message goes by {channel}"]
    if override is not None:
        return override, [f"the sender chose {'' if override else 'no '}{channel} for this message (R-DELIV-3)"]
    return by_default, [f"the recipient's default delivery {'includes' if by_default else 'excludes'} {channel}"]


def _text_blockers(rule: TriggerRule, recipient: Recipient, preferences: Preferences,
                   switches: CompanySwitches, texting: TextingAvailability) -> list[str]:
    blockers = []
    switch = rule.text_switch or feed_switch(recipient.kind)
    if not switches.allows(switch):
        needs_app = switch.value == "event_started" and not switches.notify_client_when_visit_starts
        blockers.append("the mobile-app setting 'notify client when a visit starts' is off (R-DELIV-8)" if needs_app
                        else f"the company switch '{switch.value}' is off (R-DELIV-8)")
    if rule.text == "always" and recipient.kind == "client" and not preferences.default_delivery.includes_text:
        blockers.append("the business set this client to Email Only (R-DELIV-4)")
    if not preferences.texting_enabled:
        blockers.append("texting is disabled for this recipient (R-DELIV-5)")
    if not recipient.active:
        blockers.append("the recipient is inactive")
    blockers += _number_blockers(recipient)
    if not texting.available:
        blockers += [f"texting unavailable for the company: {reason} (R-DELIV-9)" for reason in texting.reasons]
    return blockers


def _number_blockers(recipient: Recipient) -> list[str]:
    mobile = recipient.mobile
    if mobile is None:
        return ["no mobile number on file (R-DELIV-5)"]
    if not mobile.valid:
        return ["the mobile number is not a valid number (R-DELIV-5)"]
    if not mobile.in_usa_or_canada:
        return [f"the mobile number is outside the USA and Canada ({mobile.region}) (R-DELIV-5)"]
    if recipient.mobile_opted_out:
        return ["the number opted out by replying STOP (R-DELIV-5, R-TEXT-12)"]
    return []


def _email_blockers(recipient: Recipient, rule: TriggerRule) -> list[str]:
    blockers = []
    if not recipient.email:
        blockers.append("no email address on file")
    if rule.email == "preference" and not recipient.active:
        blockers.append("the recipient is inactive")
    return blockers


def _falls_back_to_email(rule: TriggerRule, email_wanted: bool, text_wanted: bool, text_blockers: list[str],
                         texting: TextingAvailability) -> bool:
    """R-DELIV-9: when the company cannot text at all, a conversation message that would have gone by
    text alone still reaches the person, by email. A person-level block (texting off, bad number,
    opt-out) does not fall back: the email goes only where the delivery asks for it (R-DELIV-5)."""
    if rule.email != "preference" or email_wanted or not text_wanted or texting.available:
        return False
    person_level = [b for b in text_blockers if "R-DELIV-9" not in b]
    return not person_level
