"""The quarantine page's actions: retry (ingest the kept copy again), release, delete the copy.

The reasons ingest gives are English library messages; the page says in the interface language
what went wrong and what to do, and keeps the original message as the details.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from archive.errors import AccessDenied, ArchiveError, NotFound, UsageError
from archive.quarantine_actions import (MISMATCH_PREFIX, copy_path, delete_entry, forget_copy,
                                        get_entry, items_with_warnings, release_entry)
from search.access import visible_levels
from search.notices import N_

from .resources import audience, get_catalog, settings
from .staff import require_staff

__all__ = ["bp", "REASONS", "CODES", "explain", "code_label", "said", "quarantine_page"]

bp = Blueprint("staff_quarantine", __name__, url_prefix="/staff/quarantine")
bp.before_request(require_staff)

# Ingest's error codes (archive/errors.py) -> (what went wrong, what to do), for a clerk.
REASONS = {
    "unsupported": (_l("This kind of file cannot be archived."),
                    _l("Convert it to PDF, JPEG, TIFF or DOCX and ingest it again, or ask an "
                       "administrator to release it as an item anyway.")),
    "encrypted": (_l("The file is protected by a password."),
                  _l("Ask the sender for a copy without a password, then ingest that copy.")),
    "corrupt": (_l("The file is damaged or incomplete."),
                _l("Copy it again from the original disc or e-mail, then retry.")),
    "unsafe-link": (_l("It is a link to a file outside the folder being ingested."),
                    _l("Copy the real file into the folder and ingest it again.")),
    "unreadable": (_l("The file could not be read (permissions or a failing disk)."),
                   _l("Check that the file opens on this computer, then retry.")),
    "changed": (_l("The file changed while it was being read."),
                _l("Wait until copying has finished, then ingest it again.")),
    "missing-dependency": (_l("A program or language pack the archive needs is missing."),
                           _l("Ask the administrator to install what the details name, then "
                              "retry.")),
    "storage-full": (_l("The archive's disk was full."),
                     _l("Ask the administrator to free space, then retry.")),
    "internal": (_l("The archive met an error of its own."),
                 _l("Retry once; if it fails again, report it with the details.")),
}
_DEFAULT = (_l("Ingest refused the file."), _l("Read the details, fix the file, then retry."))
# A refusal under one of the archive's limits names its TTDN_* setting in the message.
_LIMIT = (_l("The file is over a limit set for this archive."),
          _l("Split or shrink the file, or ask the administrator to raise the limit the details "
             "name, then retry."))


# The codes themselves, for the badge (the code stays in its title for a search in the logs).
CODES = {
    "unsupported": _l("Unsupported format"), "encrypted": _l("Password-protected"),
    "corrupt": _l("Damaged file"), "unsafe-link": _l("Link outside the folder"),
    "unreadable": _l("Unreadable file"), "changed": _l("Changed while read"),
    "missing-dependency": _l("Missing program"), "storage-full": _l("Disk full"),
    "internal": _l("Internal error"), "error": _l("Error"),
}
# The commonest reasons and warnings ingest writes (ingest/registry.py, extractors/*,
# item_builder.py), found anywhere in the text (it starts with the file's name): said in the
# interface language. Any other text stays as ingest wrote it, marked as English.
# Those with values in them, as (pattern, msgid):
_PATTERNED = (
    (r"not a file type the archive can read \((?P<mime>[^)]*)\)",
     N_("not a file type the archive can read (%(mime)s)")),
    (r"file too large: (?P<size>\d+) MiB, over the limit of (?P<limit>\d+) MiB",
     N_("file too large: %(size)s MiB, over the limit of %(limit)s MiB")),
    (r"content and name disagree: the name ends in (?P<ext>\S+) but the content is (?P<mime>\S+); "
     r"archived as what the content is",
     N_("content and name disagree: the name ends in %(ext)s but the content is %(mime)s; "
        "archived as what the content is")),
    (r"truncated: its header states (?P<stated>\d+) bytes, the file has (?P<actual>\d+)",
     N_("truncated: its header states %(stated)s bytes, the file has %(actual)s")),
)
# and those found as they are written:
_LITERAL = (
    N_("encrypted PDF, password required"),
    N_("PDF could not be opened: its structure is unreadable"),
    N_("PDF has no pages"),
    N_("damaged image: its header could not be read"),
    N_("damaged image: its pixels could not be decoded"),
    N_("damaged DOCX: not a readable zip archive"),
    N_("damaged DOCX: the document has no body"),
    N_("holds no picture or sound that ffprobe can read"),
    N_("ffprobe finds no duration: the file is truncated or is not media"),
    N_("a picture or sound stream uses a codec ffmpeg cannot decode"),
    N_("empty file (0 bytes)"),
    N_("not UTF-8 text (save the spreadsheet as CSV UTF-8)"),
    N_("a tar archive without a VIDEO_TS folder (not a video DVD)"),
    N_("the DVD's video files overlap: the image is damaged"),
    N_("Tesseract could not read the page image"),
)
_SAID = _PATTERNED + tuple((re.escape(msgid), msgid) for msgid in _LITERAL)
_SAID_RE = [(re.compile(pattern), msgid) for pattern, msgid in _SAID]


def code_label(code: str) -> str:
    """A quarantine code's name in the interface language (an unknown code shows as itself)."""
    found = CODES.get(code)
    return str(found) if found is not None else code


def said(text: str | None) -> tuple[str, str]:
    """(Ingest's reason or warning, in the reader's language when it is a known one; its lang)."""
    text = text or ""
    for pattern, msgid in _SAID_RE:
        found = pattern.search(text)
        if found:
            translated = gettext(msgid, **found.groupdict())
            return text[:found.start()] + translated + text[found.end():], str(get_locale())
    return text, "en"


def explain(entry) -> tuple[str, str]:
    """(problem, what to do) for a quarantine entry, in the interface language."""
    if "TTDN_" in (entry.reason or ""):
        return _LIMIT
    return REASONS.get(entry.code, _DEFAULT)


class EntryForm(FlaskForm):
    """One action on one entry; deleting and releasing need a reason."""

    source = HiddenField(validators=[DataRequired(), Length(max=4000)])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


def quarantine_page():
    """The quarantine list with explanations and actions, and items archived with warnings."""
    catalog = get_catalog()
    entries = catalog.quarantined()
    warned = items_with_warnings(catalog, visible_levels(audience()))
    mismatched = [w for w in warned if any(x.startswith(MISMATCH_PREFIX) for x in w[2])]
    return render_template("staff/quarantine.html", entries=entries, explain=explain,
                           code_label=code_label, said=said,
                           form=EntryForm(), warned=warned, mismatched=mismatched,
                           has_copy=lambda e: copy_path(settings(), e) is not None)


def _act(action):
    form = EntryForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        message = action(form.source.data, form.reason.data or "")
    except AccessDenied:
        abort(403)
    except ArchiveError as err:
        flash(err.message, "error")
    else:
        flash(message, "success")
    return redirect(url_for("staff.quarantine"))


@bp.post("/retry")
def retry():
    """Ingest the kept copy again under its first name (after a fix or a setting change)."""
    if not current_user.may_edit:
        abort(403)
    return _act(_retry)


def _retry(source: str, _reason: str) -> str:
    from ingest.pipeline import run_ingest  # the web reaches ingest only for this action

    catalog = get_catalog()
    entry = get_entry(catalog, source)
    path = copy_path(settings(), entry)
    if path is None:
        raise NotFound(_("No copy was kept: ingest the file again from where it came from."))
    with tempfile.TemporaryDirectory(prefix="ttdn-retry-") as tmp:
        # In a folder of its own under its first relative name, so the archived source is it.
        parts = [p for p in Path(source).parts if p not in ("", ".", "..", "/")][-8:]
        target = Path(tmp, *parts) if parts and not Path(source).is_absolute() \
            else Path(tmp, Path(source).name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        run_ingest([Path(tmp)], settings())
    if catalog.item_id_for_sha(entry.sha256 or "") and catalog.resolve(source):
        forget_copy(settings(), entry)
        return _("Archived: %(source)s", source=source)
    raise UsageError(_("Refused again: %(reason)s", reason=get_entry(catalog, source).reason))


@bp.post("/release")
def release():
    """Archive the kept copy as a restricted item anyway (administrators, with a reason)."""
    if not current_user.may_restrict:
        abort(403)
    return _act(lambda source, reason: _("Released as item %(id)s (restricted).",
                                         id=release_entry(get_catalog(), settings(),
                                                          current_user, source, reason)))


@bp.post("/delete")
def delete():
    """Delete the kept copy and the entry (curators and administrators, with a reason)."""
    if not current_user.may_edit:
        abort(403)

    def _delete(source: str, reason: str) -> str:
        delete_entry(get_catalog(), settings(), current_user, source, reason)
        return _("Deleted from quarantine: %(source)s", source=source)
    return _act(_delete)
