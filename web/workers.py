"""`ttdn serve --workers N`: one listening socket, N forked waitress processes, a supervisor.

The parent binds the socket, then forks N children; each child builds its own app (its own
Searcher over the index, its own catalog connections: nothing opened before the fork is shared)
and runs waitress on the inherited socket, so the kernel hands each new connection to whichever
worker accepts it first. The parent only supervises: it restarts a child that dies, and on
SIGTERM or SIGINT stops every child (SIGTERM, then SIGKILL after a grace period) before it
exits. A child whose parent disappears (killed with SIGKILL) stops itself, so none is orphaned.
"""
from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Supervisor", "bind_socket", "default_workers"]

_GRACE = 8.0  # seconds a child has to finish its requests after SIGTERM
_QUICK_DEATH = 2.0  # seconds: a child dying sooner than this after its start failed to start
_MAX_QUICK_DEATHS = 5  # in a row: then the app cannot start and restarting is pointless


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def bind_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A listening TCP socket on host:port, inheritable by forked children."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


@dataclass
class Supervisor:
    """Fork `workers` children that each call `serve_child()`; keep them alive until stopped."""

    workers: int
    serve_child: Callable[[], None]
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)
    children: dict[int, float] = field(default_factory=dict)  # pid -> when it was started
    _stopping: bool = False
    _quick_deaths: int = 0

    def run(self) -> int:
        """Serve until SIGTERM/SIGINT (exit status 0) or until children cannot start (1)."""
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            for _ in range(self.workers):
                self._spawn()
            while not self._stopping:
                self._reap()
                if self._quick_deaths >= _MAX_QUICK_DEATHS:
                    self.log("error: the workers die as they start; see the messages above")
                    return 1
                time.sleep(0.1)
            return 0
        finally:
            self._stop_children()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop(self, _signum, _frame) -> None:
        self._stopping = True

    def _spawn(self) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child never returns into the parent's code
            _child_main(self.serve_child, parent)
        self.children[pid] = time.monotonic()

    def _reap(self) -> None:
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            started = self.children.pop(pid, None)
            if started is None or self._stopping:
                continue
            lived = time.monotonic() - started
            self._quick_deaths = self._quick_deaths + 1 if lived < _QUICK_DEATH else 0
            self.log(f"worker {pid} {_describe(status)} after {lived:.0f} s; starting another")
            if self._quick_deaths:
                time.sleep(min(5.0, 0.5 * self._quick_deaths))  # do not spin on a broken app
            self._spawn()

    def _stop_children(self) -> None:
        for pid in self.children:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + _GRACE
        while self.children and time.monotonic() < deadline:
            pid, _status = os.waitpid(-1, os.WNOHANG)
            if pid:
                self.children.pop(pid, None)
            else:
                time.sleep(0.05)
        for pid in list(self.children):  # still busy after the grace period
            _signal(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            self.children.pop(pid, None)


def _child_main(serve_child: Callable[[], None], parent: int) -> None:
    code = 0
    try:
        # SystemExit ends waitress' loop, which then lets its threads finish their requests.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.signal(signal.SIGINT, signal.default_int_handler)
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
        serve_child()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:  # noqa: BLE001 - the child's last word before os._exit
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)  # never run the parent's atexit hooks or unwind into its stack


def _watch_parent(parent: int) -> None:
    # The parent killed with SIGKILL cannot stop us; re-parented, we stop ourselves.
    while os.getppid() == parent:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by signal {os.WTERMSIG(status)}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"
