"""Audit export for administrators: an item's, a collection's or a date range's events."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from archive.audit import AuditScope, audit_events, check_may_export, events_csv, events_jsonl
from archive.errors import AccessDenied, UsageError

from .resources import get_catalog
from .staff import require_staff

__all__ = ["bp"]

bp = Blueprint("staff_audit", __name__, url_prefix="/staff/audit")
bp.before_request(require_staff)
_FORMATS = {"csv": ("text/csv", events_csv, "\ufeff"), "jsonl": ("application/x-ndjson",
                                                                 events_jsonl, "")}


def _scope() -> AuditScope:
    value = lambda name: (request.args.get(name) or "").strip() or None  # noqa: E731
    return AuditScope(item_id=value("item"), collection=value("collection"),
                      since=value("since"), until=value("until"))


def _admins_only() -> None:
    try:
        check_may_export(current_user)
    except AccessDenied:
        abort(403)


@bp.get("/")
def form():
    """Choose what to export (administrators)."""
    _admins_only()
    return render_template("staff/audit.html", scope=_scope(), error=None)


@bp.get("/export.<fmt>")
def export(fmt: str):
    """The events as CSV (UTF-8 with BOM, for Excel) or JSON lines (the backup bag's form)."""
    _admins_only()
    if fmt not in _FORMATS:
        abort(404)
    scope = _scope()
    try:
        scope.check()
    except UsageError as err:
        return render_template("staff/audit.html", scope=scope, error=err.message), 400
    mime, write, bom = _FORMATS[fmt]
    body = bom + "".join(write(audit_events(get_catalog(), scope)))
    name = "ttdn-audit" + "".join(f"-{v}" for v in (scope.item_id, scope.since, scope.until) if v)
    return Response(body, mimetype=mime, headers={
        "Content-Disposition": f"attachment; filename={name}.{fmt}"})
