"""The one wrapper around Debian's `ffmpeg` and `ffprobe`: probe, run, and install hints.

Every call takes an argument list (never a shell string), runs with stdin closed (ffmpeg
otherwise reads keystrokes from it) and a time limit; a hung or failing program becomes
CorruptFile, so the file is quarantined with a reason and the run goes on.
"""
from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

from archive.errors import CorruptFile, MissingDependency

__all__ = ["INSTALL_COMMAND", "check_ffmpeg", "probe", "run_ffmpeg", "input_of"]

log = logging.getLogger(__name__)

INSTALL_COMMAND = "apt-get install ffmpeg"
_STDERR_TAIL = 300  # characters of the program's complaint quoted in a reason


def check_ffmpeg() -> None:
    """Raise MissingDependency unless both `ffmpeg` and `ffprobe` are on PATH."""
    missing = [name for name in ("ffmpeg", "ffprobe") if shutil.which(name) is None]
    if missing:
        raise MissingDependency(
            f"The audio-visual tools ({', '.join(missing)}) are not installed or not on PATH; "
            f"install them with: {INSTALL_COMMAND}")


def input_of(path: Path | str) -> str:
    """The ffmpeg input naming file `path`: absolute, so a name such as `concat:a|b` or
    `http:x` in an ingest folder is never read as one of ffmpeg's protocols. A string that
    already is an input this module built (`subfile,,…:/abs/path`) is passed on as it is."""
    if isinstance(path, str) and path.startswith("subfile,,"):
        return path
    return str(Path(path).absolute())


def probe(path: Path | str, *, timeout: float) -> dict:
    """ffprobe's JSON of `path`: format, streams and chapters (CorruptFile if it cannot read it)."""
    out = _run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format",
                "-show_streams", "-show_chapters", "-i", input_of(path)],
               timeout=timeout, what="ffprobe")
    try:
        return json.loads(out.decode("utf-8", errors="replace") or "{}")
    except json.JSONDecodeError as e:
        raise CorruptFile(f"ffprobe gave no readable description of the file ({e})") from e


def run_ffmpeg(args: list[str], *, timeout: float, what: str = "ffmpeg") -> bytes:
    """Run `ffmpeg` with `args` (no shell) and return its standard output."""
    return _run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", *args],
                timeout=timeout, what=what)


def _run(argv: list[str], *, timeout: float, what: str) -> bytes:
    check_ffmpeg()
    log.debug("running %s", argv)
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:  # subprocess.run has killed the child by now
        raise CorruptFile(f"{what} stopped after {timeout:g} s without finishing: the media may "
                          "be damaged (TTDN_FFMPEG_TIMEOUT / TTDN_FFPROBE_TIMEOUT)") from e
    if done.returncode != 0:
        raise CorruptFile(f"{what} could not read the media: {_complaint(done.stderr, argv)}")
    return done.stdout


def _complaint(stderr: bytes, argv: list[str]) -> str:
    """ffmpeg's error lines on one line, without the `[mov @ 0x55…]` tags and the paths."""
    text = stderr.decode("utf-8", errors="replace")
    for arg in argv[1:]:
        if "/" in arg:
            text = text.replace(arg, Path(arg).name)
    lines = [re.sub(r"^\[[^\]]{1,80} @ 0x[0-9a-f]+\] ", "", line.strip())
             for line in text.splitlines() if line.strip()]
    return "; ".join(dict.fromkeys(lines))[-_STDERR_TAIL:] or "no reason given"
