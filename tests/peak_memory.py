"""Peak memory of a child process the tests start, measured so the parent's size never leaks in."""
from __future__ import annotations

__all__ = ["peak_kib"]


def peak_kib() -> int:
    """This process's peak resident memory in KiB since its exec (VmHWM of /proc/self/status).

    Not `ru_maxrss`: Linux carries the old memory's high-water mark across exec, and Python's
    subprocess starts children by vfork, so a child of a large pytest process would report the
    parent's peak as its own.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1])
