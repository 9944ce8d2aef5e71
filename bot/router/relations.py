"""Relation phrases: "Dana Whitfield's manager" names someone related to Dana, not Dana.

A possessive (a name with 's, a mention followed by 's, or his, her, their) followed by a
relation word (manager, boss, lead, team, reports, colleagues, peers), optionally qualified
("direct reports", "line manager"), names a person the router cannot resolve: it does not
know who manages whom. The possessor must never become the subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.router.lexicon import POSSESSIVE_PRONOUNS, RELATION_QUALIFIERS, RELATION_WORDS
from bot.router.text import Token


@dataclass(frozen=True)
class Relation:
    """A possessive and the relation words that follow it.

    Attributes:
        owner: the position of the possessive word or mention ("Whitfield's", "her").
        words: the positions of the relation words ("line", "manager"), and of a detached
            's after a mention.
        pronoun: the owner is a possessive pronoun.
    """

    owner: int
    words: range
    pronoun: bool

    def text(self, tokens: Sequence[Token], owner_text: str) -> str:
        """The phrase as written, the owner given as `owner_text` ("Dana Whitfield's manager")."""
        tail = " ".join(tokens[p].text for p in self.words if tokens[p].lower != "s")
        tail = tail[:-2] if tail.lower().endswith("'s") else tail  # "Dana's manager's review"
        possessive = owner_text if self.pronoun else f"{owner_text}'s"
        return f"{possessive} {tail}"


def find_relations(tokens: Sequence[Token]) -> tuple[Relation, ...]:
    """Every possessive followed by a relation word in `tokens`."""
    found = []
    for owner, token in enumerate(tokens):
        following = owner + 1
        if token.mention is not None and _lower(tokens, following) == "s":
            # "<@U0DANA>'s manager": the 's is a word of its own once the mention is lifted.
            following += 1
        elif not (token.lower.endswith("'s") or token.lower in POSSESSIVE_PRONOUNS):
            continue
        end = following + 1 if _lower(tokens, following) in RELATION_QUALIFIERS else following
        if _lower(tokens, end) in RELATION_WORDS:
            pronoun = token.lower in POSSESSIVE_PRONOUNS
            found.append(Relation(owner, range(owner + 1, end + 1), pronoun))
    return tuple(found)


def _lower(tokens: Sequence[Token], position: int) -> str | None:
    """The word at `position` without a possessive ("manager's" reads "manager"), if any."""
    if position >= len(tokens):
        return None
    word = tokens[position].lower
    return word[:-2] if word.endswith("'s") else word
