"""R-TEXT-9's email to the company about an unassigned text, and R-TEXT-8: a number shared by several
people names them (texting.unassigned_text.received v2); v1 events, still on the topic, read as before."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from notifications.adapters.email_templates import render_email
from notifications.domain.triggers import Trigger
from petcare_contracts.events.texting import Candidate, UnassignedTextReceived, UnassignedTextReceivedV2

RECEIVED = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def _render(data: dict) -> tuple[str, str, str]:
    return render_email(Trigger.UNASSIGNED_TEXT_ARRIVED, recipient_name="Olive", company_name="Happy Paws",
                        data=data)


def test_r_text_8_a_shared_number_names_each_candidate_and_what_they_are():
    event = UnassignedTextReceivedV2(unassigned_id=uuid4(), from_number="+14165550199", body="Is Rex ok?",
                                     received_at=RECEIVED, candidates=[
                                         Candidate(id=uuid4(), kind="client", name="Ada Lovelace"),
                                         Candidate(id=uuid4(), kind="client", name="Aaron Zed"),
                                         Candidate(id=uuid4(), kind="staff", name="Olive Owner")])
    subject, text, html = _render(event.model_dump(mode="json"))
    assert subject == "Happy Paws: a text arrived from a number 3 people share"
    assert ("A text to Happy Paws' number arrived from (416) 555-0199, a number that Ada Lovelace (client), "
            "Aaron Zed (client) and Olive Owner (staff member) all have, so it was not guessed which of them "
            "wrote it.") in " ".join(text.split())
    assert "assign it to the one who wrote it" in text and "Is Rex ok?" in text
    assert "Olive Owner (staff member)" in html


def test_r_text_9_a_number_nobody_has_says_so_in_version_1_and_2():
    v1 = UnassignedTextReceived(unassigned_id=uuid4(), from_number="+13125550100", body="Hello?",
                                received_at=RECEIVED)
    v2 = UnassignedTextReceivedV2(**v1.model_dump())
    for event in (v1, v2):
        subject, text, _ = _render(event.model_dump(mode="json"))
        assert subject == "Happy Paws: a text arrived from an unknown number"
        assert "(312) 555-0100, a number that belongs to no client or staff member." in " ".join(text.split())


def test_a_candidate_name_with_markup_is_escaped_in_html():
    event = UnassignedTextReceivedV2(unassigned_id=uuid4(), from_number="+14165550199", body="hi",
                                     received_at=RECEIVED, candidates=[
                                         Candidate(id=uuid4(), kind="client", name="<b>Ada</b>"),
                                         Candidate(id=uuid4(), kind="client", name="Zed")])
    _, _, html = _render(event.model_dump(mode="json"))
    assert "<b>Ada</b>" not in html and "&lt;b&gt;Ada&lt;/b&gt;" in html
