"""Resumption tokens: the harvest's frozen arguments and position, signed, with an expiry.

A token carries the verb, metadataPrefix, set and from/until of the first request, the catalog
`seq` the harvest started at (its snapshot: later changes wait for the next harvest, so nothing
is skipped or repeated while the archive changes), the last `seq` delivered, the cursor, the
completeListSize and when it expires. It is signed with HMAC-SHA256 under the app's secret key,
so it can neither be forged nor altered; a server started with a new key refuses old tokens.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import asdict, dataclass

__all__ = ["Position", "BadToken", "encode", "decode"]

_SIG_BYTES = 16


class BadToken(ValueError):
    """A token that was not made here, was changed, or has expired."""


@dataclass(frozen=True)
class Position:
    """Where a list request stands: its arguments, snapshot, progress and expiry (epoch s)."""

    verb: str
    prefix: str
    set_spec: str | None
    from_: str | None
    until: str | None
    max_seq: int
    after_seq: int
    cursor: int
    total: int
    expires: int


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()[:_SIG_BYTES]


def encode(position: Position, key: str) -> str:
    """The opaque token for this position."""
    body = json.dumps(list(asdict(position).values()), separators=(",", ":")).encode("utf-8")
    return f"{_b64(body)}.{_b64(_sign(key.encode('utf-8'), body))}"


def decode(token: str, key: str, *, now: float | None = None) -> Position:
    """The position a token names; BadToken when it is forged, altered or expired."""
    try:
        body_text, sig_text = token.split(".")
        body, sig = _unb64(body_text), _unb64(sig_text)
    except ValueError as err:
        raise BadToken("the resumptionToken is not one this repository issued") from err
    if not hmac.compare_digest(sig, _sign(key.encode("utf-8"), body)):
        raise BadToken("the resumptionToken is not one this repository issued")
    try:
        position = Position(*json.loads(body))
    except (TypeError, ValueError) as err:
        raise BadToken("the resumptionToken is not one this repository issued") from err
    if position.expires < (time.time() if now is None else now):
        raise BadToken("the resumptionToken has expired; start the harvest again")
    return position
