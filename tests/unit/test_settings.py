"""Settings: every one is documented, and production refuses weak secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bootstrap import DEV_SECRET, Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / ".env.example"


def test_every_setting_is_in_the_example_file() -> None:
    text = EXAMPLE.read_text("utf-8")
    assert [f for f in Settings.model_fields if f"APP_{f.upper()}" not in text] == []


@pytest.mark.parametrize("secret", [DEV_SECRET, "", "short-secret"])
def test_production_refuses_weak_secrets(secret: str) -> None:
    with pytest.raises(ValueError, match="APP_SECRET_KEY"):
        Settings(_env_file=None, env="production", secret_key=secret)


def test_environment_wins_over_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_PORT", "9999")
    monkeypatch.setenv("APP_TRUSTED_PROXIES", '["10.0.0.0/8"]')
    s = Settings(_env_file=None)
    assert s.port == 9999 and s.trusted_proxies == ["10.0.0.0/8"]
    assert s.embedded and s.database_url == "sqlite:///var/app.db"
