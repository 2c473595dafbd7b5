"""Who may change what, and the one way metadata and access change: for one item or many.

The web edit form, the bulk edit of a search result and `ttdn edit` all come here, so a bulk
edit can never do to an item what its user could not do to that item alone. The catalog marks
every changed item for re-indexing; the caller (a layer above, which may import search/) passes
`index_sync`, a function that brings the index up to the catalog (its search engine's `sync`),
since archive/ imports no layer above it and knows no engine.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field, fields, replace
from typing import Callable, Iterable

from .catalog import Catalog
from .dates import DATE_FIELDS, normalize_date
from .errors import AccessDenied, IndexLocked, SearchUnavailable, UsageError
from .models import ACCESS_LEVELS, ITEM_FIELDS, KINDS, Item

__all__ = ["LIST_VALUED", "BULK_FIELDS", "Change", "ItemPreview", "EditPreview", "editable_levels",
           "may_edit", "check_may_edit", "parse_changes", "item_changes", "save_item_changes",
           "edit_items", "diff_item", "save_one"]

log = logging.getLogger(__name__)
# Fields holding lists, read from the dataclass so new ones (recipients, ...) are lists too.
LIST_VALUED = frozenset(f.name for f in fields(Item) if f.default_factory is list)
# What a bulk edit may set (the list); the single-item form may set every field.
BULK_FIELDS = ("access", "collection", "places", "subject", "lead_unit")
_OPS = ("set", "add", "remove")
# Roles -> the access levels whose items they may change and which they may set.
_NOT_YOURS = "not found, or not an item this account may edit"
_EDIT_LEVELS = {"curator": ("public", "internal"), "admin": ACCESS_LEVELS}


@dataclass(frozen=True)
class Change:
    """One requested change: set a field, or add/remove one value of a list field."""

    field: str
    op: str  # set | add | remove
    value: str | list[str] | None


@dataclass
class ItemPreview:
    """What an edit does to one item: {field: {"from", "to"}}, or why it is refused."""

    item_id: str
    title: str | None
    access: str
    changed: dict[str, dict] = field(default_factory=dict)
    refused: str | None = None

    @property
    def becomes_public(self) -> bool:
        """True when the edit makes a non-public item public."""
        to = self.changed.get("access", {}).get("to")
        return to == "public" and self.access != "public"


@dataclass
class EditPreview:
    """The outcome (or, with dry_run, the forecast) of an edit of many items."""

    items: list[ItemPreview]
    applied: bool = False
    indexed: bool = True  # False: saved, the index was busy and catches up at the next sync
    batch: str | None = None

    @property
    def changing(self) -> list[ItemPreview]:
        """Items the edit changes."""
        return [p for p in self.items if p.changed and not p.refused]

    @property
    def unchanged(self) -> list[ItemPreview]:
        """Items that already hold the requested values."""
        return [p for p in self.items if not p.changed and not p.refused]

    @property
    def refused(self) -> list[ItemPreview]:
        """Items the user may not edit (not changed, ever)."""
        return [p for p in self.items if p.refused]

    @property
    def becoming_public(self) -> list[ItemPreview]:
        """Items the edit makes public: the ones to look at twice."""
        return [p for p in self.changing if p.becomes_public]

    def to_dict(self) -> dict:
        """JSON-ready summary (for `ttdn edit --json`)."""
        short = lambda p: {"id": p.item_id, "title": p.title, "access": p.access}  # noqa: E731
        return {"applied": self.applied, "indexed": self.indexed, "batch": self.batch,
                "changing": [{**short(p), "changed": p.changed} for p in self.changing],
                "becoming_public": [short(p) for p in self.becoming_public],
                "unchanged": [p.item_id for p in self.unchanged],
                "refused": [{**short(p), "reason": p.refused} for p in self.refused]}


# -- rules ----------------------------------------------------------------------------------


def editable_levels(user) -> tuple[str, ...]:
    """The access levels whose items this user may change, which are also the ones they may set."""
    return _EDIT_LEVELS.get(getattr(user, "role", None), ()) if user.may_edit else ()


def may_edit(user, item: Item) -> bool:
    """True when this user may change this item alone (the rule every edit path applies)."""
    return item.access in editable_levels(user)


def check_may_edit(user, item: Item) -> None:
    """Raise AccessDenied unless the user may edit the item."""
    if not user.may_edit:
        raise AccessDenied(f"the account {user.name!r} ({user.role}) may not edit items; "
                           "ask an administrator for the curator role")
    if not may_edit(user, item):
        raise AccessDenied(f"item {item.id} is {item.access}: only an administrator may edit it")


def _check_change(user, change: Change) -> None:
    if change.field == "access":
        if change.op != "set" or change.value not in ACCESS_LEVELS:
            raise UsageError(f"access must be set to one of {', '.join(ACCESS_LEVELS)}")
        if change.value not in editable_levels(user):
            raise AccessDenied(f"the account {user.name!r} may not set access to {change.value}")
    elif change.field == "kind" and change.value not in KINDS:
        raise UsageError(f"kind must be one of {', '.join(KINDS)}")


# -- what changes ---------------------------------------------------------------------------


def parse_changes(pairs: Iterable[str], *, op: str = "set",
                  allowed: tuple[str, ...] = BULK_FIELDS) -> list[Change]:
    """`field=value` texts (as typed after --set/--add/--remove) as Changes, checked."""
    if op not in _OPS:
        raise UsageError(f"unknown operation {op!r}; use one of {', '.join(_OPS)}")
    found = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            raise UsageError(f'expected FIELD=VALUE, e.g. access=public, not "{pair}"')
        if name == "subjects":
            name = "subject"
        if name not in allowed:
            raise UsageError(f"{name!r} cannot be changed in bulk; use one of {', '.join(allowed)}")
        if op != "set" and name not in LIST_VALUED:
            raise UsageError(f"{name} holds one value: use set, not {op}")
        if name in LIST_VALUED and op == "set":
            # "--set places=" clears; several values are separated by "|" (values hold , and ;)
            found.append(Change(name, op, [v.strip() for v in value.split("|") if v.strip()]))
        else:
            found.append(Change(name, op, value or None))
    return found


def _apply_change(item: Item, change: Change):
    old = getattr(item, change.field)
    if change.op == "set":
        return change.value
    values = list(old or [])
    if change.op == "add":
        return values + [change.value] if change.value and change.value not in values else values
    return [v for v in values if v != change.value]


def item_changes(item: Item, requested: list[Change]) -> dict[str, dict]:
    """{field: {"from": old, "to": new}} for every requested change that alters the item."""
    new = replace(item)
    for change in requested:
        setattr(new, change.field, _apply_change(new, change))
    return diff_item(item, new, {c.field for c in requested})


def diff_item(old: Item, new: Item, names: Iterable[str]) -> dict[str, dict]:
    """The fields among `names` whose value differs between two versions of an item."""
    found = {}
    for name in names:
        before, after = getattr(old, name, None), getattr(new, name, None)
        if (before or None) != (after or None):
            found[name] = {"from": before, "to": after}
    return found


def _normalized(changed: dict[str, dict]) -> dict[str, dict]:
    """Dates in the forms people write, as stored (DateError when one cannot be read)."""
    out = {}
    for name, values in changed.items():
        to = values["to"]
        if name in DATE_FIELDS and to:
            to = normalize_date(to, field=name)
        if name in ITEM_FIELDS or name in ("kind", "access", "title"):
            out[name] = {"from": values["from"], "to": to}
    return {k: v for k, v in out.items() if (v["from"] or None) != (v["to"] or None)}


# -- writing --------------------------------------------------------------------------------


def save_item_changes(catalog: Catalog, user, item: Item, changed: dict[str, dict], *,
                      batch: str | None = None) -> Item:
    """Write one item's changes as events (metadata, then access, each its own); checked first.

    The item is marked for re-indexing by the catalog; the caller syncs the index.
    """
    check_may_edit(user, item)
    changed = _normalized(changed)
    if "access" in changed:
        _check_change(user, Change("access", "set", changed["access"]["to"]))
    if "kind" in changed:
        _check_change(user, Change("kind", "set", changed["kind"]["to"]))
    extra = {"bulk": batch} if batch else {}
    metadata = {k: v for k, v in changed.items() if k != "access"}
    new = item
    if metadata:
        new = replace(new, origins={**new.origins, **{k: "staff" for k in metadata}},
                      **{k: v["to"] for k, v in metadata.items()})
        catalog.update_item(new, actor=user.name, action="metadata-edited",
                            detail={"changed": metadata, **extra})
    if "access" in changed:
        new = replace(new, access=changed["access"]["to"],
                      origins={**new.origins, "access": "staff"})
        catalog.update_item(new, actor=user.name, action="access-changed",
                            detail={**changed["access"], **extra})
    return new


def _sync(index_sync: Callable[[], object] | None, what: str) -> bool:
    if index_sync is None:
        return False
    try:
        index_sync()
    except (IndexLocked, SearchUnavailable) as err:  # the edit is saved; the next sync indexes it
        log.warning("%s saved, index not updated yet: %s", what, err)
        return False
    return True


def save_one(catalog: Catalog, index_sync: Callable[[], object] | None, user, item: Item,
             changed: dict[str, dict]) -> tuple[Item, bool]:
    """Save one item's form changes, then bring the index up; (new item, indexed now)."""
    new = save_item_changes(catalog, user, item, changed)
    return new, _sync(index_sync, f"item {item.id}")


def edit_items(catalog: Catalog, index_sync: Callable[[], object] | None, user,
               item_ids: Iterable[str], changes: list[Change], *, dry_run: bool) -> EditPreview:
    """Apply (or, with dry_run, only forecast) the same changes to many items.

    Each item is judged as if the user edited it alone: items they may not see or edit are
    listed as refused and never touched; one event per item and kind of change, all of the
    batch named by one batch id. Refuses outright a change the user may not make anywhere.
    """
    if not user.may_edit:
        raise AccessDenied(f"the account {user.name!r} ({user.role}) may not edit items; "
                           "ask an administrator for the curator role")
    if not changes:
        raise UsageError("nothing to change: give at least one field=value")
    for change in changes:
        _check_change(user, change)
    result = EditPreview([_preview(catalog, user, item_id, changes)
                          for item_id in dict.fromkeys(item_ids)])
    if dry_run or not result.changing:
        return result
    result.batch = secrets.token_hex(6)
    for preview in result.changing:
        item = catalog.get_item(preview.item_id)
        if item is None or not may_edit(user, item):  # changed since the preview was made
            preview.refused, preview.changed = "changed meanwhile", {}
            continue
        save_item_changes(catalog, user, item, item_changes(item, changes), batch=result.batch)
    result.applied = True
    result.indexed = _sync(index_sync, f"{len(result.changing)} items")
    return result


def _preview(catalog: Catalog, user, item_id: str, changes: list[Change]) -> ItemPreview:
    item = catalog.get_item(item_id)
    if item is None or not may_edit(user, item):
        # A missing item and one the user may not edit read the same: nothing is told of it.
        return ItemPreview(item_id, None, "unknown", refused=_NOT_YOURS)
    return ItemPreview(item.id, item.title, item.access, changed=item_changes(item, changes))
