"""Ingest ../shared/eval (corpus, hard, bad) through the real pipeline and report what came out.

Prints items, pages, OCR pages and seconds; what was quarantined and why; per-field accuracy of the
extracted document metadata against truth.json, born-digital and scanned apart; and the character
error rate of the province's plan, scanned cleanly and poorly, against its exact text.

    .venv/bin/python bench/eval_report.py [--home DIR]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
EVAL = REPO.parent / "shared" / "eval"

from archive.catalog import Catalog  # noqa: E402
from archive.settings import load_settings  # noqa: E402
from ingest.pipeline import run_ingest  # noqa: E402
from tests.cer import cer  # noqa: E402

FIELDS = ("doc_number", "issued", "issuer", "doc_type")


def _norm(value: str | None) -> str:
    text = unicodedata.normalize("NFC", value or "").replace("–", "-").replace("Ð", "Đ")
    return " ".join(text.lower().split())


def _accuracy(catalog: Catalog) -> dict:
    truth = json.loads((EVAL / "truth" / "truth.json").read_text(encoding="utf-8"))
    tallies: dict[str, dict] = {}
    for source, expected in truth.items():
        if "doc_number" not in expected:
            continue
        item_id = catalog.resolve(source)
        item = catalog.get_item(item_id) if item_id else None
        group = "scanned" if source.startswith("scans/") else "born-digital"
        tally = tallies.setdefault(group, {"documents": 0, **{f: 0 for f in FIELDS}, "misses": []})
        tally["documents"] += 1
        got = {"doc_number": item and item.doc_number, "issued": item and item.issued,
               "issuer": item and item.issuer, "doc_type": item and item.doc_type}
        want = {**expected, "doc_type": expected.get("type")}
        for name in FIELDS:
            if _norm(got[name]) == _norm(want.get(name)):
                tally[name] += 1
            else:
                tally["misses"].append(f"{source} {name}: {got[name]!r} != {want.get(name)!r}")
    return tallies


def _plan_cer(catalog: Catalog, source: str) -> float | None:
    item_id = catalog.resolve(source)
    if not item_id:
        return None
    text = "\n".join(p.text for p in catalog.pages(item_id))
    truth = (EVAL / "truth" / "kh-51-ubnd-2017-lang-son.gt.txt").read_text(encoding="utf-8")
    return round(cer(truth, text) * 100, 2)


def _made_pages_cer(workdir: Path) -> list[tuple[str, float | None]]:
    """CER of pages made in code (tests/ocr_pages.py): the phone photo and bilingual leaflets.

    Each is ingested through the pipeline with its manifest's languages, as a clerk would.
    """
    from tests.ocr_pages import LEAFLETS, write_leaflet, write_phone_photo
    source = workdir / "made"
    source.mkdir(parents=True)
    truths = {"phone photo (vi)": ("anh-dien-thoai.jpg", "vi",
                                   write_phone_photo(source / "anh-dien-thoai.jpg"))}
    for leaflet in LEAFLETS:
        name = f"to-roi-{leaflet.name.replace('+', '-')}.png"
        codes = leaflet.name.replace("+", ";")
        truths[f"leaflet {leaflet.name}"] = (name, codes, write_leaflet(source / name, leaflet))
    with open(source / "manifest.csv", "w", encoding="utf-8") as f:
        f.write("file,languages\n")
        f.writelines(f"{name},{codes}\n" for name, codes, _ in truths.values())
    settings = load_settings(workdir / "home")
    run_ingest([source], settings)
    rows = []
    with Catalog(settings.catalog_path) as catalog:
        for label, (name, _, truth) in truths.items():
            item_id = catalog.resolve(name)
            text = "\n".join(p.text for p in catalog.pages(item_id)) if item_id else None
            rows.append((label, round(cer(truth, text) * 100, 2) if text is not None else None))
    return rows


def main() -> None:
    """Run the ingest and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    if not EVAL.is_dir():
        print("../shared/eval not found: skipped")
        return
    home = args.home or Path(tempfile.mkdtemp(prefix="ttdn-eval-")) / "home"
    settings = load_settings(home)
    runs = {name: run_ingest([EVAL / name], settings) for name in ("corpus", "hard", "bad")}
    for name, summary in runs.items():
        s = summary.to_dict()
        print(f"{name:7} added {s['added']:3} unchanged {s['unchanged']:3} failed {s['failed']:2} "
              f"pages {s['pages']:5} ocr {s['ocr_pages']:3} seconds {s['seconds']:7.1f} "
              f"pages/s {s['pages'] / max(s['seconds'], 1e-9):6.1f}")
        for failure in s["failures"]:
            print(f"        quarantined {failure['reason']}")
    with Catalog(settings.catalog_path) as catalog:
        print("stats", json.dumps(catalog.stats(), ensure_ascii=False))
        for group, tally in _accuracy(catalog).items():
            n = tally["documents"]
            cells = "  ".join(f"{f} {tally[f]}/{n} ({tally[f] / n:.0%})" for f in FIELDS)
            print(f"{group:12} {cells}")
            for miss in tally["misses"]:
                print(f"    miss {miss}")
        print(f"CER plan, clean scan: {_plan_cer(catalog, 'scans/kh-51-ubnd-2017-lang-son.pdf')} %")
        print(f"CER plan, poor scan:  {_plan_cer(catalog, 'kh-51-ubnd-2017-lang-son-poor-scan.pdf')} %")
    for label, value in _made_pages_cer(home.parent / "made-pages"):
        print(f"CER {label + ':':22}{value} %")


if __name__ == "__main__":
    main()
