"""What one file may cost to read: pages, frames and wall time, each a named TTDN_* setting.

A small hostile file can cost gigabytes or minutes (600 blank pages in 99 KB); over a bound the
file is refused with CorruptFile naming the bound and its setting, and quarantined by the caller.
"""
from __future__ import annotations

import time

from archive.errors import CorruptFile
from archive.settings import Settings

__all__ = ["Deadline", "check_pages", "check_frames"]


class Deadline:
    """The wall-time bound of reading one file (TTDN_MAX_FILE_SECONDS), checked between steps."""

    def __init__(self, settings: Settings) -> None:
        self.seconds = settings.max_file_seconds
        self.started = time.monotonic()

    def expired(self) -> bool:
        """Whether the file has had its time (the pipeline asks this between OCR pages)."""
        return time.monotonic() - self.started > self.seconds

    def error(self, progress: str) -> CorruptFile:
        """The refusal to quarantine the file with; `progress` says how far reading got."""
        return CorruptFile(
            f"reading it took longer than TTDN_MAX_FILE_SECONDS={self.seconds:g} s "
            f"(stopped after {progress}): split it, or raise the limit")

    def check(self, progress: str) -> None:
        """Raise `error(progress)` when the file's time is up."""
        if self.expired():
            raise self.error(progress)


def check_pages(count: int, settings: Settings, what: str = "document") -> None:
    """Refuse a document of more than TTDN_MAX_PAGES pages."""
    if count > settings.max_pages:
        raise CorruptFile(
            f"{what} has {count} pages, more than TTDN_MAX_PAGES={settings.max_pages}: "
            "split it, or raise the limit")


def check_frames(count: int, settings: Settings) -> None:
    """Refuse an image file of more than TTDN_MAX_FRAMES frames (pages)."""
    if count > settings.max_frames:
        raise CorruptFile(
            f"image has more than {settings.max_frames} frames (TTDN_MAX_FRAMES="
            f"{settings.max_frames}): split it, or raise the limit")
