"""Review rules applied at ingest: from what ingest read, assign collection, access, lead unit or
subjects, and put the item in the "awaiting review" list. Administrators edit the rule set (a
JSON list kept in the catalog); each rule that fires leaves an event naming it.

A rule::

    {"name": "Kế hoạch của UBND tỉnh",
     "if": {"issuer": "UBND tỉnh Lạng Sơn", "doc_type": "Kế hoạch", "folder": "scans/"},
     "set": {"collection": "Kế hoạch", "access": "internal", "subject": ["đối ngoại"]},
     "review": true}

`if` holds item fields (what ingest read: issuer, doc_type, kind, languages, a manifest column
such as collection) compared without case, and `folder`, a prefix of the source path; every
condition must hold. Rules apply in order; a later rule's value wins.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, replace

from .errors import AccessDenied, UsageError
from .models import ACCESS_LEVELS, ITEM_FIELDS, Event, Item

__all__ = ["Rule", "Applied", "parse_rules", "load_rules", "save_rules", "apply_rules",
           "write_review", "RULE_FIELDS", "EXAMPLE", "REVIEW_SCHEMA"]

RULE_FIELDS = ("collection", "access", "lead_unit", "subject")
_CONDITION_FIELDS = frozenset({"folder", "kind", *ITEM_FIELDS})
_SCHEMA = """CREATE TABLE IF NOT EXISTS review_rules (
    id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL, at TEXT NOT NULL,
    actor TEXT NOT NULL);"""
# The review state (archive/review.py reads and clears it); here so the catalog can write it
# in the transaction that stores a new item, without importing review.py (which imports it).
REVIEW_SCHEMA = """CREATE TABLE IF NOT EXISTS review_state (
    item_id TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    state TEXT NOT NULL, rule TEXT, at TEXT NOT NULL, actor TEXT NOT NULL);"""
EXAMPLE = json.dumps([{"name": "Kế hoạch của UBND tỉnh",
                       "if": {"issuer": "UBND tỉnh Lạng Sơn", "doc_type": "Kế hoạch"},
                       "set": {"collection": "Kế hoạch", "access": "internal"},
                       "review": True}], ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Rule:
    """One rule: its name, its conditions, what it sets, whether the item awaits review."""

    name: str
    when: dict[str, str]
    sets: dict = field(default_factory=dict)
    review: bool = False

    def matches(self, item: Item, sources: list[str]) -> bool:
        """True when every condition holds for this item."""
        for name, wanted in self.when.items():
            wanted = str(wanted).casefold().strip()
            if name == "folder":
                if not any(s.casefold().startswith(wanted) for s in sources):
                    return False
                continue
            value = getattr(item, name, None)
            values = value if isinstance(value, list) else [value]
            if wanted not in {str(v).casefold().strip() for v in values if v}:
                return False
        return True


@dataclass
class Applied:
    """The item as the rules left it, the events they wrote, and the rule asking for review."""

    item: Item
    events: list[Event] = field(default_factory=list)
    review_rule: str | None = None


def _rule(raw, n: int) -> Rule:
    where = f"rule {n}"
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: each rule is an object with name, if and set")
    name = str(raw.get("name") or "").strip()
    when, sets = raw.get("if") or {}, raw.get("set") or {}
    if not name:
        raise UsageError(f"{where}: give the rule a name (it is written in the item's history)")
    if not isinstance(when, dict) or not when:
        raise UsageError(f"{where} ({name}): 'if' needs at least one condition")
    unknown = set(when) - _CONDITION_FIELDS
    if unknown:
        raise UsageError(f"{where} ({name}): cannot test {', '.join(sorted(unknown))}")
    if not isinstance(sets, dict) or (not sets and not raw.get("review")):
        raise UsageError(f"{where} ({name}): 'set' something, or ask for review")
    if set(sets) - set(RULE_FIELDS):
        raise UsageError(f"{where} ({name}): a rule may set only {', '.join(RULE_FIELDS)}")
    if "access" in sets and sets["access"] not in ACCESS_LEVELS:
        raise UsageError(f"{where} ({name}): access is one of {', '.join(ACCESS_LEVELS)}")
    if "subject" in sets:
        subjects = sets["subject"]
        sets = {**sets, "subject": [subjects] if isinstance(subjects, str) else list(subjects)}
    return Rule(name, {k: str(v) for k, v in when.items()}, sets, bool(raw.get("review")))


def parse_rules(text: str) -> list[Rule]:
    """The rule set from its JSON text; UsageError naming the rule and what is wrong."""
    if not (text or "").strip():
        return []
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"the rules are not valid JSON: line {err.lineno}, column {err.colno}: "
                         f"{err.msg}") from None
    if not isinstance(raw, list):
        raise UsageError("the rules are a JSON list: [ {rule}, {rule} ]")
    return [_rule(r, n) for n, r in enumerate(raw, 1)]


def _ready(db: sqlite3.Connection) -> None:
    db.execute(_SCHEMA)


def load_rules(catalog) -> tuple[str, list[Rule]]:
    """(the rule set's text, its rules); empty when none was saved."""
    if not catalog.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND"
                              " name = 'review_rules'").fetchone():
        return "", []
    row = catalog.db.execute("SELECT body FROM review_rules WHERE id = 1").fetchone()
    text = row[0] if row else ""
    return text, parse_rules(text)


def save_rules(catalog, user, text: str) -> list[Rule]:
    """Check and keep a new rule set (administrators); an event records the change."""
    from .catalog import now_iso

    if not getattr(user, "may_restrict", False):
        raise AccessDenied("only an administrator may change the review rules")
    rules = parse_rules(text)
    _ready(catalog.db)
    with catalog.transaction() as db:
        db.execute("INSERT OR REPLACE INTO review_rules (id, body, at, actor) VALUES (1,?,?,?)",
                   (text, now_iso(), user.name))
        db.execute("INSERT INTO events (item_id, action, actor, at, detail) VALUES"
                   " (NULL, 'rules-changed', ?, ?, ?)", (user.name, now_iso(), json.dumps(
                       {"rules": [r.name for r in rules]}, ensure_ascii=False)))
    return rules


def write_review(db: sqlite3.Connection, item_id: str, rule: str, at: str) -> None:
    """Inside a transaction: put the item in the awaiting-review list, naming the rule."""
    db.execute(REVIEW_SCHEMA)
    db.execute("INSERT OR REPLACE INTO review_state (item_id, state, rule, at, actor)"
               " VALUES (?, 'awaiting', ?, ?, 'ingest')", (item_id, rule, at))


def apply_rules(catalog, item: Item, sources: list[str], at: str) -> Applied:
    """Run the saved rules over a new item (before it is stored); a broken rule set is skipped."""
    try:
        _text, rules = load_rules(catalog)
    except UsageError:
        return Applied(item)
    applied = Applied(item)
    for rule in rules:
        if not rule.matches(applied.item, sources):
            continue
        before = applied.item
        changed = {k: {"from": getattr(before, k), "to": v} for k, v in rule.sets.items()
                   if getattr(before, k) != v}
        if changed:
            applied.item = replace(before, origins={**before.origins,
                                                    **{k: "rule" for k in changed}},
                                   **{k: v["to"] for k, v in changed.items()})
        applied.events.append(Event(item.id, "rule-applied", "ingest", at,
                                    {"rule": rule.name, "changed": changed,
                                     "review": rule.review}))
        if rule.review:
            applied.review_rule = rule.name
    return applied
