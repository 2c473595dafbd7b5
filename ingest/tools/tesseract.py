"""The one wrapper around the Tesseract program: checks, and page OCR with each word's box."""
from __future__ import annotations

import csv
import io
import logging
import os
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pytesseract
from PIL import Image

from archive.errors import CorruptFile, MissingDependency
from ingest.normalize import normalize_text

__all__ = ["OcrResult", "Word", "check_tesseract", "ocr_image", "install_command"]

log = logging.getLogger(__name__)

_WORD_LEVEL = 5  # TSV rows: 1 page, 2 block, 3 paragraph, 4 line, 5 word


@dataclass(frozen=True)
class Word:
    """One word Tesseract read: its text, confidence (0-100), box and (block, par, line) key."""

    text: str
    conf: float
    box: tuple[int, int, int, int]  # left, top, width, height in pixels of the image read
    line: tuple[int, int, int]


@dataclass
class OcrResult:
    """Text of one OCR'd image and the mean confidence (0-100) of its words, if any were read."""

    text: str
    confidence: float | None = None
    words: list[Word] = field(default_factory=list, compare=False, repr=False)

    @property
    def lines(self) -> int:
        """How many text lines the words fall on."""
        return len({w.line for w in self.words})

    @property
    def score(self) -> float:
        """Characters read, each weighted by its word's confidence: what a reading is worth.

        A mean confidence alone praises a reading that dropped the hard lines; this also counts
        what was read, so two readings of one page compare fairly.
        """
        return sum(len(w.text) * max(w.conf, 0.0) / 100 for w in self.words)


def install_command(langs: str = "") -> str:
    """The Debian command that installs Tesseract with the language packs in e.g. "vie+eng"."""
    packages = ["tesseract-ocr"] + [_package(lang) for lang in _split(langs)]
    return "apt-get install " + " ".join(packages)


def _package(lang: str) -> str:
    # Debian names the pack after the traineddata file: chi_sim -> tesseract-ocr-chi-sim.
    return "tesseract-ocr-" + lang.lower().replace("_", "-").replace("/", "-")


def _split(langs: str) -> list[str]:
    return [lang.strip() for lang in langs.split("+") if lang.strip()]


def _missing_program(command: str) -> MissingDependency:
    return MissingDependency(
        f"The OCR program Tesseract ({command!r}) is not installed or not on PATH; "
        f"install it with: {install_command()}"
    )


@lru_cache(maxsize=None)
def _installed_languages(command: str) -> frozenset[str]:
    """Languages `tesseract --list-langs` reports; cached per binary, so once per process."""
    try:
        return frozenset(pytesseract.get_languages())
    except pytesseract.TesseractNotFoundError as e:
        raise _missing_program(command) from e


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


def _environment() -> dict[str, str]:
    # One Tesseract thread per process: with OpenMP's default threads, two workers on two cores
    # fight over them and a page takes ~5x longer. Given to the child only; os.environ stays.
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def ocr_image(image: Image.Image, *, lang: str, psm: int, timeout: float) -> OcrResult:
    """Read `image` with one Tesseract run; raise TimeoutError when it takes over `timeout` s."""
    check_tesseract(lang)
    command = pytesseract.pytesseract.tesseract_cmd
    # Hand Tesseract an uncompressed file: PNG-encoding the page first costs 0.36 s of a ~2.5 s
    # page for nothing (measured on the plan's 300-dpi scan).
    with tempfile.NamedTemporaryFile(suffix=".bmp", prefix="ttdn-ocr-") as page_file:
        image.save(page_file, format="BMP")
        page_file.flush()
        args = [command, page_file.name, "stdout", "-l", lang, "--psm", str(int(psm)), "tsv"]
        try:
            done = subprocess.run(args, capture_output=True, timeout=timeout,
                                  env=_environment(), check=False)
        except FileNotFoundError as e:
            raise _missing_program(command) from e
        except subprocess.TimeoutExpired as e:  # subprocess.run has killed the child
            raise TimeoutError(f"page OCR stopped after {timeout:g} s (Tesseract timeout)") from e
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CorruptFile("Tesseract could not read the page image: "
                          + (message[-1] if message else f"exit status {done.returncode}"))
    words = _parse_tsv(done.stdout.decode("utf-8", "replace"))
    return OcrResult(text=normalize_text(_rebuild_text(words)),
                     confidence=_mean_confidence(words), words=words)


def _parse_tsv(tsv: str) -> list[Word]:
    """The non-empty words of Tesseract's TSV output, in reading order."""
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    words = []
    for row in rows:
        text = (row.get("text") or "").strip()
        if row.get("level") != str(_WORD_LEVEL) or not text:
            continue
        box = tuple(int(row[k]) for k in ("left", "top", "width", "height"))
        line = tuple(int(row[k]) for k in ("block_num", "par_num", "line_num"))
        words.append(Word(text, float(row["conf"]), box, line))  # type: ignore[arg-type]
    return words


def _is_cjk(char: str) -> bool:
    """Han, kana and CJK punctuation: written without spaces between words (Hangul is not)."""
    name = unicodedata.name(char, "")
    return name.startswith(("CJK ", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC", "FULLWIDTH"))


def _is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f"


def _glued(previous: Word, word: Word, height: float) -> bool:
    """True when Tesseract split one word: CJK characters, or Hangul syllables set close."""
    a, b = previous.text[-1], word.text[0]
    if _is_cjk(a) and _is_cjk(b):
        # Tesseract boxes each Chinese or Japanese character as a word: the spaces it puts
        # between them are not in the text, and they split the index's bigrams.
        return True
    if _is_hangul(a) and _is_hangul(b):
        # Korean does put spaces between words, but Tesseract also cuts words into syllables.
        # Syllables are set on a fixed pitch (about the line's height): from the centre of one
        # to the next is that pitch inside a word, pitch plus a space across words. Box gaps
        # cannot tell (a narrow 시 leaves a wide gap), centres can.
        last = previous.box[2] / len(previous.text.rstrip(".,!?"))
        first = word.box[2] / len(word.text.rstrip(".,!?"))
        pitch = (word.box[0] + first / 2) - (previous.box[0] + previous.box[2] - last / 2)
        return pitch < _HANGUL_WORD_PITCH * height
    return False


_HANGUL_WORD_PITCH = 1.27  # line heights: syllables of one word sit ~1.1 apart, words ~1.4+


def _rebuild_text(words: list[Word]) -> str:
    """Words joined by spaces, lines by a newline, paragraphs and blocks by a blank line."""
    heights: dict[tuple[int, int, int], list[int]] = {}
    for word in words:
        heights.setdefault(word.line, []).append(word.box[3])
    line_height = {key: sorted(hs)[len(hs) // 2] for key, hs in heights.items()}
    out: list[str] = []
    previous: Word | None = None
    for word in words:
        if previous is not None:
            key, last = word.line, previous.line
            if key != last:
                out.append("\n" if key[:2] == last[:2] else "\n\n")
            elif not _glued(previous, word, line_height[key]):
                out.append(" ")
        out.append(word.text)
        previous = word
    return "".join(out) + ("\n" if out else "")


def _mean_confidence(words: list[Word]) -> float | None:
    confidences = [w.conf for w in words if w.conf >= 0]
    return round(sum(confidences) / len(confidences), 2) if confidences else None
