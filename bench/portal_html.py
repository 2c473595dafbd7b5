"""The search page against /api/search for the same queries, in-process (Flask test client).

    .venv/bin/python bench/portal_html.py --home data [--runs 30] [--lang vi] [--profile]
                                          [--uncached]

Both paths run the same Searcher; the difference is what the HTML path adds (template work,
labels, translations, per-hit lookups). Each query is asked once to warm caches, then `--runs`
times per path, alternating page and API; the medians are printed in milliseconds, of wall time
and of this thread's CPU time (steadier on a machine other work shares). `--profile` prints
cProfile's top functions (cumulative) over the HTML requests instead. Repeated queries are
answered from the result cache (search/result_cache.py), so the figures are its hits' cost;
`--uncached` turns it off and every request searches.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flask import before_render_template, template_rendered  # noqa: E402

from web import create_app  # noqa: E402

QUERIES = ["lang son", "Lạng Sơn", "thông tin đối ngoại", "51/KH-UBND", "loai:bando",
           "hoang sa truong sa", "cửa khẩu"]


class _RenderClock:
    """CPU time spent in render_template during one request (Flask's template signals)."""

    def __init__(self, app) -> None:
        self.spent, self._start = 0.0, 0.0
        before_render_template.connect(self._before, app)
        template_rendered.connect(self._after, app)

    def _before(self, *_args, **_kwargs) -> None:
        self._start = time.thread_time()

    def _after(self, *_args, **_kwargs) -> None:
        self.spent += time.thread_time() - self._start


def _get(client, url: str, clock: _RenderClock) -> tuple[float, float, float]:
    """(wall, CPU, render CPU) milliseconds of one GET of `url` (status 200 checked)."""
    clock.spent = 0.0
    wall, cpu = time.perf_counter(), time.thread_time()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return ((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000,
            clock.spent * 1000)


def _medians(client, urls: list[str], runs: int, clock: _RenderClock) -> list[tuple]:
    """Per URL, the (wall, CPU, render CPU) medians of `runs` GETs, the URLs taking turns."""
    times: list[list[tuple[float, float, float]]] = [[] for _ in urls]
    for _ in range(runs):
        for i, url in enumerate(urls):
            times[i].append(_get(client, url, clock))
    return [tuple(statistics.median(column) for column in zip(*t)) for t in times]


def main(argv: list[str] | None = None) -> int:
    """Print per-query medians of the HTML page and the API (or a profile of the page)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", help="';'-separated queries instead of the fixed mix")
    parser.add_argument("--uncached", action="store_true", help="turn the result cache off")
    args = parser.parse_args(argv)
    app = create_app({"TTDN_HOME": str(args.home), "SECRET_KEY": "bench-only",
                      "THROTTLE_DB": ":memory:",
                      **({"SEARCH_CACHE_SIZE": 0} if args.uncached else {})})
    client, clock = app.test_client(), _RenderClock(app)
    queries = args.queries.split(";") if args.queries else QUERIES
    pages = {q: f"/?q={urllib.parse.quote(q)}&lang={args.lang}" for q in queries}
    apis = {q: f"/api/search?q={urllib.parse.quote(q)}" for q in queries}
    for url in [*pages.values(), *apis.values()]:
        client.get(url)  # warm: opens the searcher, the catalog, the templates
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        _medians(client, list(pages.values()), args.runs, clock)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        return 0
    header = ("html ms", "api ms", "html cpu", "api cpu", "render cpu")
    print(f"{'query':<22}" + "".join(f"{h:>11}" for h in header))
    rows = []
    for query in queries:
        (html_wall, html_cpu, render), (api_wall, api_cpu, _) = _medians(
            client, [pages[query], apis[query]], args.runs, clock)
        rows.append((html_wall, api_wall, html_cpu, api_cpu, render))
        print(f"{query:<22}" + "".join(f"{x:11.1f}" for x in rows[-1]))
    print(f"{'median':<22}" + "".join(f"{statistics.median(c):11.1f}" for c in zip(*rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
