"""The embedded default's audit key: kept in `var/` when `TANDEM_AUDIT_KEY` is not set.

A key beside the data still catches accidental or casual edits (a deleted tail row, an edited
event) but not someone who can rewrite both the table and the key: production deployments
set `TANDEM_AUDIT_KEY` from a secret store instead.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

logger = logging.getLogger(__name__)

KEY_FILE = "audit.key"


def local_audit_key(var_dir: Path) -> str:
    """Read the key under `var_dir`, creating it (owner-only) on first use."""
    path = var_dir / KEY_FILE
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    logger.warning(
        "TANDEM_AUDIT_KEY is not set: audit checkpoints are signed with a key kept in %s "
        "(set TANDEM_AUDIT_KEY for a real deployment)",
        path,
    )
    return key
