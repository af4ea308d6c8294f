"""SQL for OAuth installs: each workspace's bot installation, and the OAuth states handed out.

An installation is kept per (enterprise, team), '' standing for "none" so the pair can be the
key; a new install of the same workspace replaces the old row. A state is a row until it is
consumed: consuming deletes it, so of two replicas racing for one state only one gets it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

COLUMNS = (
    "enterprise_id, team_id, app_id, enterprise_name, team_name, is_enterprise_install,"
    " bot_token, bot_id, bot_user_id, bot_scopes, bot_refresh_token, bot_token_expires_at,"
    " installer, token_type, installed_at"
)
UPSERT_SET = (
    "app_id = excluded.app_id, enterprise_name = excluded.enterprise_name,"
    " team_name = excluded.team_name, is_enterprise_install = excluded.is_enterprise_install,"
    " bot_token = excluded.bot_token, bot_id = excluded.bot_id,"
    " bot_user_id = excluded.bot_user_id, bot_scopes = excluded.bot_scopes,"
    " bot_refresh_token = excluded.bot_refresh_token,"
    " bot_token_expires_at = excluded.bot_token_expires_at, installer = excluded.installer,"
    " token_type = excluded.token_type, installed_at = excluded.installed_at"
)


@dataclass(frozen=True)
class Installed:
    """One workspace's bot installation; the tokens never show in a repr."""

    enterprise_id: str  # '' when the workspace is in no organisation
    team_id: str  # '' for an organisation-wide install
    bot_token: str = field(repr=False)
    bot_id: str | None = None
    bot_user_id: str | None = None
    bot_scopes: str = ""  # comma-separated, as Slack gives them
    bot_refresh_token: str | None = field(default=None, repr=False)
    bot_token_expires_at: float | None = None  # epoch seconds; None: the token never expires
    installer: str | None = None  # who installed it
    installed_at: float = 0.0
    app_id: str | None = None
    enterprise_name: str | None = None
    team_name: str | None = None
    is_enterprise_install: bool = False
    token_type: str | None = None

    def values(self) -> list[object]:
        """The row's values in COLUMNS' order."""
        return [
            self.enterprise_id,
            self.team_id,
            self.app_id,
            self.enterprise_name,
            self.team_name,
            int(self.is_enterprise_install),
            self.bot_token,
            self.bot_id,
            self.bot_user_id,
            self.bot_scopes,
            self.bot_refresh_token,
            self.bot_token_expires_at,
            self.installer,
            self.token_type,
            self.installed_at,
        ]


def installed_from(row: tuple[object, ...]) -> Installed:
    """An Installed from a row read in COLUMNS' order (both backends)."""
    expires = row[11]
    return Installed(
        enterprise_id=str(row[0]),
        team_id=str(row[1]),
        app_id=_text(row[2]),
        enterprise_name=_text(row[3]),
        team_name=_text(row[4]),
        is_enterprise_install=bool(row[5]),
        bot_token=str(row[6]),
        bot_id=_text(row[7]),
        bot_user_id=_text(row[8]),
        bot_scopes=str(row[9] or ""),
        bot_refresh_token=_text(row[10]),
        bot_token_expires_at=None if expires is None else float(str(expires)),
        installer=_text(row[12]),
        token_type=_text(row[13]),
        installed_at=float(str(row[14])),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def save_installation(db: Database, installed: Installed) -> None:
    """Keep a workspace's installation, replacing an earlier one of the same workspace."""
    marks = ", ".join("?" * len(installed.values()))
    db.execute(
        f"INSERT INTO installations ({COLUMNS}) VALUES ({marks})"
        f" ON CONFLICT (enterprise_id, team_id) DO UPDATE SET {UPSERT_SET}",
        installed.values(),
    )
    # A (re)install ends the workspace's uninstall grace period: its data stays.
    db.execute(
        "UPDATE workspaces SET uninstalled_at = NULL, uninstall_seq = NULL"
        " WHERE team_id = ? AND ? <> ''",
        [installed.team_id, installed.team_id],
    )


def find_installation(db: Database, enterprise_id: str, team_id: str) -> Installed | None:
    """The installation of a workspace (or, with team '', of an organisation), or None."""
    row = db.execute(
        f"SELECT {COLUMNS} FROM installations WHERE enterprise_id = ? AND team_id = ?",
        [enterprise_id, team_id],
    ).fetchone()
    return None if row is None else installed_from(tuple(row))


# A workspace's own installation first; else its organisation's org-wide one, the organisation
# known from the workspace's own people (a Slack Connect guest's organisation is not its own).
FOR_TEAM = (
    f"SELECT {COLUMNS} FROM installations WHERE team_id = {{mark}}"
    f" UNION ALL SELECT {COLUMNS} FROM installations WHERE team_id = '' AND enterprise_id IN"
    " (SELECT enterprise FROM users WHERE team_id = {mark} AND enterprise IS NOT NULL"
    " AND (home_team IS NULL OR home_team = team_id))"
    " ORDER BY team_id DESC, installed_at DESC LIMIT 1"
)


def installation_for_team(db: Database, team_id: str) -> Installed | None:
    """The installation that serves a workspace: its own, else its organisation's, or None."""
    row = db.execute(FOR_TEAM.format(mark="?"), [team_id, team_id]).fetchone()
    return None if row is None else installed_from(tuple(row))


def delete_installation(db: Database, enterprise_id: str, team_id: str) -> bool:
    """Forget a workspace's installation; False when there was none."""
    cursor = db.execute(
        "DELETE FROM installations WHERE enterprise_id = ? AND team_id = ?",
        [enterprise_id, team_id],
    )
    return cursor.rowcount > 0


def issue_state(db: Database, state: str, expires_at: float) -> None:
    """Remember an OAuth state until `expires_at`."""
    db.execute("INSERT INTO oauth_states (state, expires_at) VALUES (?, ?)", [state, expires_at])


def consume_state(db: Database, state: str, now: float) -> bool:
    """Use up a state: True once for a state issued and not expired, False after and else.
    Expired states are cleared on the way."""
    db.execute("DELETE FROM oauth_states WHERE expires_at <= ?", [now])
    cursor = db.execute("DELETE FROM oauth_states WHERE state = ?", [state])
    return cursor.rowcount == 1
