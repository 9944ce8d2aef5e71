"""help and faq: what Tandem can do for this person, and the employee FAQ.

Triggered by: "help", anything the router cannot place (intent `help`), and "faq".
Reads: the requester's roles and the copy in `content/copy/`.
Writes: nothing.

Limitations: the examples are fixed per role; they do not adapt to what the person asked.
"""

from __future__ import annotations

from skills.answer import Answer, Section
from skills.content import ContentLibrary
from skills.policy import Requester


def help_answer(library: ContentLibrary, requester: Requester) -> Answer:
    """The overview plus example requests for each role the requester holds."""
    sections = [Section(library.copy("help.employee_title"), tuple(library.examples("employee")))]
    if requester.is_manager:
        sections.insert(
            0, Section(library.copy("help.manager_title"), tuple(library.examples("manager")))
        )
    if requester.is_hr:
        sections.append(Section(library.copy("help.hr_title"), tuple(library.examples("hr"))))
    return Answer(
        intent="help",
        summary=library.copy("help.overview", name=requester.name.split()[0]),
        sections=tuple(sections),
        private=False,
    )


def faq_answer(library: ContentLibrary) -> Answer:
    """The employee FAQ, one section a question."""
    sections = tuple(Section(item.question, (item.answer,)) for item in library.faq())
    return Answer(intent="faq", summary=library.copy("faq.title"), sections=sections)
