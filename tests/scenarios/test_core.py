"""The conversation core: transparency, disputes, privacy in shared places, bad input."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from bot.dispatch import Core, handle_turn
from bot.turn import Turn
from storage.tables import AuditEvent, Dispute, Employee, InboxMessage
from tests.scenarios.conftest import DANA, GRACE, PRIYA, Say


def test_my_data_lists_fields_purposes_and_who_accessed(say: Say) -> None:
    say(PRIYA, "prep my 1:1 with Dana")
    reply = say(DANA, "what do you know about me?")

    assert "used for: prep" in reply
    assert "kept " in reply
    assert " days" in reply
    assert "readable by:" in reply
    assert "Priya Raman, prep one on one for prep" in reply
    assert "dispute" in reply.lower()


def test_my_data_never_reveals_private_or_medical_text(say: Say, core: Core) -> None:
    reply = say(DANA, "what do you know about me?")
    with Session(core.engine) as session:
        from storage.tables import Note

        dana = session.execute(select(Employee).where(col(Employee.email) == DANA)).scalar_one()
        notes = session.execute(select(Note).where(col(Note.subject_id) == dana.id)).scalars()
        for note in notes:
            assert note.text[:30] not in reply


def test_faq_is_one_command_away(say: Say) -> None:
    reply = say(DANA, "faq")
    assert "?" in reply
    assert len(reply.splitlines()) > 5


def test_dispute_is_recorded_and_hr_is_told(say: Say, core: Core) -> None:
    say(PRIYA, "prep my 1:1 with Dana")
    reply = say(DANA, "I disagree with the prep: those deadlines were moved by the client")

    assert "X1" in reply
    with Session(core.engine) as session:
        dispute = session.execute(select(Dispute)).scalar_one()
        prep = session.execute(
            select(AuditEvent).where(col(AuditEvent.action) == "prep_one_on_one")
        ).scalar_one()
        grace = session.execute(select(Employee).where(col(Employee.email) == GRACE)).scalar_one()
        inbox = (
            session.execute(select(InboxMessage).where(col(InboxMessage.employee_id) == grace.id))
            .scalars()
            .all()
        )
    assert dispute.audit_event_id == prep.id
    assert "client" in dispute.reason
    assert len(inbox) == 1
    assert "X1" in inbox[0].body


def test_personal_answer_in_a_shared_place_goes_privately(core: Core) -> None:
    turn = Turn(channel="console", user_id=PRIYA, text="prep my 1:1 with Dana", surface="shared")
    replies = handle_turn(core, turn)

    assert [reply.surface for reply in replies] == ["direct", "shared"]
    assert "Dana" not in replies[1].answer.summary
    assert replies[0].answer.facts


def test_unlinked_user_gets_a_plain_answer_not_a_trace(say: Say) -> None:
    reply = say("stranger@example.com", "prep my 1:1 with Dana")
    assert "Traceback" not in reply
    assert "Dana" not in reply


def test_empty_and_gibberish_messages_get_an_answer(say: Say) -> None:
    assert say(PRIYA, "   ")
    help_reply = say(PRIYA, "qwzx plorb")
    assert "prep my 1:1" in help_reply.lower()


def test_skill_not_built_yet_says_so_plainly(say: Say) -> None:
    reply = say(PRIYA, "draft Dana's review")
    assert "draft reviews yet" in reply
    assert "help" in reply


def test_conversation_context_is_encrypted_at_rest(say: Say, core: Core) -> None:
    say(PRIYA, "prep my 1:1 with Dana")
    with core.engine.connect() as connection:
        from sqlalchemy import text

        stored = connection.execute(text("SELECT data FROM conversationcontext")).scalar_one()
    assert stored.startswith("gAAAAA")


def test_deleting_the_newest_audit_row_after_a_turn_is_detected(say: Say, core: Core) -> None:
    from sqlalchemy import text

    from storage.audit import CheckpointPolicy, verify_chain

    say(PRIYA, "prep my 1:1 with Dana")
    say(PRIYA, "and for Sam?")
    policy = CheckpointPolicy.from_settings(core.settings)
    with Session(core.engine) as session:
        assert verify_chain(
            session,
            checkpoint_path=policy.path,
            audit_key=policy.key,
            checkpoint_every=policy.every,
        ).ok
    with core.engine.begin() as connection:
        newest = connection.execute(text("SELECT max(id) FROM auditevent")).scalar_one()
        connection.execute(text(f"DELETE FROM auditpayload WHERE event_id = {newest}"))
        connection.execute(text(f"DELETE FROM auditevent WHERE id = {newest}"))
    with Session(core.engine) as session:
        report = verify_chain(
            session,
            checkpoint_path=policy.path,
            audit_key=policy.key,
            checkpoint_every=policy.every,
        )
    assert not report.ok


def test_a_manager_cannot_prep_a_one_on_one_with_themself(say: Say) -> None:
    reply = say(PRIYA, "prep my 1:1 with Priya Raman")
    assert "Conversation starters" not in reply
    assert "what do you know about me" in reply


def test_dispute_naming_an_output_keeps_the_reason_and_links_it(say: Say, core: Core) -> None:
    say(PRIYA, "prep my 1:1 with Dana")
    with Session(core.engine) as session:
        prep = session.execute(
            select(AuditEvent).where(col(AuditEvent.action) == "prep_one_on_one")
        ).scalar_one()
    listed = say(DANA, "what do you know about me?")
    assert f"A{prep.seq}," in listed

    say(DANA, f"dispute A{prep.seq}: the late starts were agreed with Priya")

    with Session(core.engine) as session:
        dispute = session.execute(select(Dispute)).scalar_one()
    assert dispute.audit_event_id == prep.id
    assert "agreed with Priya" in dispute.reason


def test_dispute_without_a_reason_asks_for_one_and_opens_nothing(say: Say, core: Core) -> None:
    reply = say(DANA, "I want to dispute a suggestion")
    assert "why" in reply.lower()
    with Session(core.engine) as session:
        assert session.execute(select(Dispute)).first() is None


def test_dispute_of_someone_elses_output_is_refused(say: Say, core: Core) -> None:
    say(PRIYA, "prep my 1:1 with Sam")
    with Session(core.engine) as session:
        sams = session.execute(select(AuditEvent)).scalars().all()[-1]
    reply = say(DANA, f"dispute A{sams.seq}: this is wrong about me")
    assert f"A{sams.seq}" in reply
    with Session(core.engine) as session:
        assert session.execute(select(Dispute)).first() is None


def test_refused_requests_are_not_listed_as_access(say: Say) -> None:
    mei = "mei.tanaka@demo.tandem.example"
    say(mei, "prep my 1:1 with Dana Whitfield")
    reply = say(DANA, "what do you know about me?")
    assert "Mei Tanaka" not in reply


def test_my_data_about_someone_else_is_declined(say: Say) -> None:
    reply = say(PRIYA, "what data do you use about Dana Whitfield?")
    assert "only show you your own data" in reply


def test_a_full_name_with_digits_is_found_exactly(say: Say, core: Core) -> None:
    with Session(core.engine) as session:
        priya = session.execute(select(Employee).where(col(Employee.email) == PRIYA)).scalar_one()
        for number in (10, 11, 12):
            session.add(
                Employee(external_id=f"d{number}", name=f"Driver {number}", manager_id=priya.id)
            )
        session.commit()
    reply = say(PRIYA, "prep my 1:1 with Driver 11")
    assert reply.startswith("1:1 prep for Driver 11")


def test_someone_who_left_cannot_use_tandem(say: Say) -> None:
    reply = say("owen.price@demo.tandem.example", "what do you know about me?")
    assert "no longer active" in reply


def test_two_people_in_one_request_are_taken_one_at_a_time(say: Say) -> None:
    reply = say(PRIYA, "prep my 1:1 with Dana and Sam")
    assert "One person at a time" in reply


def test_someones_manager_is_never_taken_as_that_person(say: Say) -> None:
    reply = say(PRIYA, "prep my 1:1 with Dana Whitfield's manager")
    assert "Conversation starters" not in reply
    assert not reply.startswith("1:1 prep for Dana")


def test_help_and_questions_back_are_audited_without_a_subject(say: Say, core: Core) -> None:
    say(PRIYA, "hello there")
    say(PRIYA, "prep my 1:1 with Alex")
    with Session(core.engine) as session:
        events = session.execute(select(AuditEvent).order_by(col(AuditEvent.seq))).scalars()
        actions = [(event.action, event.subject_id) for event in events]
    assert actions == [("reply_help", None), ("reply_clarify", None)]


def test_a_follow_up_after_a_dispute_never_opens_another(say: Say, core: Core) -> None:
    say(PRIYA, "prep my 1:1 with Dana")
    say(DANA, "dispute A1: those deadlines were moved by the client")
    say(DANA, "and for Sam?")
    with Session(core.engine) as session:
        assert len(session.execute(select(Dispute)).scalars().all()) == 1


def test_disputing_an_unknown_number_says_so_even_with_a_short_reason(say: Say) -> None:
    reply = say(DANA, "dispute A99: nonsense")
    assert "can't find A99" in reply
