"""Configuration: app.yaml plus TANDEM_ overrides, frozen, failing with the key's name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from storage.config import ConfigError, load_settings

APP_YAML = Path(__file__).resolve().parents[2] / "app.yaml"


def _write_config(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "app.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_shipped_app_yaml_loads_with_the_embedded_default() -> None:
    settings = load_settings()
    assert settings.is_embedded
    assert settings.effective_database_url.endswith("var/tandem.db")
    assert settings.llm.enabled is False


def test_nested_environment_override_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_LLM__TIMEOUT_S", "42")
    monkeypatch.setenv("TANDEM_DATABASE_URL", "postgresql+psycopg://x@127.0.0.1/db")
    settings = load_settings()
    assert settings.llm.timeout_s == 42
    assert not settings.is_embedded


def test_settings_are_frozen() -> None:
    settings = load_settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.llm = settings.llm  # type: ignore[misc]


def test_missing_section_names_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write_config(tmp_path, lambda data: data.pop("router"))
    monkeypatch.setenv("TANDEM_CONFIG", str(path))
    with pytest.raises(ConfigError, match="'router'") as caught:
        load_settings()
    assert caught.value.key == "router"


def test_malformed_value_names_the_nested_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write_config(tmp_path, lambda data: data["llm"].update(timeout_s="soon"))
    monkeypatch.setenv("TANDEM_CONFIG", str(path))
    with pytest.raises(ConfigError, match=r"llm\.timeout_s"):
        load_settings()


def test_unknown_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write_config(tmp_path, lambda data: data["org"].update(hr_admin="typo"))
    monkeypatch.setenv("TANDEM_CONFIG", str(path))
    with pytest.raises(ConfigError, match=r"org\.hr_admin"):
        load_settings()


def test_policy_refuses_sensitive_fields_outside_fairness_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def leak(data: dict) -> None:  # type: ignore[type-arg]
        data["data_policy"]["fields"]["sensitive.sex"]["purposes"] = ["prep", "fairness_audit"]

    monkeypatch.setenv("TANDEM_CONFIG", str(_write_config(tmp_path, leak)))
    with pytest.raises(ConfigError, match="fairness_audit only"):
        load_settings()


def test_policy_refuses_medical_records_as_evidence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def leak(data: dict) -> None:  # type: ignore[type-arg]
        data["data_policy"]["fields"]["record.medical"]["purposes"] = ["review"]

    monkeypatch.setenv("TANDEM_CONFIG", str(_write_config(tmp_path, leak)))
    with pytest.raises(ConfigError, match="serve no purpose"):
        load_settings()


def test_missing_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_CONFIG", str(tmp_path / "nope.yaml"))
    with pytest.raises(ConfigError, match="not found"):
        load_settings()


def test_each_database_gets_its_own_audit_checkpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_settings().audit_checkpoint_path
    monkeypatch.setenv("TANDEM_DATABASE_URL", "sqlite:////tmp/another.db")
    second = load_settings().audit_checkpoint_path
    assert first != second
    assert first.parent == second.parent


@pytest.mark.parametrize(
    ("url", "reason"),
    [("garbage", "not a database URL"), ("mysql://x@y/z", "not supported")],
)
def test_an_unusable_database_url_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, url: str, reason: str
) -> None:
    monkeypatch.setenv("TANDEM_DATABASE_URL", url)
    with pytest.raises(ConfigError, match=reason) as caught:
        load_settings()
    assert caught.value.key == "database_url"
