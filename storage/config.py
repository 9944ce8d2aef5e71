"""Settings: `app.yaml` plus `TANDEM_*` environment overrides, read once into frozen models.

This module sits at the bottom of the import graph (bot -> skills -> storage) so that every
layer reads the same settings object. Nested keys are overridden with `__`, for example
`TANDEM_LLM__TIMEOUT_S=30`; the flat secrets and switches (`TANDEM_DATABASE_URL`,
`TANDEM_ENCRYPTION_KEY`, `TANDEM_AUDIT_KEY`, `TANDEM_ALLOW_PLAINTEXT`) are top-level fields.

Errors:
    ConfigError: the file is missing, unreadable, or a key is missing or malformed; the
        message names the key.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.data_policy import DataPolicy

PROJECT_HOME = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """The configuration cannot be used; `key` names the offending setting."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DatabaseSettings(_Section):
    """Where the tables live; the URL itself comes from `TANDEM_DATABASE_URL`."""

    echo: bool = False
    busy_timeout_ms: int = Field(default=5000, ge=0)


class PathSettings(_Section):
    """Folders, relative to the project home unless absolute."""

    content: Path = Path("content")
    prompts: Path = Path("prompts")
    var: Path = Path("var")


class OrgSettings(_Section):
    """Who is who: HR admins and how far a manager's line reaches."""

    hr_admins: tuple[str, ...] = ()
    include_indirect_reports: bool = False
    default_timezone: str = "UTC"


class RouterSettings(_Section):
    """Thresholds for matching names to people (rapidfuzz WRatio, 0-100)."""

    accept_score: float = Field(default=88, ge=0, le=100)
    accept_margin: float = Field(default=8, ge=0, le=100)
    suggest_score: float = Field(default=75, ge=0, le=100)


class ComposerSettings(_Section):
    """Which prompt pack phrases answers."""

    prompt_pack: str = "default"
    feedback_themes: bool = True


class LLMSettings(_Section):
    """An optional OpenAI-compatible language model; the offline composer is the default."""

    enabled: bool = False
    provider: Literal["openai", "azure"] = "openai"
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    timeout_s: float = Field(default=20, gt=0)
    max_retries: int = Field(default=1, ge=0)


class VectorSettings(_Section):
    """The vector index: embedded Chroma under `var/` unless a server URL is given."""

    path: Path = Path("var/chroma")
    url: str | None = None


class ConversationSettings(_Section):
    """How long per-thread conversation context is kept."""

    retention_days: int = Field(default=30, ge=1)


class AuditSettings(_Section):
    """The audit chain's keyed checkpoints."""

    checkpoint_every: int = Field(default=50, ge=1)
    checkpoint_path: Path = Path("var/audit-checkpoint-{database}.json")
    payload_retention_days: int = Field(default=365, ge=1)


class Settings(BaseSettings):
    """Everything Tandem reads at start-up. Frozen: nothing changes it while running."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        env_prefix="TANDEM_",
        env_nested_delimiter="__",
        case_sensitive=False,
    )

    database_url: str | None = None
    encryption_key: SecretStr | None = None
    audit_key: SecretStr | None = None
    allow_plaintext: bool = False

    database: DatabaseSettings
    paths: PathSettings
    org: OrgSettings
    router: RouterSettings
    composer: ComposerSettings
    llm: LLMSettings
    vector: VectorSettings
    conversation: ConversationSettings
    audit: AuditSettings
    data_policy: DataPolicy

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            raise ValueError(
                "not a database URL (e.g. postgresql+psycopg://user@host/db)"
            ) from None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"{backend} is not supported: use sqlite or postgresql")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_source = YamlConfigSettingsSource(settings_cls, yaml_file=config_path())
        return (init_settings, env_settings, yaml_source)

    def resolve(self, path: Path) -> Path:
        """An absolute path for a configured folder or file."""
        return path if path.is_absolute() else PROJECT_HOME / path

    @property
    def var_dir(self) -> Path:
        """The folder for the embedded database, index and checkpoints."""
        return self.resolve(self.paths.var)

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under `var/`."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'tandem.db'}"

    @property
    def audit_checkpoint_path(self) -> Path:
        """The checkpoint file; `{database}` in the setting stands for this database's digest.

        One file per database, so pointing Tandem at another database never compares it
        with the first one's checkpoint.
        """
        path = str(self.audit.checkpoint_path).replace("{database}", self.database_digest)
        return self.resolve(Path(path))

    @property
    def database_digest(self) -> str:
        """A short, stable name for this database, for files and collections tied to it."""
        return hashlib.sha256(self.effective_database_url.encode("utf-8")).hexdigest()[:12]

    @property
    def is_embedded(self) -> bool:
        """True when the database is an SQLite file, the single-host default."""
        return self.effective_database_url.startswith("sqlite")


def config_path() -> Path:
    """The configuration file: `TANDEM_CONFIG`, or `app.yaml` in the project home."""
    return Path(os.environ.get("TANDEM_CONFIG") or PROJECT_HOME / "app.yaml")


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the configuration, turning any problem into a `ConfigError`."""
    path = config_path()
    if not path.is_file():
        raise ConfigError(f"configuration file not found: {path}", key="TANDEM_CONFIG")
    try:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from None

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        message = f"{path.name}: setting '{key}': {first['msg']}"
        if len(exc.errors()) > 1:
            message += f" (and {len(exc.errors()) - 1} more)"
        raise ConfigError(message, key=key) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
