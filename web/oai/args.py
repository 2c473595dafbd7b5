"""OAI-PMH request arguments: which each verb takes, and their checks (specification 3.1, 4)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from werkzeug.datastructures import MultiDict

__all__ = ["OaiError", "VERBS", "read_args", "parse_datestamp", "check_range"]

# verb -> (required, optional, exclusive) arguments
VERBS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str | None]] = {
    "Identify": ((), (), None),
    "ListMetadataFormats": ((), ("identifier",), None),
    "ListSets": ((), (), "resumptionToken"),
    "GetRecord": (("identifier", "metadataPrefix"), (), None),
    "ListIdentifiers": (("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")


@dataclass
class OaiError(Exception):
    """An OAI-PMH error condition: its code and a message a harvester's operator can act on."""

    code: str
    message: str


def read_args(args: MultiDict) -> tuple[str, dict[str, str]]:
    """(verb, its arguments), checked: badVerb or badArgument as the specification says."""
    verbs = args.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        shown = verbs[0] if len(verbs) == 1 else ("none" if not verbs else "several")
        raise OaiError("badVerb", f"verb {shown!r} is not an OAI-PMH verb; use one of "
                       + ", ".join(VERBS))
    verb = verbs[0]
    required, optional, exclusive = VERBS[verb]
    allowed = {*required, *optional, *([exclusive] if exclusive else [])}
    found: dict[str, str] = {}
    for name in args:
        if name == "verb":
            continue
        if name not in allowed:
            raise OaiError("badArgument", f"{verb} takes no argument {name!r}")
        values = args.getlist(name)
        if len(values) != 1:
            raise OaiError("badArgument", f"argument {name!r} is given more than once")
        found[name] = values[0]
    if exclusive and exclusive in found:
        if len(found) > 1:
            raise OaiError("badArgument", f"{exclusive} must be the only argument besides verb")
        return verb, found
    missing = [name for name in required if not found.get(name)]
    if missing:
        raise OaiError("badArgument", f"{verb} needs the argument {missing[0]!r}")
    if "set" in found and not _SET_SPEC.fullmatch(found["set"]):
        raise OaiError("badArgument", f"{found['set']!r} is not a setSpec")
    return verb, found


def parse_datestamp(value: str, *, end: bool) -> tuple[str, str]:
    """(datestamp at seconds, granularity) of a from/until value; a day covers all its seconds."""
    if _SECOND.fullmatch(value):
        fmt, granularity, stamp = "%Y-%m-%dT%H:%M:%SZ", "seconds", value
    elif _DAY.fullmatch(value):
        fmt, granularity = "%Y-%m-%d", "day"
        stamp = value + ("T23:59:59Z" if end else "T00:00:00Z")
    else:
        raise OaiError("badArgument", f"{value!r} is not a date (YYYY-MM-DD or"
                       " YYYY-MM-DDThh:mm:ssZ)")
    try:
        datetime.strptime(value, fmt)
    except ValueError as err:
        raise OaiError("badArgument", f"{value!r} is not a real date") from err
    return stamp, granularity


def check_range(args: dict[str, str]) -> tuple[str | None, str | None]:
    """The from/until bounds as datestamps; badArgument for mixed granularities or from > until."""
    start = parse_datestamp(args["from"], end=False) if "from" in args else None
    stop = parse_datestamp(args["until"], end=True) if "until" in args else None
    if start and stop:
        if start[1] != stop[1]:
            raise OaiError("badArgument", "from and until must have the same granularity")
        if start[0] > stop[0]:
            raise OaiError("badArgument", "from is later than until")
    return (start[0] if start else None), (stop[0] if stop else None)
