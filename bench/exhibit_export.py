"""Time the export (PDF catalogue + BagIt evidence pack) of a 20-item exhibition.

    .venv/bin/python bench/exhibit_export.py [--home DATA_HOME] [--items 20] [--paper a4|a3]

With --home (an archive that holds the corpus, e.g. ./data after `make ingest`) the archive is
copied to a temporary folder first, so the bench never writes into it; without it, corpus/ is
ingested into a temporary home (OCR: about a minute on two cores, timed apart).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from archive.catalog import Catalog  # noqa: E402
from archive.settings import load_settings  # noqa: E402
from exhibits import add_item, create, export  # noqa: E402
from ingest.pipeline import run_ingest  # noqa: E402

# Public corpus items with a picture: a map, leaflets, a scanned plan (several of its pages),
# born-digital decrees, a test scan and a DVD record without a file; cycled until the exhibition holds --items entries.
_ITEMS = [("media/txu-oclc-6594628.jpg", None), ("scans/to-roi-hoang-sa-truong-sa-viet-anh.pdf", 1),
          ("scans/kh-51-ubnd-2017-lang-son.pdf", 1), ("media/to-gap-lang-son-viet-trung.pdf", 1),
          ("documents/244-2026-nd-cp.pdf", 1), ("scans/kh-51-ubnd-2017-lang-son.pdf", 2),
          ("scans/phototest.tif", None), ("DVD-2017-004", None),
          ("scans/kh-51-ubnd-2017-lang-son.pdf", 3), ("documents/06-2026-tt-bnv.pdf", 1)]
_CAPTIONS = {"vi": "Tư liệu số {n} về chủ quyền biển đảo Việt Nam: Hoàng Sa, Trường Sa.",
             "en": "Exhibit {n}: evidence of Viet Nam's sovereignty over its seas and islands.",
             "zh": "第{n}号展品：越南对黄沙、长沙群岛主权的证据。"}


def _home(given: str | None, scratch: Path) -> Path:
    home = scratch / "home"
    if given:
        shutil.copytree(given, home)
        return home
    started = time.perf_counter()
    summary = run_ingest([REPO / "corpus"], load_settings(home))
    print(f"ingest corpus/ (setup, not timed below): {summary.to_dict().get('added')} items,"
          f" {time.perf_counter() - started:.1f} s")
    return home


def _build(catalog: Catalog, count: int) -> None:
    create(catalog, "bench", {"vi": "Hoàng Sa, Trường Sa – bằng chứng lịch sử",
                              "en": "Hoang Sa and Truong Sa – historical evidence",
                              "zh": "黄沙、长沙——历史证据"},
           intros={"vi": "Triển lãm thử nghiệm.", "en": "A test exhibition."},
           organization="Sở Thông tin và Truyền thông", actor="bench")
    for n in range(1, count + 1):
        source, page = _ITEMS[(n - 1) % len(_ITEMS)]
        add_item(catalog, "bench", source, page=page, actor="bench",
                 captions={lang: text.format(n=n) for lang, text in _CAPTIONS.items()})


def main() -> None:
    """Build the exhibition, export it once (PDF + bag), print the timing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help="an ingested archive to copy (default: ingest corpus/)")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--paper", choices=("a4", "a3"), default="a4")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ttdn-bench-") as scratch:
        home = _home(args.home, Path(scratch))
        settings = load_settings(home)
        with Catalog(settings.catalog_path) as catalog:
            _build(catalog, args.items)
            out = Path(scratch) / "out"
            result = export(settings, catalog, "bench", pdf=out / "catalogue.pdf",
                            bag=out / "pack", paper=args.paper, actor="bench")
        size = (out / "catalogue.pdf").stat().st_size / 1e6
        bag_size = sum(f.stat().st_size for f in (out / "pack").rglob("*") if f.is_file()) / 1e6
        print(f"export of {result.items} items ({args.paper.upper()} landscape, PDF + bag):"
              f" {result.seconds:.2f} s; catalogue {result.pages} pages, {size:.1f} MB;"
              f" bag {bag_size:.1f} MB")


if __name__ == "__main__":
    main()
