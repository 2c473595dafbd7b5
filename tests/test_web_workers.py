"""Issue 17, portal: `ttdn serve --workers N`, a real pre-fork server on loopback.

Several processes share one socket, one session key and one login throttle (a SQLite file in
the data home); SIGTERM stops them all, a killed worker is replaced.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from web.throttle import STATE_FILE, LoginThrottle, ThrottlePolicy

from .conftest import run_cli

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "a long enough password 17"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(port: int, method: str, path: str, *, cookie: str = "", body: str = "",
             address_headers: dict | None = None) -> tuple[int, dict, str]:
    """One request on a connection of its own (so the kernel may hand it to any worker)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers.update(address_headers or {})
    try:
        conn.request(method, path, body=body.encode() or None, headers=headers)
        reply = conn.getresponse()
        return reply.status, dict(reply.getheaders()), reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(pid, 0); it no longer serves.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.fixture(scope="module")
def worker_home(tmp_path_factory) -> Path:
    """A small ingested home with one staff account."""
    home = tmp_path_factory.mktemp("workers") / "home"
    folder = tmp_path_factory.mktemp("workers-input")
    for n in range(6):
        (folder / f"van-ban-{n}.txt").write_text(
            f"Ủy ban nhân dân tỉnh Lạng Sơn, văn bản số {n}: cửa khẩu, biên giới, du lịch.\n",
            encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "file,access\n" + "".join(f"van-ban-{n}.txt,public\n" for n in range(6)),
        encoding="utf-8")
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    added = subprocess.run([str(Path(sys.executable).with_name("ttdn")), "--home", str(home),
                            "user", "add", "sam", "--role", "staff", "--password-stdin"],
                           input=PASSWORD + "\n", text=True, capture_output=True)
    assert added.returncode == 0, added.stderr
    return home


@pytest.fixture
def serve(worker_home: Path, tmp_path: Path):
    """Start `ttdn serve --workers 2` without TTDN_SECRET_KEY; yields (process, port)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "TTDN_SECRET_KEY"}
    log = tmp_path / "serve.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([str(Path(sys.executable).with_name("ttdn")), "--home",
                                 str(worker_home), "serve", "--port", str(port), "--workers",
                                 "2", "--threads", "4"], env=env, stdout=subprocess.DEVNULL,
                                stderr=err)
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 or not _answers(port):
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "ttdn serve --workers 2 did not start"
        time.sleep(0.2)
    proc.log = log  # type: ignore[attr-defined]
    yield proc, port
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=20)


def _answers(port: int) -> bool:
    try:
        return _request(port, "GET", "/healthz")[0] == 200
    except OSError:
        return False


def _login(port: int, name: str, password: str) -> tuple[int, str]:
    """(status of the login POST, the session cookie it leaves) over two connections."""
    status, headers, page = _request(port, "GET", "/login")
    cookie = headers["Set-Cookie"].split(";")[0]
    token = _TOKEN.search(page).group(1)
    status, headers, _ = _request(port, "POST", "/login", cookie=cookie, body=urlencode(
        {"csrf_token": token, "name": name, "password": password}))
    return status, headers.get("Set-Cookie", cookie).split(";")[0]


def test_two_workers_answer_concurrent_searches(serve):
    proc, port = serve
    workers = _children(proc.pid)
    assert len(workers) == 2 and proc.pid not in workers

    def search(n: int) -> int:
        status, _, body = _request(port, "GET", "/api/search?q=c%E1%BB%ADa+kh%E1%BA%A9u")
        assert '"total": 6' in body or '"total":6' in body, body[:200]
        return status

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert set(pool.map(search, range(120))) == {200}
    status, _, page = _request(port, "GET", "/?q=bi%C3%AAn+gi%E1%BB%9Bi")
    assert status == 200 and ("van-ban" in page or "Lạng Sơn" in page)


def test_a_login_holds_in_every_worker_and_in_replaced_workers(serve):
    """GIVEN a login through one worker THEN the next requests (any worker) are logged in, and
    still after both workers are killed and replaced: the key came from the parent."""
    proc, port = serve
    status, cookie = _login(port, "sam", PASSWORD)
    assert status == 302
    for _ in range(10):
        assert _request(port, "GET", "/staff/", cookie=cookie)[0] == 200
    for old in _children(proc.pid):
        os.kill(old, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while old in _children(proc.pid) or len(_children(proc.pid)) < 2:
            assert time.monotonic() < deadline, "the killed worker was not replaced"
            time.sleep(0.2)
    while not _answers(port):
        time.sleep(0.2)
    assert "starting another" in proc.log.read_text()
    for _ in range(6):
        assert _request(port, "GET", "/staff/", cookie=cookie)[0] == 200


def test_sigterm_stops_every_worker(serve):
    proc, port = serve
    workers = _children(proc.pid)
    assert len(workers) == 2
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    assert not any(_alive(pid) for pid in workers)
    with pytest.raises(OSError):
        _request(port, "GET", "/healthz")


def test_a_worker_whose_parent_is_killed_stops(serve):
    proc, _port = serve
    workers = _children(proc.pid)
    proc.kill()
    proc.wait(timeout=10)
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "workers outlived their killed parent"
        time.sleep(0.2)


def test_failed_logins_count_in_every_worker(serve):
    """GIVEN 5 wrong passwords sent over fresh connections (spread over both workers) THEN the
    6th attempt is delayed: the throttle lives in HOME/web-state.sqlite3, not in one worker."""
    _proc, port = serve
    statuses = [_login(port, "throttled", "wrong")[0] for _ in range(6)]
    assert statuses == [401] * 5 + [429], statuses


def test_two_throttles_on_one_file_share_their_state(tmp_path):
    """Two throttles over one state file (as two workers are) see each other's failures."""
    now = [1000.0]
    policy = ThrottlePolicy(free_failures=2, base_delay=5, address_failures=3)
    first = LoginThrottle(policy, path=tmp_path / STATE_FILE, clock=lambda: now[0])
    second = LoginThrottle(policy, path=tmp_path / STATE_FILE, clock=lambda: now[0])
    first.failed("adam", "192.0.2.1")
    second.failed("adam", "192.0.2.2")
    assert first.admit("adam", "192.0.2.3").reason == "account"
    now[0] += 5
    assert second.admit("adam", "192.0.2.3") is None  # this one reserves the slot ...
    assert first.admit("adam", "192.0.2.4").reason == "account"  # ... for both processes
    first.failed("eve", "198.51.100.1")
    second.failed("mallory", "198.51.100.1")
    first.failed("trent", "198.51.100.1")
    assert second.admit("bob", "198.51.100.1").reason == "address"
    second.succeeded("adam")
    assert first.admit("adam", "192.0.2.5") is None
    first.close()
    second.close()


def test_each_test_app_has_its_own_throttle(tmp_path):
    """The app's state file follows THROTTLE_DB (tests: ":memory:"), defaulting to the home."""
    from web.app import create_app

    app = create_app({"TTDN_HOME": str(tmp_path / "home"), "SECRET_KEY": "k"})
    assert app.config["THROTTLE_DB"] == str(tmp_path / "home" / STATE_FILE)
    assert app.extensions["ttdn_login_throttle"].path == tmp_path / "home" / STATE_FILE
    private = create_app({"TTDN_HOME": str(tmp_path / "home"), "SECRET_KEY": "k",
                          "THROTTLE_DB": ":memory:"})
    assert private.extensions["ttdn_login_throttle"].path is None


def test_searches_reuse_one_read_only_catalog_per_thread(worker_home, tmp_path):
    """/api/search and / open no catalog per request: the thread keeps one read-only reader
    (a read-write open runs the schema script each time), which still sees later commits."""
    import sqlite3

    from web.app import create_app

    app = create_app({"TTDN_HOME": str(worker_home), "SECRET_KEY": "k",
                      "THROTTLE_DB": ":memory:"})
    client = app.test_client()
    assert client.get("/api/search?q=bi%C3%AAn+gi%E1%BB%9Bi").status_code == 200
    reader = app.extensions["ttdn"]["read_catalogs"].catalog
    assert client.get("/?q=du+l%E1%BB%8Bch").status_code == 200
    assert client.get("/api/search?q=lang+son").status_code == 200
    assert app.extensions["ttdn"]["read_catalogs"].catalog is reader
    with pytest.raises(sqlite3.OperationalError):
        reader.db.execute("DELETE FROM items")
