"""HRIS import: bring people, their manager links, signals and sensitive attributes in from
CSV, JSON or JSON Lines exports, as a YAML mapping describes.

Modules: `mapping` (the mapping file's model), `steps` (cell transforms), `names` (person
names), `readers` (file formats), `plan` (a mapping bound to a file's columns), `people`,
`managers`, `directory` and `signals` (the upserts), `bulk` (fast inserts), `importer` (one
run, one transaction), `report` (what happened).

Errors (see `storage.hris.errors`):

```
HrisError
 ├── MappingError        the mapping file is missing, is not YAML, or fails validation
 ├── InputFileError      the data file cannot be opened
 └── ImportRefusedError  the data has problems; carries the report with every issue
```
"""

from storage.hris.errors import HrisError, ImportRefusedError, InputFileError, Issue, MappingError
from storage.hris.importer import run_import
from storage.hris.mapping import Mapping, load_mapping, parse_mapping
from storage.hris.report import Counts, ImportReport

__all__ = [
    "Counts",
    "HrisError",
    "ImportRefusedError",
    "ImportReport",
    "InputFileError",
    "Issue",
    "Mapping",
    "MappingError",
    "load_mapping",
    "parse_mapping",
    "run_import",
]
