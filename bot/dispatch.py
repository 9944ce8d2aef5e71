"""The conversation core: one turn in, replies out, everything in between audited.

identity -> context -> router -> subject and policy -> skill -> audit -> context -> replies.
A person outside the requester's scope gets exactly the answer a made-up name gets; the
difference shows only in the audit log, as a `denied` event.

This is the channel boundary for skills: any unexpected error is logged here and the user
gets the friendly internal-error text from `content/`, never a trace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from bot.identity import UnknownUserError, resolve_user
from bot.render.text import render_answer
from bot.reply import Reply
from bot.router import NameThresholds, PersonRef, Route, match_person, route
from bot.turn import Turn
from skills.answer import Action, Answer
from skills.base import SkillContext, SkillRequest, SkillResult, SkillSpec
from skills.content import ContentLibrary
from skills.help import faq_answer, help_answer
from skills.note_vectors import NoteVectors
from skills.policy import Requester, grant, requester_for, visible_people
from skills.registry import spec_for
from storage.audit import CheckpointPolicy, append_event
from storage.config import Settings
from storage.conversation import load_context, save_context
from storage.db import session_scope
from storage.inbox import deliver
from storage.org import chat_aliases, cycle_names
from storage.tables import Employee

logger = logging.getLogger(__name__)

REPLIES_WITHOUT_SKILL = ("help", "faq", "clarify", "error")
RETRY_PHRASES = {
    "prep_one_on_one": "prep my 1:1 with {name}",
    "log_one_on_one": "1:1 with {name} done: ",
    "draft_review": "draft {name}'s review",
    "suggest_goals": "suggest goals for {name}",
    "promotion_readiness": "is {name} ready for promotion?",
}


@dataclass(frozen=True)
class Core:
    """What the dispatcher needs: settings, database and content, built once per process."""

    settings: Settings
    engine: Engine
    library: ContentLibrary
    note_vectors: NoteVectors | None = None

    @property
    def thresholds(self) -> NameThresholds:
        """Name-matching thresholds from the configuration."""
        router = self.settings.router
        return NameThresholds(router.accept_score, router.accept_margin, router.suggest_score)


def handle_turn(core: Core, turn: Turn) -> list[Reply]:
    """Answer one turn. Never raises: failures become a friendly reply and a log line."""
    try:
        with session_scope(core.engine) as session:
            answer = _answer(core, session, turn)
    except UnknownUserError:
        logger.info("Turn from unlinked user (channel=%s)", turn.channel)
        answer = _say(core, "errors.no_identity", intent="error")
    except Exception:
        logger.exception("Turn failed; the user was told (channel=%s)", turn.channel)
        answer = _say(core, "errors.internal", intent="error")
    return _address(core, turn, answer)


def _answer(core: Core, session: Session, turn: Turn) -> Answer:
    me = resolve_user(session, channel=turn.channel, user_id=turn.user_id)
    if not me.is_active:
        return _say(core, "errors.inactive_user", intent="error")
    requester = requester_for(session, me, core.settings)
    answer = _respond(core, session, turn, requester)
    if answer.intent in REPLIES_WITHOUT_SKILL:
        # Skill answers are audited with their records in `_run`; help, questions back and
        # refusals are outputs too, so they leave a link in the chain (no subject, no data).
        append_event(
            session,
            actor_id=requester.employee_id,
            action=f"reply_{answer.intent}",
            output_payload=render_answer(answer),
            at=turn.at,
            checkpoints=CheckpointPolicy.from_settings(core.settings),
        )
    return answer


def _respond(core: Core, session: Session, turn: Turn, requester: Requester) -> Answer:
    memory = load_context(
        session, channel=turn.channel, user_key=turn.user_id, thread=turn.thread_key, now=turn.at
    )
    text = _text_of(turn)
    if not text:
        return _say(core, "errors.malformed", intent="error")
    if text.strip().lower() in ("faq", "/faq"):
        return faq_answer(core.library)

    routed = _route(core, session, requester, text)
    last = spec_for(str(memory.get("intent") or ""))
    # "and for Sam?" repeats a request about someone; it never re-opens a dispute or
    # re-asks for one's own data.
    if routed.refers_back and last is not None and last.subject == "other":
        routed = replace(routed, intent=last.intent)
    spec = spec_for(routed.intent)
    if spec is None:
        return help_answer(core.library, requester)

    subject_or_answer = _subject(core, session, requester, spec, routed, memory, text)
    if isinstance(subject_or_answer, Answer):
        return subject_or_answer
    subject = subject_or_answer
    if spec.handler is None:
        return _say(core, "errors.not_available_yet", capability=spec.capability)

    result = _run(core, session, turn, requester, spec, routed, subject)
    _remember(core, session, turn, memory, spec, subject, result)
    return result.answer


def _route(core: Core, session: Session, requester: Requester, text: str) -> Route:
    """Read the message against the people this requester may name, and nobody else."""
    people = visible_people(session, requester)
    aliases = chat_aliases(session, [p.id for p in people if p.id is not None])
    refs = [
        PersonRef(p.id, p.name, (*((p.email,) if p.email else ()), *aliases.get(p.id, ())))
        for p in people
        if p.id is not None
    ]
    routed = route(
        text,
        people=refs,
        modules=core.library.module_choices(),
        cycles=cycle_names(session),
        self_id=requester.employee_id,
        thresholds=core.thresholds,
    )
    return routed


def _subject(
    core: Core,
    session: Session,
    requester: Requester,
    spec: SkillSpec,
    routed: Route,
    memory: dict[str, object],
    text: str,
) -> Employee | Answer | None:
    if spec.subject == "none":
        return None
    if spec.subject == "self":
        # A dispute's reason may name people; a question about data may not.
        named_other = routed.person_text and routed.person_id != requester.employee_id
        if named_other and spec.intent != "dispute":
            return _say(core, "errors.only_self")
        return session.get(Employee, requester.employee_id)
    if routed.multiple_people:
        return _say(core, "errors.one_at_a_time")
    if routed.candidates and routed.person_id is None:
        return _ask_which(core, routed, text)
    subject_id = routed.person_id
    if (
        subject_id is None
        and routed.person_text is None
        and (routed.refers_back or routed.pronoun)
    ):
        last = memory.get("subject_id")
        subject_id = last if isinstance(last, int) else None
    if subject_id is None:
        if routed.person_text:
            _audit_if_hidden(core, session, requester, spec, routed.person_text)
            return _say(core, "errors.unknown_person", name=routed.person_text)
        return _say(core, "errors.no_subject")
    if subject_id == requester.employee_id:
        return _say(core, "errors.self_subject")
    return session.get(Employee, subject_id)


def _run(
    core: Core,
    session: Session,
    turn: Turn,
    requester: Requester,
    spec: SkillSpec,
    routed: Route,
    subject: Employee | None,
) -> SkillResult:
    assert spec.handler is not None
    assert spec.purpose is not None
    access = None
    if subject is not None and subject.id is not None:
        access = grant(requester, subject.id, spec.purpose, core.settings.data_policy)
    request = SkillRequest(
        intent=spec.intent,
        requester=requester,
        text=_text_of(turn),
        subject=subject,
        access=access,
        module=routed.module,
        cycle=routed.cycle,
        detail=routed.detail,
    )
    context = SkillContext(session, core.settings, core.library, turn.at, core.note_vectors)
    result = spec.handler(context, request)
    append_event(
        session,
        actor_id=requester.employee_id,
        action=spec.intent,
        subject_id=subject.id if subject else None,
        purpose=spec.purpose,
        record_ids=list(result.answer.record_ids),
        input_payload=result.input_payload,
        output_payload=render_answer(result.answer),
        composer=result.composer,
        pack_version=result.pack_version,
        at=turn.at,
        checkpoints=CheckpointPolicy.from_settings(core.settings),
    )
    for delivery in result.deliveries:
        deliver(
            session,
            employee_id=delivery.employee_id,
            kind=delivery.kind,
            body=delivery.body,
            now=turn.at,
        )
    logger.info("Turn handled (intent=%s, channel=%s)", spec.intent, turn.channel)
    return result


def _audit_if_hidden(
    core: Core, session: Session, requester: Requester, spec: SkillSpec, name: str
) -> None:
    """Record a `denied` event when the name matches a real person outside the scope."""
    people = session.execute(select(col(Employee.id), col(Employee.name))).all()
    everyone = [PersonRef(person_id, name) for person_id, name in people]
    outcome = match_person(name, everyone, core.thresholds)
    hidden = [outcome.person] if outcome.person else list(outcome.candidates)
    for person in hidden:
        if grant(requester, person.id, spec.purpose or "prep", core.settings.data_policy):
            continue
        append_event(
            session,
            actor_id=requester.employee_id,
            action="denied",
            subject_id=person.id,
            purpose=spec.purpose,
        )
        logger.info("Access denied (intent=%s)", spec.intent)


def _remember(
    core: Core,
    session: Session,
    turn: Turn,
    memory: dict[str, object],
    spec: SkillSpec,
    subject: Employee | None,
    result: SkillResult,
) -> None:
    updated = dict(memory)
    updated["intent"] = spec.intent
    updated["subject_id"] = subject.id if subject else None
    short_ids = dict(updated.get("short_ids") or {})  # type: ignore[call-overload]
    short_ids.update(result.answer.short_ids)
    updated["short_ids"] = short_ids
    updated.update(result.remember)
    save_context(
        session,
        channel=turn.channel,
        user_key=turn.user_id,
        thread=turn.thread_key,
        data=updated,
        now=turn.at,
        retention=timedelta(days=core.settings.conversation.retention_days),
    )


def _address(core: Core, turn: Turn, answer: Answer) -> list[Reply]:
    """Personal answers asked in a shared place go privately, with a notice left behind."""
    if turn.surface == "shared" and answer.private:
        notice = core.library.copy("notices.answered_privately")
        return [
            Reply(answer, turn.user_id, "direct"),
            Reply(
                Answer(intent="notice", summary=notice, private=False),
                turn.user_id,
                "shared",
                thread=turn.thread,
                notice=notice,
            ),
        ]
    return [Reply(answer, turn.user_id, turn.surface, thread=turn.thread)]


def _ask_which(core: Core, routed: Route, text: str) -> Answer:
    """Ask back with the candidates' full names, each a retry that names them exactly."""
    names = [candidate.name for candidate in routed.candidates]
    actions = tuple(Action(name, _retry(routed, text, name)) for name in names)
    if len(names) == 1:
        summary = core.library.copy("errors.did_you_mean", name=names[0])
    else:
        summary = core.library.copy("errors.ambiguous_person", candidates=names)
    return Answer(intent="clarify", summary=summary, actions=actions)


def _retry(routed: Route, text: str, name: str) -> str:
    # Replace the words that named the person when they are in the text; otherwise fall
    # back to the plain request, so a retry can never repeat the ambiguous text.
    if routed.person_text and routed.person_text in text:
        return text.replace(routed.person_text, name, 1)
    return RETRY_PHRASES.get(routed.intent, "{name}").format(name=name)


def _say(core: Core, key: str, *, intent: str = "clarify", **values: object) -> Answer:
    return Answer(intent=intent, summary=core.library.copy(key, **values))


def _text_of(turn: Turn) -> str:
    if turn.text and turn.text.strip():
        return turn.text.strip()
    if turn.action:
        command = turn.action.get("command")
        return str(command).strip() if command else ""
    return ""
