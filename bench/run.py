"""`make bench`: every figure beside the reference that bounds it, one table, bench/results.json.

Runs, in order: ingest (OCR vs bare Tesseract, born-digital vs bare PyMuPDF, re-ingest, peak
memory), the search benchmark (index build, query latency at 10k and 100k pages vs SQLite FTS5),
the portal under 16 concurrent clients for 30 s, a 20-item exhibition export, audio-visual ingest
and access copies (bench/media_bench.py), and 124/560 Mpx maps through ingest and IIIF tiles
(bench/iiif_bench.py, about 5 minutes). The first run also builds the 100k-page search index.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PYTHON = sys.executable

from bench.ingest_bench import measure_ingest  # noqa: E402
from bench.portal_load import run as portal_run  # noqa: E402


def _corpus_home(work: Path) -> Path:
    home = work / "corpus-home"
    ttdn = str(Path(PYTHON).with_name("ttdn"))
    subprocess.run([ttdn, "--home", str(home), "ingest", str(REPO / "corpus")], check=True,
                   capture_output=True)
    return home


def _script(name: str, *args: str) -> str:
    proc = subprocess.run([PYTHON, str(REPO / "bench" / name), *args], capture_output=True,
                          text=True, cwd=REPO, check=False)
    if proc.returncode != 0:
        return f"failed ({proc.returncode}): {proc.stderr.strip().splitlines()[-1:]}"
    return proc.stdout.strip()


def _compile_sources() -> None:
    """Byte-compile the project, so that start-up figures (re-ingest, one-shot commands, the
    portal's workers) do not depend on whether the caller's environment writes bytecode: with
    PYTHONDONTWRITEBYTECODE set, every process would compile every module it imports."""
    import compileall
    for package in ("archive", "ingest", "search", "web", "exhibits"):
        compileall.compile_dir(REPO / package, quiet=1)


def main() -> None:
    """Measure everything and print the table."""
    _compile_sources()
    seconds: dict[str, float] = {}  # wall-clock time of each part: what a full run costs

    def timed(name: str, run, *args):
        started = time.perf_counter()
        try:
            return run(*args)
        finally:
            seconds[name] = round(time.perf_counter() - started, 1)

    results: dict[str, object] = {"ingest": timed("ingest", measure_ingest)}
    with tempfile.TemporaryDirectory(prefix="ttdn-bench-") as scratch:
        home = timed("corpus_home", _corpus_home, Path(scratch))
        portal = timed("portal", lambda: portal_run(home, clients=16, seconds=30, threads=8))
        results["portal"] = portal
        # The fixed query mix is answered mostly from the result cache: every request computed too.
        uncached = timed("portal_uncached", lambda: portal_run(home, clients=16, seconds=30,
                                                               threads=8, cache=False))
        results["portal_uncached"] = uncached
        results["exhibit_export"] = timed("exhibit_export", _script, "exhibit_export.py",
                                          "--home", str(home))
    results["search"] = timed("search", _script, "search_bench.py")
    results["media"] = timed("media", _script, "media_bench.py")
    results["iiif"] = timed("iiif", _script, "iiif_bench.py")
    results["seconds"] = seconds
    out = REPO / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"{'figure':28} {'value':>10} {'reference':>10} {'ratio':>7}  reference is")
    for name, row in results["ingest"].items():
        print(f"{name:28} {row['value']!s:>10} {row['reference']!s:>10} {row['ratio']!s:>7}  "
              f"{row['reference_is']}")
    print(f"{'portal_requests_per_s':28} {portal['requests_per_second']!s:>10}  "
          f"p50 {portal['p50_ms']} ms, p95 {portal['p95_ms']} ms, errors {portal['errors']}, "
          f"{portal['server_workers']} workers, load {portal['load_average']}, "
          f"server peak {portal['server_peak_rss_mib']} MiB")
    print(f"{'portal_uncached_requests_per_s':28} {uncached['requests_per_second']!s:>10}  "
          f"p50 {uncached['p50_ms']} ms, p95 {uncached['p95_ms']} ms, errors "
          f"{uncached['errors']} (result cache off)")
    print(f"\nexhibition export:\n{results['exhibit_export']}")
    print(f"\nsearch:\n{results['search']}")
    print(f"\naudio-visual:\n{results['media']}")
    print(f"\nlarge maps and IIIF tiles:\n{results['iiif']}")
    print(f"\nseconds per part: {json.dumps(seconds)}, total {round(sum(seconds.values()))}")
    print(f"\nwritten to {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
