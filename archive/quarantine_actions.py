"""Acting on quarantine entries: delete the kept copy, or release it as an item anyway.

Both need a reason and leave an event naming who and why; releasing is for administrators
(it archives what ingest refused, so it is restricted until someone looks at it). Retrying
runs ingest again, which is a layer above: web/staff_quarantine.py does that.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .catalog import Catalog, now_iso
from .errors import AccessDenied, NotFound, UsageError
from .models import Event, FileRecord, Item, QuarantineEntry
from .settings import Settings
from .store import ObjectStore, sha256_file

__all__ = ["get_entry", "copy_path", "delete_entry", "release_entry", "forget_copy",
           "items_with_warnings", "MISMATCH_PREFIX"]

ITEM_ID_LENGTH = 16  # as ingest/item_builder.py: the first hex characters of the sha256
# How ingest's warning about a name that lies about the content starts (ingest/item_builder).
MISMATCH_PREFIX = "content and name disagree"


def get_entry(catalog: Catalog, source: str) -> QuarantineEntry:
    """The quarantine entry of this source; NotFound when it left the quarantine."""
    for entry in catalog.quarantined():
        if entry.source == source:
            return entry
    raise NotFound(f"{source} is not in quarantine (it may have been archived or deleted)")


def copy_path(settings: Settings, entry: QuarantineEntry) -> Path | None:
    """The kept copy of a refused file, when there is one (inside the data home only)."""
    if not entry.stored_as:
        return None
    path = (settings.home / entry.stored_as).resolve()
    if not path.is_relative_to(settings.quarantine_dir.resolve()) or not path.is_file():
        return None
    return path


def _need_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < 3:
        raise UsageError("give a reason (a few words: it goes into the audit trail)")
    return reason[:500]


def forget_copy(settings: Settings, entry: QuarantineEntry) -> None:
    """Remove the kept copy and its reason file (and the folder when empty)."""
    path = copy_path(settings, entry)
    if path is None:
        return
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".reason.txt").unlink(missing_ok=True)
    if path.parent != settings.quarantine_dir and not any(path.parent.iterdir()):
        shutil.rmtree(path.parent, ignore_errors=True)


def _drop_row(catalog: Catalog, source: str, event: Event) -> None:
    with catalog.transaction() as db:
        db.execute("DELETE FROM quarantine WHERE source = ?", (source,))
        db.execute("INSERT INTO events (item_id, action, actor, at, detail) VALUES (?,?,?,?,?)",
                   (event.item_id, event.action, event.actor, event.at,
                    json.dumps(event.detail, ensure_ascii=False)))


def delete_entry(catalog: Catalog, settings: Settings, user, source: str, reason: str) -> None:
    """Delete the kept copy and the entry (curators, admins; the event keeps who, why, hash)."""
    if not user.may_edit:
        raise AccessDenied("only a curator or an administrator may delete a quarantined copy")
    reason = _need_reason(reason)
    entry = get_entry(catalog, source)
    forget_copy(settings, entry)
    _drop_row(catalog, source, Event(None, "quarantine-deleted", user.name, now_iso(), {
        "source": source, "sha256": entry.sha256, "code": entry.code, "reason": reason}))


def release_entry(catalog: Catalog, settings: Settings, user, source: str,
                  reason: str) -> str:
    """Archive the kept copy as a restricted item anyway (administrators); returns its id."""
    if not user.may_restrict:
        raise AccessDenied("only an administrator may release a refused file as an item")
    reason = _need_reason(reason)
    entry = get_entry(catalog, source)
    path = copy_path(settings, entry)
    if path is None:
        raise NotFound(f"no copy of {source} was kept: ingest it again from the original")
    sha = ObjectStore(settings.objects_dir).put_file(path, sha256_file(path))
    existing = catalog.item_id_for_sha(sha)
    if existing:  # the same content was archived meanwhile: the name joins that item
        catalog.add_source(existing, source, actor=user.name)
        forget_copy(settings, entry)
        return existing
    item = Item(id=sha[:ITEM_ID_LENGTH], kind="other", access="restricted",
                title=Path(source).name, sha256=sha, status="warning", created_at=now_iso(),
                warnings=[f"released from quarantine: {entry.reason}"],
                origins={"access": "staff", "kind": "staff"})
    catalog.save_item(item, files=[FileRecord(sha, "application/octet-stream",
                                              path.stat().st_size)], sources=[source],
                      event=Event(item.id, "released-from-quarantine", user.name, now_iso(), {
                          "source": source, "code": entry.code, "refused": entry.reason,
                          "reason": reason}))
    forget_copy(settings, entry)
    return item.id


def items_with_warnings(catalog: Catalog, levels: tuple[str, ...], *,
                        limit: int = 200) -> list[tuple[str, str, list[str]]]:
    """(id, title, warnings) of archived items with warnings, at levels the reader may see."""
    marks = ",".join("?" * len(levels)) or "''"
    rows = catalog.db.execute(
        f"SELECT id, title, warnings FROM items WHERE status = 'warning' AND access IN ({marks})"
        " ORDER BY updated_at DESC LIMIT ?", (*levels, limit))
    return [(r["id"], r["title"] or r["id"], json.loads(r["warnings"])) for r in rows]
