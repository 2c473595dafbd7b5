"""Large maps through ingest and IIIF: ingest seconds and peak memory, tile latency under load.

- `ttdn ingest` of a 124 Mpx (A1 at 400 dpi) and a 560 Mpx (A0 at 600 dpi) LZW TIFF, made here
  by libvips: wall seconds, the peak RSS of the ingest process itself and the peak of its whole
  process tree (the OCR workers included), sampled from /proc every 50 ms.
- Tiles of the 560 Mpx map's pyramid, `ttdn serve` with 16 threads and 16 clients: latency p50
  and p95 of 256-pixel tiles at several zoom levels, cold (first request of each tile) and warm
  (the same tiles again).

    .venv/bin/python bench/iiif_bench.py [--json]      (about 4 minutes on 2 cores)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.iiif_fixtures import make_map, serve_home  # noqa: E402

TTDN = str(Path(sys.executable).parent / "ttdn")
SHEETS = {"124 Mpx (A1, 400 dpi)": (9_350, 13_250, 400),
          "560 Mpx (A0, 600 dpi)": (19_860, 28_080, 600)}
CLIENTS = 16
TILES = 400  # distinct tiles asked for, per pass

__all__ = ["measure"]


def _tree_rss(pid: int) -> dict[str, int]:
    """Resident bytes of `pid` and of each descendant, by "pid command" (read from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, tuple[str, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                name, rest = fh.read().rsplit(")", 1)
        except OSError:
            continue
        fields = rest.split()
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = (name.split("(", 1)[1], int(fields[21]) * os.sysconf("SC_PAGE_SIZE"))
    found, todo = {}, [pid]
    while todo:
        current = todo.pop()
        if current in rss:
            found[f"{current} {rss[current][0]}"] = rss[current][1]
        todo.extend(children.get(current, []))
    return found


def _high_water(pid: int) -> int:
    """The peak resident bytes the kernel recorded for `pid` so far (VmHWM)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            line = next(l for l in fh if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return 0
    return int(line.split()[1]) * 1024


def _ingest(folder: Path, home: Path) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen([TTDN, "--home", str(home), "ingest", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak_tree = peak_main = 0
    at_peak: dict[str, int] = {}
    while proc.poll() is None:
        tree = _tree_rss(proc.pid)
        if sum(tree.values()) > peak_tree:
            peak_tree, at_peak = sum(tree.values()), tree
        peak_main = max(peak_main, _high_water(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    output = proc.stdout.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed ({proc.returncode}): {output}")
    return {"seconds": round(seconds, 1), "peak_main_mib": peak_main // 2**20,
            "peak_tree_mib": peak_tree // 2**20,
            "at_peak_mib": {k: v // 2**20 for k, v in at_peak.items()}}


def _sheet(root: Path, name: str, size: tuple[int, int, int]) -> Path:
    folder = root / name.split()[0]
    folder.mkdir()
    make_map(folder / "sheet.tif", *size)  # width, height, dpi
    (folder / "manifest.csv").write_text("file,title,kind,access\nsheet.tif,Bản đồ,map,public\n",
                                         encoding="utf-8")
    return folder


def _tile_urls(base: str, item: str, width: int, height: int) -> list[str]:
    rng = random.Random(7)
    urls = set()
    while len(urls) < TILES:
        scale = rng.choice((1, 2, 4, 8, 16))
        span = 256 * scale
        x = rng.randrange(0, width // span) * span
        y = rng.randrange(0, height // span) * span
        urls.add(f"{base}/iiif/3/{item}/1/{x},{y},{span},{span}/256,256/0/default.jpg")
    return sorted(urls)


def _latencies(urls: list[str]) -> dict:
    def fetch(url: str) -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=120) as r:
            r.read()
        return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(CLIENTS) as pool:
        times = sorted(pool.map(fetch, urls))
    return {"p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}


def measure() -> dict:
    """Every figure of the module docstring, in one run."""
    results: dict = {"ingest": {}, "tiles": {}}
    root = Path(tempfile.mkdtemp(prefix="iiif-bench-"))
    try:
        for name, size in SHEETS.items():
            folder = _sheet(root, name, size)
            home = root / f"home-{size[0]}"
            results["ingest"][name] = _ingest(folder, home)
        home = root / f"home-{SHEETS['560 Mpx (A0, 600 dpi)'][0]}"
        found = json.loads(subprocess.run([TTDN, "--home", str(home), "search", "*", "--json"],
                                          capture_output=True, text=True).stdout)
        item = found["hits"][0]["id"]
        server, base = serve_home(home, threads=CLIENTS)
        try:
            urls = _tile_urls(base, item, *SHEETS["560 Mpx (A0, 600 dpi)"][:2])
            subprocess.run(["sync"], check=False)
            results["tiles"]["cold"] = _latencies(urls)
            results["tiles"]["warm"] = _latencies(urls)
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return results


def main() -> None:
    """Print the figures as lines (or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    results = measure()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    for name, fig in results["ingest"].items():
        print(f"ingest {name}: {fig['seconds']} s, peak RSS {fig['peak_main_mib']} MiB "
              f"(ingest process), {fig['peak_tree_mib']} MiB (with its OCR workers: "
              + ", ".join(f"{k} {v}" for k, v in fig["at_peak_mib"].items()) + ")")
    for kind, fig in results["tiles"].items():
        print(f"tiles of the 560 Mpx map, {CLIENTS} clients, {kind}: p50 {fig['p50_ms']} ms, "
              f"p95 {fig['p95_ms']} ms")
    print(f"bench took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
