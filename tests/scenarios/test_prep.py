"""1:1 prep end to end on the demo organisation, through the console channel's dispatcher."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import Session, col

from bot.dispatch import Core
from storage.tables import AuditEvent, Employee, FollowUp, MeasurementEvent
from tests.scenarios.conftest import PRIYA, Say


def _fact_lines(reply: str) -> list[str]:
    return [line for line in reply.splitlines() if line.startswith("* ")]


def test_prep_for_the_dip_shows_cited_signals_starters_and_a_module(say: Say) -> None:
    reply = say(PRIYA, "prep my 1:1 with Dana")

    facts = _fact_lines(reply)
    signal_facts = [line for line in facts if "usual" in line]
    assert len(signal_facts) >= 3
    for line in signal_facts:
        assert re.search(r"\[\d+\]\[\d+\]$", line), line  # value and baseline both cited
    assert "Late starts" in reply
    assert "Conversation starters:" in reply
    assert re.search(r"^Suggested module \[\d+\]:", reply, flags=re.MULTILINE)
    assert re.search(r"^Measurable next steps (\[\d+\])+:", reply, flags=re.MULTILINE)
    assert "Checklist for a data-driven 1:1:" in reply
    assert "excluded by policy:" in reply


def test_prep_never_shows_medical_or_disciplinary_text(say: Say, core: Core) -> None:
    reply = say(PRIYA, "prep my 1:1 with Dana")

    with Session(core.engine) as session:
        from storage.tables import Note

        hidden = session.execute(
            select(Note).where(col(Note.category).in_(["medical", "disciplinary"]))
        ).scalars()
        for note in hidden:
            assert note.text[:40] not in reply


def test_every_section_with_a_number_cites_its_source(core: Core) -> None:
    from bot.dispatch import handle_turn
    from bot.turn import Turn

    answer = handle_turn(core, Turn("console", PRIYA, "prep my 1:1 with Dana"))[0].answer
    listed = {citation.ref for citation in answer.citations}
    for section in answer.sections:
        if section.title.startswith("Checklist"):
            continue  # fixed advice from the prompt pack ("a 2-6 minute module"), not data
        if any(re.search(r"\d", line) for line in section.lines):
            assert section.citations, f"uncited numbers in section {section.title!r}"
            assert set(section.citations) <= listed
    for fact in answer.facts:
        assert fact.citations
        assert set(fact.citations) <= listed


def test_every_number_in_a_prep_is_in_a_cited_fact_or_record(say: Say, core: Core) -> None:
    reply = say(PRIYA, "prep my 1:1 with Dana")
    body, _, sources = reply.partition("\nSources:\n")
    assert sources, "a prep lists its sources"

    cited = set(re.findall(r"\[(\d+)\]", body))
    listed = set(re.findall(r"^\s*\[(\d+)\]", sources, flags=re.MULTILINE))
    assert cited <= listed
    for line in _fact_lines(body):
        numbers = re.findall(r"\d+(?:\.\d+)?", line.split("[")[0])
        if numbers:
            assert re.search(r"\[\d+\]", line), f"uncited number in: {line}"


def test_prep_for_sparse_data_says_what_is_missing(say: Say) -> None:
    reply = say(PRIYA, "prep my 1:1 with Jordan Blake")
    assert "too little data" in reply
    assert "Missing:" in reply
    assert "usual" not in reply


def test_two_alexes_get_a_question_with_both_full_names(say: Say) -> None:
    reply = say(PRIYA, "prep my 1:1 with Alex")
    assert "Alex Chen" in reply
    assert "Alex Moreno" in reply
    assert "Conversation starters" not in reply


def test_outside_the_line_answers_like_a_made_up_name_and_audits_a_denial(
    say: Say, core: Core
) -> None:
    with Session(core.engine) as session:
        outsider = session.execute(
            select(Employee).where(col(Employee.external_id) == "demo-017")
        ).scalar_one()
    real = say(PRIYA, f"prep my 1:1 with {outsider.name}")
    made_up = say(PRIYA, "prep my 1:1 with Quentin Zebulon")

    assert real.replace(outsider.name, "NAME") == made_up.replace("Quentin Zebulon", "NAME")
    with Session(core.engine) as session:
        denied = (
            session.execute(select(AuditEvent).where(col(AuditEvent.action) == "denied"))
            .scalars()
            .all()
        )
    assert [event.subject_id for event in denied] == [outsider.id]


def test_prep_of_someone_who_left_is_declined_plainly(say: Say) -> None:
    grace = "grace.liu@demo.tandem.example"
    reply = say(grace, "prep my 1:1 with Owen Price")
    assert "Owen Price" in reply
    assert "Conversation starters" not in reply


def test_logged_outcome_becomes_follow_ups_shown_in_the_next_prep(say: Say, core: Core) -> None:
    logged = say(PRIYA, "1:1 with Dana done: agreed daily prioritisation, check in Friday")
    assert "Daily prioritisation" in logged
    assert "Check in Friday" in logged

    reply = say(PRIYA, "prep my 1:1 with Dana")
    assert "Follow-ups from the last 1:1" in reply
    assert "Daily prioritisation" in reply
    with Session(core.engine) as session:
        assert len(session.execute(select(FollowUp)).scalars().all()) == 2
        logged_events = (
            session.execute(
                select(MeasurementEvent).where(col(MeasurementEvent.name) == "one_on_one_logged")
            )
            .scalars()
            .all()
        )
    assert len(logged_events) == 1
    assert logged_events[0].fields["follow_ups"] == 2


def test_follow_up_question_reuses_the_last_intent(say: Say) -> None:
    say(PRIYA, "prep my 1:1 with Dana")
    reply = say(PRIYA, "and for Sam?")
    assert reply.startswith("1:1 prep for Sam Okafor")


def test_every_prep_is_audited_with_its_records(say: Say, core: Core) -> None:
    say(PRIYA, "prep my 1:1 with Dana")
    with Session(core.engine) as session:
        event = session.execute(
            select(AuditEvent).where(col(AuditEvent.action) == "prep_one_on_one")
        ).scalar_one()
    assert event.purpose == "prep"
    assert any(ref.startswith("signal:") for ref in event.record_ids)
    assert event.output_digest is not None
    assert event.pack_version == "default@2026.12.0"


def test_prep_groups_recent_feedback_into_cited_themes(say: Say) -> None:
    reply = say(PRIYA, "prep my 1:1 with Dana")
    section = reply.split("Recent feedback, by theme", 1)[1].split("\n\n", 1)[0]
    assert re.match(r" \[\d+\](\[\d+\])*:", section)
    assert re.search(r"\((\d+) notes?\), e\.g\. ", section)


class _BrokenEmbedder:
    name = "broken"
    dims = 384

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        from skills.embedding import EmbeddingError

        raise EmbeddingError("model unavailable")

    embed_passages = embed_queries


def test_prep_lists_feedback_when_the_embedding_model_fails(core: Core) -> None:
    from dataclasses import replace

    from bot.dispatch import handle_turn
    from bot.render.text import render_answer
    from bot.turn import Turn
    from skills.note_vectors import NoteVectors

    assert core.note_vectors is not None
    broken = replace(core, note_vectors=NoteVectors(core.note_vectors.index, _BrokenEmbedder()))
    replies = handle_turn(broken, Turn("console", PRIYA, "prep my 1:1 with Dana"))

    text = render_answer(replies[0].answer)
    assert "Recent feedback [" in text
    assert "Conversation starters" in text
