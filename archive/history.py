"""What a reader may see of the audit trail: the one rule every page, the API and the CLI follow.

An event is about an item (its `item_id`, or the `item_id` of a reorder's detail). A reader sees
such an event only while they may see the item, and its details (the old and new values, the
captions, who did it) only when they may also see the level the item had when the event was
written: a title an admin replaced on a restricted item stays hidden from staff after the item
is lowered to internal. Exhibition work shows only where the reader may see the exhibition.
The public sees that and when something happened, never who or what.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .catalog import Catalog
from .exhibitions import ExhibitionStore
from .models import ACCESS_LEVELS, Event, Item

__all__ = ["Reader", "ShownEvent", "item_history", "exhibition_history"]

_STRICTEST = ACCESS_LEVELS[-1]
_EXHIBIT = "exhibit-"


@dataclass(frozen=True)
class Reader:
    """Who reads a history: the access levels they may see, and whether they are signed-in staff."""

    levels: tuple[str, ...]
    staff: bool = False

    def may_see(self, access: str | None) -> bool:
        """True when this reader may see something at this access level."""
        return access in self.levels

    @property
    def sees_all(self) -> bool:
        """True for a reader no level is hidden from (an administrator)."""
        return set(ACCESS_LEVELS) <= set(self.levels)


@dataclass(frozen=True)
class ShownEvent:
    """One line of a history as this reader may see it; `redacted`: its details are withheld."""

    id: int | None
    item_id: str | None
    action: str
    actor: str | None
    at: str
    detail: dict = field(default_factory=dict)
    redacted: bool = False

    def to_dict(self) -> dict:
        """JSON-ready."""
        return asdict(self)


def _stricter(a: str, b: str) -> str:
    return max(a, b, key=lambda level: ACCESS_LEVELS.index(level)
               if level in ACCESS_LEVELS else len(ACCESS_LEVELS))


def _level_before(event: Event, after: str) -> str:
    """The item's access level just before this event, given the level just after it."""
    detail = event.detail
    if event.action == "access-changed" and detail.get("from") in ACCESS_LEVELS:
        return detail["from"]
    changed = detail.get("changed") or {}
    if isinstance(changed, dict) and isinstance(changed.get("access"), dict):
        return changed["access"].get("from") or _STRICTEST
    if "access" in (detail.get("fields") or ()):
        return _STRICTEST  # a manifest changed it and did not say from what: assume the worst
    return after


def _levels_when_written(events: list[Event], now: str) -> dict[int | None, str]:
    """Event id -> the item's access level when that event was written (newest back to oldest)."""
    levels, after = {}, now
    for event in reversed(events):
        levels[event.id] = after
        after = _level_before(event, after)
    return levels


class _Items:
    """The items a history mentions, with their level timelines, each read once."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.found: dict[str, tuple[Item | None, list[Event], dict]] = {}

    def _load(self, item_id: str):
        if item_id not in self.found:
            item = self.catalog.get_item(item_id)
            events = self.catalog.events(item_id) if item else []
            self.found[item_id] = (item, events, _levels_when_written(events, item.access)
                                   if item else {})
        return self.found[item_id]

    def level_at(self, item_id: str, event_id: int | None) -> str | None:
        """The item's level when event `event_id` was written; None when the item is gone."""
        item, events, levels = self._load(item_id)
        if item is None:
            return None
        if event_id in levels:
            return levels[event_id]
        # An event not about the item itself (a reorder): the level after the item's last
        # event before it.
        earlier = [e.id for e in events if e.id is not None and event_id is not None
                   and e.id < event_id]
        if earlier:
            return levels[earlier[-1]]
        return levels[events[0].id] if events else _STRICTEST

    def readable(self, item_id: str, event_id: int | None, reader: Reader) -> bool:
        """May this reader see the item now, and see it as it was when the event was written?"""
        if reader.sees_all:
            return True
        item = self._load(item_id)[0]
        return (item is not None and reader.may_see(item.access)
                and reader.may_see(self.level_at(item_id, event_id)))


def _shown(event: Event, reader: Reader, *, readable: bool, item_id: str | None,
           detail: dict | None = None) -> ShownEvent:
    """The event with `item_id` as the item it may name, and its details only when `readable`."""
    if not reader.staff:
        return ShownEvent(event.id, item_id, event.action, None, event.at)
    if not readable:
        return ShownEvent(event.id, item_id, event.action, event.actor, event.at, {}, True)
    return ShownEvent(event.id, item_id, event.action, event.actor, event.at,
                      event.detail if detail is None else detail)


def item_history(catalog: Catalog, item: Item, reader: Reader) -> list[ShownEvent]:
    """The item's events as this reader may see them; nothing when they may not see the item."""
    if not reader.may_see(item.access):
        return []
    events = catalog.events(item.id)
    levels = _levels_when_written(events, item.access)
    exhibitions = _exhibition_levels(catalog, events)
    shown = []
    for event in events:
        if event.action.startswith(_EXHIBIT) and not reader.may_see(
                exhibitions.get(event.detail.get("exhibition"))):
            continue  # a draft's work is the curators' business
        shown.append(_shown(event, reader, readable=reader.may_see(levels[event.id]),
                            item_id=item.id))
    return shown


def _exhibition_levels(catalog: Catalog, events: list[Event]) -> dict[str, str]:
    """Slug -> access of the exhibitions these events mention (absent: the exhibition is gone)."""
    slugs = {e.detail.get("exhibition") for e in events if e.action.startswith(_EXHIBIT)}
    if not slugs - {None}:
        return {}
    store = ExhibitionStore(catalog)
    found = {slug: store.get(slug) for slug in slugs if slug}
    return {slug: x.access for slug, x in found.items() if x is not None}


def exhibition_history(catalog: Catalog, slug: str, reader: Reader) -> list[ShownEvent]:
    """An exhibition's events, oldest first, with the entries this reader may not see withheld."""
    items = _Items(catalog)
    shown = []
    for event in ExhibitionStore(catalog).events(slug):
        subject = event.item_id or event.detail.get("item_id")
        if event.action == "exhibit-exported":
            shown.append(_shown(event, reader, readable=True, item_id=None,
                                detail=_export_detail(event, items, reader)))
        elif subject:
            readable = items.readable(subject, event.id, reader)
            shown.append(_shown(event, reader, readable=readable,
                                item_id=event.item_id if readable else None))
        else:
            shown.append(_shown(event, reader, readable=True, item_id=event.item_id))
    return shown


def _export_detail(event: Event, items: _Items, reader: Reader) -> dict:
    """An export's detail with the left-out entries this reader may not see counted, not named."""
    detail = dict(event.detail)
    named, hidden = [], 0
    for entry in detail.pop("skipped", None) or []:
        if isinstance(entry, dict):  # {position, item_id, access, label}
            visible = reader.sees_all or (reader.may_see(entry.get("access")) and items.readable(
                entry.get("item_id") or "", event.id, reader))
        else:  # an export logged before entries carried their item: only for who sees all
            visible = reader.sees_all
        if visible:
            named.append(entry["label"] if isinstance(entry, dict) else entry)
        else:
            hidden += 1
    if named:
        detail["skipped"] = named
    if hidden:
        detail["skipped_not_shown"] = hidden
    return detail
