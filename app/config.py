"""Settings, read once from TING_* environment variables (and an optional .env)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent



@lru_cache(maxsize=1)
def demo_secret_key() -> str:
    """Demo mode without TING_SECRET_KEY: a key made for this process, never one in the code
    (a published key would let anyone sign cookies). `ting serve --demo` shares one with its
    workers through the environment."""
    return secrets.token_urlsafe(48)


class ConfigurationError(RuntimeError):
    """The settings do not allow the server to start."""


class OidcProvider(BaseModel):
    """One single sign-on provider (OpenID Connect with discovery)."""

    name: str = Field(pattern=r"^[a-z0-9-]{1,40}$")  # in the callback address
    label: str = Field(min_length=1, max_length=100)  # the button says "Sign in with <label>"
    issuer: str = Field(pattern=r"^https?://")
    client_id: str = Field(min_length=1)
    client_secret: str = Field(min_length=1)

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TING_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./ting.db"
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    programs_dir: Path = ROOT / "programs"
    demo: bool = False
    session_max_age_days: int = Field(default=14, ge=1)
    log_sql: bool = False
    # each request's log line (and every other) as a JSON object a line, for a log collector
    log_format: Literal["text", "json"] = "text"
    # Prometheus metrics at /metrics (let the proxy keep it from the public)
    metrics: bool = False
    # TING_OIDC_PROVIDERS: a JSON list of providers, see README
    oidc_providers: list[OidcProvider] = Field(default_factory=list)
    # who people should ask when they cannot get in (shown on the "not on any roster" page)
    contact: str = ""
    # mail: an SMTP server (none: mail waits in the outbox; in demo mode, the "mails sent" page)
    smtp_host: str = ""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "Ting <ting@localhost>"
    invitation_days: int = Field(default=7, ge=1, le=90)  # how long an invitation link works
    mail_sender: bool = True  # run the background sender in this process
    mail_poll_seconds: float = Field(default=5.0, gt=0)
    # the issuer's keys for badges (Ed25519 and RSA), as PEM, the newest last (none: in the
    # database)
    badge_key_file: Path | None = None
    # who issues badges here, as the issuer's public profile names it (none: the server's host)
    issuer_name: str = Field(default="", max_length=200)
    # the TrueType font of badge certificates (its bold beside it); Debian's fonts-dejavu-core
    certificate_font: Path | None = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

    @property
    def cookies_secure(self) -> bool:
        return self.base_url.startswith("https://")

    def absolute(self, path: str) -> str:
        """A path made into a full address from TING_BASE_URL (for mails and providers, so a
        proxy in front of Ting cannot change it)."""
        return self.base_url.rstrip("/") + path

    @property
    def shows_mail_on_page(self) -> bool:
        """A demo server without a mail server: its mail arrives on the "Mails sent" page."""
        return self.demo and not self.smtp_host

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def effective_secret_key(self) -> str:
        """The key that signs sessions; refuses to invent one outside demo mode."""
        if self.secret_key:
            if len(self.secret_key) < 32:
                raise ConfigurationError(
                    "TING_SECRET_KEY is too short: use at least 32 characters, for example "
                    "the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
            return self.secret_key
        if self.demo:
            return demo_secret_key()
        raise ConfigurationError(
            "TING_SECRET_KEY is not set. Ting signs sessions with it and will not start "
            "without one outside demo mode. Make one with:\n"
            "  python3 -c 'import secrets; print(secrets.token_urlsafe(48))'\n"
            "and set it in the environment or in .env as TING_SECRET_KEY=..."
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
