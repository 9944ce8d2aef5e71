"""The content library: competency framework, signals, role profiles, modules, word lists, copy.

Everything a person reads, and every taxonomy a skill reasons with, is data under `content/`,
validated once at start-up by `load_library(root)`:

```
from skills.content import load_library
library = load_library(settings.resolve(settings.paths.content))
library.modules_for_signal("deadlines_missed", audience="employee")
library.copy("errors.unknown_person", name="Dana")
```

Errors are drawn in `skills.content.errors`.
"""

from skills.content.errors import (
    ContentError,
    ContentLibraryError,
    ContentProblem,
    CopyRenderError,
    UnknownContentError,
)
from skills.content.library import ContentLibrary, normalise_title
from skills.content.loader import clear_library_cache, load_library
from skills.content.models import (
    Competency,
    Family,
    FaqEntry,
    Kpi,
    Level,
    Module,
    NextLevel,
    QuizQuestion,
    Role,
    Signal,
    WordCategory,
    WordList,
)

__all__ = [
    "Competency",
    "ContentError",
    "ContentLibrary",
    "ContentLibraryError",
    "ContentProblem",
    "CopyRenderError",
    "Family",
    "FaqEntry",
    "Kpi",
    "Level",
    "Module",
    "NextLevel",
    "QuizQuestion",
    "Role",
    "Signal",
    "UnknownContentError",
    "WordCategory",
    "WordList",
    "clear_library_cache",
    "load_library",
    "normalise_title",
]
