"""Identity: which employee a channel user is.

Slack and Teams users are linked through `ChatIdentity` rows. On the console a person is
named by email or by name (`tandem chat --as "Dana"`), matched with the same fuzzy rules as
the router; two close matches are an error that lists both, never a guess.

Errors:
    IdentityError
      +-- UnknownUserError: no employee is linked to this channel user (also a LookupError).
      +-- AmbiguousUserError: a console name matches several people; `candidates` lists them.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from bot.router import NameThresholds, PersonRef, match_person
from storage.tables import ChatIdentity, Employee


class IdentityError(Exception):
    """Base of the identity errors."""


class UnknownUserError(IdentityError, LookupError):
    """No employee is linked to this channel user."""

    def __init__(self, channel: str, user_id: str) -> None:
        super().__init__(f"no employee is linked to {channel} user {user_id!r}")
        self.channel = channel
        self.user_id = user_id


class AmbiguousUserError(IdentityError):
    """A name matches more than one person."""

    def __init__(self, text: str, candidates: list[str]) -> None:
        super().__init__(f"{text!r} matches several people: {', '.join(candidates)}")
        self.text = text
        self.candidates = candidates


def resolve_user(session: Session, *, channel: str, user_id: str) -> Employee:
    """The employee behind a channel user id; the console also accepts an email or id."""
    linked = session.execute(
        select(Employee)
        .join(ChatIdentity, col(ChatIdentity.employee_id) == col(Employee.id))
        .where(col(ChatIdentity.channel) == channel, col(ChatIdentity.channel_user_id) == user_id)
    ).scalar_one_or_none()
    if linked is not None:
        return linked
    if channel == "console":
        by_key = _by_email_or_id(session, user_id)
        if by_key is not None:
            return by_key
    raise UnknownUserError(channel, user_id)


def find_by_name_or_email(
    session: Session, text: str, *, thresholds: NameThresholds | None = None
) -> Employee:
    """The one person a console `--as` value names (email, external id or name)."""
    wanted = text.strip()
    exact = _by_email_or_id(session, wanted)
    if exact is not None:
        return exact

    people = list(session.execute(select(Employee)).scalars())
    refs = [PersonRef(person.id or 0, person.name) for person in people]
    outcome = match_person(wanted, refs, thresholds or NameThresholds())
    if outcome.person is not None:
        return next(person for person in people if person.id == outcome.person.id)
    if outcome.candidates:
        raise AmbiguousUserError(wanted, [candidate.name for candidate in outcome.candidates])
    raise UnknownUserError("console", wanted)


def _by_email_or_id(session: Session, text: str) -> Employee | None:
    wanted = text.strip()
    return session.execute(
        select(Employee)
        .where(
            (func.lower(col(Employee.email)) == wanted.lower())
            | (col(Employee.external_id) == wanted)
        )
        .limit(1)
    ).scalar_one_or_none()
