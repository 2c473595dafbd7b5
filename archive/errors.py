"""The few named errors of ttdn-archive, each with an exit code and a message a clerk can act on."""
from __future__ import annotations

__all__ = [
    "ArchiveError",
    "UsageError",
    "UnsupportedFormat",
    "EncryptedFile",
    "CorruptFile",
    "MissingDependency",
    "AccessDenied",
    "IndexLocked",
    "NotFound",
    "StorageFull",
]


class ArchiveError(Exception):
    """Base of every error the archive reports on purpose; `code` is a short machine-readable tag."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ArchiveError):
    """The command was called wrongly (bad option, bad query)."""

    exit_code = 2
    code = "usage"


class UnsupportedFormat(ArchiveError):
    """No extractor can read this file's content."""

    code = "unsupported"


class EncryptedFile(ArchiveError):
    """The file is password-protected."""

    code = "encrypted"


class CorruptFile(ArchiveError):
    """The file is empty, truncated, damaged or dangerous to open (decompression bomb)."""

    code = "corrupt"


class MissingDependency(ArchiveError):
    """An external program or its data is missing; the message gives the install command."""

    exit_code = 3
    code = "missing-dependency"


class AccessDenied(ArchiveError):
    """The user may not see or change this item."""

    exit_code = 4
    code = "access-denied"


class NotFound(ArchiveError):
    """No item has that id or source."""

    exit_code = 4
    code = "not-found"


class IndexLocked(ArchiveError):
    """Another process is writing the search index."""

    exit_code = 5
    code = "index-locked"


class StorageFull(ArchiveError):
    """The data home has no room left; the run stops with nothing half-written kept."""

    exit_code = 6
    code = "storage-full"
