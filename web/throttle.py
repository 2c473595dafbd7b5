"""The login throttle: growing delays per account and a failure budget per client address.

An account is keyed on its name alone, so failures sent from many addresses cannot lock it out
for longer than the current delay: once the delay has passed, the right password passes from
any address. An address is limited on its failed logins whatever names they try, which slows a
spray of many names. `ttdn serve --workers N` runs several processes, so the state lives in a
small SQLite file of its own (`HOME/web-state.sqlite3`, WAL; never the catalog), which every
worker reads and writes in short IMMEDIATE transactions: a guess sent to another worker meets
the same delay. Without a path (unit tests, one-off apps) it is a private in-memory database.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

__all__ = ["ThrottlePolicy", "LoginThrottle", "Refusal", "STATE_FILE"]

STATE_FILE = "web-state.sqlite3"  # in the data home, beside the catalog

_SCHEMA = """
CREATE TABLE IF NOT EXISTS throttle_accounts (
    key TEXT PRIMARY KEY, failures INTEGER NOT NULL, last REAL NOT NULL, until REAL NOT NULL);
CREATE INDEX IF NOT EXISTS throttle_accounts_last ON throttle_accounts(last);
CREATE TABLE IF NOT EXISTS throttle_addresses (address TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS throttle_addresses_address ON throttle_addresses(address, at);
CREATE INDEX IF NOT EXISTS throttle_addresses_at ON throttle_addresses(at);
"""


@dataclass(frozen=True)
class ThrottlePolicy:
    """The limits; the app builds it from its LOGIN_* configuration."""

    free_failures: int = 5  # failures of one account before delays start
    base_delay: float = 1.0  # seconds of the first delay; it doubles with each further failure
    max_delay: float = 60.0  # seconds: the longest an account ever waits
    forget_after: float = 900.0  # seconds without a failure after which an account starts afresh
    address_failures: int = 30  # failed logins from one address ...
    address_window: float = 60.0  # ... within this many seconds; then its logins are refused
    max_keys: int = 100_000  # accounts or addresses remembered (bounded state under a flood)

    def delay(self, failures: int) -> float:
        """Seconds an account waits after its `failures`-th failure in a row."""
        if failures < self.free_failures:
            return 0.0
        doublings = min(failures - self.free_failures, 30)  # 2**30 s is far past any cap
        return min(self.max_delay, self.base_delay * 2 ** doublings)


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is not checked now, and for how many seconds more."""

    reason: str  # "account" or "address"
    wait: float


class LoginThrottle:
    """Throttle state shared by threads and processes; `admit`, then `failed`/`succeeded`."""

    def __init__(self, policy: ThrottlePolicy | None = None, *, path: str | Path | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        # Wall-clock time by default: the stamps are compared across processes and restarts.
        self.policy, self.clock = policy or ThrottlePolicy(), clock
        self.path = None if path in (None, ":memory:") else Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid = -1

    def admit(self, name: str, address: str) -> Refusal | None:
        """None when the attempt may be checked now, else the refusal with its wait."""
        key, now, policy = _key(name), self.clock(), self.policy
        with self._transaction() as db:
            stamps = [r[0] for r in db.execute(
                "SELECT at FROM throttle_addresses WHERE address = ? AND at > ? ORDER BY at",
                (address, now - policy.address_window))]
            if len(stamps) >= policy.address_failures:
                return Refusal("address", stamps[0] + policy.address_window - now)
            account = self._account(db, key, now)
            if account is None:
                return None
            failures, until = account
            if now < until:
                return Refusal("account", until - now)
            # Reserve the slot: parallel guesses sent the moment a delay ends wait for this one
            # (the IMMEDIATE transaction makes read-and-reserve one step across processes).
            db.execute("UPDATE throttle_accounts SET until = ? WHERE key = ?",
                       (now + policy.delay(failures + 1), key))
            return None

    def failed(self, name: str, address: str) -> None:
        """Count one failed attempt against the account and against the address."""
        key, now, policy = _key(name), self.clock(), self.policy
        with self._transaction() as db:
            self._prune(db, now)
            account = self._account(db, key, now)
            failures = (account[0] if account else 0) + 1
            db.execute("INSERT OR REPLACE INTO throttle_accounts (key, failures, last, until) "
                       "VALUES (?, ?, ?, ?)", (key, failures, now, now + policy.delay(failures)))
            db.execute("INSERT INTO throttle_addresses (address, at) VALUES (?, ?)",
                       (address, now))

    def succeeded(self, name: str) -> None:
        """Forget the account's failures (the address keeps its count: a spray stays slowed)."""
        with self._transaction() as db:
            db.execute("DELETE FROM throttle_accounts WHERE key = ?", (_key(name),))

    def close(self) -> None:
        """Close this process's connection to the state file."""
        with self._lock:
            if self._db is not None and self._pid == os.getpid():
                self._db.close()
            self._db = None

    def _transaction(self):
        return _Transaction(self)

    def _connection(self) -> sqlite3.Connection:
        # Opened on first use and again after a fork: a connection must not cross processes.
        if self._db is None or self._pid != os.getpid():
            self._db = _open(self.path)
            self._pid = os.getpid()
        return self._db

    def _account(self, db: sqlite3.Connection, key: str, now: float) -> tuple[int, float] | None:
        row = db.execute("SELECT failures, last, until FROM throttle_accounts WHERE key = ?",
                         (key,)).fetchone()
        if row is None:
            return None
        failures, last, until = row
        if now - last >= self.policy.forget_after and now >= until:
            db.execute("DELETE FROM throttle_accounts WHERE key = ?", (key,))
            return None
        return failures, until

    def _prune(self, db: sqlite3.Connection, now: float) -> None:
        # Expired stamps and accounts go at each failure (indexed deletes); under a flood of
        # made-up names or addresses past max_keys, start afresh rather than grow without bound.
        policy = self.policy
        db.execute("DELETE FROM throttle_addresses WHERE at <= ?", (now - policy.address_window,))
        db.execute("DELETE FROM throttle_accounts WHERE last <= ? AND until <= ?",
                   (now - policy.forget_after, now))
        if db.execute("SELECT count(*) FROM throttle_accounts").fetchone()[0] >= policy.max_keys:
            db.execute("DELETE FROM throttle_accounts")
        if db.execute("SELECT count(DISTINCT address) FROM throttle_addresses"
                      ).fetchone()[0] >= policy.max_keys:
            db.execute("DELETE FROM throttle_addresses")


class _Transaction:
    """The throttle's lock held and one IMMEDIATE transaction open: committed or rolled back."""

    def __init__(self, throttle: LoginThrottle) -> None:
        self.throttle = throttle

    def __enter__(self) -> sqlite3.Connection:
        self.throttle._lock.acquire()
        try:
            self.db = self.throttle._connection()
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.throttle._lock.release()
            raise
        return self.db

    def __exit__(self, exc_type, *_exc) -> None:
        try:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.throttle._lock.release()


def _open(path: Path | None) -> sqlite3.Connection:
    if path is None:
        db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # losing the last failures on a crash is fine
    db.executescript(_SCHEMA)
    return db


def _key(name: str) -> str:
    return name.strip().lower()
