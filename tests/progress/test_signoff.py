"""Signing off evidence: a trainer approves or sends back (with a comment) what waits for them,
oldest first; only approved work counts; each decision is kept and shown to the participant."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.dashboards import service as dashboards_service
from app.errors import Forbidden, InvalidInput
from app.posts import service as posts_service
from app.progress import review
from app.progress import service as progress_service
from app.progress.models import Approval, Decision
from tests.fixtures.builders import ANNA, BRAM, MANAGER, TRAINER, load_standard, member
from tests.fixtures.people import csrf_from, sign_in, token_for


@pytest.fixture
def waiting(db: Session) -> None:
    """Bram, then Anna, marked the approval Thing ("plan") done."""
    load_standard(db)
    bram, anna = member(db, BRAM), member(db, ANNA)
    progress_service.complete_thing(db, member=bram, key="plan", evidence_url="https://example.org/bram")
    posts_service.save_reflection(db, member=anna, key="plan", body="My plan in short")
    progress_service.complete_thing(db, member=anna, key="plan", evidence_url="https://example.org/anna")
    db.commit()


def test_the_queue_is_oldest_first_with_evidence_and_reflection(db: Session, waiting: None) -> None:
    items = review.queue(db, member=member(db, TRAINER))
    assert [(i.participant.email, i.thing.key) for i in items] == [(BRAM, "plan"), (ANNA, "plan")]
    assert items[0].completion.evidence_url == "https://example.org/bram"
    assert items[1].reflection == "My plan in short"


def test_only_trainers_sign_off(db: Session, waiting: None) -> None:
    with pytest.raises(Forbidden):
        review.queue(db, member=member(db, MANAGER))
    item = review.queue(db, member=member(db, TRAINER))[0]
    with pytest.raises(Forbidden):
        review.decide(db, member=member(db, ANNA), completion_id=item.id, decision=Decision.approve)


def test_approval_makes_it_count_and_sending_back_needs_a_comment(db: Session, waiting: None) -> None:
    trainer = member(db, TRAINER)
    bram_item, anna_item = review.queue(db, member=trainer)
    with pytest.raises(InvalidInput, match="Say what is missing"):
        review.decide(db, member=trainer, completion_id=anna_item.id, decision=Decision.send_back)
    review.decide(db, member=trainer, completion_id=bram_item.id, decision=Decision.approve)
    review.decide(db, member=trainer, completion_id=anna_item.id, decision=Decision.send_back,
                  comment="Add who pays for it.")
    db.commit()
    assert review.queue(db, member=trainer) == []
    board = dashboards_service.dashboard(db, member=trainer, with_cells=True)
    figures = {p.email: p.can_done for p in board.people}
    assert figures == {ANNA: 0, BRAM: 1}
    anna_view = progress_service.thing_view(db, member=member(db, ANNA), key="plan")
    assert anna_view.is_returned and anna_view.approval == Approval.rejected
    history = review.history(db, membership_id=member(db, ANNA).membership.id, thing_id=anna_view.thing.id)
    assert [(h.decision, h.comment, h.decided_by) for h in history] == [
        (Decision.send_back, "Add who pays for it.", "trainer")]


def test_marking_it_done_again_asks_the_trainer_again_and_keeps_the_history(
    db: Session, waiting: None
) -> None:
    trainer = member(db, TRAINER)
    _bram_item, anna_item = review.queue(db, member=trainer)
    review.decide(db, member=trainer, completion_id=anna_item.id, decision=Decision.send_back,
                  comment="Add who pays for it.")
    progress_service.complete_thing(db, member=member(db, ANNA), key="plan")
    db.commit()
    again = [i for i in review.queue(db, member=trainer) if i.participant.email == ANNA]
    assert len(again) == 1
    review.decide(db, member=trainer, completion_id=again[0].id, decision=Decision.approve)
    history = review.history(db, membership_id=member(db, ANNA).membership.id,
                             thing_id=again[0].thing.id)
    assert [h.decision for h in history] == [Decision.approve, Decision.send_back]


def test_the_trainer_signs_off_in_the_browser_and_the_participant_sees_it(
    client: TestClient, web: object, db: Session, waiting: None
) -> None:
    sign_in(client, TRAINER)
    page = client.get("/c/testcohort/signoff")
    assert "Waiting for your sign-off (2)" in page.text
    assert 'href="https://example.org/anna"' in page.text and "My plan in short" in page.text
    forms = re.findall(r'action="(/c/testcohort/signoff/\d+)"', page.text)
    refused = client.post(forms[1], data={"csrf_token": csrf_from(page.text),
                                          "decision": "send_back", "comment": ""})
    assert refused.status_code == 422 and "Say what is missing" in refused.text
    sent = client.post(forms[1], data={"csrf_token": csrf_from(page.text), "decision": "send_back",
                                       "comment": "Add who pays for it."})
    assert sent.status_code == 303
    assert "Sent back with your comment." in client.get("/c/testcohort/signoff").text
    with TestClient(web, follow_redirects=False) as anna:  # type: ignore[arg-type]
        sign_in(anna, ANNA)
        thing = anna.get("/c/testcohort/things/plan").text
        assert "Your trainer returned this Thing" in thing and "Add who pays for it." in thing
        assert "sent back by trainer" in thing
        assert "sent back by your trainer" in anna.get("/c/testcohort/things").text


def test_signing_off_through_the_api(client: TestClient, db: Session, waiting: None) -> None:
    headers = token_for(db, TRAINER)
    queue = client.get("/api/v1/cohorts/testcohort/signoff", headers=headers)
    assert queue.status_code == 200
    first = queue.json()[0]
    assert first["email"] == BRAM and first["thing"] == "plan"
    assert first["evidence_url"] == "https://example.org/bram"
    decided = client.put(f"/api/v1/cohorts/testcohort/signoff/{first['id']}", headers=headers,
                         json={"decision": "approve"})
    assert decided.status_code == 200 and decided.json()["approval"] == "approved"
    again = client.put(f"/api/v1/cohorts/testcohort/signoff/{first['id']}", headers=headers,
                       json={"decision": "approve"})
    assert again.status_code == 409
    anna = client.get("/api/v1/cohorts/testcohort/signoff", headers=token_for(db, ANNA))
    assert anna.status_code == 403
