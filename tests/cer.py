"""Character error rate (CER) of OCR output against a reference text, for tests and benchmarks.

Both texts are made NFC and every run of whitespace (line breaks included) becomes one space, so
layout differences are not counted as errors. The edit distance is the plain Levenshtein distance,
computed exactly with numpy one row at a time: a row is two vector operations plus a running
minimum for the insertions (cur[j] = min over k <= j of tmp[k] + j - k = j + cummin(tmp - k)),
so 20k x 20k characters take about a second instead of minutes in a pure-Python loop.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np

__all__ = ["cer", "cer_in", "edit_distance", "normalize"]

_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Return `text` as NFC with every whitespace run made one space and the ends stripped."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _last_row(reference: str, hypothesis: str, *, free_start: bool) -> np.ndarray:
    """Last DP row (hypothesis down, reference across); `free_start` lets a match begin anywhere."""
    ref = _codes(reference)
    offsets = np.arange(len(ref) + 1, dtype=np.int64)
    row = np.zeros(len(ref) + 1, dtype=np.int64) if free_start else offsets.copy()
    for i, char in enumerate(_codes(hypothesis), start=1):
        tmp = np.empty_like(row)
        tmp[0] = i
        # Substitution (or match) from the diagonal, deletion from above.
        np.minimum(row[:-1] + (ref != char), row[1:] + 1, out=tmp[1:])
        row = np.minimum.accumulate(tmp - offsets) + offsets  # insertions from the left
    return row


def edit_distance(reference: str, hypothesis: str) -> int:
    """Levenshtein distance between the two strings (unit costs)."""
    if len(hypothesis) > len(reference):  # the shorter string drives the Python loop
        reference, hypothesis = hypothesis, reference
    return int(_last_row(reference, hypothesis, free_start=False)[-1])


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance / reference length, after `normalize` of both."""
    reference, hypothesis = normalize(reference), normalize(hypothesis)
    if not reference:
        return 0.0 if not hypothesis else 1.0
    return edit_distance(reference, hypothesis) / len(reference)


def cer_in(reference: str, hypothesis: str) -> float:
    """CER of `hypothesis` against the substring of `reference` it matches best.

    For one OCR'd page against the truth of a whole document: the window is found by an infix
    alignment (the match may start and end anywhere in the reference), and the CER is the
    distance divided by that window's length.
    """
    reference, hypothesis = normalize(reference), normalize(hypothesis)
    if not hypothesis:
        return 0.0 if not reference else 1.0
    end_row = _last_row(reference, hypothesis, free_start=True)
    end = int(np.argmin(end_row))
    # Aligning the reversed strings from that end, with a free end, finds where the match starts.
    back = _last_row(reference[:end][::-1], hypothesis[::-1], free_start=False)
    length = int(np.argmin(back))  # the first minimum: the shortest of the best windows
    window = reference[end - length:end]
    return int(end_row[end]) / max(len(window), 1)
