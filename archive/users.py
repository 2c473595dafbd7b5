"""Staff accounts: names, roles and hashed passwords, in a table of the catalog file.

The table is created on first use, so an archive made before accounts existed gains it
without a migration step. There is no default account: `ttdn user add` makes the first one.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from .catalog import Catalog, now_iso
from .errors import UsageError

__all__ = ["ROLES", "User", "Users", "MIN_PASSWORD_LENGTH"]

# staff: reads internal items, the quarantine and the statistics; curator: also edits
# metadata and access (public/internal); admin: also sees and sets `restricted`.
ROLES = ("staff", "curator", "admin")
_AUDIENCE = {"staff": "staff", "curator": "staff", "admin": "admin"}
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,
    session_version INTEGER NOT NULL DEFAULT 0);
"""
# Homes made before session versions existed gain the column on first use.
_ADD_VERSION = "ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0"
# Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    """One staff account (never carries the password hash outside this module)."""

    name: str
    role: str
    active: bool
    created_at: str
    stamp: str  # changes with the password: a session made before a change stops working
    session_version: int = 0  # bumped at logout and password change: older sessions end

    @property
    def audience(self) -> str:
        """The search audience this role reads as (search.access.AUDIENCES)."""
        return _AUDIENCE[self.role]

    @property
    def may_edit(self) -> bool:
        """Whether the role may change metadata and access."""
        return self.role in ("curator", "admin")

    @property
    def may_restrict(self) -> bool:
        """Whether the role may see and set the `restricted` level."""
        return self.role == "admin"


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _user(row) -> User:
    return User(row["name"], row["role"], bool(row["active"]), row["created_at"],
                _stamp(row["password_hash"]), row["session_version"])


class Users:
    """The accounts kept in one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.db = catalog.db
        self.db.executescript(_SCHEMA)
        _add_session_version(self.db)

    def add(self, name: str, role: str, password: str) -> User:
        """Create an account; the name must be new, the role known, the password long enough."""
        name = name.strip().lower()
        if not _NAME.fullmatch(name):
            raise UsageError("a user name is 2-40 of a-z, 0-9, '.', '_', '-', starting with a"
                             " letter or digit")
        if role not in ROLES:
            raise UsageError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        _check_password(password)
        with self.db:
            if self.db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise UsageError(f"the user {name!r} exists already")
            self.db.execute("INSERT INTO users (name, role, password_hash, created_at)"
                            " VALUES (?,?,?,?)", (name, role, generate_password_hash(password),
                                                  now_iso()))
        return self.get(name)

    def set_password(self, name: str, password: str) -> None:
        """Replace an account's password (existing sessions of that account end)."""
        _check_password(password)
        name = name.strip().lower()
        with self.db:
            cur = self.db.execute("UPDATE users SET password_hash = ?,"
                                  " session_version = session_version + 1 WHERE name = ?",
                                  (generate_password_hash(password), name))
        if cur.rowcount == 0:
            raise UsageError(f"no user is named {name!r}")

    def end_sessions(self, name: str) -> None:
        """End every open session of the account (at logout: a copied cookie stops working)."""
        with self.db:
            self.db.execute("UPDATE users SET session_version = session_version + 1"
                            " WHERE name = ?", (name.strip().lower(),))

    def get(self, name: str) -> User | None:
        """The active or inactive account with this name, or None."""
        row = self.db.execute("SELECT * FROM users WHERE name = ?",
                              (name.strip().lower(),)).fetchone()
        return _user(row) if row else None

    def authenticate(self, name: str, password: str) -> User | None:
        """The active account when the password is right, else None (same cost either way)."""
        row = self.db.execute("SELECT * FROM users WHERE name = ?",
                              (name.strip().lower(),)).fetchone()
        ok = check_password_hash(row["password_hash"] if row else _DUMMY_HASH, password)
        return _user(row) if ok and row and row["active"] else None

    def all(self) -> list[User]:
        """Every account, by name."""
        return [_user(r) for r in self.db.execute("SELECT * FROM users ORDER BY name")]


def _add_session_version(db: sqlite3.Connection) -> None:
    columns = {row[1] for row in db.execute("PRAGMA table_info(users)")}
    if "session_version" in columns:
        return
    try:
        with db:
            db.execute(_ADD_VERSION)
    except sqlite3.OperationalError as e:  # another process added it a moment ago
        if "duplicate column" not in str(e):
            raise


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
