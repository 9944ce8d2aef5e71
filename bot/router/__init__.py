"""The offline intent router: what a message asks for, about whom, never a wrong person.

```python
routed = route("prep my 1:1 with Dana", people=visible, self_id=me.id)
routed.intent, routed.person_id          # "prep_one_on_one", Dana's id
```

The router is pure: it reads no database and no settings; the caller passes the people the
requester may see, the modules, the cycles and the name thresholds
(`storage.config.RouterSettings`). It raises nothing for any text.

Limitations: English only. One subject per message: naming two people asks for one at a time
(`Route.multiple_people`). "Dana's manager" is never Dana: the router does not know who manages
whom, so such a phrase comes back as an unknown name.
A name is taken only when every written word stands for part of it, so a short misspelt name
("Jordon") is asked about rather than taken. Slack mentions resolve through the people's
aliases; when the caller passes no chat user ids, a mention's label is matched as a name.
Intent patterns are keyword families, not a language model: an unusual paraphrase gets help.

Modules: `model` (records), `text` (mentions, tokens), `spelling` (typo tolerance),
`intents` (keyword scoring), `names` (fuzzy person matching), `subject` (who is meant),
`relations` ("Dana's manager"), `slots` (module, cycle, short id), `routing` (`route`),
`lexicon` (word lists).
"""

from __future__ import annotations

from bot.router.model import HELP, INTENTS, NameMatch, NameThresholds, PersonRef, Route
from bot.router.names import match_person
from bot.router.routing import route

__all__ = [
    "HELP",
    "INTENTS",
    "NameMatch",
    "NameThresholds",
    "PersonRef",
    "Route",
    "match_person",
    "route",
]
