from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.adapters.cli.main import app
from assistant.settings import Settings


def test_env_prefix_and_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLKU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("POLKU_LANGUAGE", "fi")
    monkeypatch.setenv("POLKU_LLM_BASE_URL", "http://127.0.0.1:11434/v1")
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.language == "fi"
    assert settings.llm_base_url == "http://127.0.0.1:11434/v1"
    assert settings.llm_configured


def test_offline_by_default() -> None:
    assert not Settings().llm_configured


@pytest.mark.parametrize("variable", ["POLKU_LLM_API_KEY", "OPENAI_API_KEY"])
def test_api_key_sources(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "sk-test-secret-123")
    settings = Settings()
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == "sk-test-secret-123"
    assert "sk-test-secret-123" not in repr(settings)
    assert settings.masked()["llm_api_key"] == "********"


def test_polku_config_masks_secrets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-do-not-print")
    monkeypatch.setenv("POLKU_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["config"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "sk-live-do-not-print" not in result.output
    assert "********" in result.output
    assert str(tmp_path) in result.output


def test_bad_language_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLKU_LANGUAGE", "sv")
    with pytest.raises(ValueError, match="language"):
        Settings()
