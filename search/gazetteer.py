"""The place-name gazetteer (``gazetteer.tsv``): the names one place has across languages.

A query naming a place (``Lạng Sơn``, ``lang son``, ``谅山``, ``Paracel Islands``) is expanded
by the parser with the place's other names, each ranked below the literal words. Names match
word for word on the query analyzer's tokens: a typed word with diacritics must match the
name's tones exactly, one typed without them matches the folded name.

>>> g = default_gazetteer()
>>> g.match(["lang", "son"]).id, g.match(["谅山"]).id, g.match(["西沙", "沙群", "群岛"]).id
('lang_son', 'lang_son', 'hoang_sa')
>>> g.match(["làng", "sơn"]) is None
True
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .analyzers import exact_analyzer, fold, normalize_label

__all__ = ["Place", "Gazetteer", "default_gazetteer", "name_tokens", "GAZETTEER_PATH"]

GAZETTEER_PATH = Path(__file__).with_name("gazetteer.tsv")
_NAME_COLUMNS = ("vi", "en", "zh", "fr", "other")


@dataclass(frozen=True)
class Place:
    """One place and all its names, the Vietnamese one first."""

    id: str
    type: str
    names: tuple[str, ...]

    @property
    def label(self) -> str:
        """The name to show (the first Vietnamese one)."""
        return self.names[0]


@lru_cache(maxsize=4096)  # every name of a place expanded, at every query that names it
def name_tokens(text: str) -> tuple[str, ...]:
    """A name or typed words as query tokens: lowercase NFC words, CJK bigrams.

    >>> name_tokens("Quần đảo Hoàng Sa"), name_tokens("友谊关")
    (('quần', 'đảo', 'hoàng', 'sa'), ('友谊', '谊关'))
    """
    return tuple(t.text for t in _ANALYZER(text, mode="query"))


_ANALYZER = exact_analyzer()


def _same(typed: str, name: str, toned: bool) -> bool:
    """A typed token matches a name token exactly, or folded when typed without any tones."""
    return typed == name or (not toned and fold(name) == typed)


@dataclass
class Gazetteer:
    """Places, looked up by the folded first token of each of their names."""

    places: list[Place]
    _by_first: dict[str, list[tuple[tuple[str, ...], Place]]] = field(default_factory=dict)
    _by_label: dict[str, Place] = field(default_factory=dict)
    _names: list[tuple[Place, str, tuple[str, ...]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for place in self.places:
            for name in place.names:
                tokens = name_tokens(name)
                self._names.append((place, name, tokens))
                if tokens:
                    self._by_first.setdefault(fold(tokens[0]), []).append((tokens, place))
                self._by_label.setdefault(normalize_label(name), place)
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))  # longest name first

    @cached_property  # asked for at every word of every query: the names do not change
    def longest(self) -> int:
        """The most tokens any name has."""
        return max((len(t) for entries in self._by_first.values() for t, _ in entries), default=0)

    def match(self, tokens: list[str] | tuple[str, ...]) -> Place | None:
        """The place whose name is exactly these tokens, if any (longest names tried first)."""
        # Tones typed anywhere mean the words are spelt as meant: "Văn Lang" ≠ "Văn Lãng".
        toned = any(fold(t) != t for t in tokens)
        for name, place in self._by_first.get(fold(tokens[0]) if tokens else "", ()):
            if len(name) == len(tokens) and all(_same(t, n, toned) for t, n in zip(tokens, name)):
                return place
        return None

    def completions(self, words: list[str] | tuple[str, ...]) -> list[tuple[Place, str]]:
        """(place, name) for names that begin with these typed tokens, the last one a prefix.

        The whole words follow `match`'s rule on tones; the last, still being typed, may be
        typed without its tones ("lạng so" → "Lạng Sơn"). In the gazetteer's order.

        >>> [name for _, name in default_gazetteer().completions(["lang", "s"])]
        ['Lạng Sơn', 'Lang Son', 'Lang Son Province', 'Lang Son City']
        >>> default_gazetteer().completions(["làng", "s"])
        []
        """
        if not words:
            return []
        whole, last = tuple(words[:-1]), words[-1]
        toned = any(fold(t) != t for t in whole)
        out: list[tuple[Place, str]] = []
        for place, name, tokens in self._names:
            if len(tokens) < len(words):
                continue
            head, next_token = tokens[:len(whole)], tokens[len(whole)]
            if all(_same(t, n, toned) for t, n in zip(whole, head)) and \
                    _begins(next_token, last):
                out.append((place, name))
        return out

    def by_label(self, label: str) -> Place | None:
        """The place one of whose names normalizes to this label (for the places filter)."""
        return self._by_label.get(normalize_label(label))

    def variants(self, place: Place, literal: tuple[str, ...]) -> list[str]:
        """The place's other names, minus the literal and names containing a shorter one."""
        typed = tuple(map(fold, literal))
        chosen: list[tuple[tuple[str, ...], str]] = []
        for name in sorted(place.names, key=lambda n: len(name_tokens(n))):
            key = tuple(map(fold, name_tokens(name)))
            # A longer name holding the typed words or a chosen name is found by them anyway.
            if not key or any(_contains(key, k) for k in (typed, *(k for k, _ in chosen))):
                continue
            chosen.append((key, name))
        return [name for _, name in chosen]


def _begins(token: str, typed: str) -> bool:
    """A name token begins with what is typed of it: exactly, or folded if typed toneless."""
    return token.startswith(typed) or (fold(typed) == typed and fold(token).startswith(typed))


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Whether `shorter` occurs as a contiguous run inside `longer`."""
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def load_gazetteer(path: Path = GAZETTEER_PATH) -> Gazetteer:
    """Read the TSV (comment lines start with "#")."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        places = []
        for row in rows:
            names = [n.strip() for col in _NAME_COLUMNS for n in (row.get(col) or "").split(";")]
            unique = list(dict.fromkeys(n for n in names if n))
            places.append(Place(row["id"], row["type"], tuple(unique)))
    return Gazetteer(places)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer shipped with the package, read once per process."""
    return load_gazetteer()
