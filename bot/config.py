"""Settings, read once from the environment and a `.env` file (the environment wins)."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.dburl import password_of, redact

DEFAULT_API_URL = "https://slack.com/api/"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_USEFUL = ("+1", "thumbsup", "bulb", "star", "heart", "raised_hands", "100")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_CAP = 500  # open HTTP connections
DEFAULT_READ_TIMEOUT = 10.0  # seconds to send a request's headers, and again its body
DEFAULT_LEASE = 15.0  # seconds a replica's inbox partitions stay its own without renewal
PERSONAL_DIGESTS = ("active", "optin")
_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]+$")
_EMOJI = re.compile(r"^[a-z0-9_+'-]+$")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_-]+$", re.I)


class ConfigError(Exception):
    """A missing or malformed setting; the message is one line naming it."""


@dataclass(frozen=True)
class Config:
    """Every setting of docs/interface.md, parsed and checked."""

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None  # with the two below and no bot token: installs by OAuth
    client_secret: str | None = field(default=None, repr=False)
    state_secret: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    db_path: str = "./serendip.db"
    port: int = 3000
    tz: str = "UTC"
    digest_day: str = "mon"
    digest_hour: int = 9
    send_rate: int = 120
    admins: frozenset[str] = frozenset()
    ask_channel: str | None = None
    routing_cap: int = 3
    report_channel: str | None = None
    minutes_saved: int = 15
    individual_stats: bool = False
    personal_digests: str = "active"  # who gets one: active people, or only those who asked
    useful_emoji: frozenset[str] = frozenset(DEFAULT_USEFUL)
    save_emoji: frozenset[str] = frozenset({"bookmark"})
    answer_emoji: frozenset[str] = frozenset({"white_check_mark"})
    flag_emoji: frozenset[str] = frozenset({"triangular_flag_on_post"})
    fetch_links: bool = True
    fetch_delay: float = 30.0
    fetch_allow: tuple[str, ...] = ()
    retention_days: int = 0
    uninstall_grace_days: int = 7
    log_level: str = "INFO"
    http_max_connections: int = DEFAULT_CAP
    http_read_timeout: float = DEFAULT_READ_TIMEOUT
    lease_seconds: float = DEFAULT_LEASE
    leader_poll: float = 5.0  # seconds between a replica's tries to lead (or checks it still does)
    digest_tick: float = 300.0  # seconds between the leader's digest ticks
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        """Never show secrets, even by accident in a traceback."""
        db = redact(self.db_path)  # a postgresql:// URL may carry a password
        return f"Config(db_path={db!r}, api_url={self.api_url!r}, port={self.port})"

    @property
    def oauth(self) -> bool:
        """Whether the bot is installed by OAuth (many workspaces), not given one bot token."""
        return self.client_id is not None and self.bot_token is None

    @property
    def authorize_url(self) -> str:
        """Slack's OAuth authorize page, beside the Web API (`…/api/` -> `…/oauth/v2/authorize`)."""
        return self.api_url.removesuffix("api/") + "oauth/v2/authorize"

    def require(self, *names: str) -> None:
        """Raise ConfigError naming the first required setting that is missing."""
        env_names = {
            "bot_token": "SLACK_BOT_TOKEN",
            "signing_secret": "SLACK_SIGNING_SECRET",
            "app_token": "SLACK_APP_TOKEN",
        }
        for name in names:
            if not getattr(self, name):
                raise ConfigError(f"{env_names[name]} is required for this command")


_DOTENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SETTING_NAME = re.compile(r"^(?:SLACK_|SERENDIP_)[A-Z0-9_]+$|^PORT$")


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a simple `.env` file: NAME=VALUE lines, `#` comments, optional quotes. A line that
    is none of these stops with one line naming the file and the line (never its value)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not _DOTENV_NAME.match(key):
            raise ConfigError(f"{path} line {number}: {_not_a_setting(key, equals)}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif value[:1] in ("'", '"'):
            raise ConfigError(
                f"{path} line {number}: the value of {key} opens a quote that it does not close"
            )
        values[key] = value
    return values


def _not_a_setting(key: str, equals: str) -> str:
    """Why a `.env` line is no setting, naming the setting only when the line plainly starts
    with one's name: the rest of the line may be a secret, and is never repeated."""
    first = key.split(maxsplit=1)[0] if key.split() else ""
    if _SETTING_NAME.match(first):
        return f"{first} is not followed by '=' (write {first}=value)"
    return "not a NAME=value setting" if equals else "not a NAME=value setting (no '=')"


def load_config(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Config:
    """Build the Config from `.env` overlaid with the environment."""
    env: dict[str, str] = read_dotenv(dotenv) if dotenv else {}
    env.update(os.environ if environ is None else environ)
    return _parse(_Reader(env))


class _Reader:
    """Typed access to raw setting strings, raising ConfigError that names the variable."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def text(self, name: str) -> str | None:
        value = self.env.get(name, "").strip()
        return value or None

    def integer(self, name: str, default: int, low: int = 0, high: int = 10**9) -> int:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
        if not low <= value <= high:
            raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
        return value

    def number(self, name: str, default: float) -> float:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
        if not 0 <= value <= 86400:
            raise ConfigError(f"{name} must be between 0 and 86400, got {raw!r}")
        return value

    def switch(self, name: str, default: bool) -> bool:
        raw = self.text(name)
        if raw is None:
            return default
        if raw.lower() in ("on", "true", "1", "yes"):
            return True
        if raw.lower() in ("off", "false", "0", "no"):
            return False
        raise ConfigError(f"{name} must be 'on' or 'off', got {raw!r}")

    def choice(self, name: str, default: str, options: tuple[str, ...]) -> str:
        raw = self.text(name)
        if raw is None:
            return default
        value = raw.upper() if options == LOG_LEVELS else raw.lower()
        if value not in options:
            raise ConfigError(f"{name} must be one of {', '.join(options)}, got {raw!r}")
        return value

    def names(self, name: str, default: frozenset[str]) -> frozenset[str]:
        raw = self.text(name)
        if raw is None:
            return default
        items = frozenset(part.strip().strip(":") for part in raw.split(",") if part.strip())
        if not items:
            raise ConfigError(f"{name} must list at least one emoji name")
        for item in items:
            if not _EMOJI.match(item):
                raise ConfigError(f"{name} has a malformed emoji name: {item[:40]!r}")
        return items

    def ids(self, name: str, pattern: re.Pattern[str]) -> frozenset[str]:
        raw = self.text(name) or ""
        items = frozenset(part.strip() for part in raw.split(",") if part.strip())
        for item in items:
            if not pattern.match(item):
                raise ConfigError(f"{name} has a malformed Slack id: {item!r}")
        return items

    def one_id(self, name: str, pattern: re.Pattern[str]) -> str | None:
        found = self.ids(name, pattern)
        if len(found) > 1:
            raise ConfigError(f"{name} must be a single Slack id")
        return next(iter(found), None)


def _timezone(reader: _Reader) -> str:
    name = reader.text("SERENDIP_TZ") or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"SERENDIP_TZ is not a known IANA time zone: {name!r}") from None
    return name


def _api_url(reader: _Reader) -> str:
    url = reader.text("SLACK_API_URL") or DEFAULT_API_URL
    try:
        parts = urlsplit(url)
        valid = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and (parts.port is None or parts.port > 0)
        )
    except ValueError:
        valid = False
    if not valid or any(c.isspace() for c in url):
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL, got {url!r}")
    return url if url.endswith("/") else url + "/"


def fetch_allow_entry(entry: str) -> bool:
    """A SERENDIP_FETCH_ALLOW entry: host, IP or CIDR, optionally with `:port` ([v6]:port)."""
    target, port = entry, None
    if entry.startswith("["):
        target, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else (None if not rest else "bad")
    elif entry.count(":") == 1:
        target, port = entry.split(":")
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        return False
    try:
        ipaddress.ip_network(target, strict=False)
        return True
    except ValueError:
        return "/" not in target and bool(_HOST.match(target))


def _fetch_allow(reader: _Reader) -> tuple[str, ...]:
    raw = reader.text("SERENDIP_FETCH_ALLOW") or ""
    entries = [part.strip() for part in raw.split(",") if part.strip()]
    for entry in entries:
        if not fetch_allow_entry(entry):
            raise ConfigError(f"SERENDIP_FETCH_ALLOW has a malformed entry: {entry[:60]!r}")
    return tuple(entries)


def _token(reader: _Reader, name: str, prefix: str) -> str | None:
    value = reader.text(name)
    if value is not None and not value.startswith(prefix):
        raise ConfigError(f"{name} must start with {prefix!r}")
    return value


def _positive(reader: _Reader, name: str, default: float) -> float:
    value = reader.number(name, default)
    if value <= 0:
        raise ConfigError(f"{name} must be more than 0 seconds")
    return value


def _read_timeout(reader: _Reader) -> float:
    value = reader.number("SERENDIP_HTTP_READ_TIMEOUT", DEFAULT_READ_TIMEOUT)
    if value <= 0:
        raise ConfigError("SERENDIP_HTTP_READ_TIMEOUT must be more than 0 seconds")
    return value


def _lease_seconds(reader: _Reader) -> float:
    value = reader.number("SERENDIP_LEASE_SECONDS", DEFAULT_LEASE)
    if value < 1:
        raise ConfigError("SERENDIP_LEASE_SECONDS must be at least 1 second")
    return value


# The settings each workspace's admins may change in Home, by Config field, and the variable
# whose value is every workspace's default; a workspace's value is text as the variable's is.
WORKSPACE_SETTINGS = {
    "digest_day": "SERENDIP_DIGEST_DAY",
    "digest_hour": "SERENDIP_DIGEST_HOUR",
    "tz": "SERENDIP_TZ",
    "admins": "SERENDIP_ADMINS",
    "ask_channel": "SERENDIP_ASK_CHANNEL",
    "report_channel": "SERENDIP_REPORT_CHANNEL",
    "routing_cap": "SERENDIP_ROUTING_CAP",
    "individual_stats": "SERENDIP_INDIVIDUAL_STATS",
}


def workspace_setting(name: str, raw: str) -> object:
    """A workspace's value of setting `name` (a Config field), parsed and checked exactly as
    the environment's would be; ConfigError, naming the variable, when it is not one."""
    variable = WORKSPACE_SETTINGS.get(name)
    if variable is None:
        raise ConfigError(f"{name!r} is not a setting a workspace may change")
    if not raw.strip():
        raise ConfigError(f"{variable} needs a value (clear it to use the default)")
    # The one parser of the environment, given this variable alone: the same checks, the same
    # messages, nothing to keep in step.
    return getattr(_parse(_Reader({variable: raw})), name)


OAUTH_SETTINGS = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SERENDIP_STATE_SECRET")
MIN_STATE_SECRET = 16


def _oauth(r: _Reader, bot_token: str | None) -> tuple[str | None, str | None, str | None]:
    """The OAuth settings: all three or none, and never beside SLACK_BOT_TOKEN (values are
    never repeated: two of them are secrets)."""
    client_id, client_secret, state_secret = (r.text(name) for name in OAUTH_SETTINGS)
    given = [name for name in OAUTH_SETTINGS if r.text(name)]
    if not given:
        return None, None, None
    if bot_token is not None:
        raise ConfigError(
            f"{given[0]} installs by OAuth and SLACK_BOT_TOKEN serves one workspace: choose one"
        )
    missing = [name for name in OAUTH_SETTINGS if name not in given]
    if missing:
        raise ConfigError(
            f"installing by OAuth needs {', '.join(missing)} too (besides {given[0]})"
        )
    if len(state_secret or "") < MIN_STATE_SECRET:
        raise ConfigError(f"SERENDIP_STATE_SECRET must be at least {MIN_STATE_SECRET} characters")
    return client_id, client_secret, state_secret


def _parse(r: _Reader) -> Config:
    bot_token = _token(r, "SLACK_BOT_TOKEN", "xoxb-")
    client_id, client_secret, state_secret = _oauth(r, bot_token)
    app_token = _token(r, "SLACK_APP_TOKEN", "xapp-")
    signing_secret = r.text("SLACK_SIGNING_SECRET")
    db = r.text("SERENDIP_DB") or "./serendip.db"
    password = password_of(db)
    return Config(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        client_id=client_id,
        client_secret=client_secret,
        state_secret=state_secret,
        api_url=_api_url(r),
        db_path=db,
        port=r.integer("PORT", 3000, 0, 65535),
        tz=_timezone(r),
        digest_day=r.choice("SERENDIP_DIGEST_DAY", "mon", DAYS),
        digest_hour=r.integer("SERENDIP_DIGEST_HOUR", 9, 0, 23),
        send_rate=r.integer("SERENDIP_SEND_RATE", 120, 1, 100_000),
        admins=r.ids("SERENDIP_ADMINS", _USER_ID),
        ask_channel=r.one_id("SERENDIP_ASK_CHANNEL", _CHANNEL_ID),
        routing_cap=r.integer("SERENDIP_ROUTING_CAP", 3, 0, 1000),
        report_channel=r.one_id("SERENDIP_REPORT_CHANNEL", _CHANNEL_ID),
        minutes_saved=r.integer("SERENDIP_MINUTES_SAVED", 15, 0, 10_000),
        individual_stats=r.switch("SERENDIP_INDIVIDUAL_STATS", False),
        personal_digests=r.choice("SERENDIP_PERSONAL_DIGESTS", "active", PERSONAL_DIGESTS),
        useful_emoji=r.names("SERENDIP_USEFUL_EMOJI", frozenset(DEFAULT_USEFUL)),
        save_emoji=r.names("SERENDIP_SAVE_EMOJI", frozenset({"bookmark"})),
        answer_emoji=r.names("SERENDIP_ANSWER_EMOJI", frozenset({"white_check_mark"})),
        flag_emoji=r.names("SERENDIP_FLAG_EMOJI", frozenset({"triangular_flag_on_post"})),
        fetch_links=r.switch("SERENDIP_FETCH_LINKS", True),
        fetch_delay=r.number("SERENDIP_FETCH_DELAY", 30.0),
        fetch_allow=_fetch_allow(r),
        retention_days=r.integer("SERENDIP_RETENTION_DAYS", 0, 0, 100_000),
        uninstall_grace_days=r.integer("SERENDIP_UNINSTALL_GRACE_DAYS", 7, 0, 100_000),
        log_level=r.choice("SERENDIP_LOG_LEVEL", "INFO", LOG_LEVELS),
        http_max_connections=r.integer("SERENDIP_HTTP_MAX_CONNECTIONS", DEFAULT_CAP, 1, 100_000),
        http_read_timeout=_read_timeout(r),
        lease_seconds=_lease_seconds(r),
        leader_poll=_positive(r, "SERENDIP_LEADER_POLL", 5.0),
        digest_tick=_positive(r, "SERENDIP_DIGEST_TICK", 300.0),
        secrets=tuple(
            s
            for s in (
                *(bot_token, app_token, signing_secret, client_secret, state_secret),
                *(password, unquote(password or "")),
            )
            if s
        ),
    )
