"""The one wrapper around the Tesseract program (through pytesseract): checks and page OCR."""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache

import pytesseract
from PIL import Image

from archive.errors import CorruptFile, MissingDependency
from ingest.normalize import normalize_text

__all__ = ["OcrResult", "check_tesseract", "ocr_image", "install_command"]

log = logging.getLogger(__name__)

_WORD_LEVEL = 5  # image_to_data rows: 1 page, 2 block, 3 paragraph, 4 line, 5 word


@dataclass
class OcrResult:
    """Text of one OCR'd image and the mean confidence (0-100) of its words, if any were read."""

    text: str
    confidence: float | None = None


def install_command(langs: str = "") -> str:
    """The Debian command that installs Tesseract with the language packs in e.g. "vie+eng"."""
    packages = ["tesseract-ocr"] + [_package(lang) for lang in _split(langs)]
    return "apt-get install " + " ".join(packages)


def _package(lang: str) -> str:
    # Debian names the pack after the traineddata file: chi_sim -> tesseract-ocr-chi-sim.
    return "tesseract-ocr-" + lang.lower().replace("_", "-").replace("/", "-")


def _split(langs: str) -> list[str]:
    return [lang.strip() for lang in langs.split("+") if lang.strip()]


@lru_cache(maxsize=None)
def _installed_languages(command: str) -> frozenset[str]:
    """Languages `tesseract --list-langs` reports; cached per binary, so once per process."""
    try:
        return frozenset(pytesseract.get_languages())
    except pytesseract.TesseractNotFoundError as e:
        raise MissingDependency(
            f"The OCR program Tesseract ({command!r}) is not installed or not on PATH; "
            f"install it with: {install_command()}"
        ) from e


def check_tesseract(langs: str) -> None:
    """Raise MissingDependency unless Tesseract and every language pack in `langs` are installed."""
    command = pytesseract.pytesseract.tesseract_cmd
    installed = _installed_languages(command)
    missing = [lang for lang in _split(langs) if lang not in installed]
    if missing:
        raise MissingDependency(
            f"Tesseract has no language pack for {', '.join(missing)}; "
            f"install it with: apt-get install {' '.join(_package(lang) for lang in missing)}"
        )


def ocr_image(image: Image.Image, *, lang: str, psm: int, timeout: float) -> OcrResult:
    """Read `image` with one Tesseract run; raise TimeoutError when it takes over `timeout` s."""
    check_tesseract(lang)
    # One Tesseract thread per process: with OpenMP's default threads, two workers on two cores
    # fight over them and a page takes ~5x longer. pytesseract passes os.environ to the child.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        # Hand Tesseract an uncompressed file: pytesseract would PNG-encode the page first,
        # 0.36 s of a ~2.5 s page for nothing (measured on the plan's 300-dpi scan).
        with tempfile.NamedTemporaryFile(suffix=".bmp", prefix="ttdn-ocr-") as page_file:
            image.save(page_file, format="BMP")
            page_file.flush()
            data = pytesseract.image_to_data(
                page_file.name, lang=lang, config=f"--psm {int(psm)}",
                output_type=pytesseract.Output.DICT, timeout=timeout,
            )
    except RuntimeError as e:
        if isinstance(e, pytesseract.TesseractError):
            raise CorruptFile(f"Tesseract could not read the page image: {e.message}") from e
        if str(e) == "Tesseract process timeout":  # what pytesseract raises after killing it
            raise TimeoutError(f"page OCR stopped after {timeout:g} s (Tesseract timeout)") from e
        raise
    text = normalize_text(_rebuild_text(data))
    return OcrResult(text=text, confidence=_mean_confidence(data))


def _words(data: dict[str, list]) -> list[tuple[tuple[int, int, int], str, float]]:
    """(block, paragraph, line), text and confidence of each non-empty word, in reading order."""
    rows = zip(data["level"], data["block_num"], data["par_num"], data["line_num"],
               data["text"], data["conf"])
    return [((block, par, line), str(text).strip(), float(conf))
            for level, block, par, line, text, conf in rows
            if int(level) == _WORD_LEVEL and str(text).strip()]


def _rebuild_text(data: dict[str, list]) -> str:
    """Words joined by spaces, lines by a newline, paragraphs and blocks by a blank line."""
    out: list[str] = []
    previous: tuple[int, int, int] | None = None
    for key, text, _ in _words(data):
        if previous is not None:
            out.append(" " if key == previous else "\n" if key[:2] == previous[:2] else "\n\n")
        out.append(text)
        previous = key
    return "".join(out) + ("\n" if out else "")


def _mean_confidence(data: dict[str, list]) -> float | None:
    confidences = [conf for _, _, conf in _words(data) if conf >= 0]
    return round(sum(confidences) / len(confidences), 2) if confidences else None
