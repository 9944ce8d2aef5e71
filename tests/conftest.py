"""Shared fixtures: isolated settings and databases, the real data folder, PostgreSQL.

Every test runs with no language-model credentials, caches under a temporary HOME, and a
socket guard that only lets 127.0.0.1 through (see pyproject's pytest options).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

_HOME = tempfile.mkdtemp(prefix="tandem-test-home-")
os.environ["HOME"] = _HOME
os.environ["XDG_CACHE_HOME"] = str(Path(_HOME) / ".cache")
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

from storage.config import Settings, get_settings, load_settings  # noqa: E402
from storage.crypto import Keyring, generate_key, install_keyring  # noqa: E402
from storage.db import install_keys, make_engine, upgrade  # noqa: E402

PROJECT_HOME = Path(__file__).resolve().parent.parent
TEST_KEY = generate_key()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No model credentials and no stray Tandem overrides leak into a test."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "AZURE_")):
            monkeypatch.delenv(name)
        if name.startswith("TANDEM_") and name not in ("TANDEM_SHARED_DATA",):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TANDEM_ENCRYPTION_KEY", TEST_KEY)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    install_keyring(Keyring())


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    """An empty `var/` folder for this test."""
    path = tmp_path / "var"
    path.mkdir()
    return path


@pytest.fixture
def settings(var_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings from app.yaml with var/ (and so the SQLite file) in a temporary folder."""
    monkeypatch.setenv("TANDEM_PATHS__VAR", str(var_dir))
    monkeypatch.setenv("TANDEM_VECTOR__PATH", str(var_dir / "chroma"))
    monkeypatch.setenv("TANDEM_AUDIT__CHECKPOINT_PATH", str(var_dir / "audit-checkpoint.json"))
    monkeypatch.setenv("TANDEM_AUDIT_KEY", "test-audit-key")
    loaded = load_settings()
    install_keys(loaded)
    return loaded


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated embedded SQLite database under the test's var/."""
    built = make_engine(settings.effective_database_url)
    upgrade(built)
    yield built
    built.dispose()


def _postgres_url() -> str | None:
    return os.environ.get("TANDEM_TEST_DATABASE_URL") or None


_PG_URL = _postgres_url()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Engine]:
    """A migrated database: SQLite always, PostgreSQL when TANDEM_TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        built = make_engine(settings.effective_database_url)
        upgrade(built)
        yield built
        built.dispose()
        return

    if not _PG_URL:
        pytest.skip("PostgreSQL tests need TANDEM_TEST_DATABASE_URL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(_PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    built = make_engine(_PG_URL, search_path=schema)
    upgrade(built)
    yield built
    built.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data folder (TANDEM_SHARED_DATA, default ../shared/data)."""
    path = Path(os.environ.get("TANDEM_SHARED_DATA") or PROJECT_HOME.parent / "shared" / "data")
    if not path.is_dir():
        pytest.skip(f"real data folder not found at {path} (set TANDEM_SHARED_DATA)")
    return path
