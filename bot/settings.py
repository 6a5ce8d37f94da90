"""One typed settings object: `config.toml`, then `DANGGOL_*` environment variables on top.

Nested keys use a double underscore: `DANGGOL_SERVER__PORT=8080`. Relative paths are
resolved against the folder of the config file, so `danggol serve` works from anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.toml"


class StoreSettings(BaseModel):
    knowledge_dir: Path = Path("knowledge")


class DatabaseSettings(BaseModel):
    url: str = "sqlite:///var/danggol.db"
    auto_migrate: bool = True


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    log_format: Literal["json", "text"] = "json"
    allow_insecure: bool = False


class RetrievalSettings(BaseModel):
    tokenizer: Literal["kiwi", "ngram"] = "kiwi"
    kiwi_default_dict: bool = False
    kiwi_multi_dict: bool = False
    index_dir: Path = Path("var/index")
    vector_dim: int = Field(default=1024, ge=64, le=8192)
    rrf_k: int = Field(default=60, ge=1)
    min_confidence: float = Field(default=0.28, ge=0.0, le=1.0)
    clarify_margin: float = Field(default=0.04, ge=0.0, le=1.0)
    max_candidates: int = Field(default=8, ge=1, le=50)


class ReloadSettings(BaseModel):
    enabled: bool = True
    debounce_ms: int = Field(default=300, ge=0, le=5000)


class HandoffSettings(BaseModel):
    idle_return_minutes: float = Field(default=30.0, gt=0)
    misses_before_handoff: int = Field(default=2, ge=1)
    webhook_url: str = ""


class LLMSettings(BaseModel):
    provider: Literal["none", "openai"] = "none"
    model: str = ""
    base_url: str = ""
    api_key_env: str = "DANGGOL_LLM_API_KEY"
    timeout_s: float = Field(default=10.0, gt=0, le=50)
    max_retries: int = Field(default=0, ge=0, le=3)
    temperature: float = Field(default=0.3, ge=0.0, le=2.0)
    max_tokens: int = Field(default=400, ge=16)
    max_tool_rounds: int = Field(default=3, ge=1, le=6)
    memory_turns: int = Field(default=6, ge=0, le=30)
    breaker_failures: int = Field(default=3, ge=1)
    breaker_cooldown_s: float = Field(default=60.0, gt=0)
    monthly_token_budget: int = Field(default=0, ge=0)


class KakaoSettings(BaseModel):
    enabled: bool = True
    path: str = "/kakao/skill"
    secret_header: str = "X-Danggol-Secret"
    secret: SecretStr = SecretStr("")
    bot_ids: list[str] = []
    deadline_s: float = Field(default=3.2, gt=0, le=4.8)  # with a slow model the ack leaves by about 3.4 s (bench/kakao_ack.py --model)
    waiting_text: str = "답변을 준비하고 있어요. 잠시만 기다려 주세요!"
    callback_within_s: float = Field(default=50.0, gt=5, le=55)
    max_body_bytes: int = Field(default=65536, ge=1024)
    allow_loopback_callback: bool = False
    event_api_url: str = "https://bot-api.kakao.com/v2/bots/{bot_id}/talk"
    event_bot_id: str = ""
    event_name: str = ""
    event_rest_key: SecretStr = SecretStr("")
    # Delivery results of an Event API request; sources disagree on v1 and v2 (spec/kakao.md §6.1): the other is tried on 404.
    event_task_url: str = "https://bot-api.kakao.com/v1/tasks/{task_id}"


NAVER_NETWORKS = ["211.249.40.0/27", "211.249.68.0/27", "220.230.168.0/27"]


class NaverSettings(BaseModel):
    enabled: bool = False
    path_secret: SecretStr = SecretStr("")
    send_token: SecretStr = SecretStr("")
    api_url: str = "https://gw.talk.naver.com/chatbot/v1/event"
    reply_within_s: float = Field(default=2.0, gt=0, le=4.0)
    send_timeout_s: float = Field(default=10.0, gt=0, le=30)
    send_retries: int = Field(default=2, ge=0, le=5)
    max_sends_per_3s: int = Field(default=25, ge=1, le=29)
    handover: bool = True
    check_source_ip: bool = False
    source_networks: list[str] = NAVER_NETWORKS
    client_ip_header: str = ""
    max_body_bytes: int = Field(default=65536, ge=1024)


class RetentionSettings(BaseModel):
    message_days: int = Field(default=365, ge=0, le=36500)
    reservation_days: int = Field(default=90, ge=0, le=36500)
    ledger_days: int = Field(default=730, ge=0, le=36500)  # the customer ledger's visits (docs/operations.md, 10장)
    interval_hours: float = Field(default=24.0, ge=0.1, le=24 * 30)


HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class OutreachSettings(BaseModel):
    """Messages the shop sends first (spec/outreach.md): consent, 정보 notices, campaigns."""

    ask_consent: bool = True  # after a booking or a stamp, ask once (optional, separate) for marketing consent
    reask_days: int = Field(default=90, ge=7, le=3650)  # a customer who said no is not asked again before this
    ad_start_hour: int = Field(default=9, ge=9, le=19)  # 광고 leaves only from this hour (store time); never earlier than 09
    ad_end_hour: int = Field(default=20, ge=10, le=20)  # ... until this hour; never later than 20
    frequency_days: int = Field(default=7, ge=1, le=365)  # at most one 광고 per customer in this many days, over every channel
    holdout_percent: int = Field(default=10, ge=0, le=50)  # of a campaign's recipients kept back to measure its effect
    talktalk_ads: bool = False  # Naver asks bots not to send promotions through the send API: off unless the owner decides
    reminders: bool = True  # the day-before booking reminder (정보)
    reminder_time: str = Field(default="18:00", pattern=HHMM)
    notices: bool = True  # booking change, cancel and no-show notices when staff make them (정보)
    digest: bool = True  # the owner's daily digest to handoff.webhook_url
    digest_time: str = Field(default="08:30", pattern=HHMM)
    coupon_days: int = Field(default=30, ge=1, le=365)
    reconfirm_months: int = Field(default=23, ge=1, le=23)  # consents are re-confirmed this long after the last confirmation
    event_api_won: int = Field(default=15, ge=0)  # cost per message, for the estimate the owner approves
    friend_group_won: int = Field(default=20, ge=0)
    every_s: float = Field(default=30.0, ge=1.0, le=600.0)  # how often the sender and the notices look for work


class Settings(BaseSettings):
    """Everything Danggol reads from `config.toml` and the environment."""

    model_config = SettingsConfigDict(
        env_prefix="DANGGOL_", env_nested_delimiter="__", extra="forbid", toml_file=None
    )

    store: StoreSettings = StoreSettings()
    database: DatabaseSettings = DatabaseSettings()
    server: ServerSettings = ServerSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    reload: ReloadSettings = ReloadSettings()
    handoff: HandoffSettings = HandoffSettings()
    llm: LLMSettings = LLMSettings()
    kakao: KakaoSettings = KakaoSettings()
    naver: NaverSettings = NaverSettings()
    retention: RetentionSettings = RetentionSettings()
    outreach: OutreachSettings = OutreachSettings()

    config_dir: Path = ROOT

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = os.environ.get("DANGGOL_CONFIG") or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_file)))
        return tuple(sources)

    def path(self, value: Path) -> Path:
        """Resolve a configured path against the config file's folder."""
        return value if value.is_absolute() else (self.config_dir / value)

    @property
    def knowledge_dir(self) -> Path:
        return self.path(self.store.knowledge_dir)

    @property
    def index_dir(self) -> Path:
        return self.path(self.retrieval.index_dir)


def load_settings(**overrides: object) -> Settings:
    """Read the settings; `overrides` win over the file and the environment (CLI flags)."""
    config = os.environ.get("DANGGOL_CONFIG")
    config_dir = Path(config).resolve().parent if config else ROOT
    return Settings(config_dir=config_dir, **overrides)  # type: ignore[arg-type]
