"""The few named errors of ttdn-archive, each with an exit code and a message a clerk can act on."""
from __future__ import annotations

from enum import IntEnum

__all__ = [
    "ExitCode",
    "ArchiveError",
    "UsageError",
    "SettingsError",
    "QuerySyntaxError",
    "UnsupportedFormat",
    "EncryptedFile",
    "CorruptFile",
    "UnsafeLink",
    "UnreadableFile",
    "ChangedWhileReading",
    "MissingDependency",
    "AccessDenied",
    "IndexLocked",
    "SearchUnavailable",
    "NotFound",
    "StorageFull",
    "HomeBusy",
    "InternalError",
]


class ExitCode(IntEnum):
    """Every exit code of `ttdn`, as OCRmyPDF's `ExitCode`; README's command table names them."""

    ok = 0  # all done (ingest: every input archived)
    input_file = 1  # some input was refused and quarantined (verify: a check failed)
    bad_args = 2  # usage error: bad option, bad query, target not empty
    missing_dependency = 3  # Tesseract, a language pack or a font is missing
    not_found = 4  # no such item, or the user may not see or change it
    index_locked = 5  # another process is writing the search index
    storage_full = 6  # the data home is full; nothing half-written was kept
    home_busy = 7  # another ingest, reindex or restore holds the data home's lock
    internal_error = 8  # a bug: something failed that no rule foresaw (summary still printed)


class ArchiveError(Exception):
    """Base of every error the archive reports on purpose; `code` is a short machine-readable tag."""

    exit_code = ExitCode.input_file
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ArchiveError):
    """The command was called wrongly (bad option, bad query)."""

    exit_code = ExitCode.bad_args
    code = "usage"


class QuerySyntaxError(UsageError):
    """A search's text or arguments cannot be read; `msgid` and `params` let the web translate it.

    `message` is the English text (the CLI's and the API's); `msgid` is a %-style template
    marked for extraction where it is written, e.g. ``QuerySyntaxError(N_("%(name)s ..."),
    name=...)``, so the portal renders ``gettext(msgid) % params`` in the reader's language.
    """

    code = "query-syntax"

    def __init__(self, msgid: str, **params: object) -> None:
        # What was typed is quoted back on one line: a newline in it would break the CLI's
        # one-line error and the API's message.
        params = {k: " ".join(v.split()) if isinstance(v, str) and not v.isprintable() else v
                  for k, v in params.items()}
        super().__init__(msgid % params if params else msgid)
        self.msgid, self.params = msgid, params


class SettingsError(UsageError):
    """A TTDN_* environment variable holds a value the archive cannot use; the message says which."""

    code = "settings"


class UnsupportedFormat(ArchiveError):
    """No extractor can read this file's content."""

    code = "unsupported"


class EncryptedFile(ArchiveError):
    """The file is password-protected."""

    code = "encrypted"


class CorruptFile(ArchiveError):
    """The file is empty, truncated, damaged or dangerous to open (decompression bomb)."""

    code = "corrupt"


class UnsafeLink(ArchiveError):
    """A symbolic link in an ingest folder points outside that folder: it is never followed."""

    code = "unsafe-link"


class UnreadableFile(ArchiveError):
    """The file vanished or could not be opened between being listed and being read."""

    code = "unreadable"


class ChangedWhileReading(ArchiveError):
    """The file's content changed between hashing and storing; nothing of it was kept."""

    code = "changed"


class MissingDependency(ArchiveError):
    """An external program or its data is missing; the message gives the install command."""

    exit_code = ExitCode.missing_dependency
    code = "missing-dependency"


class AccessDenied(ArchiveError):
    """The user may not see or change this item."""

    exit_code = ExitCode.not_found
    code = "access-denied"


class NotFound(ArchiveError):
    """No item has that id or source."""

    exit_code = ExitCode.not_found
    code = "not-found"


class IndexLocked(ArchiveError):
    """Another process is writing the search index."""

    exit_code = ExitCode.index_locked
    code = "index-locked"


class SearchUnavailable(ArchiveError):
    """No node of the search cluster (TTDN_SEARCH) answered; the message names the nodes tried."""

    exit_code = ExitCode.index_locked
    code = "search-unavailable"


class StorageFull(ArchiveError):
    """The data home has no room left; the run stops with nothing half-written kept."""

    exit_code = ExitCode.storage_full
    code = "storage-full"


class HomeBusy(ArchiveError):
    """Another ingest, reindex or restore is working on this data home; the message names its pid."""

    exit_code = ExitCode.home_busy
    code = "home-busy"


class InternalError(ArchiveError):
    """Something failed that no rule foresaw (a bug); the file is refused and the run goes on."""

    exit_code = ExitCode.internal_error
    code = "internal"
