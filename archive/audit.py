"""Audit export: the event log of an item, a collection or a date range, as CSV or JSON lines.

The lines are the backup bag's `events.jsonl` lines (archive/backup.py): every field of the
event, as stored. Administrators only: the export shows every detail, so the web and the CLI
check the role before calling (`check_may_export`).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Iterator

from .catalog import Catalog
from .csvsafe import csv_row
from .errors import AccessDenied, UsageError
from .models import Event

__all__ = ["AuditScope", "audit_events", "events_csv", "events_jsonl", "check_may_export",
           "CSV_COLUMNS"]

CSV_COLUMNS = ("id", "at", "item_id", "action", "actor", "detail")


@dataclass(frozen=True)
class AuditScope:
    """Which events: of one item, of a collection's items, and/or within dates (inclusive)."""

    item_id: str | None = None
    collection: str | None = None
    since: str | None = None  # YYYY-MM-DD
    until: str | None = None  # YYYY-MM-DD

    def check(self) -> None:
        """Refuse dates that are not YYYY-MM-DD and a range that ends before it starts."""
        for value in (self.since, self.until):
            if value and not (len(value) == 10 and value[4] == value[7] == "-"
                              and value.replace("-", "").isdigit()):
                raise UsageError(f"{value!r}: write dates as YYYY-MM-DD, e.g. 2026-03-01")
        if self.since and self.until and self.until < self.since:
            raise UsageError("the date range ends before it starts")


def check_may_export(user) -> None:
    """Raise AccessDenied unless the user is an administrator."""
    if not getattr(user, "may_restrict", False):
        raise AccessDenied("only an administrator may export the audit trail")


def audit_events(catalog: Catalog, scope: AuditScope) -> Iterator[Event]:
    """The events in the scope, oldest first."""
    scope.check()
    where, args = [], []
    if scope.item_id:
        where.append("item_id = ?")
        args.append(scope.item_id)
    if scope.collection:
        where.append("item_id IN (SELECT item_id FROM metadata WHERE field = 'collection'"
                     " AND value = ?)")
        args.append(json.dumps(scope.collection, ensure_ascii=False))
    if scope.since:
        where.append("at >= ?")
        args.append(scope.since)
    if scope.until:
        where.append("at < ?")
        args.append(scope.until + "T99")  # every time of that day sorts below "T99"
    sql = "SELECT * FROM events" + (" WHERE " + " AND ".join(where) if where else "")
    for r in catalog.db.execute(sql + " ORDER BY id", args):
        yield Event(r["item_id"], r["action"], r["actor"], r["at"], json.loads(r["detail"]),
                    r["id"])


def events_jsonl(events) -> Iterator[str]:
    """One JSON object per line, as the backup bag's events.jsonl."""
    for event in events:
        yield json.dumps(vars(event), ensure_ascii=False) + "\n"


def events_csv(events) -> Iterator[str]:
    """CSV with a header; the detail as JSON; formula-like cells quoted (archive/csvsafe)."""
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(CSV_COLUMNS)
    for event in events:
        out.writerow(csv_row([event.id, event.at, event.item_id or "", event.action, event.actor,
                              json.dumps(event.detail, ensure_ascii=False)]))
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
