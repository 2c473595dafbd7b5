"""Load on /api/search: N concurrent clients for T seconds against `ttdn serve` on loopback.

    .venv/bin/python bench/portal_load.py --home data [--clients 16] [--seconds 30] [--workers N]
                                          [--uncached] [--keep-alive]

Starts `ttdn serve` (waitress, --workers processes on one socket; default: one per core) on a
free port as its own process, so the clients' threads do not share its interpreter, waits until
it answers, warms it up, then lets every client send one query after another, each over a new connection (a fixed mix
of real queries, public audience) and prints requests per second, latency percentiles, and the CPU time per request
of the server (which the machine's other load hardly changes) and of the clients themselves
(they share the machine; the load average is printed too). Exits 1 when any request failed.

`--keep-alive`: each client keeps one HTTP/1.1 connection, as a browser does. A kept-alive
connection stays with the worker process that accepted it, and the kernel's accept race splits
16 of them unevenly (10/6, 13/3 and 8/8 over 2 processes, seen with `ss -tnp`): the figure then
depends on the split, which is why it is not the default.

The fixed mix repeats, so with the portal's result cache (search/result_cache.py) nearly every
measured request is a cache hit. `--uncached` starts the server with TTDN_SEARCH_CACHE=0: every
request is then computed, which is what a stream of distinct queries costs (a miss adds only
the cache's lookup). Report both figures.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUERIES = ["lang son", "Lạng Sơn", "thông tin đối ngoại", "51/KH-UBND", "hoang sa truong sa",
           "cửa khẩu", "谅山", "loai:bando", "nam:2017", "biên giới", "du lịch", "nghị định",
           "xử phạt vi phạm", "an ninh", "phát ngôn báo chí", "Formosa"]
_WARMUP = 2.0  # seconds of traffic before measuring: first requests open files, fill caches


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(home: Path, port: int, threads: int, workers: int | None,
                  cache: bool = True) -> subprocess.Popen:
    ttdn = Path(sys.executable).with_name("ttdn")
    env = {**os.environ, "TTDN_SECRET_KEY": os.environ.get("TTDN_SECRET_KEY", "bench-only")}
    if not cache:
        env["TTDN_SEARCH_CACHE"] = "0"
    return subprocess.Popen([str(ttdn), "--home", str(home), "serve", "--port", str(port),
                             "--threads", str(threads),
                             *(["--workers", str(workers)] if workers else [])],
                            env=env, stderr=subprocess.DEVNULL)


def _wait_until_up(base: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {base} did not answer within {timeout:.0f} s")


def _client(base: str, offset: int, stop: threading.Event, measure_from: list[float],
            latencies: list[float], errors: list[str], keep_alive: bool = False) -> None:
    """Send queries until stopped; record latencies of requests started after the warm-up.

    A new connection for every request, or (`keep_alive`) one persistent HTTP/1.1 connection.
    """
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    conn: http.client.HTTPConnection | None = None
    i = offset
    while not stop.is_set():
        path = f"/api/search?q={urllib.parse.quote(QUERIES[i % len(QUERIES)])}"
        i += 1
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            ok = response.status == 200 and b'"total"' in body
            if not keep_alive or response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as err:
            ok, body = False, str(err).encode()
            if conn is not None:
                conn.close()
                conn = None
        elapsed = time.perf_counter() - started
        if started >= measure_from[0]:
            latencies.append(elapsed)  # list.append is atomic under the GIL
            if not ok:
                errors.append(body[:200].decode("utf-8", "replace"))
    if conn is not None:
        conn.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(home: Path, clients: int, seconds: float, threads: int,
        workers: int | None = None, cache: bool = True, keep_alive: bool = False) -> dict:
    """Serve `home` (`workers` processes, None: one per core), load it, stop it; the figures."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(home, port, threads, workers, cache)
    try:
        _wait_until_up(base)
        stop, latencies, errors = threading.Event(), [], []
        measure_from = [time.perf_counter() + _WARMUP]
        threads_ = [threading.Thread(target=_client, args=(base, n, stop, measure_from,
                                                           latencies, errors, keep_alive),
                                     daemon=True)
                    for n in range(clients)]
        for thread in threads_:
            thread.start()
        time.sleep(_WARMUP)
        cpu_before, own_before = _server_cpu_seconds(server.pid), time.process_time()
        time.sleep(seconds)
        cpu_spent = _server_cpu_seconds(server.pid) - cpu_before
        client_cpu = time.process_time() - own_before
        stop.set()
        for thread in threads_:
            thread.join(timeout=60)
        peak_mib = _peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "clients": clients, "seconds": seconds, "server_threads": threads,
        "server_workers": workers or _cores(), "result_cache": cache,
        "load_average": round(os.getloadavg()[0], 2),
        "requests": len(latencies), "errors": len(errors),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1) if latencies else None,
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "server_cpu_ms_per_request": round(cpu_spent * 1000 / len(latencies), 2)
        if latencies else None,
        # the clients share the machine: what they take is not the server's to use
        "client_cpu_ms_per_request": round(client_cpu * 1000 / len(latencies), 2)
        if latencies else None,
        "keep_alive": keep_alive,
        "first_errors": errors[:3], "server_peak_rss_mib": peak_mib,
    }


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _server_pids(pid: int) -> list[int]:
    try:
        return [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    except OSError:
        return [pid]


def _server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the server and its live workers so far: a figure that,
    unlike requests per second, hardly depends on what else loads the machine."""
    ticks = 0
    for one in _server_pids(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _peak_rss_mib(pid: int) -> int | None:
    """Peak resident memory (VmHWM) of the server and its worker children, summed."""
    total = None
    for one in _server_pids(pid):
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total = (total or 0) + int(line.split()[1]) // 1024
    return total


def main() -> None:
    """Parse the arguments, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=os.environ.get("TTDN_HOME", "data"),
                        help="an ingested data home (default: $TTDN_HOME or ./data)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per worker")
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes (default: one per core, as `ttdn serve`)")
    parser.add_argument("--uncached", action="store_true",
                        help="serve with the result cache off (TTDN_SEARCH_CACHE=0): every "
                             "request computed, as distinct queries are")
    parser.add_argument("--keep-alive", action="store_true",
                        help="one kept-alive connection per client (default: a new connection "
                             "for every request)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    home = Path(args.home).resolve()
    if not (home / "catalog.sqlite3").is_file():
        raise SystemExit(f"{home} holds no archive: run `make ingest` (or ingest into --home)")
    figures = run(home, args.clients, args.seconds, args.threads, args.workers,
                  cache=not args.uncached, keep_alive=args.keep_alive)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(f"/api/search, {figures['clients']} clients, {figures['seconds']:.0f} s, "
              f"{figures['server_workers']} waitress process(es) × "
              f"{figures['server_threads']} threads on 127.0.0.1, "
              f"result cache {'on' if figures['result_cache'] else 'off'}, "
              f"{'kept-alive' if figures['keep_alive'] else 'new'} connections, "
              f"load average {figures['load_average']}")
        print(f"requests: {figures['requests']}  errors: {figures['errors']}")
        print(f"requests/s: {figures['requests_per_second']}")
        print(f"latency ms: p50 {figures['p50_ms']}  p95 {figures['p95_ms']}  "
              f"p99 {figures['p99_ms']}  max {figures['max_ms']}")
        print(f"server CPU per request: {figures['server_cpu_ms_per_request']} ms, clients' "
              f"{figures['client_cpu_ms_per_request']} ms")
        for error in figures["first_errors"]:
            print(f"error: {error}")
    sys.exit(1 if figures["errors"] else 0)


if __name__ == "__main__":
    main()
