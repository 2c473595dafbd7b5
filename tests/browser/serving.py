"""Serve the portal with waitress on a free loopback port in a thread; launch Debian's chromium."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from waitress.server import create_server

__all__ = ["served", "launch_chromium", "CHROMIUM", "CHROMIUM_ARGS"]

CHROMIUM = "/usr/bin/chromium"
# Debian's chromium, never a downloaded one; no sandbox (containers), no network of its own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def served(app, *, threads: int = 4) -> Iterator[str]:
    """The app under waitress at http://127.0.0.1:PORT (port 0: the OS picks a free one)."""
    server = create_server(app, host="127.0.0.1", port=0, threads=threads, ident="ttdn-test")
    closing = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            # close() from this thread leaves the loop selecting on the closed socket (EBADF)
            if not closing.is_set():
                raise

    thread = threading.Thread(target=run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        closing.set()
        server.close()
        thread.join(timeout=5)


def launch_chromium(playwright):
    """Headless Debian chromium through Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True)
