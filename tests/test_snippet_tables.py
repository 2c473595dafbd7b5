"""The snippets' tables and word finding, built for speed, match their plain definitions."""
from __future__ import annotations

import random
import re

from search import snippets
from search.analyzers import fold
from search.marks import is_wide


def test_fold_table_is_each_character_folded_alone():
    expected = dict(snippets._DASHES)
    for cp in range(0x00C0, 0x2000):
        folded = fold(chr(cp))
        if len(folded) == 1 and folded != chr(cp):
            expected[cp] = folded
    assert snippets._fold_table() == expected
    assert expected[ord("Đ")] == "d" and expected[ord("ộ")] == "o"


def test_sequence_maps_as_the_dict_does():
    table = snippets._fold_table()
    sequence = snippets._as_sequence(table)
    assert len(sequence) == max(table) + 1
    for cp in range(len(sequence)):
        assert sequence[cp] == table.get(cp, chr(cp))
    text = "Lạng Sơn – ĐÔNG ĐĂNG \ufe58 谅山"
    assert text.translate(sequence) == text.translate(table)


def _reference(folded: str, words) -> list[tuple[int, str]]:
    """The pattern the snippets once tried at every character: the definition of a match."""
    parts = []
    for word, prefix in sorted(words, key=lambda wp: -len(wp[0])):
        if is_wide(word):
            parts.append(re.escape(word))
        else:
            tail = r"\w*" if prefix else ""
            parts.append(rf"(?<!\w){re.escape(word)}{tail}(?!\w)")
    pattern = re.compile(f"(?=({'|'.join(parts)}))")
    return [(m.start(), m.group(1)) for m in pattern.finditer(folded)]


def test_words_are_found_where_the_pattern_finds_them():
    rng = random.Random(7)
    vocabulary = ["lang", "son", "lang son", "langson", "244", "244/2026/nd-cp", "nd-cp",
                  "谅山", "山", "山省", "ソン", "thong", "th", "ong", "_x", "a", "10", "icd-10"]
    alphabet = list("langsothd24/0-_ .,") + ["谅", "山", "省", "ソ", "ン", "é", "\u0301", "1"]
    for _ in range(3000):
        words = frozenset((rng.choice(vocabulary), rng.random() < 0.3)
                          for _ in range(rng.randint(1, 5)))
        text = "".join(rng.choice(alphabet + [" " + rng.choice(vocabulary) + " "])
                       for _ in range(rng.randint(0, 40)))
        assert snippets._pieces(text, words) == _reference(text, words), (text, words)


def test_folded_copy_through_numpy_is_the_translated_text():
    import numpy  # noqa: F401 - loaded, so the array path is taken

    texts = ["Lạng Sơn – ĐÔNG ĐĂNG", "", "ΟΔΟΣ İstanbul ǅ", "谅山 서울 \U00020001 \ud800 x",
             "".join(map(chr, range(0xA0, 0x2100))) + "\uff0d\ufe58"]
    for text in texts:
        assert snippets._folded_copy(text) == snippets._same_length(text, snippets._FOLD_TABLE)


def test_numpy_is_imported_for_folding_only_once_translate_has_cost_as_much():
    import subprocess
    import sys

    probe = ("import sys; from search import snippets\n"
             "for _ in range({n}): snippets._folded_copy('Lạng Sơn')\n"
             "print('numpy' in sys.modules)")
    for n, loaded in ((10, "False"), (snippets._TRANSLATED_BEFORE_NUMPY + 1, "True")):
        out = subprocess.run([sys.executable, "-c", probe.format(n=n)], capture_output=True,
                             text=True, check=True).stdout.strip()
        assert out == loaded
